"""Scoring articles: every model's probability, the marker evidence, and optional explanations.

The library behind ``framing score``; the CLI only formats what :func:`score_articles` yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

# The scored record's home is framing/article.py (so that reading and reporting scores need no
# scikit-learn); re-exported so `from framing.scoring import ScoredArticle` keeps working.
from framing.article import EXCLUSIONS, WAR_TARGETS, Article, ScoredArticle  # noqa: F401
from framing.markers import Evidence, Extractor
from framing.model import MULTI_LABEL_KINDS, Model, SharedCounts, model_text
from framing.scope import WAR_LEVEL, WAR_TOPIC, assess, gate


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


def reported_targets(models: Sequence[Model]) -> list[str]:
    """Targets whose probabilities go into ``scores`` (war_topic goes into ``scope``)."""
    return [m.target for m in _roles(models)[2]]


def reported_models(models: Sequence[Model]) -> list[Model]:
    """The models behind :func:`reported_targets`, in the same order."""
    return _roles(models)[2]


def _roles(models: Sequence[Model]) -> tuple[Model | None, Model | None, list[Model]]:
    """The war_topic model, the narratives model and the models whose scores are reported."""
    war = narratives = None
    judged = []
    for model in models:
        if model.card.get("kind") == "narratives":
            narratives = model
        elif model.card.get("kind") in MULTI_LABEL_KINDS:
            # Frames and techniques models (framing.frames, framing.techniques) are not part of
            # scoring yet; one in a models directory must not be taken for a scoring target.
            continue
        elif model.target == WAR_TOPIC:
            war = model
        else:
            judged.append(model)
    return war, narratives, judged


def _score_batch(batch, models, extractor, explain, top) -> Iterator[ScoredArticle]:
    war_model, narrative_model, judged = _roles(models)
    texts = [model_text(a) for a in batch]
    out = []
    for article, text in zip(batch, texts, strict=True):
        scope = assess(article, text)
        flags = extractor.scan(article.text, published=article.published,
                               language=scope["language"])
        out.append(ScoredArticle(article, None, flags, scope=scope))
    eligible = [i for i, s in enumerate(out) if s.scope["reason"] is None]
    for scored in out:
        if scored.scope["reason"] is None:
            del scored.scope["reason"]
    if eligible:
        chosen = [texts[i] for i in eligible]
        shared = SharedCounts(chosen)
        p_war = None
        if war_model is not None:
            p_war, _ = war_model.classifier.predict_with_similarity(chosen, shared)
            for k, i in enumerate(eligible):
                out[i].scope[WAR_TOPIC] = round(float(p_war[k]), 4)
        for i in eligible:
            out[i].scores = {}
        for model in judged:
            p, similarity = model.classifier.predict_with_similarity(chosen, shared)
            gated = model.card.get("gate") == WAR_TOPIC and p_war is not None
            if gated:
                p = gate(p_war, p)
            level = getattr(model.classifier, "similarity_level_", None)
            for k, i in enumerate(eligible):
                out[i].scores[model.target] = float(p[k])
                if similarity is not None and level is not None:
                    out[i].confidence[model.target] = {
                        "similarity": round(float(similarity[k]), 4),
                        "low_confidence": bool(similarity[k] < level),
                    }
        if narrative_model is not None:
            # War narratives are looked for in war coverage only (all of it without war_topic).
            on_war = [i for k, i in enumerate(eligible)
                      if p_war is None or p_war[k] >= WAR_LEVEL]
            found = narrative_model.classifier.predict([batch[i].text for i in on_war])
            for k, i in enumerate(on_war):
                out[i].narratives = found[k]
    if explain:
        for i in eligible:
            scored = out[i]
            for model in judged:
                explanation = model.classifier.explain(texts[i], top=top)
                # The flags carry the evidence; each marker entry points at its spans.
                explanation.pop("evidence", None)
                for entry in explanation["up"] + explanation["down"]:
                    spans = _spans_behind(entry["feature"], scored.flags)
                    if spans:
                        entry["evidence"] = spans
                if model.card.get("gate") == WAR_TOPIC and WAR_TOPIC in scored.scope:
                    explanation["gate"] = {WAR_TOPIC: scored.scope[WAR_TOPIC]}
                if scored.narratives:
                    explanation["narratives"] = [
                        n["narrative"] for n in scored.narratives if n.get("asserted")]
                scored.explanations[model.target] = explanation
    yield from out


def _spans_behind(feature: str, flags: list[Evidence], most: int = 3) -> list[str]:
    """The flagged spans a marker or family feature (``marker:KN101``) counted."""
    kind, _, value = feature.partition(":")
    if kind.startswith("marker"):
        pick = [e for e in flags if e.marker_id == value]
    elif kind.startswith("family"):
        pick = [e for e in flags if e.family == value]
    else:
        return []
    # The spans of the entry's own voice column; all of them when none is of that voice.
    borrowed = kind.endswith("_other")
    pick = [e for e in pick if e.borrowed == borrowed] or pick
    return [e.text for e in pick][:most]
