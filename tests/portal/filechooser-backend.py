#!/usr/bin/python3
# Scripted org.freedesktop.impl.portal.FileChooser backend for end-to-end tests.
#
# xdg-desktop-portal forwards FileChooser calls to the backend named in
# test.portal; this backend answers them without any UI, returning the URIs
# it was told to return and logging "<method> <app_id>" so a test can assert
# which app id the portal derived from the caller's /.flatpak-info.
#
# Usage (run with /usr/bin/python3; needs python3-gi):
#   filechooser-backend.py [--open-uri URI]... [--save-uri URI]...
#                          [--script-dir DIR] [--response N]
#                          [--log PATH] [--ready-file PATH]
#
# --script-dir DIR: if DIR/open-uris, DIR/save-uris or DIR/response exist,
#   they are re-read on every call (one URI per line) and override the
#   command line, so a test can re-script a running backend.
# Readiness: once the bus name is owned, "READY" is printed on stdout and
#   --ready-file (if given) is created.

import argparse
import os
import signal
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.freedesktop.impl.portal.Test"
OBJECT_PATH = "/org/freedesktop/portal/desktop"

INTROSPECTION = """
<node>
  <interface name="org.freedesktop.impl.portal.FileChooser">
    <method name="OpenFile">
      <arg type="o" name="handle" direction="in"/>
      <arg type="s" name="app_id" direction="in"/>
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="s" name="title" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="u" name="response" direction="out"/>
      <arg type="a{sv}" name="results" direction="out"/>
    </method>
    <method name="SaveFile">
      <arg type="o" name="handle" direction="in"/>
      <arg type="s" name="app_id" direction="in"/>
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="s" name="title" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="u" name="response" direction="out"/>
      <arg type="a{sv}" name="results" direction="out"/>
    </method>
  </interface>
</node>
"""

# Newer FileChooser interfaces also have SaveFiles; tests only need these two.
METHOD_KIND = {"OpenFile": "open", "SaveFile": "save"}


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return None


class Backend:
    def __init__(self, args):
        self.args = args

    def scripted(self, kind):
        """Return (response, uris) for kind 'open' or 'save'."""
        uris = self.args.open_uri if kind == "open" else self.args.save_uri
        response = self.args.response
        if self.args.script_dir:
            from_file = read_lines(os.path.join(self.args.script_dir, kind + "-uris"))
            if from_file is not None:
                uris = from_file
            resp = read_lines(os.path.join(self.args.script_dir, "response"))
            if resp:
                response = int(resp[0])
        # No URI scripted means "the user cancelled" (response 1) rather than
        # a success with an empty list, which the portal would pass through.
        if not uris and response == 0:
            response = 1
        return response, uris

    def log(self, method, app_id):
        if not self.args.log:
            return
        # One short write with O_APPEND: lines from calls never interleave.
        with open(self.args.log, "a", encoding="utf-8") as f:
            f.write(f"{method} {app_id}\n")

    def on_call(self, conn, sender, path, iface, method, params, invocation):
        if method not in METHOD_KIND:
            invocation.return_dbus_error(
                "org.freedesktop.DBus.Error.UnknownMethod", f"No method {method}")
            return
        handle, app_id, parent_window, title, options = params.unpack()
        self.log(method, app_id)
        response, uris = self.scripted(METHOD_KIND[method])
        results = {}
        if response == 0:
            results["uris"] = GLib.Variant("as", uris)
        sys.stderr.write(f"backend: {method} app_id={app_id!r} title={title!r} "
                         f"-> {response} {uris}\n")
        invocation.return_value(GLib.Variant("(ua{sv})", (response, results)))


def main():
    p = argparse.ArgumentParser(description="Scripted FileChooser portal backend")
    p.add_argument("--open-uri", action="append", default=[],
                   help="URI returned by OpenFile (repeatable)")
    p.add_argument("--save-uri", action="append", default=[],
                   help="URI returned by SaveFile (repeatable)")
    p.add_argument("--script-dir", help="directory with open-uris/save-uris/response overrides")
    p.add_argument("--response", type=int, default=0,
                   help="response code: 0 success, 1 cancelled, 2 other")
    p.add_argument("--log", help="append '<method> <app_id>' per call here")
    p.add_argument("--ready-file", help="create this file once the name is owned")
    args = p.parse_args()

    backend = Backend(args)
    loop = GLib.MainLoop()
    conn = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    node = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
    conn.register_object(OBJECT_PATH, node.interfaces[0], backend.on_call, None, None)

    def acquired(_conn, _name):
        if args.ready_file:
            with open(args.ready_file, "w") as f:
                f.write(f"{os.getpid()}\n")
        print("READY", flush=True)

    def lost(_conn, name):
        sys.stderr.write(f"backend: could not own or lost {name}\n")
        loop.quit()
        sys.exit(1)

    Gio.bus_own_name_on_connection(conn, BUS_NAME, Gio.BusNameOwnerFlags.DO_NOT_QUEUE,
                                   acquired, lost)
    # Exit cleanly on SIGTERM/SIGINT so portal_env_stop's kill is quiet.
    def on_signal(*_):
        loop.quit()
        return GLib.SOURCE_REMOVE

    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, on_signal)
    loop.run()


if __name__ == "__main__":
    main()
