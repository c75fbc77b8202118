#include "fp-module.h"
#include "fp-error.h"

#include <gmodule.h>

gboolean
fp_module_load (const char           *path,
                const FpModuleSymbol *symbols,
                gsize                 n_symbols,
                gboolean             *loaded,
                int                   code,
                const char           *what,
                GError              **error)
{
  GModule *module;

  if (*loaded)
    return TRUE;
  module = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, FP_ERROR, code, "%s: %s", what, g_module_error ());
      return FALSE;
    }
  for (gsize i = 0; i < n_symbols; i++)
    if (!g_module_symbol (module, symbols[i].name, symbols[i].function) || *symbols[i].function == NULL)
      {
        g_set_error (error, FP_ERROR, code, "%s: %s", what, g_module_error ());
        g_module_close (module);
        return FALSE;
      }
  /* What it hands out stays valid for the process. */
  g_module_make_resident (module);
  *loaded = TRUE;
  return TRUE;
}
