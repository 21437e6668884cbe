"""Per-source reports: how each outlet's coverage scores, how it frames, and the evidence.

:func:`build_report` aggregates scored articles (from :func:`framing.scoring.score_articles` or
a score store) by source. The band rule, documented in the README and in :func:`band_for`:

* fewer than ``min_articles`` scored articles: **insufficient evidence**;
* otherwise, on the band target (``unreliable_source``) with the 95% interval of its mean
  probability: **unreliable** when the whole interval lies at or above ``1 - margin``,
  **reliable** when it lies at or below ``margin``, else **mixed**.

A score counts only where :meth:`framing.article.ScoredArticle.exclusion` lets it: articles
without scores (not English, too short) are counted per source under ``not_scored``; a score
of an off-topic or low-confidence article is counted under that target's ``excluded``. Either
way it is left out of the target's mean, interval, share above the threshold and (for the band
target) the band, and the article count the band needs is that of the scores that count. An
article left out for one target still counts for another. The marker profile, the AI and
homoglyph shares and the monthly article counts use every article.

The technique and frame profiles (when a techniques or frames model read some of a source's
articles) count over the articles that model read, whatever their scores: an article the model
did not read (no such model, switched off, out of scope) is in neither the count nor the
share, so a store half scored before the models existed does not dilute them.

Sources are listed by their mean ``unreliable_source`` probability, highest first: first those
with a band, then those with too few articles for one, then those without the score. Per source
the report keeps one row per article (title, URL, date, scores, marker ids) so a finding can be
checked against its articles, and it names the groups of distinct articles that carry one
identical body: the same text under several URLs is more often a scrape that caught a cookie
wall or a site template than republication, and a report that merged them silently would count
one text several times.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from framing.article import EXCLUSIONS, ScoredArticle, content_id
from framing.markers import FAMILIES, load_markers
from framing.sources import lookup_source
from framing.syndication import find_shared_passages, link_sources
from framing.text import clip, plural

UNKNOWN_SOURCE = "(unknown)"
BANDS = ("reliable", "mixed", "unreliable", "insufficient evidence")
HOMOGLYPH_MARKER = "TH501"
#: How a known rating of the source table reads next to the model's band.
_KNOWN_TO_BAND = {"reliable": "reliable", "unreliable": "unreliable",
                  "blacklisted": "unreliable", "mixed": "mixed"}


@dataclass
class TargetSummary:
    """Mean probability of one target over a source's articles, with its 95% interval."""

    mean: float
    low: float
    high: float
    share_above: float
    n: int

    def to_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


@dataclass
class SourceReport:
    """Everything the report says about one source."""

    source: str
    articles: int
    scores: dict[str, TargetSummary]
    band: str
    band_reason: str
    families: dict[str, dict[str, int]]
    top_markers: list[dict]
    share_ai: float
    share_homoglyph: float
    known_rating: str | None = None
    disagreement: bool = False
    trend: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    #: {target: {reason: articles}}: scores left out of that target (off_topic, low_confidence).
    excluded: dict[str, dict[str, int]] = field(default_factory=dict)
    #: {reason: articles}: articles with no score at all (not_english, too_short).
    not_scored: dict[str, int] = field(default_factory=dict)
    #: Share of the scored articles asserting each narrative (when a narratives model ran).
    narratives: list[dict] = field(default_factory=list)
    #: Per persuasion technique found, over the articles the techniques model read (see
    #: :func:`technique_profile`); empty when it read none.
    techniques: list[dict] = field(default_factory=list)
    #: How many of the source's articles the techniques model read.
    techniques_read: int = 0
    #: Per media frame, over the articles the frames model read (see :func:`frame_profile`).
    frames: list[dict] = field(default_factory=list)
    #: How many of the source's articles the frames model read.
    frames_read: int = 0
    #: One row per article (see :func:`_article_row`), highest band-target score first.
    article_list: list[dict] = field(default_factory=list)
    #: Groups of distinct articles with one identical body: ``content_hash``, ``articles``,
    #: ``ids``; largest first.
    shared_bodies: list[dict] = field(default_factory=list)

    def left_out(self, target: str) -> int:
        """How many of the source's articles have no counted score for ``target``."""
        return sum(self.not_scored.values()) + sum(self.excluded.get(target, {}).values())

    def to_dict(self) -> dict:
        """JSON-ready form; the technique and frame profiles only where their model read an
        article, so that reports made without those models keep their exact form."""
        out = dict(self.__dict__)
        for profile in ("techniques", "frames"):
            if not out[f"{profile}_read"]:
                del out[profile], out[f"{profile}_read"]
        out["scores"] = {t: s.to_dict() for t, s in self.scores.items()}
        out["share_ai"] = round(self.share_ai, 4)
        out["share_homoglyph"] = round(self.share_homoglyph, 4)
        return out


