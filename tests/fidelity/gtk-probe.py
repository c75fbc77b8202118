#!/usr/bin/python3
"""A real GTK 3 app for the fidelity tests, run inside the sandbox.

    gtk-probe.py window       opens a window; prints "mapped" once the X
                              server has mapped it, then quits
    gtk-probe.py dark-theme   prints GTK's gtk-application-prefer-dark-theme
    gtk-probe.py download     prints GLib's user special dir DOWNLOAD
    gtk-probe.py a11y         asks the AT-SPI registry, through the bus the
                              sandbox was given, which events it knows;
                              prints "registry answered", or the error
Exits 1 (with the reason on stderr) when it cannot do its part."""
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gio, GLib  # noqa: E402


def window():
    from gi.repository import Gtk
    if not Gtk.init_check(sys.argv)[0]:
        sys.exit("cannot open the display")
    win = Gtk.Window(title="fauxpak fidelity")
    win.set_default_size(120, 80)

    def mapped(*_):
        print("mapped", flush=True)
        Gtk.main_quit()
    win.connect("map-event", mapped)
    win.show_all()
    GLib.timeout_add_seconds(20, lambda: sys.exit("the window was never mapped"))
    Gtk.main()


def dark_theme():
    from gi.repository import Gtk
    if not Gtk.init_check(sys.argv)[0]:
        sys.exit("cannot open the display")
    print(Gtk.Settings.get_default().props.gtk_application_prefer_dark_theme)


def download():
    print(GLib.get_user_special_dir(GLib.UserDirectory.DIRECTORY_DOWNLOAD))


def a11y():
    import os
    address = os.environ.get("AT_SPI_BUS_ADDRESS")
    if not address:
        sys.exit("AT_SPI_BUS_ADDRESS is not set")
    bus = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)
    try:
        bus.call_sync("org.a11y.atspi.Registry", "/org/a11y/atspi/registry", "org.a11y.atspi.Registry",
                      "GetRegisteredEvents", None, None, Gio.DBusCallFlags.NONE, 10000, None)
    except GLib.Error as e:
        sys.exit(f"the registry did not answer: {e.message}")
    print("registry answered")
    # What Flatpak's filter does not allow: another method of the registry.
    try:
        bus.call_sync("org.a11y.atspi.Registry", "/org/a11y/atspi/registry", "org.freedesktop.DBus.Introspectable",
                      "Introspect", None, None, Gio.DBusCallFlags.NONE, 10000, None)
        print("introspection allowed")
    except GLib.Error:
        print("introspection denied")


{"window": window, "dark-theme": dark_theme, "download": download, "a11y": a11y}[sys.argv[1]]()
