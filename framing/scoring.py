"""Scoring articles: every model's probability, the marker evidence, and optional explanations.

The library behind ``framing score``; the CLI only formats what :func:`score_articles` yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from framing.ingest import Article
from framing.markers import Evidence, Extractor
from framing.model import Model, model_text


@dataclass
class ScoredArticle:
    """One article with a probability per target, its flags and, if asked, explanations."""

    article: Article
    scores: dict[str, float]
    flags: list[Evidence]
    explanations: dict[str, dict] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready form: ``id``, ``source``, ``scores``, ``flags`` (and ``explanations``)."""
        out = {
            **self.article.summary(),
            "scores": {t: round(p, 4) for t, p in self.scores.items()},
            "flags": [e.to_dict() for e in self.flags],
        }
        if self.explanations:
            out["explanations"] = self.explanations
        return out


def score_articles(
    articles: Iterable[Article],
    models: Sequence[Model],
    extractor: Extractor,
    *,
    explain: bool = False,
    top: int = 5,
    batch_size: int = 64,
) -> Iterator[ScoredArticle]:
    """Score lazily in batches (vectorised prediction), keeping the input order."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from _score_batch(batch, models, extractor, explain, top)
            batch = []
    if batch:
        yield from _score_batch(batch, models, extractor, explain, top)


def _score_batch(batch, models, extractor, explain, top) -> Iterator[ScoredArticle]:
    texts = [model_text(a) for a in batch]
    probabilities = {m.target: m.predict_proba(texts) for m in models}
    for i, article in enumerate(batch):
        scored = ScoredArticle(
            article,
            {target: float(p[i]) for target, p in probabilities.items()},
            extractor.scan(article.text, published=article.published),
        )
        if explain:
            for model in models:
                explanation = model.classifier.explain(texts[i], top=top)
                # The flags carry the evidence; each marker feature points at its spans.
                explanation.pop("evidence", None)
                for entry in explanation["up"] + explanation["down"]:
                    spans = _spans_behind(entry["feature"], scored.flags)
                    if spans:
                        entry["evidence"] = spans
                scored.explanations[model.target] = explanation
        yield scored


def _spans_behind(feature: str, flags: list[Evidence], most: int = 3) -> list[str]:
    """The flagged spans a marker or family feature (``…marker__KN101``) counted."""
    for kind, attribute in (("__marker__", "marker_id"), ("__family__", "family")):
        if kind in feature:
            value = feature.split(kind, 1)[1]
            return [e.text for e in flags if getattr(e, attribute) == value][:most]
    return []
