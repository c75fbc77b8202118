#!/usr/bin/python3
"""Compares two probe reports (tests/differential/probe.c): the real flatpak's
and fauxpak's, for the same permission options.

    compare.py --app-id=ID FLATPAK-REPORT FAUXPAK-REPORT

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
    # fauxpak says it is fauxpak (deliberate: a reader of `flatpak ps` or of
    # the keyfile can tell).
    ("info", r"Instance/fauxpak-version"),
    # Unique names (":1.42") are never compared; ListNames lists them.
]


def load(path):
    facts = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3:
                continue
            facts[(parts[0], parts[1])] = parts[2]
    return facts


def ignored(section, key):
    return any(s == section and re.fullmatch(pattern, key) for s, pattern in IGNORED)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--app-id", required=True)
    parser.add_argument("flatpak")
    parser.add_argument("fauxpak")
    args = parser.parse_args()

    flatpak = load(args.flatpak)
    fauxpak = load(args.fauxpak)
    differences = []
    for key in sorted(set(flatpak) | set(fauxpak)):
        if ignored(*key):
            continue
        a, b = flatpak.get(key, "(missing)"), fauxpak.get(key, "(missing)")
        if a != b:
            differences.append(f"{key[0]} {key[1]}: flatpak {a!r}, fauxpak {b!r}")
    for line in differences:
        print(line)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
