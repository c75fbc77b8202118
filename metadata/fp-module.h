/* Libraries only some commands need, loaded when first used rather than
 * linked: a launch that needs none of them does not pay for loading them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *name;
  gpointer   *function;   /* where its address goes */
} FpModuleSymbol;

/* Loads the library at `path` (its full path, found at build time: no
 * search a caller's environment could redirect) for the rest of the
 * process, and fills in every symbol. Once loaded, later calls return at
 * once. FALSE with `error` (FP_ERROR, `code`) saying `what` needs it and
 * why it could not be loaded. */
gboolean fp_module_load (const char           *path,
                         const FpModuleSymbol *symbols,
                         gsize                 n_symbols,
                         gboolean             *loaded,
                         int                   code,
                         const char           *what,
                         GError              **error);

G_END_DECLS