@dataclass
class Report:
    """A per-source report over one set of scored articles."""

    sources: list[SourceReport]
    targets: list[str]
    threshold: float
    min_articles: int
    margin: float
    articles: int
    links: list[dict] = field(default_factory=list)
    generated: str = field(default_factory=lambda: datetime.date.today().isoformat())
    #: {marker id: {"family", "name", "description"}} for every marker the report mentions.
    markers: dict[str, dict] = field(default_factory=dict)
    #: What each model behind the scores is and was trained on (see :func:`model_summary`).
    models: list[dict] = field(default_factory=list)

    @property
    def excluded(self) -> dict[str, dict[str, int]]:
        """{target: {reason: articles}} over the whole run (every target, maybe empty)."""
        totals: dict[str, Counter] = {t: Counter() for t in self.targets}
        for s in self.sources:
            for target, reasons in s.excluded.items():
                totals.setdefault(target, Counter()).update(reasons)
        return {t: _ordered(c) for t, c in totals.items()}

    @property
    def not_scored(self) -> dict[str, int]:
        """{reason: articles} without any score, over the whole run."""
        total: Counter = Counter()
        for s in self.sources:
            total.update(s.not_scored)
        return _ordered(total)

    def to_dict(self) -> dict:
        return {
            "generated": self.generated,
            "articles": self.articles,
            "targets": self.targets,
            "rule": {"threshold": self.threshold, "min_articles": self.min_articles,
                     "margin": self.margin, "band_target": BAND_TARGET},
            "not_scored": self.not_scored,
            "excluded": self.excluded,
            "exclusions": dict(EXCLUSIONS),
            "sources": [s.to_dict() for s in self.sources],
            "links": self.links,
            "markers": self.markers,
            "models": self.models,
        }


BAND_TARGET = "unreliable_source"


def source_key(article) -> str:
    """The name a report files an article under.

    A source read from a credit line ("Source: CNN") names where the text came from, not who
    published it (seed 003 is an AI rewrite site crediting CNN): such articles are filed apart,
    as "cnn.com (credited)", so they neither count toward nor borrow the credited outlet's
    rating.
    """
    if not article.source:
        return UNKNOWN_SOURCE
    if article.source_method == "credit":
        return f"{article.source} (credited)"
    return article.source


def mean_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t interval, clipped to [0, 1]; one value gives the whole [0, 1]."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0, 1.0
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    # Student's t quantile from scipy.special: the same function scipy.stats.t.ppf calls,
    # without the second of start-up that importing scipy.stats costs a report.
    from scipy.special import stdtrit

    half = float(stdtrit(n - 1, (1 + confidence) / 2)) * sd / math.sqrt(n)
    return mean, max(0.0, mean - half), min(1.0, mean + half)


