"""Scoring articles: every model's probability, the marker evidence, and optional explanations.

The library behind ``framing score``; the CLI only formats what :func:`score_articles` yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

# The scored record's home is framing/article.py (so that reading and reporting scores need no
# scikit-learn); re-exported so `from framing.scoring import ScoredArticle` keeps working.
from framing.article import EXCLUSIONS, WAR_TARGETS, Article, ScoredArticle  # noqa: F401
from framing.counting import TextCounts
from framing.markers import Evidence, Extractor
from framing.model import MULTI_LABEL_KINDS, Model, model_text
from framing.scope import WAR_LEVEL, WAR_TOPIC, assess, gate


def score_articles(
    articles: Iterable[Article],
    models: Sequence[Model],
    extractor: Extractor,
    *,
    explain: bool = False,
    top: int = 5,
    batch_size: int = 64,
    techniques: bool = True,
    frames: bool = True,
) -> Iterator[ScoredArticle]:
    """Score lazily in batches (vectorised prediction), keeping the input order.

    A techniques model (card kind ``techniques``) among ``models`` fills
    :attr:`ScoredArticle.techniques`, a frames model (kind ``frames``)
    :attr:`ScoredArticle.frames`, for every article in scope; ``techniques=False`` or
    ``frames=False`` leaves that model unused (both stay ``None``), for speed when only the
    scores are wanted.
    """
    roles = _roles(models)
    if not techniques or not frames:
        roles = roles._replace(techniques=roles.techniques if techniques else None,
                               frames=roles.frames if frames else None)
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from _score_batch(batch, roles, extractor, explain, top)
            batch = []
    if batch:
        yield from _score_batch(batch, roles, extractor, explain, top)


def reported_targets(models: Sequence[Model]) -> list[str]:
    """Targets whose probabilities go into ``scores`` (war_topic goes into ``scope``)."""
    return [m.target for m in _roles(models).judged]


def reported_models(models: Sequence[Model]) -> list[Model]:
    """The models behind :func:`reported_targets`, in the same order."""
    return _roles(models).judged


def reads_techniques(models: Sequence[Model]) -> bool:
    """Whether ``models`` hold a techniques model (scored articles then carry techniques)."""
    return _roles(models).techniques is not None


def reads_frames(models: Sequence[Model]) -> bool:
    """Whether ``models`` hold a frames model (scored articles then carry frames)."""
    return _roles(models).frames is not None


class _Roles(NamedTuple):
    war: Model | None
    narratives: Model | None
    judged: list[Model]
    techniques: Model | None = None
    frames: Model | None = None


def _roles(models: Sequence[Model]) -> _Roles:
    """What each model does in scoring: the war_topic model (scope), the multi-label models
    (narratives, techniques, frames: lists of their own) and the models whose scores are
    reported."""
    war = None
    multi: dict[str, Model] = {}
    judged = []
    for model in models:
        kind = model.card.get("kind")
        if kind in MULTI_LABEL_KINDS:
            # Never a scoring target, even when its card names one.
            multi[kind] = model
        elif model.target == WAR_TOPIC:
            war = model
        else:
            judged.append(model)
    return _Roles(war, multi.get("narratives"), judged, multi.get("techniques"),
                  multi.get("frames"))


def frames_mapping(entries: list[dict]) -> dict[str, dict]:
    """:meth:`framing.frames.FrameClassifier.predict`'s entries of one article as
    :attr:`ScoredArticle.frames`: frame -> ``probability``, ``asserted`` and, on the asserted
    ones only, the ``paragraphs`` behind them (the entries' order: asserted first)."""
    out = {}
    for entry in entries:
        value = {"probability": entry["probability"], "asserted": entry["asserted"]}
        if entry["asserted"]:
            value["paragraphs"] = entry.get("paragraphs", [])
        out[entry["frame"]] = value
    return out


def _score_batch(batch, roles: _Roles, extractor, explain, top) -> Iterator[ScoredArticle]:
    war_model, narrative_model, judged = roles.war, roles.narratives, roles.judged
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
        # Every model of the batch reads its documents from one tokenising and counting pass.
        shared = TextCounts()
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
            found = narrative_model.classifier.predict([batch[i].text for i in on_war],
                                                       counts=shared)
            for k, i in enumerate(on_war):
                out[i].narratives = found[k]
        # Techniques and frames are not war-specific: every article in scope is read.
        raw = [batch[i].text for i in eligible]
        if roles.techniques is not None:
            found = roles.techniques.classifier.find(raw, shared)
            for i, techniques_found in zip(eligible, found, strict=True):
                out[i].techniques = techniques_found
        if roles.frames is not None:
            framed = roles.frames.classifier.predict(raw, counts=shared)
            for i, entries in zip(eligible, framed, strict=True):
                out[i].frames = frames_mapping(entries)
    if explain:
        for i in eligible:
            scored = out[i]
            for model in judged:
                explanation = model.classifier.explain(texts[i], top=top, counts=shared)
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
