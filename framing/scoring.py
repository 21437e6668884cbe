"""Scoring articles: every model's probability, the marker evidence, and optional explanations.

The library behind ``framing score``; the CLI only formats what :func:`score_articles` yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from framing.ingest import Article
from framing.markers import Evidence, Extractor
from framing.model import Model, model_text

#: Why a score is left out of per-source aggregates (see :meth:`ScoredArticle.exclusion`).
EXCLUSIONS = {
    "not_english": "the article is not in English; the models are English-only",
    "too_short": "the text is too short to score",
    "off_topic": "the article is not about the Russia-Ukraine war (war_topic below 0.5)",
    "low_confidence": "the article is unlike the model's training data",
}
#: Targets that are defined for war coverage only.
WAR_TARGETS = ("pro_kremlin_framing",)


@dataclass
class ScoredArticle:
    """One article with a probability per target, its flags and what decides whether they apply.

    ``scores`` is ``None`` when no score applies to the article at all (not English, too
    short); ``scope`` then says why (``language``, ``reason``). ``scope["war_topic"]`` is the
    probability that the article is about the Russia-Ukraine war. ``confidence`` maps a target
    to how close the article is to that model's training data (``similarity``) and whether
    that is past the documented level (``low_confidence``). ``narratives`` lists the war
    narratives the narratives model finds, with the paragraphs that carry them.
    """

    article: Article
    scores: dict[str, float] | None
    flags: list[Evidence]
    explanations: dict[str, dict] = field(default_factory=dict)
    scope: dict = field(default_factory=dict)
    confidence: dict[str, dict] = field(default_factory=dict)
    narratives: list[dict] = field(default_factory=list)

    def exclusion(self, target: str) -> str | None:
        """Why ``target``'s score should not count in aggregates (a key of :data:`EXCLUSIONS`).

        ``None`` when the score stands. Out of scope first (no scores, or off-topic for a
        war target), then low confidence.
        """
        if self.scores is None or target not in self.scores:
            return self.scope.get("reason") or "not_english"
        war = self.scope.get("war_topic")
        if target in WAR_TARGETS and war is not None and war < 0.5:
            return "off_topic"
        if self.confidence.get(target, {}).get("low_confidence"):
            return "low_confidence"
        return None

    def to_dict(self) -> dict:
        """JSON-ready form: ``id``, ``source``, ``scores``, ``scope``, ``confidence``, ``flags``.

        ``narratives`` and ``explanations`` are added when present.
        """
        out = {
            **self.article.summary(),
            "scores": (None if self.scores is None
                       else {t: round(p, 4) for t, p in self.scores.items()}),
        }
        if self.scope:
            out["scope"] = self.scope
        if self.confidence:
            out["confidence"] = self.confidence
        if self.narratives:
            out["narratives"] = self.narratives
        out["flags"] = [e.to_dict() for e in self.flags]
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