def band_for(summary: TargetSummary | None, n: int, min_articles: int,
             margin: float) -> tuple[str, str]:
    """The band and a one-line reason (see the module docstring for the rule)."""
    if n < min_articles:
        return "insufficient evidence", f"{plural(n, 'article')}, fewer than {min_articles}"
    if summary is None:
        return "insufficient evidence", f"no {BAND_TARGET} score"
    interval = f"mean {summary.mean:.2f}, 95% interval {summary.low:.2f}-{summary.high:.2f}"
    if summary.low >= 1 - margin:
        return "unreliable", f"{interval}, at or above {1 - margin:.2f}"
    if summary.high <= margin:
        return "reliable", f"{interval}, at or below {margin:.2f}"
    return "mixed", f"{interval}, between {margin:.2f} and {1 - margin:.2f}"


def build_report(
    scored: Iterable[ScoredArticle],
    *,
    sources_table: Mapping | None = None,
    threshold: float = 0.5,
    min_articles: int = 5,
    margin: float = 0.35,
    links: Iterable | None = None,
    syndication: bool = False,
    top: int = 5,
    cards: Iterable[Mapping] | None = None,
) -> Report:
    """Aggregate scored articles per source.

    ``sources_table`` maps domains to :class:`framing.sources.SourceRating` (see
    :func:`framing.sources.load_sources`) to show the known rating beside the model's band.
    ``links`` are :class:`framing.syndication.SourceLink` records to attach to their sources;
    with ``syndication=True`` they are found here, from the articles' texts. ``cards`` are the
    model cards of the models behind the scores; without them, the cards of the models the
    default lookup finds (:func:`framing.model.discover_models`), which are the ones scoring
    used unless it was given other models.
    """
    per_source: dict[str, list[ScoredArticle]] = defaultdict(list)
    targets: set[str] = set()
    total = 0
    docs = []
    for item in scored:
        total += 1
        key = source_key(item.article)
        per_source[key].append(item)
        targets.update(item.scores or ())
        if syndication and key != UNKNOWN_SOURCE:
            a = item.article
            # Keyed by location: ids may repeat across files (ReCOVery's restart per CSV).
            docs.append((a.location, key, a.text, a.published))
            # The aggregates need no text; the passage search holds it only in ``docs``.
    if syndication:
        published = {doc[0]: doc[3] for doc in docs}
        links = link_sources(find_shared_passages(docs), published)
    link_dicts = [_link_dict(link) for link in links or ()]
    reports = [
        _source_report(name, items, sorted(targets), sources_table, threshold, min_articles,
                       margin, link_dicts, top)
        for name, items in per_source.items()
    ]
    reports.sort(key=_rank)
    report = Report(reports, sorted(targets), threshold, min_articles, margin, total, link_dicts)
    report.markers = _marker_catalogue(
        {m["marker_id"] for s in reports for m in s.top_markers}
        | {f for s in reports for row in s.article_list for f in row["flags"]})
    if cards is None:
        cards = _default_cards()
    narratives = any(s.narratives for s in reports)
    kinds = {kind for kind in ("techniques", "frames")
             if any(getattr(s, f"{kind}_read") for s in reports)}
    report.models = [model_summary(card) for card in _cards_for(cards, report.targets,
                                                                 narratives, kinds)]
    return report


def _rank(source: SourceReport) -> tuple:
    """Sources with a band first, then those with too few articles for one, then unscored;
    within each, highest mean band-target probability first, then by article count.

    A source of one article at 1.00 says less than one of forty at 0.90: ranked by score
    alone, a crawl's top rows would all be single articles."""
    summary = source.scores.get(BAND_TARGET)
    return (summary is None, source.band == "insufficient evidence",
            -(summary.mean if summary else 0.0), -source.articles, source.source)


@functools.cache
def _catalogue() -> dict[str, dict]:
    return {m.id: {"family": m.family, "name": m.name, "description": m.description}
            for m in load_markers()}


def _marker_catalogue(ids: set[str]) -> dict[str, dict]:
    """The catalogue entries of ``ids``; an id the catalogue lacks maps to an empty name."""
    known = _catalogue()
    return {i: known.get(i, {"family": "", "name": "", "description": ""}) for i in sorted(ids)}


