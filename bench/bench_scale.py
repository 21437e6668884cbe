"""Benchmark of scoring at scale: throughput, parallel speed-up, scaling, memory. Asserts nothing.

Builds synthetic JSONL batches (default 1,000, 10,000 and 100,000 lines) from the ReCOVery
articles in ../shared/data (or $FRAMING_SHARED_DATA), repeating the 1,641 articles under unique
ids, in a temporary directory removed at the end. Then, on the reference batch (10,000 when it
is among the sizes, else the smallest):

1. markers only: the marker extractor over the texts, in this process;
2. ``framing score --jobs 1`` as a subprocess: wall time, articles/s, MB/s of input file;
3. ``framing score --jobs 0`` (all cores): the same, and the speed-up over one job (2 and 3:
   best of three interleaved runs each);
4. ``framing score --engine dask --workers 2 --partition-size 8`` (LocalCluster start-up
   included), if installed;
5. a bare TF-IDF + logistic regression baseline fitted on the 1,641 texts, predicting in this
   process;

and for every size:

6. scaling: ``framing score`` on all cores, seconds and the ratio between consecutive sizes;
7. memory: peak RSS of ``--jobs 1`` for the two largest sizes (the input is streamed, so it
   should not grow with the batch), and the sampled peak of the all-cores process tree.

Other figures are single runs (at these sizes a run takes seconds to minutes, and the runs are
meant to show scale, not small differences). The default sizes take about 7 minutes on 2 cores.

    python bench/bench_scale.py [--sizes 1000,10000,100000]
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
SPEEDUP_TARGET = 1.6
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
           *options]
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
    sizes = parser.parse_args(argv).sizes
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
          f"{', '.join(f'{n:,}' for n in sizes)}; reference batch {ref:,}")

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

        # The --jobs 1 runs: the reference batch (2) and the two largest (7), each once.
        single = {n: run_score(f"jobs 1, {size_label(n)}", batches[n], n, ["--jobs", "1"],
                               tmp / "out.jsonl", rusage=True)
                  for n in sorted({ref, *memory_sizes})}
        # The all-cores runs: every size (6), the reference one also serving 3.
        parallel = {n: run_score(f"jobs 0, {size_label(n)}", batches[n], n, ["--jobs", "0"],
                                 tmp / "out.jsonl")
                    for n in sizes}

        # This machine's speed wanders by a fifth between runs of the same command: two more
        # pairs on the reference batch, interleaved so that a slow spell hits both sides,
        # and the best of three of each.
        pairs = [(single[ref], parallel[ref])]
        for _ in range(2):
            pairs.append((run_score("jobs 1", batches[ref], ref, ["--jobs", "1"],
                                    tmp / "out.jsonl", rusage=True),
                          run_score("jobs 0", batches[ref], ref, ["--jobs", "0"],
                                    tmp / "out.jsonl")))
        one = min((a for a, _ in pairs), key=lambda r: r.seconds)
        every = min((b for _, b in pairs), key=lambda r: r.seconds)
        single[ref], parallel[ref] = one, every
        pair_ratios = ", ".join(f"{a.seconds / b.seconds:.2f}x" for a, b in pairs)
        print("\n2. framing score --jobs 1 (MB/s of JSONL input)")
        print_rate("jobs 1", ref, input_mb, one.seconds)
        summary.append(("framing score --jobs 1", ref, input_mb, one.seconds,
                        mib(one.max_rss_kib)))

        speedup = one.seconds / every.seconds
        print(f"\n3. framing score --jobs 0 = all {cores} cores")
        print_rate(f"jobs 0 ({cores} processes)", ref, input_mb, every.seconds)
        print("  runs (jobs 1 / jobs 0): "
              + ", ".join(f"{a.seconds:.1f}/{b.seconds:.1f} s" for a, b in pairs)
              + f"; per pair {pair_ratios}")
        print(f"  speed-up over 1 job at {ref:,} articles, best of 3 each: {speedup:.2f}x")
        # The larger batches run on one job for the memory figures anyway: their speed-up
        # shows how much of the reference one is the pool's fixed start-up (a few seconds).
        for n in sorted(single.keys() - {ref}):
            print(f"  speed-up at {n:,} articles: {single[n].seconds / parallel[n].seconds:.2f}x")
        # The target is about throughput on big batches, so it is judged on the largest one
        # measured both ways; both figures are printed above.
        largest = max(single.keys() & parallel.keys())
        at_largest = single[largest].seconds / parallel[largest].seconds
        print(f"  target >= {SPEEDUP_TARGET}x on 2 cores at {largest:,} articles: "
              f"{'met' if at_largest >= SPEEDUP_TARGET else 'NOT met'} ({at_largest:.2f}x); "
              f"at {ref:,}: {'met' if speedup >= SPEEDUP_TARGET else 'NOT met'}"
              + ("" if cores == 2 else f" (this machine has {cores} cores)"))
        summary.append((f"framing score --jobs 0 ({cores} cores)", ref, input_mb, every.seconds,
                        mib(every.sampled_kib) + " sampled"))

        print("\n4. framing score --engine dask --workers 2 (LocalCluster start-up included)")
        if dask_missing():
            print("  dask: not installed (pip install 'framing[dask]')")
        else:
            try:
                dask = run_score("dask", batches[ref], ref,
                                 # 8 MB partitions: the 58 MB batch in 8 tasks, so
                                 # that two workers share the work evenly.
                                 ["--engine", "dask", "--workers", "2",
                                  "--partition-size", "8"], tmp / "dask-out")
            except RuntimeError as exc:
                print(f"  dask: failed: {exc}")
            else:
                print_rate("dask, 2 workers", ref, input_mb, dask.seconds)
                print(f"  x jobs 0: {every.seconds / dask.seconds:.2f} (above 1: dask faster)")
                summary.append(("framing score --engine dask, 2 workers", ref, input_mb,
                                dask.seconds, mib(dask.sampled_kib) + " sampled"))

        print(f"\n5. baseline TF-IDF + LR fitted on the {len(records):,} texts: predict_proba, "
              "one process\n   (MB/s of article text)")
        print_rate("baseline predict_proba", ref, text_mb, baseline_s)
        summary.append(("baseline TF-IDF + LR, 1 process", ref, text_mb, baseline_s, ""))

        print(f"\n6. scaling: framing score --jobs 0 on {cores} cores")
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
        print("  (a fixed start-up, the worker pool and the models loaded in every process, "
              "weighs most\n   on the smallest batch)")

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
