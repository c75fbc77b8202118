/* The fauxpak commands besides run and info, one file each
 * (fp-cmd-NAME.c). Each takes the arguments after `fauxpak`, argv[0]
 * being the command's own name, and returns the exit status. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

int fp_cmd_ps (int argc, char **argv);
int fp_cmd_kill (int argc, char **argv);
int fp_cmd_enter (int argc, char **argv);
int fp_cmd_override (int argc, char **argv);
int fp_cmd_permissions (int argc, char **argv);
int fp_cmd_documents (int argc, char **argv);
int fp_cmd_document_export (int argc, char **argv);
int fp_cmd_document_unexport (int argc, char **argv);
int fp_cmd_presets (int argc, char **argv);
int fp_cmd_complete (int argc, char **argv);

/* Prints "fauxpak: MESSAGE" on stderr and returns 125, the status of
 * everything fauxpak refused or failed to do. */
G_GNUC_PRINTF (1, 2) int fp_cmd_refuse (const char *format, ...);

/* Parses a command's options (GOption `entries`, NULL-terminated) and
 * leaves its other arguments in argv; an unknown option is refused with
 * the nearest valid one. FALSE with `error` set on a bad command line. */
gboolean fp_cmd_parse (const char         *parameter_string,
                       const char         *summary,
                       const GOptionEntry *entries,
                       int                *argc,
                       char             ***argv,
                       GError            **error);

/* "Unknown option --sha" with "; did you mean "--share"?" added when an
 * option of `names` (without dashes) is near. */
void fp_cmd_suggest_option (GError             **error,
                            const char *const   *names);

/* The running instances `what` names: an instance id, or every instance
 * of an app id. An error when none runs, saying what does. */
GPtrArray *fp_cmd_find_instances (const char *what,
                                  GError    **error);

/* The session bus, or an error saying there is none. */
GDBusConnection *fp_cmd_session_bus (GError **error);

/* A member NAME of the object being built: the string, or null. */
void fp_cmd_json_add_string (JsonBuilder *builder,
                             const char  *name,
                             const char  *value);

/* Prints what `builder` built, pretty, and a newline (--json output). */
void fp_cmd_print_json (JsonBuilder *builder);

G_END_DECLS
