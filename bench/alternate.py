#!/usr/bin/python3
"""Times shell commands alternately, so that a row and its reference see the
same machine: round after round, each command once, in turn (the order
rotates each round). Each command runs under `bash -c`; the cost of an
empty `bash -c :`, timed the same way in every round, is subtracted (as
hyperfine does with its shell). Writes one JSON object: per name, the mean,
median, standard deviation and minimum in seconds, and the runs.

  alternate.py RUNS WARMUP OUT.json NAME=COMMAND [NAME=COMMAND ...]

A command that fails stops the measurement with its output shown.
"""
import json
import statistics
import subprocess
import sys
import time

SHELL = "bash"


def run_once(command):
    start = time.perf_counter()
    result = subprocess.run([SHELL, "-c", command], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(f"alternate.py: command failed (status {result.returncode}): {command}\n")
        sys.stderr.write(result.stderr.decode(errors="replace"))
        sys.exit(1)
    return elapsed


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    runs, warmup, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    commands = []
    for spec in sys.argv[4:]:
        name, sep, command = spec.partition("=")
        if not sep:
            sys.exit(f"alternate.py: expected NAME=COMMAND, got {spec!r}")
        commands.append((name, command))
    commands.append(("(shell)", ":"))
    times = {name: [] for name, _ in commands}
    for i in range(warmup + runs):
        shift = i % len(commands)
        for name, command in commands[shift:] + commands[:shift]:
            elapsed = run_once(command)
            if i >= warmup:
                times[name].append(elapsed)
    shell = statistics.mean(times.pop("(shell)"))
    result = {"shell": shell, "runs": runs, "commands": {}}
    for name, _ in commands[:-1]:
        values = [max(t - shell, 0.0) for t in times[name]]
        result["commands"][name] = {
            "mean": statistics.mean(values),
            "median": statistics.median(values),
            "stddev": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values),
            "times": values,
        }
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
