"""Flagging articles: the extractor run over a stream of articles, with running statistics.

This is the library behind ``framing flags``; the CLI only formats what it yields. Each finding
carries its voice (``own``, ``quoted``, ``attributed``, see :mod:`framing.voice`); a run can keep
only some voices, and its statistics count findings per voice.

With a techniques model (:class:`TechniqueFinder`), a run adds the persuasion techniques it
asserts as findings of their own (family ``technique``, ids ``PT01``..``PT23``), in the same
records and format as the markers'.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from framing.article import Article
from framing.markers import FAMILIES, Evidence, Extractor, Marker
from framing.voice import VOICES

if TYPE_CHECKING:
    from framing.model import Model

#: The family of technique findings; not a catalogue family (no marker has it).
TECHNIQUE_FAMILY = "technique"


@dataclass
class FlaggedArticle:
    """An article with the evidence found in it, named ``flags`` as in
    :class:`~framing.article.ScoredArticle` and in the JSON outputs."""

    article: Article
    flags: list[Evidence]

    def to_dict(self) -> dict:
        """JSON-ready form: where the article came from, its metadata and its flags."""
        return {
            **self.article.summary(),
            "url": self.article.url,
            "flags": [e.to_dict() for e in self.flags],
        }


@dataclass
class FlagStats:
    """Counts over a run: articles, findings per marker and per voice, articles per family.

    ``findings_per_voice`` counts findings by voice (``own``, ``quoted``, ``attributed``),
    ``voices_per_marker`` by ``(marker_id, voice)``; ``rebutted`` counts the findings whose
    sentence rejects the claim, whatever their voice.
    """

    articles: int = 0
    flagged_articles: int = 0
    findings: Counter = field(default_factory=Counter)
    articles_per_family: Counter = field(default_factory=Counter)
    articles_per_marker: Counter = field(default_factory=Counter)
    findings_per_voice: Counter = field(default_factory=Counter)
    voices_per_marker: Counter = field(default_factory=Counter)
    rebutted: int = 0

    def add(self, flagged: FlaggedArticle) -> None:
        """Count one flagged (or clean) article."""
        self.articles += 1
        if flagged.flags:
            self.flagged_articles += 1
        self.findings.update(e.marker_id for e in flagged.flags)
        self.articles_per_family.update({e.family for e in flagged.flags})
        self.articles_per_marker.update({e.marker_id for e in flagged.flags})
        self.findings_per_voice.update(e.voice for e in flagged.flags)
        self.voices_per_marker.update((e.marker_id, e.voice) for e in flagged.flags)
        self.rebutted += sum(e.rebutted for e in flagged.flags)

    def family_shares(self) -> dict[str, float]:
        """Share of articles with at least one finding of each family (0.0 for an empty run)."""
        n = self.articles or 1
        return {f: self.articles_per_family[f] / n for f in self._families()}

    def _families(self) -> list[str]:
        # Technique findings count only in runs that have them, so others read as before.
        return [*FAMILIES, *([TECHNIQUE_FAMILY] if TECHNIQUE_FAMILY in self.articles_per_family
                             else [])]

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "articles": self.articles,
            "flagged_articles": self.flagged_articles,
            "findings": sum(self.findings.values()),
            "findings_per_marker": dict(sorted(self.findings.items())),
            "findings_per_voice": {v: self.findings_per_voice[v] for v in VOICES},
            "rebutted_findings": self.rebutted,
            "findings_per_marker_and_voice": {
                marker_id: {v: self.voices_per_marker[marker_id, v] for v in VOICES}
                for marker_id in sorted(self.findings)
            },
            "articles_per_marker": dict(sorted(self.articles_per_marker.items())),
            "articles_per_family": {f: self.articles_per_family[f] for f in self._families()},
            "share_of_articles_per_family": {
                f: round(s, 4) for f, s in self.family_shares().items()
            },
        }


def flag_articles(
    articles: Iterable[Article],
    extractor: Extractor,
    stats: FlagStats | None = None,
    *,
    voices: Iterable[str] | None = None,
    techniques: TechniqueFinder | None = None,
    batch_size: int = 64,
) -> Iterator[FlaggedArticle]:
    """Scan each article lazily, counting into ``stats`` when given.

    The article's declared ``language`` goes to :meth:`Extractor.scan` (English-only markers
    stay quiet on other languages). ``voices``, when given, keeps only the findings of those
    voices (and ``stats`` counts only those). ``techniques`` adds its technique findings,
    merged by position; the model reads ``batch_size`` articles at a time. Raises
    ``ValueError`` for an unknown voice.
    """
    keep = None
    if voices is not None:
        keep = frozenset(voices)
        unknown = sorted(keep - set(VOICES))
        if unknown:
            raise ValueError(f"unknown voice(s) {', '.join(unknown)}; known: {', '.join(VOICES)}")
    batches = ([a] for a in articles) if techniques is None else _batches(articles, batch_size)
    for batch in batches:
        found = techniques.find(batch) if techniques is not None else [[] for _ in batch]
        for article, extra in zip(batch, found, strict=True):
            evidence = extractor.scan(
                article.text, published=article.published, language=article.language
            )
            if extra:
                evidence = sorted(evidence + extra, key=lambda e: (e.start, e.end, e.marker_id))
            if keep is not None:
                evidence = [e for e in evidence if e.voice in keep]
            flagged = FlaggedArticle(article, evidence)
            if stats is not None:
                stats.add(flagged)
            yield flagged


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------- techniques


def technique_markers() -> list[Marker]:
    """The persuasion techniques as catalogue-like entries (family ``technique``, ids
    ``PT01``..``PT23``, the label as name), so that ``--select``, ``--ignore`` and
    ``--fail-on`` codes resolve against them as against markers."""
    from framing.labels import technique_taxonomy as load_taxonomy

    return [Marker(t.id, TECHNIQUE_FAMILY, t.label, t.description, strength="model")
            for t in load_taxonomy()]


def load_techniques_model(directory: str | Path | None = None) -> Model:
    """The techniques model in ``directory`` (default: ``techniques`` in the models directory,
    ``$FRAMING_MODELS`` or ``models/``), sha256-checked. Raises
    :class:`~framing.model.ModelError` when there is none."""
    from framing.model import CARD_FILE, ModelError, models_dir
    from framing.techniques import MODEL_NAME, load

    directory = Path(directory) if directory is not None else models_dir() / MODEL_NAME
    if not (directory / CARD_FILE).is_file():
        raise ModelError(f"no techniques model at {directory} (technique findings need one; "
                         f"set $FRAMING_MODELS to a directory holding {MODEL_NAME}/)")
    return load(directory)


class TechniqueFinder:
    """A techniques model's findings as :class:`~framing.markers.Evidence` records.

    Each asserted technique of a paragraph is one finding: ``marker_id`` its id (``PT13``),
    family ``technique``, the span and text of the sentence carrying it (the whole paragraph
    line when it has none), and as message the label, the probability and the technique's
    description. ``select`` and ``ignore`` take codes as :class:`Extractor` does (ids, id
    prefixes such as ``PT1``, or the family ``technique``); a code naming only markers selects
    no technique. Articles declaring a language other than English get none (the model is
    English-only), as English-only markers stay quiet on them.
    """

    def __init__(self, model: Model, *, select: Iterable[str] = (), ignore: Iterable[str] = ()):
        self.model = model
        # The extractor's own selection rule, applied to the techniques' entries.
        chosen = Extractor(technique_markers(), select=select, ignore=ignore)
        self.by_id = chosen.by_id

    def find(self, articles: Sequence[Article]) -> list[list[Evidence]]:
        """The technique findings of each article, in line order."""
        out: list[list[Evidence]] = [[] for _ in articles]
        if not self.by_id:
            return out
        read = [i for i, a in enumerate(articles) if _english(a.language)]
        found = self.model.classifier.find([articles[i].text for i in read]) if read else []
        for i, findings in zip(read, found, strict=True):
            out[i] = technique_evidence(articles[i].text, findings, self.by_id)
        return out


def technique_evidence(text: str, findings: Iterable[dict], techniques: dict[str, Marker]
                       ) -> list[Evidence]:
    """:meth:`framing.techniques.TechniqueClassifier.find`'s findings in ``text`` as evidence
    records, keeping those whose id is in ``techniques`` (id -> entry, for the description)."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    out = []
    for f in findings:
        entry = techniques.get(f.get("id"))
        if entry is None:
            continue
        line_start = starts[f["line"] - 1]
        if "start" in f:
            start, end, span = f["start"], f["end"], f["text"]
        else:
            start, end = line_start, starts[f["line"]] - 1
            span = text[start:end]
        message = f"{f['technique']} {f['probability']:.2f}: {entry.description}"
        out.append(Evidence(entry.id, TECHNIQUE_FAMILY, start, end, f["line"],
                            start - line_start + 1, span, message))
    return out


def _english(language: str | None) -> bool:
    # As framing.markers reads a declared language: unknown counts as English.
    return language is None or language.strip().lower().replace("_", "-").split("-")[0] == "en"
