/* The permission options' names, help and value syntax, in one place. */
#include "fp-cmd-options.h"

#include <gio/gio.h>

static const FpPermissionOption permission_options[] = {
  { "share", "Share with the host: network or ipc", "WHAT" },
  { "unshare", "Unshare with the host: network or ipc", "WHAT" },
  { "socket", "Expose a socket: x11, wayland, fallback-x11, pulseaudio, pipewire, session-bus, system-bus, ssh-auth, pcsc, cups, gpg-agent, inherit-wayland-socket", "SOCKET" },
  { "nosocket", "Do not expose a socket", "SOCKET" },
  { "device", "Expose a device: dri, all, kvm, shm, input, usb", "DEVICE" },
  { "nodevice", "Do not expose a device", "DEVICE" },
  { "allow", "Allow a feature: devel, multiarch, bluetooth, canbus, per-app-dev-shm", "FEATURE" },
  { "disallow", "Do not allow a feature", "FEATURE" },
  { "filesystem", "Expose a path (absolute, ~/dir, home, host, host-os, host-etc, xdg-download, xdg-run/…), optionally :ro, :rw or :create", "FILESYSTEM[:ro|:rw|:create]" },
  { "nofilesystem", "Do not expose a filesystem entry", "FILESYSTEM" },
  { "persist", "Keep ~/DIR in ~/.var/app/APP-ID/DIR", "DIR" },
  { "env", "Set an environment variable", "VAR=VALUE" },
  { "unset-env", "Remove an environment variable", "VAR" },
  { "talk-name", "Allow talking to a name on the session bus", "NAME" },
  { "no-talk-name", "Forbid talking to a name on the session bus", "NAME" },
  { "own-name", "Allow owning a name on the session bus", "NAME" },
  { "see-name", "Allow seeing a name on the session bus", "NAME" },
  { "system-talk-name", "Allow talking to a name on the system bus", "NAME" },
  { "system-no-talk-name", "Forbid talking to a name on the system bus", "NAME" },
  { "system-own-name", "Allow owning a name on the system bus", "NAME" },
  { "system-see-name", "Allow seeing a name on the system bus", "NAME" },
  { "bind", "Bind a host path read-write, at DEST if given", "SRC[:DEST]" },
  { "ro-bind", "Bind a host path read-only, at DEST if given", "SRC[:DEST]" },
  { "dev-bind", "Bind a host path with device access, at DEST if given", "SRC[:DEST]" },
  { "tmpfs", "Mount an empty tmpfs at DEST", "DEST" },
  { NULL, NULL, NULL }
};

const FpPermissionOption *
fp_cmd_permission_options (void)
{
  return permission_options;
}

void
fp_cmd_add_permission_entries (GArray *entries, GOptionArgFunc callback)
{
  for (gsize i = 0; permission_options[i].name != NULL; i++)
    {
      GOptionEntry entry = { permission_options[i].name, 0, 0, G_OPTION_ARG_CALLBACK,
                             callback, permission_options[i].description,
                             permission_options[i].arg };
      g_array_append_val (entries, entry);
    }
}
