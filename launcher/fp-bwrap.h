/* A bubblewrap command line being built, with the fds it hands over. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GPtrArray *argv;    /* char*, NULL-terminated once finished */
  GArray    *fds;     /* int fds owned here, passed through exec */
  GPtrArray *envp;    /* char* "NAME=value": the app's environment */
  gboolean   scratch; /* never run: data gets no memfd (fp_bwrap_new_scratch) */
} FpBwrap;

FpBwrap *fp_bwrap_new (const char *bwrap_path);
/* A command line built only to be looked at and thrown away (a dry view
 * of the sandbox): fp_bwrap_add_data names fd -1 and makes no memfd. */
FpBwrap *fp_bwrap_new_scratch (void);
void     fp_bwrap_free (FpBwrap *bwrap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpBwrap, fp_bwrap_free)

void fp_bwrap_add_arg (FpBwrap *bwrap, const char *arg);
G_GNUC_NULL_TERMINATED
void fp_bwrap_add_args (FpBwrap *bwrap, ...);
void fp_bwrap_add_argsv (FpBwrap *bwrap, const char *const *args);

/* Takes ownership of `fd`; it stays open across exec and is closed with
 * the builder otherwise. Returns the fd number for use in arguments. */
int fp_bwrap_take_fd (FpBwrap *bwrap, int fd);

/* `option FD dest` with FD a sealed memfd holding `data`, for
 * --ro-bind-data and --file: the sandbox gets a copy nobody can change. */
gboolean fp_bwrap_add_data (FpBwrap    *bwrap,
                            const char *option,
                            const char *name,
                            GBytes     *data,
                            const char *dest,
                            GError    **error);

/* The app's environment, kept here while the sandbox is built. */
void fp_bwrap_set_env (FpBwrap *bwrap, const char *name, const char *value);
void fp_bwrap_unset_env (FpBwrap *bwrap, const char *name);

/* Adds --setenv/--unsetenv for how the app's environment differs from
 * ours. bwrap itself runs in our environment: a profile's LD_PRELOAD or
 * LD_LIBRARY_PATH is the app's, not the host bwrap's, and the command line
 * shows the whole launch. */
void fp_bwrap_add_env_args (FpBwrap *bwrap);

/* What a handed-over fd (a memfd or file) holds, read from its start. */
GBytes *fp_bwrap_read_fd (int fd, GError **error);

/* Writes what each handed-over fd holds to DIR/<fd>, so that a printed
 * command line can be replayed by hand (`N<DIR/N`) exactly. */
gboolean fp_bwrap_save_fds (FpBwrap    *bwrap,
                            const char *dir,
                            GError    **error);

/* Replaces this process with bwrap. Returns only on failure. */
gboolean fp_bwrap_exec (FpBwrap *bwrap,
                        GError **error);

G_END_DECLS
