/* The rules of the sandbox's seccomp filter, made into classic BPF by
 * libseccomp. Not part of fauxpak itself: fauxpak-seccomp-gen runs this
 * at build time for every combination of the features that change the
 * filter, and fauxpak hands bwrap the program it made
 * (fp-seccomp-programs.h). Compiling the rules at every launch cost it
 * 0.14 ms and libseccomp's loading (0.07 ms, 120 KiB of its peak RSS);
 * the unit test test-seccomp-programs checks that what is built in is
 * what libseccomp makes of the rules now. */
#pragma once

#include <glib.h>
#include "fp-context.h"

G_BEGIN_DECLS

/* The features the filter depends on; together the low bits of
 * FpFeatures, so that a set of them is an index. */
#define FP_SECCOMP_FEATURES (FP_FEATURE_DEVEL | FP_FEATURE_MULTIARCH | FP_FEATURE_BLUETOOTH | FP_FEATURE_CANBUS)
G_STATIC_ASSERT (FP_SECCOMP_FEATURES == 0xF);

/* The program for `features` (any of FP_SECCOMP_FEATURES: devel and
 * multiarch loosen it, bluetooth and canbus allow their socket families),
 * as bwrap --seccomp reads it. NULL with `error` set when libseccomp
 * fails. */
GBytes *fp_seccomp_rules_export (FpFeatures features,
                                 GError   **error);

G_END_DECLS
