/* Environment-variable expansion in profile paths ($VAR, ${VAR}). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Expands $NAME and ${NAME} from the process environment ($$ is a literal
 * '$'). An unset variable is an error naming it; "~/" is left alone because
 * it belongs to Flatpak's filesystem vocabulary and is resolved later. */
char *fp_expand_variables (const char *value,
                           GError    **error);

/* Resolves a leading "~/" (or a lone "~") against the home directory. */
char *fp_expand_home (const char *path);

/* TRUE when a path has a ".." element: such a path could reach beyond
 * what the user meant to grant, so grants refuse it. */
gboolean fp_path_has_dotdot (const char *path);

/* TRUE when absolute `path` is `dir` or below it, element by element
 * (/home/a is not below /home/ab). */
gboolean fp_path_is_under (const char *path,
                           const char *dir);

/* Text that ends up in .flatpak-info or on a command line: valid UTF-8
 * and no control character (a newline could start a keyfile line). The
 * error names `what` and the value. */
gboolean fp_text_check (const char *what,
                        const char *value,
                        GError    **error);

G_END_DECLS
