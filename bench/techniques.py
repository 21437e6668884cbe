"""Persuasion techniques (SemEval-2023 Task 3 subtask 3): the model beside the baseline.

Article-grouped 5-fold CV on the shared training articles of each language, the same folds
for both: micro-F1 over (article, line, technique) triples with a 95% bootstrap interval over
articles, micro precision and recall, and the seconds each took. The model is
``framing.techniques.TechniqueClassifier`` (TF-IDF words 1-2 + char 2-5, one logistic
regression per technique, thresholds chosen on inner out-of-fold scores); the baseline is
``TfidfOneVsRest`` (TF-IDF unigrams, one-vs-rest logistic regression, 0.5).

Reference points (the task's English test set, not these folds): organisers' baseline about
0.19 micro-F1, best English system about 0.38.

Measured (5 folds, seed 0, 2 cores shared with another job; ``--per-technique`` adds F1 per
technique):

    lang  articles  paragraphs  model micro-F1 [95%]   P      R      baseline micro-F1 (P, R)
    en    446       9498        0.387 [0.368, 0.405]   0.320  0.490  0.065 (0.624, 0.034)
    ru    143       1962        0.400 [0.365, 0.432]   0.324  0.520  0.065 (0.582, 0.035)

Re-measured after thresholds moved to ``framing.evaluation.choose_thresholds`` (ties nearest
0.5) and coef to float32: the same figures to the third decimal (EN model 214 s, baseline 320 s;
RU 36 s, 17 s). The first EN run took 975 s (about 3 min a fold), RU 73 s. These are CV
figures on the training articles, not the task's test set; the model's settings were fixed
beforehand except the character n-grams, kept after one EN fold (0.412 with, 0.395 without),
which makes the EN figure slightly optimistic.

    python bench/techniques.py [--lang en ru] [--folds 5] [--fold-limit 1] [--json out.json]

Needs shared/data/semeval2023-task3 beside the checkout (or $FRAMING_SHARED_DATA).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _shared import shared_data

from framing.article import ProblemLog
from framing.techniques import TechniqueClassifier, TfidfOneVsRest, cross_validate, read_subtask3


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", nargs="+", default=["en"], choices=["en", "ru"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold-limit", type=int, default=None,
                        help="run only the first folds (to time a run)")
    parser.add_argument("--per-technique", action="store_true",
                        help="also print per-technique F1 of both")
    parser.add_argument("--json", help="also write the reports here")
    args = parser.parse_args(argv)
    data = shared_data()
    if data is None:
        print("no shared data (set FRAMING_SHARED_DATA)", file=sys.stderr)
        return 2
    reports = {}
    for lang in args.lang:
        log = ProblemLog()
        start = time.perf_counter()
        paragraphs = read_subtask3(data / "semeval2023-task3" / lang, log)
        articles = len({p.article for p in paragraphs})
        pairs = sum(len(p.techniques) for p in paragraphs)
        print(f"{lang}: {articles} articles, {len(paragraphs)} paragraphs, {pairs} gold "
              f"pairs, {log.errors} problems; read in {time.perf_counter() - start:.1f}s; "
              f"{args.folds} article-grouped folds"
              + (f" (first {args.fold_limit} only)" if args.fold_limit else ""))
        report = cross_validate(paragraphs, {"baseline TF-IDF OvR 0.5": TfidfOneVsRest,
                                             "TechniqueClassifier": TechniqueClassifier},
                                folds=args.folds, fold_limit=args.fold_limit)
        print(f"  {'':<26} micro-F1  95% interval      P      R     seconds")
        for name, r in report.items():
            low, high = r["interval95"] or (float("nan"), float("nan"))
            print(f"  {name:<26} {r['micro_f1']:.3f}  [{low:.3f}, {high:.3f}]  "
                  f"{r['precision']:.3f}  {r['recall']:.3f}  {r['seconds']:7.1f}")
        if args.per_technique:
            names = list(report)
            techniques = sorted(report[names[-1]]["per_label"],
                                key=lambda t: -report[names[-1]]["per_label"][t]["support"])
            print(f"  {'technique F1':<34} support  baseline  model")
            for t in techniques:
                base, model = (report[n]["per_label"][t]["f1"] or 0.0 for n in names)
                support = report[names[-1]]["per_label"][t]["support"]
                print(f"  {t:<34} {support:>7}  {base:8.3f}  {model:5.3f}")
        reports[lang] = report
        sys.stdout.flush()
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
