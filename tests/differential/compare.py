#!/usr/bin/python3
"""Compares two probe reports (tests/differential/probe.c): the real flatpak's
and fauxpak's, for the same permission options.

    compare.py --app-id=ID [--probe-bind=OPTION] [--flatpak-installation=DIR]
               [--hidden-state=DIR]… [--allow=SECTION:KEY-PATTERN:REASON]…
               FLATPAK-REPORT FAUXPAK-REPORT

--allow lets one case differ where the test set-up itself differs (its
reason is printed, so it shows in the TAP log; a path allowed may differ in
its mode too). --probe-bind, --flatpak-installation and --hidden-state name
the paths of the narrow rules below.

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
    ("info", r"Instance/(instance-id|app-path|app-commit|runtime-path|runtime-commit)"),
    # fauxpak says it is fauxpak (deliberate: a reader of `flatpak ps` or of
    # the keyfile can tell).
    ("info", r"Instance/fauxpak-version"),
    # Unique names (":1.42") are never compared: the probe leaves them out.
]

# Paths fauxpak shows read-only where Flatpak's grant (host, host-os,
# host-etc) shows them read-write: the host's OS under /run/host. A
# writable host /usr or /etc only matters to root, whom fauxpak also runs
# (README). Only that direction: fauxpak read-write where Flatpak is not
# is a difference.
FAUXPAK_READ_ONLY = [
    "/run/host/usr", "/run/host/etc", "/run/host/bin", "/run/host/sbin", "/run/host/lib",
    "/run/host/lib64", "/run/host/etc/ld.so.cache", "/run/host/etc/alternatives",
]

# Variables fauxpak unsets where the host socket or file they name was not
# given; Flatpak passes the host's value through, pointing nowhere. Each
# with whether its socket is granted, read from Flatpak's [Context]
# sockets: missing where the socket is granted is a difference.
FAUXPAK_UNSETS = {
    "WAYLAND_DISPLAY": lambda sockets: "wayland" in sockets,
    "SSH_AUTH_SOCK": lambda sockets: "ssh-auth" in sockets,
    # fallback-x11 (which Flatpak also writes as x11) next to wayland is no X11
    "XAUTHORITY": lambda sockets: bool({"x11", "fallback-x11"} & sockets) and
                                  not {"fallback-x11", "wayland"} <= sockets,
}


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
    parser.add_argument("--flatpak-installation", default=None,
                        help="FLATPAK_USER_DIR: Flatpak makes it and the directories above it empty")
    parser.add_argument("--hidden-state", action="append", default=[],
                        help="a directory of fauxpak's or Flatpak's permission files: fauxpak covers it")
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
    sockets = set(flatpak.get(("info", "Context/sockets"), "").split(";")) - {""}
    differences = []
    for key in sorted(set(flatpak) | set(fauxpak)):
        if ignored(*key):
            continue
        # A path allowed to differ may differ in its mode too.
        if any(s in (key[0], "path" if key[0] == "path-mode" else None) and re.fullmatch(p, key[1])
               for s, p, _ in allowed):
            continue
        if any(s == key[0] and re.fullmatch(p, key[1]) and fauxpak.get(key) == v for s, p, v in FAUXPAK_KEEPS):
            continue
        a, b = flatpak.get(key, "(missing)"), fauxpak.get(key, "(missing)")
        if key[0] == "path-mode" and key[1] in FAUXPAK_READ_ONLY and (a, b) == ("rw", "ro"):
            continue
        # fauxpak's and Flatpak's permission files: under any grant that
        # shows them fauxpak covers them with an empty tmpfs, made when
        # missing, so the app can neither read nor make them (issue 7,
        # README). Only that: an empty directory, read-write, at the path,
        # where Flatpak shows the directory it is in.
        if key[0] in ("path", "path-mode") and key[1] in args.hidden_state and \
                flatpak.get(("path", key[1].rsplit("/", 1)[0]), "absent") == "dir" and \
                fauxpak.get(("path", key[1])) == "dir" and fauxpak.get(("path-mode", key[1])) == "rw":
            continue
        # Flatpak covers its user installation in every sandbox with an
        # empty directory, making the ones above it; fauxpak shows nothing
        # there (README). Only a directory there under Flatpak and nothing
        # under fauxpak.
        if args.flatpak_installation is not None and key[0] in ("path", "path-mode") and \
                (args.flatpak_installation + "/").startswith(key[1].rstrip("/") + "/") and \
                flatpak.get(("path", key[1])) == "dir" and fauxpak.get(("path", key[1])) == "absent":
            continue
        if key not in fauxpak and key[0] == "env" and key[1] in FAUXPAK_UNSETS and \
                not FAUXPAK_UNSETS[key[1]](sockets):
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
