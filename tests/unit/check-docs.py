#!/usr/bin/python3
"""README.md, the man pages, the JSON Schema and fauxpak itself must name
the same commands, options, option values and profile keys: the tables
in README.md and data/man/*.[15] cannot drift from the code. TAP output.

usage: check-docs.py SOURCE_ROOT FAUXPAK
"""
import json
import re
import subprocess
import sys

root, fauxpak = sys.argv[1], sys.argv[2]
readme = open(f"{root}/README.md", encoding="utf-8").read()
man1 = open(f"{root}/data/man/fauxpak.1", encoding="utf-8").read()
man5 = open(f"{root}/data/man/fauxpak-profile.5", encoding="utf-8").read()
schema = json.load(open(f"{root}/data/fauxpak-profile.schema.json", encoding="utf-8"))
results = []


def check(description, left_name, left, right_name, right):
    left, right = set(left), set(right)
    ok = left == right and left
    results.append((ok, description))
    if not ok:
        results.append((None, f"only in {left_name}: {sorted(left - right)}"))
        results.append((None, f"only in {right_name}: {sorted(right - left)}"))


def fauxpak_out(*args):
    return subprocess.run([fauxpak, *args], capture_output=True, text=True, check=True).stdout


def roff_text(text):
    return text.replace("\\-", "-").replace("\\&", "").replace("\\(dq", '"')


def man_section(text, name):
    match = re.search(r"^\.SH " + re.escape(name) + r"\n(.*?)(?=^\.SH |\Z)", text, re.S | re.M)
    return match.group(1) if match else ""


def man_tags(section):
    """The words of each .TP entry's tag line."""
    return re.findall(r"^\.TP\n(.*)$", section, re.M)


def readme_table(after):
    """First cells and rows of the markdown table that follows `after`."""
    start = readme.index(after)
    rows = []
    for line in readme[start:].splitlines()[1:]:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            # Neither the header nor the line under it.
            if cells and not set(cells[0]) <= set("- ") and cells[0] not in ("option", "key", "command"):
                rows.append(cells)
        elif rows:
            break
    return rows


# Options: README's two tables, the man page's two sections, --help.
readme_options = set()
for heading in ("### Run options", "### Permission options"):
    for cells in readme_table(heading):
        readme_options |= set(re.findall(r"--([a-z][a-z0-9-]*)", cells[0]))
man_options = set()
for section in ("RUN OPTIONS", "PERMISSION OPTIONS"):
    for tag in man_tags(man_section(man1, section)):
        man_options |= set(re.findall(r"--([a-z][a-z0-9-]*)", roff_text(tag)))
help_options = set()
for command in ("run", "info"):
    help_options |= set(re.findall(r"^\s+(?:-\w, )?--([a-z][a-z0-9-]*)", fauxpak_out(command, "--help"), re.M))
help_options.discard("help")
check("README's option tables name every option of run --help and info --help",
      "README", readme_options, "--help", help_options)
check("fauxpak(1) describes every option of run --help and info --help",
      "fauxpak.1", man_options, "--help", help_options)

# Values of the flag options: README, fauxpak(1), the code's own names.
permission_rows = readme_table("### Permission options")
permission_section = roff_text(man_section(man1, "PERMISSION OPTIONS"))
for option in ("share", "socket", "device", "allow", "filesystem"):
    row = next(cells for cells in permission_rows if f"`--{option}=" in cells[0])
    readme_values = set(re.findall(r"`([a-z][a-z0-9-]*/?)(?:…)?`", row[1]))
    entry = re.search(r"^\.TP\n\.BR --" + option + r"=.*?\n(.*?)(?=^\.TP|\Z)", permission_section, re.S | re.M)
    man_values = set(re.findall(r"\b([a-z][a-z0-9]*(?:-[a-z0-9]+)*/?)(?= |,|\.|$)", re.sub(r"\\f.", "", entry.group(1))))
    code_values = set(fauxpak_out("complete", "values", option).split())
    if option == "filesystem":
        # The prose around the names is not a name.
        man_values &= code_values | readme_values
    check(f"README lists the values of --{option} the code takes", "README", readme_values, "code", code_values)
    check(f"fauxpak(1) lists the values of --{option} the code takes", "fauxpak.1", man_values, "code", code_values)

# Commands: README's table, fauxpak(1)'s COMMANDS, fauxpak itself.
readme_commands = {re.match(r"`fauxpak ([a-z-]+)", cells[0]).group(1) for cells in readme_table("Commands:\n")}
man_commands = {roff_text(tag).split()[-1] for tag in man_tags(man_section(man1, "COMMANDS"))}
code_commands = set(fauxpak_out("complete", "commands").split())
help_text = fauxpak_out("help")
help_commands = set(re.findall(r"^  fauxpak ([a-z][a-z-]*)", help_text, re.M))
check("README's commands table names every command", "README", readme_commands, "code", code_commands)
check("fauxpak(1) describes every command", "fauxpak.1", man_commands, "code", code_commands)
check("fauxpak help names every command", "help", help_commands, "code", code_commands)

# Profile keys: README's key table, fauxpak-profile(5), the JSON Schema.
readme_keys = set()
for cells in readme_table("| key | meaning |"):
    readme_keys |= set(re.findall(r"`([$a-z][a-z-]*)`", cells[0]))
man_keys = set()
for tag in man_tags(man_section(man5, "KEYS")):
    man_keys |= set(re.findall(r"([$a-z][a-z-]*)", re.sub(r'"[^"]*"', "", roff_text(tag)).replace(".BR", "").replace(".B", "")))
schema_keys = set(schema["properties"])
check("README's profile table names every key of the schema", "README", readme_keys, "schema", schema_keys)
check("fauxpak-profile(5) describes every key of the schema", "fauxpak-profile.5", man_keys, "schema", schema_keys)

n = 0
for ok, text in results:
    if ok is None:
        print(f"# {text}")
        continue
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {text}")
print(f"1..{n}")
sys.exit(0 if all(ok is not False for ok, _ in results) else 1)
