/* "Did you mean …?": the valid word nearest to a mistyped one, for the
 * errors a newcomer meets (unknown command, option or value). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The candidate nearest to `word` by edit distance, or NULL when none is
 * near enough to be a likely typo (or a prefix of it, as `--sha` is of
 * `--share`). Points into `candidates`. */
const char *fp_suggest_nearest (const char        *word,
                                const char *const *candidates);

/* "; did you mean \"X\"?" for the nearest candidate, or "" when none. */
char *fp_suggest_text (const char        *word,
                       const char *const *candidates);

G_END_DECLS
