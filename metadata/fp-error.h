/* fauxpak error domain: every fallible call reports through GError. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FP_ERROR (fp_error_quark ())

typedef enum {
  FP_ERROR_INVALID_PROFILE,   /* profile file is not what the format asks */
  FP_ERROR_INVALID_ARGUMENT,  /* a command line option or value is wrong */
  FP_ERROR_INVALID_APP_ID,
  FP_ERROR_UNSET_VARIABLE,    /* a path names an environment variable that is not set */
  FP_ERROR_MISSING_SOURCE,    /* a required bind source does not exist */
  FP_ERROR_SANDBOX_SETUP,     /* a part of the sandbox could not be built */
  FP_ERROR_NOT_FOUND,
} FpError;

GQuark fp_error_quark (void);

G_END_DECLS
