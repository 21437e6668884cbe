"""Flagging articles: the extractor run over a stream of articles, with running statistics.

This is the library behind ``framing flags``; the CLI only formats what it yields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from framing.ingest import Article
from framing.markers import FAMILIES, Evidence, Extractor


@dataclass
class FlaggedArticle:
    """An article with the evidence found in it."""

    article: Article
    evidence: list[Evidence]

    def to_dict(self) -> dict:
        """JSON-ready form: where the article came from, its metadata and its flags."""
        return {
            **self.article.summary(),
            "url": self.article.url,
            "flags": [e.to_dict() for e in self.evidence],
        }


@dataclass
class FlagStats:
    """Counts over a run: articles, findings per marker, and articles flagged per family."""

    articles: int = 0
    flagged_articles: int = 0
    findings: Counter = field(default_factory=Counter)
    articles_per_family: Counter = field(default_factory=Counter)
    articles_per_marker: Counter = field(default_factory=Counter)

    def add(self, flagged: FlaggedArticle) -> None:
        """Count one flagged (or clean) article."""
        self.articles += 1
        if flagged.evidence:
            self.flagged_articles += 1
        self.findings.update(e.marker_id for e in flagged.evidence)
        self.articles_per_family.update({e.family for e in flagged.evidence})
        self.articles_per_marker.update({e.marker_id for e in flagged.evidence})

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
            "articles_per_marker": dict(sorted(self.articles_per_marker.items())),
            "articles_per_family": {f: self.articles_per_family[f] for f in FAMILIES},
            "share_of_articles_per_family": {
                f: round(s, 4) for f, s in self.family_shares().items()
            },
        }


def flag_articles(
    articles: Iterable[Article], extractor: Extractor, stats: FlagStats | None = None
) -> Iterator[FlaggedArticle]:
    """Scan each article lazily, counting into ``stats`` when given."""
    for article in articles:
        flagged = FlaggedArticle(article, extractor.scan(article.text, published=article.published))
        if stats is not None:
            stats.add(flagged)
        yield flagged