def _default_cards() -> list[dict]:
    # framing.model imports scikit-learn (about a second); only a report not told its cards
    # (not one over a store, nor one that scored with its own models) looks models up.
    from framing.model import CARD_FILE, discover_models

    cards = []
    for directory in discover_models():
        try:
            cards.append(json.loads((directory / CARD_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # scoring refuses such a model; the report just does not describe it
    return cards


#: Card kinds that describe what an article carries rather than a score: a report describes
#: them only when it shows what they found.
_PROFILE_KINDS = ("narratives", "techniques", "frames")


def _cards_for(cards: Iterable[Mapping], targets: list[str], narratives: bool,
               kinds: Iterable[str] = ()) -> list[Mapping]:
    """The cards of the report's targets, of the models gating them, of the narratives model
    (with ``narratives``) and of the other profile ``kinds`` (``techniques``, ``frames``) whose
    profiles the report shows, in that order."""
    cards = [c for c in cards if isinstance(c, Mapping)]
    wanted = set(targets)
    wanted |= {c.get("gate") for c in cards if c.get("target") in wanted and c.get("gate")}
    chosen = [c for c in cards if c.get("target") in wanted
              and c.get("kind") not in _PROFILE_KINDS]
    shown = {"narratives"} if narratives else set()
    shown |= set(kinds)
    for kind in _PROFILE_KINDS:
        if kind in shown:
            chosen += [c for c in cards if c.get("kind") == kind]
    return chosen


def model_summary(card: Mapping) -> dict:
    """What a report says about one model, read from its card (JSON-ready).

    ``target``, ``meaning``, ``trained_on`` (the evaluated corpus files), ``train_only``
    (files trained on but never evaluated), ``articles``, ``sources``, ``labels`` (of the
    evaluated files), ``method`` (how it was evaluated), ``metrics`` ({name: [value, low, high]},
    intervals ``None`` when the card has none) and ``low_confidence_below``.

    The techniques and frames cards are measured by the task's own micro-F1 (``micro_f1``),
    beside the plain TF-IDF one-vs-rest baseline under the same folds
    (``baseline_micro_f1``), each where the card has it.
    """
    corpus = card.get("corpus") or {}
    evaluation = card.get("evaluation") or {}
    measured = evaluation.get("model") or {}
    ci95 = measured.get("ci95") or {}
    metrics = {}
    for name in ("roc_auc", "macro_f1", "brier", "f1_samples"):
        value = measured.get(name)
        if isinstance(value, dict):  # the narratives card: a point value and its interval
            value, interval = value.get("mean"), value.get("ci95", value.get("interval95"))
        else:
            interval = ci95.get(name)
        if isinstance(value, int | float):
            low, high = interval if isinstance(interval, list) and len(interval) == 2 else (
                None, None)
            metrics[name] = [value, low, high]
    # The techniques and frames cards: {"model": {...}, "baseline_tfidf_ovr": {...}}, each
    # with micro_f1 and its interval95.
    for name, figures in (("micro_f1", measured),
                          ("baseline_micro_f1", evaluation.get("baseline_tfidf_ovr"))):
        value = figures.get("micro_f1") if isinstance(figures, Mapping) else None
        if isinstance(value, int | float):
            interval = figures.get("interval95")
            low, high = interval if isinstance(interval, list) and len(interval) == 2 else (
                None, None)
            metrics[name] = [value, low, high]

    def names(files) -> list[str]:
        return [f["name"] for f in files or () if isinstance(f, Mapping) and f.get("name")]

    return {
        "target": card.get("target"),
        "kind": card.get("kind", "classifier"),
        "meaning": card.get("meaning", ""),
        "trained_on": names(corpus.get("files")),
        "train_only": names((corpus.get("train_only") or {}).get("files")),
        "articles": corpus.get("articles"),
        "sources": corpus.get("sources", corpus.get("groups")),
        "labels": corpus.get("labels") or {},
        "method": evaluation.get("method", ""),
        "metrics": metrics,
        "low_confidence_below": (card.get("training_domain") or {}).get("low_confidence_below"),
    }


def _source_report(name, items, targets, sources_table, threshold, min_articles, margin,
                   links, top) -> SourceReport:
    n = len(items)
    hashes = [content_id(i.article.text) if i.article.text else None for i in items]
    # Without scores, exclusion() gives the same out-of-scope reason for any target.
    not_scored: Counter = Counter(i.exclusion(BAND_TARGET) for i in items if i.scores is None)
    summaries = {}
    excluded: dict[str, dict[str, int]] = {}
    for target in targets:
        values, left_out = _counted(items, target)
        excluded[target] = _ordered(left_out)
        if values:
            mean, low, high = mean_interval(values)
            above = sum(v >= threshold for v in values) / len(values)
            summaries[target] = TargetSummary(mean, low, high, above, len(values))
    band_summary = summaries.get(BAND_TARGET)
    band_left_out = sum(not_scored.values()) + sum(excluded.get(BAND_TARGET, {}).values())
    if band_summary is None and not band_left_out:
        band, reason = band_for(None, n, min_articles, margin)
    else:
        counted = band_summary.n if band_summary else 0
        band, reason = band_for(band_summary, counted, min_articles, margin)
        if band_left_out:
            reasons = Counter(not_scored)
            reasons.update(excluded.get(BAND_TARGET, {}))
            reason += (f"; {plural(band_left_out, 'article')} left out ("
                       + ", ".join(f"{k} {v}" for k, v in _ordered(reasons).items()) + ")")

    families = {f: {"findings": 0, "articles": 0} for f in FAMILIES}
    marker_articles: Counter = Counter()
    examples: dict[str, tuple[str, str]] = {}
    ai = homoglyph = 0
    for item in items:
        seen_families = set()
        seen_markers = set()
        for e in item.flags:
            families[e.family]["findings"] += 1
            seen_families.add(e.family)
            seen_markers.add(e.marker_id)
            examples.setdefault(e.marker_id, (e.family, e.text))
        for family in seen_families:
            families[family]["articles"] += 1
        marker_articles.update(seen_markers)
        ai += "ai" in seen_families
        homoglyph += HOMOGLYPH_MARKER in seen_markers
    top_markers = [
        {"marker_id": mid, "family": examples[mid][0], "articles": count,
         "example": clip(examples[mid][1], 120)}
        for mid, count in sorted(marker_articles.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    ]

    known = None
    disagreement = False
    if sources_table is not None and name != UNKNOWN_SOURCE:
        rating = lookup_source(name, sources_table)
        if rating is not None:
            known = rating.rating
            expected = _KNOWN_TO_BAND.get(known)
            disagreement = (
                band in ("reliable", "unreliable") and expected in ("reliable", "unreliable")
                and band != expected
            )
    return SourceReport(
        source=name,
        articles=n,
        scores=summaries,
        band=band,
        band_reason=reason,
        families=families,
        top_markers=top_markers,
        share_ai=ai / n,
        share_homoglyph=homoglyph / n,
        known_rating=known,
        disagreement=disagreement,
        trend=_trend(items, targets),
        links=[link for link in links if name in (link["source"], link["origin"])],
        excluded=excluded,
        not_scored=_ordered(not_scored),
        narratives=_narrative_profile(items),
        techniques=technique_profile(items),
        techniques_read=sum(item.techniques is not None for item in items),
        frames=frame_profile(items),
        frames_read=sum(item.frames is not None for item in items),
        article_list=sorted((_article_row(i, targets, h) for i, h in zip(items, hashes,
                                                                          strict=True)),
                            key=_by_band_score),
        shared_bodies=_shared_bodies(items, hashes),
    )


def _article_row(item: ScoredArticle, targets: list[str], content_hash: str | None) -> dict:
    """``id``, ``title``, ``url``, ``published``, ``content_hash``, ``scores``, ``left_out``,
    ``flags``.

    ``scores`` has every score the article got, ``left_out`` {target: reason} the ones that do
    not count; ``flags`` are the distinct marker ids found, in id order; ``content_hash`` is
    :func:`framing.article.content_id` of the text (``None`` for an empty one).
    """
    a = item.article
    left_out = {t: item.exclusion(t) for t in targets if item.exclusion(t)}
    return {
        "id": a.id,
        "title": a.title,
        "url": a.url,
        "published": a.published.isoformat() if a.published else None,
        "content_hash": content_hash,
        "scores": {t: round(p, 4) for t, p in sorted((item.scores or {}).items())},
        "left_out": left_out,
        "flags": sorted({e.marker_id for e in item.flags}),
    }


def _by_band_score(row: dict) -> tuple:
    score = row["scores"].get(BAND_TARGET)
    return (score is None, -(score or 0.0), row["published"] or "", row["id"])


def _shared_bodies(items: list[ScoredArticle], hashes: list[str | None]) -> list[dict]:
    """Groups of two or more distinct articles (by id, URL and location) with one body."""
    by_hash: dict[str, dict[tuple, str]] = defaultdict(dict)
    for item, content_hash in zip(items, hashes, strict=True):
        a = item.article
        if content_hash:
            by_hash[content_hash].setdefault((a.id, a.url, a.location), a.id)
    groups = [{"content_hash": h, "articles": len(ids), "ids": sorted(ids.values())}
              for h, ids in by_hash.items() if len(ids) > 1]
    return sorted(groups, key=lambda g: (-g["articles"], g["content_hash"]))


def _counted(items: list[ScoredArticle], target: str) -> tuple[list[float], Counter]:
    """The scores of ``target`` that count, and the reasons the others were left out.

    Articles without any score are the caller's (``not_scored``); an article scored for other
    targets only has nothing to count or leave out here.
    """
    values: list[float] = []
    left_out: Counter = Counter()
    for item in items:
        if item.scores is None or target not in item.scores:
            continue
        reason = item.exclusion(target)
        if reason is None:
            values.append(item.scores[target])
        else:
            left_out[reason] += 1
    return values, left_out


def _ordered(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts in the order of :data:`EXCLUSIONS` (unknown reasons after, by name), zeros out."""
    known = [r for r in EXCLUSIONS if counts.get(r)]
    other = sorted(r for r in counts if r not in EXCLUSIONS and counts[r])
    return {r: counts[r] for r in known + other}


def _narrative_profile(items: list[ScoredArticle]) -> list[dict]:
    """Per narrative, the scored articles asserting it and their share of the scored ones.

    Empty when no article carries narratives (no narratives model ran). The share is over the
    articles with scores, since the others were never read for narratives.
    """
    if not any(item.narratives for item in items):
        return []
    scored = sum(item.scores is not None for item in items)
    asserting: Counter = Counter()
    for item in items:
        names = {entry.get("narrative") for entry in item.narratives if entry.get("asserted")}
        asserting.update(name for name in names if name)
    return [
        {"narrative": name, "articles": count,
         "share": round(count / scored, 4) if scored else 0.0}
        for name, count in sorted(asserting.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


#: Examples shown per technique, and the length their evidence is clipped to.
TECHNIQUE_EXAMPLES = 3
_EXAMPLE_CHARS = 160


def technique_profile(items: Iterable[ScoredArticle], top: int | None = None) -> list[dict]:
    """Per persuasion technique, how the articles the techniques model read carry it.

    Over the articles with ``techniques`` not ``None`` (read; ``[]`` = read, none found), per
    technique found: ``id`` (``PT13``), ``technique`` (the SemEval-2023 label), ``articles``
    with at least one finding, their ``share`` of the articles read, ``paragraphs`` (findings:
    one per paragraph and technique) and ``examples``, the :data:`TECHNIQUE_EXAMPLES`
    strongest findings, one per article (``id``, ``title``, ``url``, ``location``, ``line``,
    ``probability``, ``text``: the evidence sentence clipped, ``None`` where the model pointed
    to none), those with evidence first, then by probability. Most widely used first (share,
    then paragraphs, then id); ``top`` keeps the first ``top`` techniques. Empty when no
    article was read.
    """
    read = [item for item in items if item.techniques is not None]
    if not read:
        return []
    rows: dict[str, dict] = {}
    best: dict[str, dict[str, tuple]] = defaultdict(dict)  # technique -> location -> finding
    for item in read:
        a = item.article
        seen = set()
        for finding in item.techniques:
            label = finding.get("technique")
            if not label:
                continue
            row = rows.setdefault(label, {"id": finding.get("id"), "technique": label,
                                          "articles": 0, "paragraphs": 0})
            row["paragraphs"] += 1
            if label not in seen:
                seen.add(label)
                row["articles"] += 1
            probability = float(finding.get("probability") or 0.0)
            text = finding.get("text")
            # Evidence first, then the strongest; ties by line, so the choice is stable.
            rank = (text is None, -probability, int(finding.get("line") or 0))
            kept = best[label].get(a.location)
            if kept is None or rank < kept[0]:
                best[label][a.location] = (rank, {
                    "id": a.id, "title": a.title, "url": a.url, "location": a.location,
                    "line": finding.get("line"), "probability": round(probability, 4),
                    "text": clip(text, _EXAMPLE_CHARS) if text else None})
    out = []
    for label, row in rows.items():
        examples = sorted(best[label].values(), key=lambda kv: (kv[0], kv[1]["location"]))
        out.append({**row, "share": round(row["articles"] / len(read), 4),
                    "examples": [example for _, example in examples[:TECHNIQUE_EXAMPLES]]})
    out.sort(key=lambda r: (-r["articles"], -r["paragraphs"], r["id"] or "", r["technique"]))
    return out[:top] if top is not None else out


def frame_profile(items: Iterable[ScoredArticle]) -> list[dict]:
    """Per media frame, how the articles the frames model read carry it.

    Over the articles with ``frames`` not ``None``, per frame the model gave: ``frame``,
    ``articles`` where it is asserted, their ``share`` of the articles read, and
    ``mean_probability`` over the articles read (a frame an article's mapping lacks counts as
    0). Most often asserted first, then by mean probability, then by name. Every frame is
    listed, asserted or not; empty when no article was read.
    """
    read = [item.frames for item in items if item.frames is not None]
    if not read:
        return []
    asserted: Counter = Counter()
    total: dict[str, float] = {}
    for frames in read:
        for frame, entry in frames.items():
            total[frame] = total.get(frame, 0.0) + float(entry.get("probability") or 0.0)
            asserted[frame] += bool(entry.get("asserted"))
    rows = [{"frame": frame, "articles": asserted[frame],
             "share": round(asserted[frame] / len(read), 4),
             "mean_probability": round(value / len(read), 4)}
            for frame, value in total.items()]
    rows.sort(key=lambda r: (-r["articles"], -r["mean_probability"], r["frame"]))
    return rows


def _trend(items: list[ScoredArticle], targets: list[str]) -> list[dict]:
    by_month: dict[str, list[ScoredArticle]] = defaultdict(list)
    for item in items:
        if item.article.published is not None:
            by_month[item.article.published.strftime("%Y-%m")].append(item)
    rows = []
    for month in sorted(by_month):
        group = by_month[month]
        means = {}
        for target in targets:
            values, _ = _counted(group, target)
            if values:
                means[target] = round(sum(values) / len(values), 4)
        rows.append({"month": month, "articles": len(group), "means": means})
    return rows


def _link_dict(link) -> dict:
    if isinstance(link, dict):
        return link
    return {
        "source": link.source,
        "origin": link.origin,
        "passages": link.passages,
        "articles": link.articles,
        "direction_known": link.direction_known,
        "examples": [
            {"article_a": p.article_a, "article_b": p.article_b, "source_a": p.source_a,
             "source_b": p.source_b, "text_a": p.text_a, "text_b": p.text_b,
             "similarity": round(p.similarity, 4)}
            for p in link.examples
        ],
    }
