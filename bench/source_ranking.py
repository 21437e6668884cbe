"""Per-source ranking on ReCOVery with scores from models that never saw the publisher.

Each article is scored out of fold (GroupKFold by source, the shipped feature configuration);
the per-source report then ranks the publishers by mean unreliable_source probability, and the
ranking is compared with the publishers' known labels: ReCOVery's own, and the shipped
framing/data/sources.csv. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _shared import shared_data
from sklearn.metrics import roc_auc_score

from framing.article import ScoredArticle
from framing.corpus import read_corpus, write_corpus
from framing.datasets import import_corpus
from framing.markers import Extractor
from framing.model import (
    MODELS_DIR,
    Dataset,
    FeatureConfig,
    FramingClassifier,
    grouped_cross_validation,
    load_model,
)
from framing.report import build_report
from framing.sources import load_sources, lookup_source


def main() -> int:
    data = shared_data()
    if data is None:
        print("source_ranking: ../shared/data not found (set FRAMING_SHARED_DATA)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "recovery.jsonl"
        write_corpus(import_corpus("recovery", data / "recovery"), corpus)
        articles = list(read_corpus(corpus))
    dataset = Dataset.from_articles(articles, "unreliable_source")
    # The shipped model's own configuration, read from its card.
    card = load_model(MODELS_DIR / "unreliable_source").card
    config = FeatureConfig(**card["features"])
    p = grouped_cross_validation(dataset, lambda: FramingClassifier(config), folds=5)
    extractor = Extractor()
    scored = [ScoredArticle(a, {"unreliable_source": float(prob)}, extractor.scan(a.text))
              for a, prob in zip(articles, p, strict=True)]
    table = load_sources()
    report = build_report(scored, sources_table=table, min_articles=1)
    label = {a.source: a.labels["unreliable_source"] for a in articles}
    means = [s.scores["unreliable_source"].mean for s in report.sources]
    own = [label[s.source] for s in report.sources]
    print(f"ReCOVery: {len(articles)} articles, {len(report.sources)} sources, scored out of "
          "fold (GroupKFold(5) by source)")
    print(f"article-level ROC-AUC                        {roc_auc_score(dataset.labels, p):.3f}")
    print(f"source ranking ROC-AUC vs ReCOVery labels    {roc_auc_score(own, means):.3f}")
    rated = [(s.scores["unreliable_source"].mean, lookup_source(s.source, table))
             for s in report.sources]
    rated = [(m, r.label) for m, r in rated if r is not None and r.label is not None]
    auc = roc_auc_score([y for _, y in rated], [m for m, _ in rated])
    print(f"source ranking ROC-AUC vs sources.csv labels {auc:.3f} ({len(rated)} rated sources)")
    print("bands (min 5 articles) against ReCOVery labels:")
    report5 = build_report(scored, sources_table=table, min_articles=5)
    for band in ("reliable", "mixed", "unreliable", "insufficient evidence"):
        counts = [sum(1 for s in report5.sources if s.band == band and label[s.source] == y)
                  for y in (0, 1)]
        print(f"  {band:<22} reliable-labelled {counts[0]:3d}  unreliable-labelled {counts[1]:3d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
