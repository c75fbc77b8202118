/* The sandbox's seccomp programs, made at build time from
 * fp-seccomp-rules.c by fauxpak-seccomp-gen: one for each set of the
 * features that change the filter, indexed by that set. */
#pragma once

#include <glib.h>
#include "fp-seccomp-rules.h"

G_BEGIN_DECLS

typedef struct {
  const guint8 *data;
  gsize         size;
} FpSeccompProgram;

extern const FpSeccompProgram fp_seccomp_programs[FP_SECCOMP_FEATURES + 1];

G_END_DECLS
