#!/usr/bin/python3
"""Compares two probe reports (tests/differential/probe.c): the real flatpak's
and fauxpak's, for the same permission options.

    compare.py --app-id=ID [--allow=SECTION:KEY-PATTERN:REASON]… FLATPAK-REPORT FAUXPAK-REPORT

--allow lets one case differ where the test set-up itself differs (its
reason is printed, so it shows in the TAP log).

Prints each difference and exits 1 when there is one. What must differ is
normalised first; each rule says why. The rules that are deliberate
differences of fauxpak are the table "Differences from Flatpak" in README.md:
keep the two in step."""
import argparse
import re
import sys

# (section, key pattern): not compared at all.
IGNORED = [
    # The runtime itself: Flatpak's is at /usr with the app at /app and
    # sets these for that layout; fauxpak's runtime is the host's (or a Nix
    # closure) and keeps the host's values.
    ("env", r"PATH|LD_LIBRARY_PATH|XDG_DATA_DIRS|XDG_CONFIG_DIRS"),
    # Which runtime and which install: ids, paths and commits of a real
    # Flatpak install that fauxpak has no equivalent of.
    ("info", r"Application/runtime"),
    ("info", r"Instance/(instance-id|instance-path|app-path|app-commit|runtime-path|runtime-commit"
             r"|branch|flatpak-version|app-extensions|runtime-extensions)"),
    # fauxpak shares the host's OS read-only under /run/host even when the
    # grant (host, host-os, host-etc) is read-write: a writable host /usr or
    # /etc only matters to root, whom fauxpak also runs (README).
    ("path-mode", r"/run/host/.*"),
    # Issue 7 (in progress elsewhere): ~/.var/app of other apps under a
    # home or host grant. Remove with that fix.
    ("path", r".*/\.var/app(/org\.example\.Other)?"),
    ("path-mode", r".*/\.var/app(/org\.example\.Other)?"),
    # fauxpak says it is fauxpak (deliberate: a reader of `flatpak ps` or of
    # the keyfile can tell).
    ("info", r"Instance/fauxpak-version"),
    # Unique names (":1.42") are never compared: the probe leaves them out.
]

# (section, key pattern): compared only when fauxpak has the variable.
# fauxpak unsets what names a host socket or file the sandbox was not
# given; Flatpak passes the host's value through, pointing nowhere.
FAUXPAK_UNSETS = [
    ("env", r"WAYLAND_DISPLAY|SSH_AUTH_SOCK|XAUTHORITY"),
]


def normalise_key(section, key):
    """Instance ids in runtime-dir paths differ in every run."""
    if section == "rundir":
        key = re.sub(r"^\.flatpak/[0-9]+", ".flatpak/INSTANCE", key)
    return key


# (section, key pattern, fauxpak's value): fauxpak keeps this value where
# Flatpak lets the options change it. container=flatpak is what tells
# programs they are in a Flatpak; --env=container=… does not change it.
FAUXPAK_KEEPS = [
    ("env", r"container", "flatpak"),
]


def normalise_value(section, key, value):
    """[Context] and extra-args lists: Flatpak writes them in hash order."""
    if section == "info" and ";" in value:
        return ";".join(sorted(v for v in value.split(";") if v)) + ";"
    return value


def load(path):
    facts = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3:
                continue
            section, key = parts[0], normalise_key(parts[0], parts[1])
            value = normalise_value(section, key, parts[2])
            if section == "path" and value.endswith((" ro", " rw")):
                facts[("path-mode", key)] = value[-2:]
                value = value[:-3]
            # Flatpak writes a [Context] list left empty (every entry
            # revoked) as an empty key; fauxpak leaves it out.
            if section == "info" and key.startswith("Context/") and value == "":
                continue
            facts[(section, key)] = value
    return facts


def ignored(section, key):
    return any(s == section and re.fullmatch(pattern, key) for s, pattern in IGNORED)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--allow", action="append", default=[])
    parser.add_argument("--probe-bind", default=None,
                        help="the raw bind that puts the probe at /app/bin under fauxpak")
    parser.add_argument("flatpak")
    parser.add_argument("fauxpak")
    args = parser.parse_args()

    flatpak = load(args.flatpak)
    fauxpak = load(args.fauxpak)
    # The test's own bind of the probe at /app/bin (flatpak has it in the
    # app): fauxpak lists it in [Fauxpak] binds, the one key of its own
    # there. Only that entry goes; any other bind is a difference.
    if args.probe_bind is not None and ("info", "Fauxpak/binds") in fauxpak:
        rest = [v for v in fauxpak[("info", "Fauxpak/binds")].split(";") if v and v != args.probe_bind]
        if rest:
            fauxpak[("info", "Fauxpak/binds")] = ";".join(rest) + ";"
        else:
            del fauxpak[("info", "Fauxpak/binds")]
    allowed = [a.split(":", 2) for a in args.allow]
    differences = []
    for key in sorted(set(flatpak) | set(fauxpak)):
        if ignored(*key):
            continue
        if any(s == key[0] and re.fullmatch(p, key[1]) for s, p, _ in allowed):
            continue
        if any(s == key[0] and re.fullmatch(p, key[1]) and fauxpak.get(key) == v for s, p, v in FAUXPAK_KEEPS):
            continue
        a, b = flatpak.get(key, "(missing)"), fauxpak.get(key, "(missing)")
        if key not in fauxpak and any(s == key[0] and re.fullmatch(p, key[1]) for s, p in FAUXPAK_UNSETS):
            continue
        if a != b:
            differences.append(f"{key[0]} {key[1]}: flatpak {a!r}, fauxpak {b!r}")
    for line in differences:
        print(line)
    for section, pattern, reason in allowed:
        print(f"allowed to differ: {section} {pattern}: {reason}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
