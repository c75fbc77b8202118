/* The seccomp filter and the other bubblewrap options that keep an app
 * from rearranging its own sandbox.
 *
 * The portals trust /.flatpak-info as seen through /proc/PID/root. An app
 * that could make a new mount namespace (directly, or through a new user
 * namespace) could mount a forged file there and speak to the portals as
 * another app; the filter closes that, and a few other kernel interfaces
 * Flatpak closes too. */
#pragma once

#include <glib.h>
#include "fp-bwrap.h"
#include "fp-context.h"

G_BEGIN_DECLS

/* Returns a sealed memfd holding the classic BPF program for `context`
 * (its devel, multiarch, bluetooth and canbus features loosen it; the
 * rules are fp-seccomp-rules.c's, compiled at build time), positioned at
 * its start, for bwrap --seccomp.
 * The caller owns the fd. Returns -1 with `error` set on any failure:
 * there is no such thing as a sandbox without its filter. */
int fp_seccomp_create_filter_fd (const FpContext *context,
                                 GError         **error);

/* Adds `--seccomp FD`, the fd handed to `bwrap`. (Capabilities and
 * --disable-userns are namespace settings: fp-sandbox.c, add_namespaces.) */
gboolean fp_seccomp_add_bwrap_args (FpBwrap         *bwrap,
                                    const FpContext *context,
                                    GError         **error);

G_END_DECLS
