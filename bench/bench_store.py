"""Benchmark of the score store: insert, size on disk and streaming back. Asserts nothing.

Fills a temporary store with 10k and 100k synthetic scored articles: the ReCOVery texts from
../shared/data (or $FRAMING_SHARED_DATA), each repeated with a numbered line appended so every
copy has its own content hash, under ~200 random sources, random dates over 12 months, 0-4
flags each and scores for two targets. Prints the time to add them (the time to build the
synthetic articles is measured apart and left out), a rerun of the same add (everything already
present), the size of the database, and the time to stream every row back with ``scored()``.

    python bench/bench_store.py [N ...]      # default: 10000 100000
"""

from __future__ import annotations

import datetime
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from _shared import shared_data

from framing.article import Article, ScoredArticle
from framing.ingest import iter_articles
from framing.markers import Evidence, load_markers
from framing.render import render_html, render_table
from framing.report import build_report
from framing.sources import load_sources
from framing.store import Store

SOURCES = 200
START = datetime.date(2024, 1, 1)


@dataclass
class BenchModel:
    """Stands in for a trained model: the store needs only its target and card sha256."""

    target: str
    card: dict = field(default_factory=dict)


MODELS = [BenchModel("pro_kremlin_framing", {"sha256": "1" * 64}),
          BenchModel("unreliable_source", {"sha256": "2" * 64})]


def synthetic(bases: list[Article], n: int, seed: int = 0) -> Iterator[ScoredArticle]:
    """``n`` scored articles built from ``bases``; the same seed gives the same articles."""
    rng = random.Random(seed)
    markers = [m for m in load_markers() if m.check is None]
    for i in range(n):
        base = bases[i % len(bases)]
        text = f"{base.text}\n\n(copy {i})\n"
        source = f"outlet{rng.randrange(SOURCES):03d}.com"
        flags = []
        for _ in range(rng.randrange(5)):
            marker = rng.choice(markers)
            start = rng.randrange(max(1, len(text) - 40))
            flags.append(Evidence(marker.id, marker.family, start, start + 25, 1 + start // 80,
                                  1 + start % 80, text[start:start + 25], marker.description))
        article = Article(
            id=f"{base.id}-{i}", text=text, title=base.title, url=f"https://{source}/{i}",
            source=source, source_method="url",
            published=START + datetime.timedelta(days=rng.randrange(365)), author=base.author,
            path="bench.jsonl", record=i + 1,
        )
        yield ScoredArticle(article, {m.target: rng.random() for m in MODELS}, flags)


def timed(run) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def bench(bases: list[Article], n: int) -> None:
    build_s, _ = timed(lambda: sum(1 for _ in synthetic(bases, n)))
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        path = Path(tmp) / "scores.db"
        with Store(path) as store:
            add_s, counts = timed(lambda: store.add(synthetic(bases, n), MODELS))
            rerun_s, again = timed(lambda: store.add(synthetic(bases, n), MODELS))
            known_s, known = timed(lambda: store.known([m.card["sha256"] for m in MODELS]))
        # Closing the last connection folds the WAL back into the file: this is the size at rest.
        size = path.stat().st_size
        conn = sqlite3.connect(path)
        text_bytes, flag_bytes = conn.execute(
            "SELECT sum(length(text)), sum(length(flags)) FROM articles").fetchone()
        conn.close()
        with Store(path) as store:
            read_s, rows = timed(lambda: sum(1 for _ in store.scored()))
            one_s, one = timed(lambda: sum(1 for _ in store.scored(sources=["outlet007.com"])))
            month_s, month = timed(lambda: sum(1 for _ in store.scored(
                since=datetime.date(2024, 3, 1), until=datetime.date(2024, 3, 31))))
            # What `framing report --store` does: read everything, aggregate, render.
            report_s, built = timed(lambda: build_report(store.scored(),
                                                         sources_table=load_sources()))
            render_s, _ = timed(lambda: (render_table(built), render_html(built)))
    add_store_s = add_s - build_s
    per_10k = 10_000 / n
    print(f"\n{n:,} articles, 2 targets (building them: {build_s:.2f} s, left out below)")
    print(f"  add            {add_store_s:7.2f} s  {n / add_store_s:9.0f} articles/s  "
          f"-> added {counts[0]:,}, present {counts[1]:,}")
    print(f"  add again      {rerun_s - build_s:7.2f} s  {n / (rerun_s - build_s):9.0f} "
          f"articles/s  -> added {again[0]:,}, present {again[1]:,}")
    print(f"  known()        {known_s:7.2f} s  ({len(known):,} hashes)")
    print(f"  size           {size / 1e6:7.1f} MB  {size * per_10k / 1e6:7.1f} MB per 10k "
          f"(compressed text {text_bytes * per_10k / 1e6:.1f} MB, flags JSON "
          f"{flag_bytes * per_10k / 1e6:.1f} MB per 10k)")
    print(f"  scored() all   {read_s:7.2f} s  {rows / read_s:9.0f} articles/s  ({rows:,} rows)")
    print(f"  one source     {one_s:7.2f} s  ({one:,} rows)")
    print(f"  one month      {month_s:7.2f} s  ({month:,} rows)")
    print(f"  report         {report_s:7.2f} s  read + aggregate {len(built.sources)} sources; "
          f"table + HTML rendered in {render_s:.2f} s")


def main(argv: list[str]) -> int:
    data = shared_data()
    if data is None:
        print("bench_store: ../shared/data not found (set FRAMING_SHARED_DATA); nothing measured")
        return 0
    bases = list(iter_articles([str(data / "recovery")], on_problem=lambda p: None))
    raw = sum(len(a.text.encode("utf-8")) for a in bases) / len(bases)
    print(f"texts: {len(bases)} ReCOVery articles, {raw / 1e3:.1f} kB of UTF-8 on average; "
          f"SQLite {sqlite3.sqlite_version}")
    for n in [int(a) for a in argv] or [10_000, 100_000]:
        bench(bases, n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
