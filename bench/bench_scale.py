"""Benchmark of scoring at scale: throughput, parallel speed-up, scaling, memory. Asserts nothing.

Builds synthetic JSONL batches (default 1,000, 10,000 and 100,000 lines) from the ReCOVery
articles in ../shared/data (or $FRAMING_SHARED_DATA), repeating the 1,641 articles under unique
ids, in a temporary directory removed at the end. Then, on the reference batch (10,000 when it
is among the sizes, else the smallest):

1. markers only: the marker extractor over the texts, in this process;
2. ``framing score --jobs 1`` as a subprocess: wall time, articles/s, MB/s of input file;
3. ``framing score --jobs 2`` against ``--jobs 1`` at 1,000 and 10,000 articles (those among
   the sizes, and the reference), and ``--jobs 0`` (all cores: the same as 2 on 2 cores, so
   measured apart only elsewhere);
4. ``framing score --engine dask --workers 2`` (LocalCluster start-up included), if
   installed, against the local pool of ``--jobs 2``;
5. a bare TF-IDF + logistic regression baseline fitted on the 1,641 texts, predicting in this
   process;

(2 to 4: best of three interleaved rounds each, a round running every command once) and for
every size:

6. scaling: ``framing score`` on all cores, seconds and the ratio between consecutive sizes;
7. memory: peak RSS of ``--jobs 1`` for the two largest sizes (the input is streamed, so it
   should not grow with the batch), and the sampled peak of the all-cores process tree.

Other figures are single runs (at these sizes a run takes seconds to minutes, and the runs are
meant to show scale, not small differences). ``--score-options`` adds options to every
``framing score`` run, e.g. ``"--no-techniques --no-frames"`` for a quick look.

    python bench/bench_scale.py [--sizes 1000,10000,100000] [--score-options "..."]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from _shared import shared_data

from framing.corpus import write_corpus
from framing.datasets import import_corpus
from framing.markers import Extractor
from framing.model import baseline_pipeline

ROOT = Path(__file__).resolve().parents[1]
# The console script installed beside this interpreter: the command users run.
FRAMING = Path(sys.executable).parent / "framing"
DEFAULT_SIZES = "1000,10000,100000"
REFERENCE = 10_000
# --jobs 2 against --jobs 1 at these sizes (issue 13: at least 1.8x at 10k, never slower at 1k).
RATIO_SIZES = (1_000, 10_000)
SPEEDUP_TARGET = 1.8
DASK_TARGET = 0.9
ROUNDS = 3
MEMORY_TARGET = 1.2
SAMPLE_EVERY = 0.2

# Runs the command given as arguments, then prints the peak RSS (KiB) of the largest process of
# its tree. It is a process of its own because RUSAGE_CHILDREN is the maximum over every child
# ever waited for: measured from this script, each run's figure would include the runs before.
PEAK_RSS = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


@dataclass
class Run:
    """One ``framing score`` subprocess."""

    label: str
    articles: int
    input_mb: float
    seconds: float
    max_rss_kib: int | None = None  # ru_maxrss of the largest process (the --jobs 1 runs)
    sampled_kib: int | None = None  # peak of the summed RSS of the process tree, sampled


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def parse_sizes(value: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of integers: {value}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


# --------------------------------------------------------------------------- inputs


def write_batch(records: list[dict], n: int, path: Path) -> None:
    """``n`` records cycling through ``records``; ``#k`` makes each id unique (--resume keys
    on ids, and write_corpus refuses repeated ones)."""
    def lines():
        for i in range(n):
            repetition, k = divmod(i, len(records))
            yield {**records[k], "id": f"{records[k]['id']}#{repetition}"}

    write_corpus(lines(), path)


def batch_texts(records: list[dict], n: int) -> tuple[list[str], list[datetime.date | None]]:
    texts, dates = [], []
    for i in range(n):
        record = records[i % len(records)]
        texts.append(record["text"])
        published = record["published"]
        dates.append(datetime.date.fromisoformat(published) if published else None)
    return texts, dates


# --------------------------------------------------------------------------- process memory


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # gone since the listing
        # The command name (field 2) may hold spaces and parentheses: split after its last ")".
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0  # exited, or a zombie (no VmRSS line)


def tree_rss_kib(root: int) -> int:
    """Summed RSS of ``root`` and its descendants. Pages shared between processes (libraries,
    copy-on-write memory) count once per process, so this overstates what the tree holds."""
    children = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kib(pid)
        todo.extend(children.get(pid, ()))
    return total


# --------------------------------------------------------------------------- runs


def run_score(label: str, batch: Path, n: int, options: list[str], out: Path, *,
              rusage: bool = False) -> Run:
    """Time ``framing score batch options -o out`` and check that it scored all ``n``.

    ``rusage``: run it under :data:`PEAK_RSS` for the exact peak of its largest process;
    otherwise the summed RSS of its process tree is sampled from /proc every 0.2 s.
    """
    cmd = [str(FRAMING), "score", str(batch), "--format", "jsonl", "-o", str(out), "-q",
           *SCORE_OPTIONS, *options]
    if rusage:
        # The wrapper's own start-up (a bare interpreter, some 20 ms) is inside the timing.
        cmd = [sys.executable, "-c", PEAK_RSS, *cmd]
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    if not rusage:
        def sample() -> None:
            nonlocal peak
            while proc.poll() is None:
                peak = max(peak, tree_rss_kib(proc.pid))
                time.sleep(SAMPLE_EVERY)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    if not rusage:
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{label}: exit status {proc.returncode}\n  $ {' '.join(cmd)}\n"
                           + "\n".join(stderr.strip().splitlines()[-20:]))
    files = sorted(out.glob("part-*.jsonl")) if out.is_dir() else [out]
    scored = sum(sum(1 for _ in open(f, "rb")) for f in files)
    if scored != n:
        raise RuntimeError(f"{label}: scored {scored:,} articles of {n:,}")
    if out.is_dir():
        shutil.rmtree(out)
    else:
        out.unlink()
    return Run(label, n, batch.stat().st_size / 1e6, seconds,
               max_rss_kib=int(stdout.split()[-1]) if rusage else None,
               sampled_kib=None if rusage else peak)


SCORE_OPTIONS: list[str] = []  # --score-options


def dask_missing() -> bool:
    return any(importlib.util.find_spec(name) is None for name in ("dask", "distributed"))


# --------------------------------------------------------------------------- report


def print_rate(label: str, n: int, mb: float, seconds: float) -> None:
    print(f"  {label:<34} {seconds:8.2f} s {n / seconds:9.0f} articles/s {mb / seconds:7.2f} MB/s")


def print_table(rows: list[tuple[str, int, float, float, str]]) -> None:
    print(f"\n{'summary':<40} {'articles':>9} {'seconds':>8} {'articles/s':>11} {'MB/s':>7}  "
          "peak RSS")
    for label, n, mb, seconds, peak in rows:
        print(f"{label:<40} {n:9,} {seconds:8.2f} {n / seconds:11.0f} {mb / seconds:7.2f}  "
              f"{peak}".rstrip())


def mib(kib: int | None) -> str:
    return "" if kib is None else f"{kib / 1024:.0f} MiB"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=parse_sizes, default=DEFAULT_SIZES,
                        help=f"batch sizes, comma-separated (default: {DEFAULT_SIZES})")
    parser.add_argument("--score-options", default="", metavar="OPTIONS",
                        help="added to every framing score run, e.g. '--no-techniques "
                        "--no-frames'")
    args = parser.parse_args(argv)
    sizes = args.sizes
    SCORE_OPTIONS[:] = args.score_options.split()
    data = shared_data()
    if data is None:
        print("bench_scale: ../shared/data not found (set FRAMING_SHARED_DATA); nothing measured")
        return 0
    if not FRAMING.exists():
        print(f"bench_scale: {FRAMING} not found (pip install -e . in this virtualenv)")
        return 1
    try:
        bench(data, sizes)
    except RuntimeError as exc:  # a framing score run failed or scored too few articles
        print(f"bench_scale: {exc}")
        return 1
    return 0


def bench(data: Path, sizes: list[int]) -> None:
    ref = REFERENCE if REFERENCE in sizes else sizes[0]
    # The two largest sizes for the memory comparison (one size: nothing to compare with).
    memory_sizes = sizes[-2:]
    cores = len(os.sched_getaffinity(0))

    problems: list = []
    start = time.perf_counter()
    records = list(import_corpus("recovery", data / "recovery", on_problem=problems.append))
    import_s = time.perf_counter() - start
    base_mb = sum(len(r["text"].encode("utf-8")) for r in records) / 1e6
    print(f"corpus: ReCOVery, {len(records):,} articles, {base_mb:.2f} MB of text "
          f"({len(problems)} input problems); imported in {import_s:.2f} s")
    print(f"cores: {cores} usable (os.cpu_count() = {os.cpu_count()}); sizes: "
          f"{', '.join(f'{n:,}' for n in sizes)}; reference batch {ref:,}"
          + (f"; every framing score run with {' '.join(SCORE_OPTIONS)}" if SCORE_OPTIONS
             else ""))

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        tmp = Path(tmp)
        batches = {n: tmp / f"batch-{size_label(n)}.jsonl" for n in sizes}
        start = time.perf_counter()
        for n, path in batches.items():
            write_batch(records, n, path)
        written = ", ".join(f"{size_label(n)} {p.stat().st_size / 1e6:.1f} MB"
                            for n, p in batches.items())
        print(f"batches: {written}, written in {time.perf_counter() - start:.1f} s")

        texts, dates = batch_texts(records, ref)
        text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        input_mb = batches[ref].stat().st_size / 1e6
        print(f"\nreference batch: {ref:,} articles, {text_mb:.1f} MB of article text "
              f"(UTF-8), {input_mb:.1f} MB of JSONL input")
        summary: list[tuple[str, int, float, float, str]] = []

        # 1. Markers alone: the extractor is built outside the timing, as scoring builds it
        # once per process.
        extractor = Extractor()
        start = time.perf_counter()
        for text, published in zip(texts, dates, strict=True):
            extractor.scan(text, published=published)
        markers_s = time.perf_counter() - start
        print("\n1. markers only, one process (MB/s of article text)")
        print_rate("Extractor().scan", ref, text_mb, markers_s)
        summary.append(("markers only, 1 process", ref, text_mb, markers_s, ""))

        # 5 is measured here too, while nothing else runs, though printed in its place below.
        labels = [r["labels"]["unreliable_source"] for r in records]
        baseline = baseline_pipeline().fit([r["text"] for r in records], labels)
        start = time.perf_counter()
        baseline.predict_proba(texts)
        baseline_s = time.perf_counter() - start

        # Rounds at each ratio size, interleaved so that a slow spell of the machine hits
        # every command alike (it wanders by a fifth between runs of the same one here):
        # --jobs 1, --jobs 2, all cores where that is not 2, and Dask on the reference batch.
        ratio_sizes = sorted({n for n in RATIO_SIZES if n in sizes} | {ref})
        dask_ok = not dask_missing()
        dask_error = None
        rounds: dict[int, dict[str, list[Run]]] = {n: {} for n in ratio_sizes}
        for _ in range(ROUNDS):
            for n in ratio_sizes:
                kinds = {"jobs 1": ["--jobs", "1"], "jobs 2": ["--jobs", "2"]}
                if cores != 2:
                    kinds["jobs 0"] = ["--jobs", "0"]
                for kind, options in kinds.items():
                    run = run_score(f"{kind}, {size_label(n)}", batches[n], n, options,
                                    tmp / "out.jsonl", rusage=kind == "jobs 1")
                    rounds[n].setdefault(kind, []).append(run)
                if n == ref and dask_ok and dask_error is None:
                    try:
                        rounds[n].setdefault("dask", []).append(run_score(
                            "dask", batches[ref], ref,
                            ["--engine", "dask", "--workers", "2"], tmp / "dask-out"))
                    except RuntimeError as exc:
                        dask_error = exc

        def best(n: int, kind: str) -> Run:
            return min(rounds[n][kind], key=lambda r: r.seconds)

        # The --jobs 1 runs: the reference batch (2) and the two largest (7).
        single = {n: best(n, "jobs 1") for n in ratio_sizes}
        for n in sorted(set(memory_sizes) - single.keys()):
            single[n] = run_score(f"jobs 1, {size_label(n)}", batches[n], n, ["--jobs", "1"],
                                  tmp / "out.jsonl", rusage=True)
        # The all-cores runs of every size (6); on 2 cores --jobs 0 is --jobs 2.
        all_cores = "jobs 2" if cores == 2 else "jobs 0"
        parallel = {n: best(n, all_cores) for n in ratio_sizes}
        for n in sizes:
            if n not in parallel:
                parallel[n] = run_score(f"jobs 0, {size_label(n)}", batches[n], n,
                                        ["--jobs", "0"], tmp / "out.jsonl")
        one, every = single[ref], parallel[ref]
        print("\n2. framing score --jobs 1 (MB/s of JSONL input)")
        print_rate("jobs 1", ref, input_mb, one.seconds)
        summary.append(("framing score --jobs 1", ref, input_mb, one.seconds,
                        mib(one.max_rss_kib)))

        print(f"\n3. framing score --jobs 2 against --jobs 1, best of {ROUNDS} interleaved rounds")
        for n in ratio_sizes:
            a, b = best(n, "jobs 1"), best(n, "jobs 2")
            ratio = a.seconds / b.seconds
            print_rate(f"jobs 1, {n:,} articles", n, a.input_mb, a.seconds)
            print_rate(f"jobs 2, {n:,} articles", n, b.input_mb, b.seconds)
            per_round = ", ".join(f"{x.seconds:.1f}/{y.seconds:.1f} s"
                                  for x, y in zip(rounds[n]["jobs 1"], rounds[n]["jobs 2"],
                                                  strict=True))
            target = (f"target >= {SPEEDUP_TARGET}x" if n >= REFERENCE
                      else "target: not slower (>= 1.00x)")
            met = ratio >= (SPEEDUP_TARGET if n >= REFERENCE else 1.0)
            print(f"  --jobs 2 / --jobs 1 at {n:,} articles: {ratio:.2f}x  ({target}: "
                  f"{'met' if met else 'NOT met'}); rounds (jobs 1/jobs 2): {per_round}")
        if cores == 2:
            print("  --jobs 0 (the default, all cores) is --jobs 2 on this machine")
        else:
            for n in ratio_sizes:
                print(f"  --jobs 0 ({cores} cores) / --jobs 1 at {n:,} articles: "
                      f"{best(n, 'jobs 1').seconds / best(n, 'jobs 0').seconds:.2f}x")
        # The larger batches run on one job for the memory figures anyway.
        for n in sorted(single.keys() - set(ratio_sizes)):
            print(f"  all cores / jobs 1 at {n:,} articles (single runs): "
                  f"{single[n].seconds / parallel[n].seconds:.2f}x")
        summary.append(("framing score --jobs 2", ref, input_mb, best(ref, "jobs 2").seconds,
                        mib(best(ref, "jobs 2").sampled_kib) + " sampled"))
        if cores != 2:
            summary.append((f"framing score --jobs 0 ({cores} cores)", ref, input_mb,
                            every.seconds, mib(every.sampled_kib) + " sampled"))

        print("\n4. framing score --engine dask --workers 2 (LocalCluster start-up included) "
              "against --jobs 2")
        if not dask_ok:
            print("  dask: not installed (pip install 'framing[dask]')")
        elif dask_error is not None:
            print(f"  dask: failed: {dask_error}")
        else:
            dask = best(ref, "dask")
            local = best(ref, "jobs 2")
            print_rate("dask, 2 workers", ref, input_mb, dask.seconds)
            ratio = local.seconds / dask.seconds
            print(f"  speed x the local pool (--jobs 2): {ratio:.2f}  (above 1: dask faster; "
                  f"target >= {DASK_TARGET}: {'met' if ratio >= DASK_TARGET else 'NOT met'}); "
                  "rounds (dask/jobs 2): " + ", ".join(
                      f"{x.seconds:.1f}/{y.seconds:.1f} s"
                      for x, y in zip(rounds[ref]["dask"], rounds[ref]["jobs 2"],
                                      strict=False)))
            summary.append(("framing score --engine dask, 2 workers", ref, input_mb,
                            dask.seconds, mib(dask.sampled_kib) + " sampled"))

        print(f"\n5. baseline TF-IDF + LR fitted on the {len(records):,} texts: predict_proba, "
              "one process\n   (MB/s of article text)")
        print_rate("baseline predict_proba", ref, text_mb, baseline_s)
        summary.append(("baseline TF-IDF + LR, 1 process", ref, text_mb, baseline_s, ""))

        print(f"\n6. scaling: framing score on all {cores} cores")
        for n in sizes:
            run = parallel[n]
            print_rate(f"{n:,} articles", n, run.input_mb, run.seconds)
            if n != ref:
                summary.append((f"framing score --jobs 0, {size_label(n)}", n, run.input_mb,
                                run.seconds, mib(run.sampled_kib) + " sampled"))
        for small, large in pairwise(sizes):
            ratio = parallel[large].seconds / parallel[small].seconds
            print(f"  t({size_label(large)}) / t({size_label(small)}) = {ratio:.2f}x "
                  f"(linear: {large / small:.0f}x)")
        print("  (a fixed start-up, the imports and the models loaded, weighs most on the "
              "smallest batch)")

        print("\n7. memory: peak RSS")
        for n in memory_sizes:
            print(f"  jobs 1, {n:>9,} articles: {mib(single[n].max_rss_kib):>9}  ru_maxrss")
        for n in sizes:
            print(f"  jobs 0, {n:>9,} articles: {mib(parallel[n].sampled_kib):>9}  sampled")
        print(f"  (sampled: every {SAMPLE_EVERY} s from /proc, VmRSS summed over the process "
              "tree; pages shared\n   between processes count once per process)")
        if len(memory_sizes) == 2:
            small, large = (single[n].max_rss_kib for n in memory_sizes)
            ratio = large / small
            print(f"  jobs 1 peak {size_label(memory_sizes[1])} / {size_label(memory_sizes[0])}"
                  f" = {ratio:.2f}; target within {MEMORY_TARGET - 1:.0%}: "
                  f"{'met' if max(ratio, 1 / ratio) <= MEMORY_TARGET else 'NOT met'}")
        for n in memory_sizes:
            if n != ref:
                run = single[n]
                summary.append((f"framing score --jobs 1, {size_label(n)}", n, run.input_mb,
                                run.seconds, mib(run.max_rss_kib)))
        print_table(summary)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
