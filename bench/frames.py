"""Out-of-fold figures of the media-frames model (SemEval-2023 Task 3 subtask 2), per language.

Under the same 5 article-grouped folds (each article its own group, shuffled by --seed), three
estimators are cross-validated on the shared training articles of each language folder:

- ``model_platt``: :class:`framing.frames.FrameClassifier`, Platt-calibrated (the default);
- ``model_uncalibrated``: the same, the logistic regressions' own probabilities;
- ``baseline_tfidf_ovr``: default TF-IDF, one default logistic regression per frame, 0.5.

Both models choose their per-frame thresholds on inner out-of-fold probabilities of their own
training folds only. Printed: micro-F1 over (article, frame) pairs with a 95% bootstrap interval
over articles, micro precision and recall, predicted pairs, and the seconds each CV took.

    python bench/frames.py [--lang en ru] [--folds 5] [--seeds 0 1 2] [--per-frame] [--json F]

With several seeds (other shuffles of the same articles into folds) each seed's table is printed,
then the mean and spread of each estimator's micro-F1 over the seeds.

Needs ../shared/data/semeval2023-task3 (or $FRAMING_SHARED_DATA).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from pathlib import Path

from _shared import shared_data

from framing.frames import FrameClassifier, FrameData, baseline, cross_validate

ESTIMATORS = {
    "model_platt": functools.partial(FrameClassifier, calibrate=True),
    "model_uncalibrated": functools.partial(FrameClassifier, calibrate=False),
    "baseline_tfidf_ovr": baseline,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", nargs="+", default=["en", "ru"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--per-frame", action="store_true", help="also print per-frame F1")
    parser.add_argument("--json", help="also write the reports here")
    args = parser.parse_args(argv)
    root = shared_data()
    if root is None:
        print("no shared data (../shared/data or $FRAMING_SHARED_DATA)", file=sys.stderr)
        return 2
    results: dict = {}
    for lang in args.lang:
        start = time.perf_counter()
        data = FrameData.from_folders([root / "semeval2023-task3" / lang], strict=True)
        read = time.perf_counter() - start
        for seed in args.seeds:
            report = cross_validate(data, ESTIMATORS, folds=args.folds, seed=seed)
            results.setdefault(lang, {})[seed] = report
            _print(lang, seed, report, read, args.per_frame)
        if len(args.seeds) > 1:
            print(f"\n{lang}: micro-F1 over seeds {args.seeds} (mean, sd, min-max)")
            for name in ESTIMATORS:
                values = [results[lang][seed][name]["micro_f1"] for seed in args.seeds]
                print(f"{name:<22} {statistics.mean(values):.3f}  {statistics.pstdev(values):.3f}"
                      f"  {min(values):.3f}-{max(values):.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _print(lang: str, seed: int, report: dict, read: float, per_frame: bool) -> None:
    print(f"\n{lang}: {report['articles']} articles, {report['pairs']} gold article-frame "
          f"pairs; {report['folds']} article-grouped folds, seed {seed}; read in {read:.1f}s")
    print(f"{'estimator':<22} micro-F1  95% interval      P      R   pairs  seconds")
    for name in ESTIMATORS:
        r = report[name]
        low, high = r["interval95"]
        print(f"{name:<22} {r['micro_f1']:.3f}   [{low:.3f}, {high:.3f}]  "
              f"{r['precision']:.3f}  {r['recall']:.3f}  "
              f"{r['predicted_pairs']:>5}  {r['seconds']:>6.1f}", flush=True)
    if per_frame:
        print(f"{'frame':<46} {'gold':>4}  " + "  ".join(f"{n[:12]:>12}" for n in ESTIMATORS))
        for frame, gold in report["positives"].items():
            cells = []
            for name in ESTIMATORS:
                value = report[name]["per_label"][frame]["f1"]
                cells.append(f"{'-' if value is None else f'{value:.3f}':>12}")
            print(f"{frame:<46} {gold:>4}  " + "  ".join(cells))


if __name__ == "__main__":
    sys.exit(main())
