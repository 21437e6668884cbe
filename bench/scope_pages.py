"""Which real web pages get scores, which are out of scope, and why (shipped models).

    python bench/scope_pages.py [FOLDER ...]   # default: ../shared/data/webpages/trafilatura-cache

Prints the pages per outcome (scored; not English, by language; too short), how many scored
pages are off the war topic or unlike each model's training data (low confidence), and the share
of scored pages at unreliable_source >= 0.5 with and without the low-confidence ones.
"""

from __future__ import annotations

import sys
from collections import Counter

from _shared import shared_data

from framing.ingest import iter_articles
from framing.markers import Extractor
from framing.model import discover_models, load_model
from framing.scoring import reported_targets, score_articles


def main(argv: list[str]) -> int:
    folders = argv or [str(shared_data() / "webpages" / "trafilatura-cache")]
    models = [load_model(d) for d in discover_models()]
    targets = reported_targets(models)
    problems = []
    articles = iter_articles(folders, on_problem=problems.append)
    rows = list(score_articles(articles, models, Extractor()))
    outcome: Counter = Counter()
    languages: Counter = Counter()
    excluded = {t: Counter() for t in targets}
    high = Counter()
    for row in rows:
        if row.scores is None:
            outcome[row.scope["reason"]] += 1
            if row.scope["reason"] == "not_english":
                languages[row.scope["language"]] += 1
            continue
        outcome["scored"] += 1
        for t in targets:
            why = row.exclusion(t)
            excluded[t][why or "counts"] += 1
            if t == "unreliable_source" and row.scores[t] >= 0.5:
                high["all"] += 1
                if why is None:
                    high["confident"] += 1
    print(f"{len(rows)} pages read ({len(problems)} input problems)")
    for name in ("scored", "not_english", "too_short"):
        print(f"  {name:12} {outcome[name]}")
    print("  languages of the non-English pages: "
          + ", ".join(f"{lang} {n}" for lang, n in languages.most_common()))
    for t in targets:
        print(f"  {t}: " + ", ".join(f"{k} {v}" for k, v in sorted(excluded[t].items())))
    scored = outcome["scored"] or 1
    confident = excluded.get("unreliable_source", Counter())["counts"] or 1
    print(f"  unreliable_source >= 0.5: {high['all']}/{outcome['scored']} scored pages "
          f"({high['all'] / scored:.0%}); {high['confident']}/{confident} of those not "
          f"low-confidence ({high['confident'] / confident:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
