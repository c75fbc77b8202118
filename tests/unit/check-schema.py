#!/usr/bin/env python3
"""Validates data/fauxpak-profile.schema.json (JSON Schema 2020-12) and checks
the examples, the presets and tests/unit/schema-cases.json against it, as
TAP. test-examples checks the same cases with the loader, so the two agree.
Skips (exit 77) when Python's jsonschema module is missing."""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("1..0 # SKIP python3 jsonschema module not available")
    sys.exit(77)

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
results = []


def check(ok, description, detail=None):
    results.append((ok, description, detail))


with open(os.path.join(root, "data", "fauxpak-profile.schema.json"), encoding="utf-8") as f:
    schema = json.load(f)
try:
    jsonschema.Draft202012Validator.check_schema(schema)
    check(True, "the schema is a valid draft 2020-12 schema")
except jsonschema.SchemaError as e:
    check(False, "the schema is a valid draft 2020-12 schema", str(e))
    schema = {}
validator = jsonschema.Draft202012Validator(schema)


def errors(instance):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
            for e in validator.iter_errors(instance)]


files = sorted(glob.glob(os.path.join(root, "data", "examples", "*.json")))
files += sorted(glob.glob(os.path.join(root, "data", "presets", "*.json")))
check(len(files) >= 5, "there are examples and presets to check")
for path in files:
    with open(path, encoding="utf-8") as f:
        found = errors(json.load(f))
    check(not found, "%s follows the schema" % os.path.relpath(path, root), "\n".join(found))

with open(os.path.join(root, "tests", "unit", "schema-cases.json"), encoding="utf-8") as f:
    cases = json.load(f)
for case in cases["valid"]:
    found = errors(case["profile"])
    check(not found, "schema accepts: %s" % case["why"], "\n".join(found))
for case in cases["invalid"]:
    found = errors(case["profile"])
    check(bool(found), "schema refuses: %s" % case["why"], json.dumps(case["profile"]))

print("1..%d" % len(results))
for i, (ok, description, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, description))
    if not ok and detail:
        for line in detail.splitlines():
            print("# " + line)
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
