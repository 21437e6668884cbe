"""Benchmarks for `make bench`: prints figures, asserts nothing.

Reads the ReCOVery articles from ../shared/data (or $FRAMING_SHARED_DATA) and times the
marker extractor over their texts in this one process. Best of several runs is reported, since
the minimum is the least disturbed by whatever else the machine is doing.
"""

from __future__ import annotations

import sys
import time

from _shared import shared_data

from framing.counting import TextCounts
from framing.counting import clear_caches as clear_token_rows
from framing.features import clear_scans
from framing.ingest import iter_articles
from framing.markers import Extractor, load_markers
from framing.model import baseline_pipeline, discover_models, load_model, model_text
from framing.scoring import score_articles

REPEATS = 3
BATCH = 64  # score_articles' batch size


def clear_caches() -> None:
    clear_token_rows()
    clear_scans()


def best_of(run) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        # Cold every time: the token rows and marker scans kept between batches would make
        # the second and third runs over the same texts faster than a first pass over new ones.
        clear_caches()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def timed(extractor: Extractor, texts: list[str]) -> float:
    return best_of(lambda: [extractor.scan(text) for text in texts])


#: Models that read paragraphs rather than score the article: ``--no-techniques --no-frames``
#: leaves them out.
PARAGRAPH_KINDS = ("techniques", "frames")


def _predict(model, texts, articles):
    """One model alone over the texts, in scoring's batches, each with its shared counts."""
    kind = model.card.get("kind")
    raw = [a.text for a in articles]
    starts = range(0, len(texts), BATCH)
    if kind == "techniques":
        return lambda: [model.classifier.find(raw[i:i + BATCH], TextCounts()) for i in starts]
    if kind in ("narratives", "frames"):
        return lambda: [model.classifier.predict(raw[i:i + BATCH], counts=TextCounts())
                        for i in starts]
    return lambda: [model.classifier.predict_with_similarity(texts[i:i + BATCH], TextCounts())
                    for i in starts]


def bench_scoring(articles: list) -> None:
    """Shipped models against the bare TF-IDF + LR baseline, predicting on the same texts."""
    models = [load_model(d) for d in discover_models()]
    if not models:
        print("\nscoring: no model in models/ (make model); skipped")
        return
    texts = [model_text(a) for a in articles]
    labels = [1 - int(a.meta.get("reliability", 1)) for a in articles]
    baseline = baseline_pipeline().fit(texts, labels)
    base_s = best_of(lambda: baseline.predict_proba(texts))
    title = f"scoring {len(texts)} texts, one process (best of {REPEATS})"
    print(f"\n{title:<44} {'articles/s':>11} {'x baseline':>11}")
    print(f"{'baseline: word TF-IDF + LR':<44} {len(texts) / base_s:11.0f} {1.0:11.2f}")
    for model in models:
        seconds = best_of(_predict(model, texts, articles))
        print(f"{'model ' + model.target:<44} {len(texts) / seconds:11.0f} "
              f"{base_s / seconds:11.2f}")
    extractor = Extractor()
    names = ", ".join(m.target for m in models)
    reads = any(m.card.get("kind") in PARAGRAPH_KINDS for m in models)
    rows = [("framing score: all models + flags", {}, f"target 0.6x ({names})")]
    if reads:
        rows.append(("  --no-techniques --no-frames", {"techniques": False, "frames": False},
                     "(scores, narratives and flags only)"))
    rows.append(("  with --explain", {"explain": True}, "target 0.3x"))
    for label, options, note in rows:
        seconds = best_of(lambda o=options: list(score_articles(articles, models, extractor,
                                                                **o)))
        print(f"{label:<44} {len(texts) / seconds:11.0f} {base_s / seconds:11.2f}   {note}")


def main() -> int:
    data = shared_data()
    if data is None:
        print("bench: ../shared/data not found (set FRAMING_SHARED_DATA); nothing measured")
        return 0
    recovery = data / "recovery"
    problems = []
    start = time.perf_counter()
    articles = list(iter_articles([str(recovery)], on_problem=problems.append))
    texts = [a.text for a in articles]
    read_s = time.perf_counter() - start
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: ReCOVery, {len(texts)} articles, {mb:.2f} MB of text "
          f"({len(problems)} input problems); read in {read_s:.2f} s")

    start = time.perf_counter()
    markers = load_markers()
    full = Extractor(markers)
    # The phrase regex is compiled on the first scan: timed with it, as every process pays it.
    full.scan("A first scan.")
    print(f"catalogue: {len(markers)} markers loaded and compiled (first scan included) in "
          f"{time.perf_counter() - start:.3f} s")

    variants = [
        ("extractor (all markers)", full),
        ("  phrases + patterns only", Extractor([m for m in markers if m.check is None])),
        ("  code checks only", Extractor([m for m in markers if m.check is not None])),
    ]
    title = f"markers, one process (best of {REPEATS})"
    print(f"\n{title:<36} {'MB/s':>8} {'articles/s':>11}   (target: all markers 20 MB/s)")
    for label, extractor in variants:
        seconds = timed(extractor, texts)
        print(f"{label:<36} {mb / seconds:8.1f} {len(texts) / seconds:11.0f}")
    bench_scoring(articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
