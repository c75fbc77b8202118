#!/usr/bin/python3
"""Compares what a sandbox really mounted with what `fauxpak info` said it
would, for test-escapes.sh:

  mount-compare.py HOST-MOUNTINFO SANDBOX-MOUNTINFO INFO-OUTPUT

HOST-MOUNTINFO is /proc/self/mountinfo of the launching side, SANDBOX-
MOUNTINFO the app's own, INFO-OUTPUT what `fauxpak info` printed (its "#   "
lines list every mount: "MODE HOST -> SANDBOX   [GRANT]" or
"KIND SANDBOX   [GRANT]"). Every mount the app has must be one info listed
(or a part of one: a submount of a recursive bind, bwrap's own inside /proc
and /dev), from the host path info named, read-only exactly when info said
ro; and every mount info listed must be there. Prints one line per
mismatch and exits 1 if there is any."""
import os
import re
import sys

LISTED = re.compile(r"^#   (\S+)\s+(.*?)(?: -> (.*?))?   \[(.*)\]$")


def unescape(field):
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def mountinfo(path):
    mounts = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            fields = line.split()
            sep = fields.index("-")
            mounts.append({
                "dev": fields[2], "root": unescape(fields[3]), "point": unescape(fields[4]),
                "options": fields[5].split(","), "fstype": fields[sep + 1],
            })
    return mounts


def under(path, prefix):
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


def host_paths(mount, host):
    """Where on the host the directory a sandbox mount shows lives."""
    paths = set()
    for h in host:
        if h["dev"] == mount["dev"] and under(mount["root"], h["root"]):
            rest = mount["root"][len(h["root"]):] if h["root"] != "/" else mount["root"]
            paths.add(os.path.normpath(h["point"].rstrip("/") + "/" + rest.lstrip("/")))
    return paths


def main():
    host = mountinfo(sys.argv[1])
    sandbox = mountinfo(sys.argv[2])
    listed = []
    with open(sys.argv[3], encoding="utf-8") as f:
        for line in f:
            m = LISTED.match(line.rstrip("\n"))
            if m:
                kind, first, dest, grant = m.groups()
                if dest is None:
                    listed.append({"kind": kind, "host": None, "dest": first, "grant": grant})
                else:
                    listed.append({"kind": kind, "host": first, "dest": dest, "grant": grant})
    # What info names <instance-id> (a dry run has none yet) is the
    # instance the app runs in: the one number its mount table shows where
    # info put the instance directory; the proxies' sockets are in it too.
    instance = None
    for e in listed:
        if "<instance-id>" in e["dest"]:
            pattern = re.compile("^" + re.escape(e["dest"]).replace(re.escape("<instance-id>"), "([0-9]+)") + "$")
            ids = {m.group(1) for m in (pattern.match(s["point"]) for s in sandbox) if m}
            if len(ids) == 1:
                instance = ids.pop()
    for e in listed:
        if instance is not None:
            e["dest"] = e["dest"].replace("<instance-id>", instance)
            if e["host"] is not None:
                e["host"] = e["host"].replace("<instance-id>", instance)
        if e["host"] is not None:
            e["host"] = os.path.realpath(e["host"])
    problems = []
    has_devfs = any(e["kind"] == "devfs" for e in listed)

    for mount in sandbox:
        point = mount["point"]
        if point == "/":
            continue
        if under(point, "/proc") and mount["fstype"] == "proc":
            continue   # bwrap's read-only remounts of /proc/sys and friends
        if has_devfs and under(point, "/dev") and (
                mount["fstype"] in ("devpts", "tmpfs", "mqueue") or point in host_paths(mount, host)):
            continue   # bwrap's --dev: its tmpfs, devpts, shm and the host's null, zero, tty…
        sources = host_paths(mount, host)
        matched = False
        for e in listed:
            if e["host"] is None:
                if point == e["dest"]:
                    matched = True
                    break
                continue
            if not under(point, e["dest"]):
                continue
            expected = os.path.normpath(e["host"] + point[len(e["dest"]):])
            if expected not in sources:
                continue
            matched = True
            read_only = "ro" in mount["options"]
            if point == e["dest"] and read_only != (e["kind"] == "ro"):
                problems.append("%s is %s, info said %s [%s]" % (point, "ro" if read_only else "rw",
                                                                 e["kind"], e["grant"]))
            break
        if not matched:
            problems.append("%s (%s, from %s) is mounted but info did not list it"
                            % (point, mount["fstype"], ", ".join(sorted(sources)) or "?"))

    points = {m["point"] for m in sandbox}
    for e in listed:
        if e["dest"] not in points:
            problems.append("info listed %s %s [%s], which the sandbox does not have" % (e["kind"], e["dest"], e["grant"]))

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
