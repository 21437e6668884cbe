"""Flagging articles: the extractor run over a stream of articles, with running statistics.

This is the library behind ``framing flags``; the CLI only formats what it yields. Each finding
carries its voice (``own``, ``quoted``, ``attributed``, see :mod:`framing.voice`); a run can keep
only some voices, and its statistics count findings per voice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from framing.article import Article
from framing.markers import FAMILIES, Evidence, Extractor
from framing.voice import VOICES


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
        return {f: self.articles_per_family[f] / n for f in FAMILIES}

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
            "articles_per_family": {f: self.articles_per_family[f] for f in FAMILIES},
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
) -> Iterator[FlaggedArticle]:
    """Scan each article lazily, counting into ``stats`` when given.

    The article's declared ``language`` goes to :meth:`Extractor.scan` (English-only markers
    stay quiet on other languages). ``voices``, when given, keeps only the findings of those
    voices (and ``stats`` counts only those). Raises ``ValueError`` for an unknown voice.
    """
    keep = None
    if voices is not None:
        keep = frozenset(voices)
        unknown = sorted(keep - set(VOICES))
        if unknown:
            raise ValueError(f"unknown voice(s) {', '.join(unknown)}; known: {', '.join(VOICES)}")
    for article in articles:
        evidence = extractor.scan(
            article.text, published=article.published, language=article.language
        )
        if keep is not None:
            evidence = [e for e in evidence if e.voice in keep]
        flagged = FlaggedArticle(article, evidence)
        if stats is not None:
            stats.add(flagged)
        yield flagged
