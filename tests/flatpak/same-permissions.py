#!/usr/bin/python3
"""same-permissions.py A B: exit 0 when two keyfiles (a .flatpak-info, the
output of `flatpak info --show-permissions` or `fauxpak info`) grant the
same: [Context] (each key's values as a set, an empty one as none),
[Session Bus Policy], [System Bus Policy] and [Environment]. Comments and
other groups are ignored. On a difference, prints both sides."""
import sys

from gi.repository import GLib

GROUPS = ("Context", "Session Bus Policy", "System Bus Policy", "Environment")


def permissions(path):
    keyfile = GLib.KeyFile()
    with open(path, encoding="utf-8") as f:
        data = f.read()
    # A probe's own output may follow the keyfile after a [Probe] group.
    keyfile.load_from_data(data, len(data.encode()), GLib.KeyFileFlags.NONE)
    result = {}
    for group in GROUPS:
        if not keyfile.has_group(group):
            continue
        for key in keyfile.get_keys(group)[0]:
            value = keyfile.get_value(group, key)
            if group == "Context":
                value = frozenset(v for v in value.split(";") if v)
                # Flatpak writes "filesystems=" when every one is revoked.
                if not value:
                    continue
            result[(group, key)] = value
    return result


a, b = permissions(sys.argv[1]), permissions(sys.argv[2])
if a == b:
    sys.exit(0)
for entry in sorted(set(a) | set(b)):
    if a.get(entry) != b.get(entry):
        print("# [%s] %s: %s has %s, %s has %s" % (entry[0], entry[1], sys.argv[1], a.get(entry),
                                                  sys.argv[2], b.get(entry)))
sys.exit(1)
