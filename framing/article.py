"""The records the pipeline passes along: an article, an input problem, a scored article.

:class:`Article` is what :mod:`framing.ingest` reads, :class:`Problem` what it reports instead
of stopping (through a :class:`ProblemLog`), :func:`content_id` the id of a text, and
:class:`ScoredArticle` what :mod:`framing.scoring` makes of an article, with :data:`EXCLUSIONS`,
the reasons a score is left out of per-source aggregates. They live here, at the bottom of the
layout, so that the modules that only hold or show records (:mod:`framing.store`,
:mod:`framing.report`) import them without the readers (trafilatura, tldextract) or the models
(scikit-learn, numpy): this module imports nothing beyond the standard library at import time.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framing.markers import Evidence


def content_id(text: str) -> str:
    """The id of an article without one: first 16 hex digits of the SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Keyword-only: ``id`` may be left out, and a positional call written for the old field order
# would otherwise put the text in the id without a word.
@dataclass(kw_only=True)
class Article:
    """One article and what is known about where it came from.

    ``id`` is the id given by the input, else (left out or empty) :func:`content_id` of the
    text, so the same text always gets the same id. ``source`` is a registered domain where
    possible, else an outlet name, and ``source_method`` says how it was found (one of
    :data:`framing.ingest.SOURCE_METHODS`). ``record`` is the 1-based line where a JSONL record
    or a CSV row starts, and ``None`` for files holding one article.
    """

    id: str = ""
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    source_method: str | None = None
    published: datetime.date | None = None
    author: str | None = None
    labels: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    path: str = "<memory>"
    record: int | None = None
    #: The language the input declares (``<html lang>``, a record's ``language`` field), as a
    #: lower-case primary subtag such as ``"en"``; ``None`` when it declares none.
    language: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.text)

    @property
    def location(self) -> str:
        """``path`` for a one-article file, ``path#record`` for a record of a JSONL or CSV file."""
        return self.path if self.record is None else f"{self.path}#{self.record}"

    def summary(self) -> dict:
        """The fields outputs show beside their findings: who, where from, what, when.

        JSON-ready; the text, labels and meta are left out.
        """
        return {
            "id": self.id,
            "location": self.location,
            "source": self.source,
            "source_method": self.source_method,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
        }

    def to_dict(self) -> dict:
        """JSON-ready form of every field (``published`` as an ISO date string)."""
        out = asdict(self)
        out["published"] = self.published.isoformat() if self.published else None
        return out


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input file or record.

    ``severity`` is ``"error"`` when the file or record was skipped and ``"warning"`` when it was
    read with a fallback. ``line`` is 1-based, or ``None`` when the problem concerns a whole file.
    """

    path: str
    line: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ProblemLog:
    """The one path input problems take: counted, passed on to ``on_problem``, or raised.

    Every reader (:mod:`framing.ingest`, :mod:`framing.datasets`) reports through one, and the
    command line's own log is one too, so "skipped, counted, named" means the same everywhere.
    With ``strict``, a problem raises :class:`~framing.errors.InputError` instead of being passed
    on, unless it is reported with ``strict=False`` (a notice about what was deliberately not
    read, not a fault in what was). ``errors`` and ``warnings`` count what was reported.
    """

    def __init__(self, on_problem: Callable[[Problem], None] | None = None, *,
                 strict: bool = False) -> None:
        self.on_problem = on_problem
        self.strict = strict
        self.errors = 0
        self.warnings = 0

    def __call__(self, problem: Problem, *, strict: bool = True) -> None:
        """Count ``problem``, then raise it (strict mode) or pass it on."""
        if problem.severity == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if self.strict and strict:
            from framing.errors import InputError  # this module imports only the stdlib

            raise InputError(str(problem))
        if self.on_problem is not None:
            self.on_problem(problem)

    def report(self, path, line: int | None, message: str, severity: str = "error", *,
               strict: bool = True) -> None:
        """Report a :class:`Problem` at ``path`` (and 1-based ``line``, or ``None``)."""
        self(Problem(str(path), line, message, severity), strict=strict)


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

    ``techniques`` lists the persuasion techniques the techniques model asserts, paragraph by
    paragraph (:meth:`framing.techniques.TechniqueClassifier.find`: ``line``, ``id``,
    ``technique``, ``probability`` and, where it points to one, the evidence sentence's
    ``start``, ``end`` and ``text``); ``frames`` maps every media frame to its ``probability``
    and whether it is ``asserted`` (the asserted ones first, with the ``paragraphs`` behind
    them). Both are ``None`` when the model did not read the article (no such model, switched
    off, or out of scope), so that an empty list or a mapping without an asserted frame means
    "read, none found".
    """

    article: Article
    scores: dict[str, float] | None
    flags: list[Evidence]
    explanations: dict[str, dict] = field(default_factory=dict)
    scope: dict = field(default_factory=dict)
    confidence: dict[str, dict] = field(default_factory=dict)
    narratives: list[dict] = field(default_factory=list)
    techniques: list[dict] | None = None
    frames: dict[str, dict] | None = None

    def exclusion(self, target: str) -> str | None:
        """Why ``target``'s score should not count in aggregates (a key of :data:`EXCLUSIONS`).

        ``None`` when the score stands. Out of scope first (no scores, or off-topic for a
        war target), then low confidence.
        """
        # framing.scope imports framing.ingest, which imports this module: at the top this
        # import would be circular. After the first call it is a dictionary look-up.
        from framing.scope import WAR_LEVEL

        if self.scores is None or target not in self.scores:
            return self.scope.get("reason") or "not_english"
        war = self.scope.get("war_topic")
        if target in WAR_TARGETS and war is not None and war < WAR_LEVEL:
            return "off_topic"
        if self.confidence.get(target, {}).get("low_confidence"):
            return "low_confidence"
        return None

    def to_dict(self) -> dict:
        """JSON-ready form: ``id``, ``source``, ``scores``, ``scope``, ``confidence``, ``flags``.

        ``narratives``, ``techniques``, ``frames`` and ``explanations`` are added when
        present (``techniques`` and ``frames`` whenever their model read the article).
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
        if self.techniques is not None:
            out["techniques"] = self.techniques
        if self.frames is not None:
            out["frames"] = self.frames
        out["flags"] = [e.to_dict() for e in self.flags]
        if self.explanations:
            out["explanations"] = self.explanations
        return out
