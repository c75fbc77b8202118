#!/usr/bin/python3
# Portal client for end-to-end tests; runs INSIDE a sandbox on whatever
# session bus DBUS_SESSION_BUS_ADDRESS names (the raw bus or a proxy).
#
#   portal-client.py open [--title T] [--timeout S]
#       FileChooser.OpenFile; prints the local path of each returned URI.
#   portal-client.py save [--title T] [--name NAME] [--write TEXT] [--timeout S]
#       FileChooser.SaveFile; prints the path; with --write, writes TEXT there.
#   portal-client.py documents-add PATH [--write]
#       Documents.Add(fd, reuse_existing=True, persistent=True); prints doc id.
#   portal-client.py list-names     prints the bus's ListNames, one per line
#   portal-client.py call NAME      exit 0 if NAME answers Peer.Ping, else 1
#   portal-client.py own NAME       exit 0 if RequestName makes us the owner
#
# Exit status: 0 ok, 1 portal said no / call failed, 2 timeout or usage.
# Run with /usr/bin/python3 (needs python3-gi).

import argparse
import os
import secrets
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

PORTAL = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
DOCS = "org.freedesktop.portal.Documents"
DOCS_PATH = "/org/freedesktop/portal/documents"
RESPONSES = {1: "cancelled by the user", 2: "ended another way (error)"}


def die(msg, code=1):
    sys.stderr.write(f"portal-client: {msg}\n")
    sys.exit(code)


def bus():
    try:
        return Gio.bus_get_sync(Gio.BusType.SESSION, None)
    except GLib.Error as e:
        die(f"cannot connect to the session bus: {e.message}")


def bus_call(conn, dest, path, iface, method, params, reply=None, timeout_ms=20000):
    return conn.call_sync(dest, path, iface, method, params,
                          GLib.VariantType(reply) if reply else None,
                          Gio.DBusCallFlags.NONE, timeout_ms, None)


def file_chooser(args, method):
    conn = bus()
    token = "fauxpak_" + secrets.token_hex(8)
    # The portal creates the Request object at a path derived from our unique
    # name and the token; subscribe first so a fast Response cannot be missed.
    sender = conn.get_unique_name()[1:].replace(".", "_")
    request_path = f"{PORTAL_PATH}/request/{sender}/{token}"
    loop = GLib.MainLoop()
    result = {}

    def on_response(_conn, _sender, _path, _iface, _signal, params):
        result["response"], result["results"] = params.unpack()
        loop.quit()

    conn.signal_subscribe(PORTAL, "org.freedesktop.portal.Request", "Response",
                          request_path, None, Gio.DBusSignalFlags.NONE, on_response)

    options = {"handle_token": GLib.Variant("s", token)}
    if method == "SaveFile" and args.name:
        options["current_name"] = GLib.Variant("s", args.name)
    try:
        handle = bus_call(conn, PORTAL, PORTAL_PATH, "org.freedesktop.portal.FileChooser",
                          method, GLib.Variant("(ssa{sv})", ("", args.title, options)),
                          "(o)").unpack()[0]
    except GLib.Error as e:
        die(f"{method} call failed: {e.message}")
    if handle != request_path:
        # Only a pre-0.9 portal would do this; we would be listening on the wrong path.
        die(f"unexpected request handle {handle} (expected {request_path})")

    def on_timeout():
        result["timeout"] = True
        loop.quit()
        return False

    GLib.timeout_add_seconds(args.timeout, on_timeout)
    loop.run()
    if result.get("timeout"):
        die(f"no Response for {method} within {args.timeout} s", 2)
    response = result["response"]
    if response != 0:
        die(f"{method} response {response}: {RESPONSES.get(response, 'unknown')}")
    uris = result["results"].get("uris", [])
    if not uris:
        die(f"{method} succeeded but returned no URIs")
    paths = []
    for uri in uris:
        path = Gio.File.new_for_uri(uri).get_path()
        if path is None:
            die(f"returned URI is not a local file: {uri}")
        paths.append(path)
    if method == "SaveFile" and args.write is not None:
        with open(paths[0], "w", encoding="utf-8") as f:
            f.write(args.write)
    for path in paths:
        print(path)


def documents_add(args):
    conn = bus()
    flags = os.O_RDWR if args.write else os.O_RDONLY
    try:
        fd = os.open(args.path, flags | os.O_CLOEXEC)
    except OSError as e:
        die(f"cannot open {args.path}: {e.strerror}")
    fds = Gio.UnixFDList.new()
    index = fds.append(fd)       # dups fd; the message carries index 0
    os.close(fd)
    try:
        reply, _ = conn.call_with_unix_fd_list_sync(
            DOCS, DOCS_PATH, DOCS, "Add",
            GLib.Variant("(hbb)", (index, True, True)), GLib.VariantType("(s)"),
            Gio.DBusCallFlags.NONE, 20000, fds, None)
    except GLib.Error as e:
        die(f"Documents.Add failed: {e.message}")
    print(reply.unpack()[0])


def list_names(_args):
    conn = bus()
    names = bus_call(conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                     "org.freedesktop.DBus", "ListNames", None, "(as)").unpack()[0]
    for name in sorted(names):
        print(name)


def call(args):
    conn = bus()
    try:
        bus_call(conn, args.name, "/", "org.freedesktop.DBus.Peer", "Ping", None,
                 timeout_ms=5000)
    except GLib.Error as e:
        die(f"cannot reach {args.name}: {e.message}")


def own(args):
    conn = bus()
    DO_NOT_QUEUE, PRIMARY_OWNER = 4, 1
    try:
        ret = bus_call(conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                       "org.freedesktop.DBus", "RequestName",
                       GLib.Variant("(su)", (args.name, DO_NOT_QUEUE)), "(u)").unpack()[0]
    except GLib.Error as e:
        die(f"RequestName {args.name} failed: {e.message}")
    if ret != PRIMARY_OWNER:
        die(f"RequestName {args.name}: not the owner (reply {ret})")


def main():
    p = argparse.ArgumentParser(description="portal client for fauxpak tests")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, method in (("open", "OpenFile"), ("save", "SaveFile")):
        s = sub.add_parser(name)
        s.add_argument("--title", default=f"fauxpak test {name}")
        s.add_argument("--timeout", type=int, default=20)
        if name == "save":
            s.add_argument("--name", help="suggested file name (current_name)")
            s.add_argument("--write", metavar="TEXT", help="write TEXT to the returned path")
        s.set_defaults(func=lambda a, m=method: file_chooser(a, m))
    s = sub.add_parser("documents-add")
    s.add_argument("path")
    s.add_argument("--write", action="store_true", help="open the fd read-write")
    s.set_defaults(func=documents_add)
    sub.add_parser("list-names").set_defaults(func=list_names)
    for name, func in (("call", call), ("own", own)):
        s = sub.add_parser(name)
        s.add_argument("name")
        s.set_defaults(func=func)
    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
