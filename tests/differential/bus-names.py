#!/usr/bin/python3
"""Owns each bus name given on the command line on the session bus (one
connection per name, so each has its own owner), writes "ready" to the file
argv[1] once all are owned, and serves until killed. GDBus answers
org.freedesktop.DBus.Peer.Ping on every connection: that is what the probe
calls to learn whether it may talk to a name."""
import sys

from gi.repository import Gio, GLib

connections = []
for name in sys.argv[2:]:
    bus = Gio.DBusConnection.new_for_address_sync(
        Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None),
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)
    reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "RequestName", GLib.Variant("(su)", (name, 4)), GLib.VariantType("(u)"),
                          Gio.DBusCallFlags.NONE, 5000, None)
    if reply.unpack()[0] != 1:
        sys.exit(f"bus-names.py: could not own {name}")
    connections.append(bus)
with open(sys.argv[1], "w") as f:
    f.write("ready\n")
GLib.MainLoop().run()
