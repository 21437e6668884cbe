"""Benchmark of start-up: the wall time of one-file commands, as subprocesses. Asserts nothing.

What a user waits for on `framing score one.txt` is mostly start-up: the interpreter, the
imports (scikit-learn among them), the models unpickled and checked, the first scan. Each
command is run as the installed console script on one seed article (corpus/seeds), in rounds
that interleave the commands so that a slow spell of the machine hits all of them; the best of
the rounds is reported (the least disturbed), with the median beside it.

Bytecode is cached as on an installed system (pip compiles it at install time): the commands
run without PYTHONDONTWRITEBYTECODE, after one uncounted warm-up round that writes the caches;
with it set (as some sandboxes do) every run would compile framing's modules from source.

    python bench/bench_startup.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAMING = Path(sys.executable).parent / "framing"
ONE = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[0]
TARGETS = {"score": 2.5, "flags": 0.8}  # issue 13, seconds
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

COMMANDS = {
    "framing score one.txt": [str(FRAMING), "score", str(ONE)],
    "framing flags one.txt": [str(FRAMING), "flags", str(ONE)],
    "framing --help": [str(FRAMING), "--help"],
    # The floor under anything that unpickles a model: the interpreter and scikit-learn.
    "python -c 'import framing.model'": [sys.executable, "-c", "import framing.model"],
}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, env=ENV)
    seconds = time.perf_counter() - start
    # flags exits 1 when it finds something: that is a finding, not a failure.
    if done.returncode not in (0, 1):
        raise RuntimeError(f"exit status {done.returncode}: {' '.join(cmd)}\n"
                           + done.stderr.strip()[-2000:])
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs of each command (default 5)")
    rounds = parser.parse_args(argv).rounds
    if not FRAMING.exists():
        print(f"bench_startup: {FRAMING} not found (pip install -e . in this virtualenv)")
        return 1
    times: dict[str, list[float]] = {label: [] for label in COMMANDS}
    try:
        for cmd in COMMANDS.values():  # the warm-up: bytecode caches written
            timed(cmd)
        for _ in range(rounds):
            for label, cmd in COMMANDS.items():
                times[label].append(timed(cmd))
    except RuntimeError as exc:
        print(f"bench_startup: {exc}")
        return 1
    print(f"start-up: one article ({ONE.relative_to(ROOT)}, {ONE.stat().st_size:,} bytes), "
          f"wall time of each command as a subprocess, best and median of {rounds} "
          "interleaved rounds")
    print(f"{'command':<36} {'best':>7} {'median':>7}  target")
    for label, values in times.items():
        target = next((t for name, t in TARGETS.items() if f"framing {name} " in label), None)
        verdict = ""
        if target is not None:
            verdict = f"<= {target} s: {'met' if min(values) <= target else 'NOT met'}"
        print(f"{label:<36} {min(values):6.2f}s {statistics.median(values):6.2f}s  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
