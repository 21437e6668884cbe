"""Labelled corpora: importing public data sets, writing and reading corpus files, and labelling
articles by the reliability of their source.

A corpus is a JSONL file, one article per line, with the article fields ``id``, ``text``,
``title``, ``url``, ``source``, ``published`` (ISO date), ``author``, a ``labels`` object mapping
a target name to a label (``{"unreliable_source": 1}``, ``{"genre": "opinion"}``) and an optional
``meta`` object (see ``corpus/README.md``). :func:`write_corpus` writes one, :func:`read_corpus`
reads it back into :class:`~framing.ingest.Article` objects, field for field.

:func:`import_corpus` reads the public research data sets exactly as they are published (the
folders under ``../shared/data``) and yields corpus records:

- ``recovery``: ReCOVery CSV files, labelled ``unreliable_source`` per publisher;
- ``semeval2025``: SemEval-2025 Task 10 Ukraine-war articles, labelled ``pro_kremlin_framing``
  from their narratives through the mapping in ``framing/data/urw_narratives.csv``;
- ``ptc``: the Propaganda Techniques Corpus, labelled ``propaganda`` (any technique span);
- ``semeval2023``: SemEval-2023 Task 3, labelled ``genre`` (opinion, reporting, satire).

A malformed annotation line, a missing article file or an unreadable record is reported as an
:class:`~framing.ingest.Problem` (with the file and line) and skipped; the rest goes on. With
``strict=True`` the first problem raises :class:`~framing.errors.InputError` instead.

:func:`label_by_source` is distant supervision in the manner of QProp and NELA-GT: an article
takes the label of its source's domain in a rating table (:func:`load_sources`, by default
``framing/data/sources.csv``, derived from the idiap News-Media-Reliability labels by
:func:`build_sources_table`).
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from framing.atomic import atomic_write
from framing.errors import FramingError, InputError
from framing.ingest import (
    Article,
    Problem,
    iter_articles,
    outlet_domain,
    parse_authors,
    registered_domain,
    source_from_name,
)

#: Data sets :func:`import_corpus` reads.
IMPORT_FORMATS = ("recovery", "semeval2025", "ptc", "semeval2023")
#: ``war_topic`` label of every article of a data set: whether it is about the Russia-Ukraine
#: war. SemEval-2025 Task 10 URW articles were collected as war coverage. ReCOVery (COVID-19
#: news, January-May 2020) and PTC (2017-2019) predate the invasion; checked for war terms
#: (Ukraine, Kyiv/Kiev, Donbas, Crimea, Zelensky): 12 of 1,641 and 7 of 371 articles mention
#: any, in passing (COVID in Ukraine, Trump and Putin), none covers the war.
WAR_TOPIC = {"semeval2025": 1, "recovery": 0, "ptc": 0}

#: Keys of a corpus record, in the order they are written.
RECORD_FIELDS = ("id", "text", "title", "url", "source", "published", "author", "labels", "meta")

#: ``Article.source_method`` values that do not name the publisher, so :func:`label_by_source`
#: does not label from them: a credit line names whom a text was taken from, and rewrite sites
#: print credits to the outlets they copy.
UNTRUSTED_SOURCE_METHODS = ("credit",)

#: Ratings of a source table, from the idiap ``reliability_label`` (1, 0, -1, -2).
RATINGS = ("reliable", "mixed", "unreliable", "blacklisted")

#: Columns of a source table (``framing/data/sources.csv``).
SOURCE_COLUMNS = ("domain", "rating", "label", "bias", "factual_reporting", "country", "origin")

#: Columns of the narrative mapping (``framing/data/urw_narratives.csv``).
NARRATIVE_COLUMNS = ("narrative", "pro_kremlin", "reason")

#: Genres of SemEval-2023 Task 3 subtask 1.
GENRES = ("opinion", "reporting", "satire")

#: The repository's ``corpus/`` folder, found from the package so that it works from any working
#: directory of a source checkout (an installed wheel does not carry it).
CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
# The two tables ship inside the package, so an installed framing finds them too.
DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCES_PATH = DATA_DIR / "sources.csv"
NARRATIVES_PATH = DATA_DIR / "urw_narratives.csv"
SEEDS_DIR = CORPUS_DIR / "seeds"
SEEDS_PATH = CORPUS_DIR / "seeds.jsonl"

_GOLDEN_RATINGS = {"1": "reliable", "0": "mixed", "-1": "unreliable", "-2": "blacklisted"}
# Mixed sources stay unlabelled: calling them reliable or unreliable would put noise into both
# classes.
_RATING_LABELS: dict[str, int | None] = {
    "reliable": 0, "mixed": None, "unreliable": 1, "blacklisted": 1,
}

# ReCOVery publishers whose name does not match their site's domain, so that ingest's name
# matching cannot find it: ABC News lives on abcnews.go.com (go.com, a Disney host, is no outlet
# for framing/data/outlets.toml). Outlets whose name the table knows (PBS NewsHour, Drudge
# Report, whose rows are all pages of the sites it links to) are found there instead.
_RECOVERY_PUBLISHER_DOMAINS = {
    "ABC News": "go.com",
}
_RECOVERY_META = ("publisher", "mbfc_level", "political_bias", "country")

class CorpusError(FramingError):
    """A corpus, a source table or a narrative mapping cannot be read or written as given."""


@dataclass(frozen=True)
class SourceRating:
    """How reliable a domain is, from a source table.

    ``rating`` is one of :data:`RATINGS`; ``label`` is the ``unreliable_source`` value it gives an
    article (0 reliable, 1 unreliable or blacklisted, None for mixed: left unlabelled).
    """

    domain: str
    rating: str
    label: int | None
    bias: str | None = None
    factual_reporting: str | None = None
    country: str | None = None
    origin: str | None = None


# --------------------------------------------------------------------------- problems


class _Reporter:
    """Passes problems to the callback, or raises at the first one in strict mode."""

    def __init__(self, on_problem: Callable[[Problem], None] | None, strict: bool):
        self.on_problem = on_problem
        self.strict = strict

    def __call__(self, problem: Problem) -> None:
        if self.strict:
            raise InputError(str(problem))
        if self.on_problem is not None:
            self.on_problem(problem)

    def report(self, path: Path | str, line: int | None, message: str, severity: str = "error"):
        self(Problem(str(path), line, message, severity))


# --------------------------------------------------------------------------- records


def article_record(article: Article) -> dict:
    """The corpus record of an article: the inverse of :func:`read_corpus`.

    Only the corpus fields are kept (not ``path``, ``record`` or ``source_method``); ``labels``
    and ``meta`` are copied, so that changing the record leaves the article alone.
    """
    return {
        "id": article.id,
        "text": article.text,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "labels": copy.deepcopy(article.labels),
        "meta": copy.deepcopy(article.meta),
    }


def _check_record(record: Any, number: int) -> dict:
    """The record as it will be written, or :class:`CorpusError` saying what is wrong with it."""
    if isinstance(record, Article):
        record = article_record(record)
    if not isinstance(record, Mapping):
        raise CorpusError(f"record {number}: expected a dict or an Article, got {type(record)}")
    where = f"record {number}" + (f" (id {record['id']!r})" if record.get("id") else "")
    extra = [k for k in record if k not in RECORD_FIELDS]
    if extra:
        raise CorpusError(
            f"{where}: unknown field(s) {', '.join(map(repr, extra))}; "
            f"put them in 'meta' (fields: {', '.join(RECORD_FIELDS)})"
        )
    out = {name: record.get(name) for name in RECORD_FIELDS}
    if not isinstance(out["id"], str) or not out["id"].strip():
        raise CorpusError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(out["text"], str) or not out["text"].strip():
        raise CorpusError(f"{where}: 'text' must be a non-empty string")
    # Values are written as ingest will read them back (stripped, authors normalised), so that
    # reading a written corpus gives the same records.
    out["id"] = out["id"].strip()
    for name in ("title", "url", "source", "author"):
        value = out[name]
        if value is not None and not isinstance(value, str):
            raise CorpusError(f"{where}: {name!r} must be a string or null")
        out[name] = (value.strip() or None) if value else None
    out["author"] = parse_authors(out["author"])
    published = out["published"]
    if isinstance(published, datetime.date):
        published = published.isoformat()
    if published is not None:
        try:
            date = datetime.date.fromisoformat(published) if isinstance(published, str) else None
        except ValueError:
            date = None
        # Ingest reads only years 1900-2100 as dates.
        if date is None or len(published) != 10 or not 1900 <= date.year <= 2100:
            raise CorpusError(
                f"{where}: 'published' must be an ISO date (YYYY-MM-DD, 1900-2100) or null"
            )
    out["published"] = published
    out["labels"] = {} if out["labels"] is None else out["labels"]
    out["meta"] = {} if out["meta"] is None else out["meta"]
    for name in ("labels", "meta"):
        if not isinstance(out[name], Mapping) or not all(isinstance(k, str) for k in out[name]):
            raise CorpusError(f"{where}: {name!r} must be an object with string keys")
        out[name] = dict(out[name])
    return out


def write_corpus(records: Iterable[dict | Article], out: str | Path) -> int:
    """Write records (corpus dicts or articles) as a corpus JSONL file; return how many.

    The file is written atomically: a record that is not valid (missing id or text, a field
    outside :data:`RECORD_FIELDS`, a repeated id, a value JSON cannot hold) raises
    :class:`CorpusError` and leaves any previous file untouched. Strings are stripped and
    authors normalised as ingest reads them, so the file reads back as written. (No records make
    an empty file, which ingest reports as such when it is read.)
    """
    out = Path(out)
    seen: set[str] = set()
    count = 0
    try:
        with atomic_write(out) as handle:
            for count, record in enumerate(records, 1):
                checked = _check_record(record, count)
                if checked["id"] in seen:
                    raise CorpusError(f"record {count}: id {checked['id']!r} is repeated")
                seen.add(checked["id"])
                try:
                    line = json.dumps(checked, ensure_ascii=False, allow_nan=False)
                except (TypeError, ValueError) as exc:
                    raise CorpusError(
                        f"record {count} (id {checked['id']!r}): not JSON-serialisable: {exc}"
                    ) from None
                handle.write(line + "\n")
    except OSError as exc:
        raise CorpusError(f"cannot write {out}: {exc.strerror or exc}") from None
    return count


def read_corpus(
    path: str | Path | Iterable[str | Path],
    *,
    on_problem: Callable[[Problem], None] | None = None,
    strict: bool = False,
) -> Iterator[Article]:
    """Articles of a corpus JSONL file (or several), as :func:`write_corpus` wrote them.

    A thin layer over :func:`~framing.ingest.iter_articles` in JSONL mode: the ``meta`` object
    becomes :attr:`Article.meta` (merged over any other unknown keys of the line), and ``source``
    is taken as written, without the normalisation or inference ingest applies to other inputs,
    so that ``article_record(article)`` gives back the written record. Broken lines are reported
    and skipped as by ingest.
    """
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    return iter_articles(
        [str(p) for p in paths],
        input_format="jsonl",
        on_problem=on_problem,
        strict=strict,
        infer_sources=False,
    )


# --------------------------------------------------------------------------- importers


def import_corpus(
    fmt: str,
    path: str | Path,
    *,
    on_problem: Callable[[Problem], None] | None = None,
    strict: bool = False,
) -> Iterator[dict]:
    """Corpus records read from a public data set laid out exactly as published.

    ``fmt`` is one of :data:`IMPORT_FORMATS` and ``path`` the data set's folder:

    - ``recovery``: a folder of ReCOVery CSV files (``recovery/``, ``recovery/reliable``) or one
      file. Label ``unreliable_source`` = 1 - ``reliability``. ``source`` is the publisher's
      domain: the article URL's registered domain when the URL is the publisher's own site, else
      the publisher's home domain (Drudge Report's rows are pages of other sites). Meta:
      ``publisher``, ``mbfc_level``, ``political_bias``, ``country``.
    - ``semeval2025``: ``semeval2025-urw/EN`` (or ``semeval2025-urw`` for every language folder in
      it), with ``raw-documents/`` and ``subtask-2-annotations.txt``. Label
      ``pro_kremlin_framing``: 1 when any narrative or subnarrative maps to 1 in
      ``framing/data/urw_narratives.csv``. Meta: ``narratives``, ``subnarratives``, ``language``.
    - ``ptc``: ``ptc/`` with ``train-articles/`` and the per-article
      ``train-labels-task2-technique-classification/*.labels`` (else the combined
      ``train-task2-TC.labels``). Label ``propaganda``: 1 if the article has any technique span.
      Meta: ``techniques`` (counts) and ``spans`` (``[technique, start, end]``, character offsets
      into :attr:`Article.text`).
    - ``semeval2023``: ``semeval2023-task3/`` (or one language folder such as ``en/``), with
      ``train-articles-subtask-1/`` and ``train-labels-subtask-1.txt`` (genre) and, if present,
      ``train-labels-subtask-2.txt`` (frames). Label ``genre``. Meta: ``frames`` (when annotated),
      ``language``.

    Ids are prefixed with the data set (``ptc:111111111``), so corpora can be merged; meta
    ``dataset`` names the data set. Sources are inferred by ingest from the text where the data
    set gives none, and left null when nothing names the outlet.

    Raises :class:`InputError` at once for an unknown format or a folder without the expected
    layout; problems inside the data set are reported through ``on_problem`` (or raised at the
    first one with ``strict=True``).
    """
    if fmt not in IMPORT_FORMATS:
        raise InputError(f"unknown corpus format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}")
    root = Path(path)
    if not root.exists():
        raise InputError(f"{root}: no such file or directory")
    reporter = _Reporter(on_problem, strict)
    if fmt == "recovery":
        records = _import_recovery(_recovery_files(root), root, reporter)
    elif fmt == "semeval2025":
        mapping = load_narrative_map()
        records = _import_semeval2025(_semeval2025_folders(root), mapping, reporter)
    elif fmt == "ptc":
        records = _import_ptc(_ptc_splits(root), reporter)
    else:
        records = _import_semeval2023(_semeval2023_folders(root), reporter)
    return _unique_ids(records, reporter)


def _unique_ids(
    records: Iterator[tuple[dict, str, int | None]], reporter: _Reporter
) -> Iterator[dict]:
    """The records, without a second record of an id already seen (reported)."""
    first: dict[str, str] = {}
    for record, path, line in records:
        where = first.get(record["id"])
        if where is not None:
            reporter.report(path, line, f"id {record['id']!r} already read at {where}; skipped")
            continue
        first[record["id"]] = path if line is None else f"{path}:{line}"
        yield record


def _read_text_article(path: Path, reporter: _Reporter) -> Article | None:
    """The article of one text file, read by ingest (problems reported, None if unreadable)."""
    # A list, not next(): the reader's generator then finishes and closes the file at once.
    articles = list(
        iter_articles([str(path)], input_format="text", on_problem=reporter, strict=reporter.strict)
    )
    return articles[0] if articles else None


def _record(article: Article, id: str, labels: dict, meta: dict) -> dict:
    return article_record(replace(article, id=id, labels=labels, meta=meta))


def _read_lines(path: Path, reporter: _Reporter) -> list[tuple[int, str]] | None:
    """Numbered non-blank lines of an annotation file; None (reported) if it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reporter.report(path, None, f"cannot read: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = 1 + raw.count(b"\n", 0, exc.start)
        reporter.report(path, line, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); decoded as "
                        "cp1252", "warning")
        text = raw.decode("cp1252", errors="replace")
    # Split on newlines only, so that line numbers are those an editor shows.
    lines = text.split("\n")
    return [(n, line.rstrip("\r")) for n, line in enumerate(lines, 1) if line.strip()]


def _fields(line: str, count: int) -> list[str] | None:
    """The tab-separated fields of an annotation line, None unless there are ``count``."""
    fields = [f.strip() for f in line.rstrip("\r\n").split("\t")]
    return fields if len(fields) == count else None


def _sorted_files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and not any(
        part.startswith(".") for part in p.relative_to(folder).parts))


# ----------------------------------------------------------------------- ReCOVery


def _recovery_files(root: Path) -> list[Path]:
    files = [root] if root.is_file() else _sorted_files(root, "*.csv")
    if not files:
        raise InputError(f"{root}: no ReCOVery CSV files (expected recovery/{{reliable,"
                         "unreliable}/*.csv)")
    return files


def _import_recovery(
    files: list[Path], root: Path, reporter: _Reporter
) -> Iterator[tuple[dict, str, int | None]]:
    for file in files:
        stem = (file.relative_to(root) if root.is_dir() else Path(file.name)).with_suffix("")
        # Mapping both the URL and the source to the url column keeps the publisher column out of
        # ingest's source normalisation: it arrives in meta, as a name, for the home-domain rule.
        rows = iter_articles(
            [str(file)], input_format="csv", columns={"source": "url", "url": "url"},
            on_problem=reporter, strict=reporter.strict,
        )
        # The whole file is read before the first record is made, because a publisher's home
        # domain depends on all its rows; bad rows are reported on the way, in file order.
        articles = []
        for article in rows:
            reliability = str(article.meta.get("reliability", "")).strip()
            if reliability in ("0", "1"):
                articles.append((article, int(reliability)))
            else:
                reporter.report(
                    article.path, article.record,
                    f"reliability {reliability!r} is not 0 or 1; row skipped",
                )
        homes = _publisher_homes([a for a, _ in articles])
        for article, reliability in articles:
            publisher = (article.meta.get("publisher") or "").strip() or None
            meta: dict[str, Any] = {"dataset": "recovery"}
            for key in _RECOVERY_META:
                value = article.meta.get(key)
                if isinstance(value, str) and value.strip():
                    meta[key] = value.strip()
            record = _record(
                replace(article, source=_recovery_source(article, publisher, homes)),
                id=f"recovery:{stem.as_posix()}:{article.id}",
                labels={"unreliable_source": 1 - reliability, "war_topic": WAR_TOPIC["recovery"]},
                meta=meta,
            )
            yield record, article.path, article.record


def _owns(publisher: str | None, url: str | None) -> str | None:
    """The URL's registered domain if it is the publisher's own site, else None."""
    domain = registered_domain(url) if url else None
    if domain is None or publisher is None:
        return None
    if _RECOVERY_PUBLISHER_DOMAINS.get(publisher) == domain:
        return domain
    return domain if source_from_name(publisher, url) == domain else None


def _publisher_homes(articles: list[Article]) -> dict[str, str]:
    """Each publisher's home domain: the one most of its own URLs are on."""
    owned: dict[str, Counter] = defaultdict(Counter)
    for article in articles:
        publisher = (article.meta.get("publisher") or "").strip() or None
        domain = _owns(publisher, article.url)
        if domain:
            owned[publisher][domain] += 1
    homes = {p: c.most_common(1)[0][0] for p, c in owned.items()}
    for publisher, domain in _RECOVERY_PUBLISHER_DOMAINS.items():
        homes.setdefault(publisher, domain)
    return homes


def _recovery_source(article: Article, publisher: str | None, homes: dict[str, str]) -> str | None:
    if publisher is None:
        return article.source  # the URL's domain, or what ingest inferred from the text
    own = _owns(publisher, article.url)
    if own:
        return own
    # A page on another site (an aggregator's link, a repost): ReCOVery's label is the
    # publisher's, so the source must be the publisher too.
    return homes.get(publisher) or outlet_domain(publisher) or publisher


# ----------------------------------------------------------------------- SemEval-2025


def _semeval2025_folders(root: Path) -> list[Path]:
    if (root / "subtask-2-annotations.txt").is_file():
        return [root]
    folders = sorted(p.parent for p in root.glob("*/subtask-2-annotations.txt"))
    if not folders:
        raise InputError(
            f"{root}: no subtask-2-annotations.txt; pass a language folder such as "
            "semeval2025-urw/EN (with raw-documents/) or the semeval2025-urw folder"
        )
    return folders


def load_narrative_map(path: str | Path | None = None) -> dict[str, int]:
    """The narrative -> pro-Kremlin (1/0) mapping, by default ``framing/data/urw_narratives.csv``.

    Rows name a narrative (``URW: Praise of Russia``) or a subnarrative
    (``URW: Speculating war outcomes: Ukrainian army is collapsing``), which overrides its
    narrative's value for that subnarrative. Every row needs a reason. Raises
    :class:`CorpusError` listing every bad row.
    """
    path = Path(path) if path is not None else NARRATIVES_PATH
    rows = _read_table(path, NARRATIVE_COLUMNS, "narrative mapping")
    mapping: dict[str, int] = {}
    errors: list[str] = []
    for line, row in rows:
        name = row["narrative"].strip()
        value = row["pro_kremlin"].strip()
        if not name:
            errors.append(f"line {line}: empty narrative")
        elif value not in ("0", "1"):
            errors.append(f"line {line}: pro_kremlin {value!r} for {name!r} is not 0 or 1")
        elif not row["reason"].strip():
            errors.append(f"line {line}: no reason given for {name!r}")
        elif name in mapping:
            errors.append(f"line {line}: {name!r} is listed twice")
        else:
            mapping[name] = int(value)
    _raise_errors(path, errors)
    return mapping


def pro_kremlin_label(
    narratives: Iterable[str], subnarratives: Iterable[str], mapping: Mapping[str, int]
) -> tuple[int | None, list[str]]:
    """The ``pro_kremlin_framing`` label of an article's annotation, and the unknown names.

    Each subnarrative takes its own value from ``mapping`` if it has one, else its narrative's;
    a narrative without subnarratives takes its own. The label is 1 if any value is 1, else 0,
    else None when a name is missing from ``mapping`` (and then the unknown names are listed).
    """
    narratives = list(narratives)
    values: list[int] = []
    unknown: list[str] = []
    covered: set[str] = set()
    for sub in subnarratives:
        # A subnarrative is "<narrative>: <name>"; narratives contain ":" themselves ("URW: ..."),
        # so its narrative is the longest known prefix.
        parents = [n for n in (*narratives, *mapping) if sub.startswith(n + ":")]
        parent = max(parents, key=len) if parents else None
        if parent is not None:
            covered.add(parent)
        if sub in mapping:
            values.append(mapping[sub])
        elif parent is not None and parent in mapping:
            values.append(mapping[parent])
        else:
            unknown.append(parent or sub)
    for narrative in narratives:
        if narrative in covered:
            continue
        if narrative in mapping:
            values.append(mapping[narrative])
        else:
            unknown.append(narrative)
    if 1 in values:
        return 1, []
    if unknown:
        return None, sorted(set(unknown))
    return 0, []


def _split_names(value: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in value.split(";") if n.strip()))


def _import_semeval2025(
    folders: list[Path], mapping: Mapping[str, int], reporter: _Reporter
) -> Iterator[tuple[dict, str, int | None]]:
    for folder in folders:
        annotations = folder / "subtask-2-annotations.txt"
        documents = folder / "raw-documents"
        language = folder.name.lower()
        lines = _read_lines(annotations, reporter)
        seen: dict[str, int] = {}
        for number, line in lines or ():
            fields = _fields(line, 3)
            if fields is None or not fields[0] or not fields[1]:
                reporter.report(
                    annotations, number,
                    "expected 3 tab-separated fields: file_id, narratives (;), subnarratives (;)",
                )
                continue
            file_id, narratives, subnarratives = (
                fields[0], _split_names(fields[1]), _split_names(fields[2])
            )
            if file_id in seen:
                reporter.report(
                    annotations, number, f"{file_id} already annotated on line {seen[file_id]}"
                )
                continue
            seen[file_id] = number
            label, unknown = pro_kremlin_label(narratives, subnarratives, mapping)
            if label is None:
                reporter.report(
                    annotations, number,
                    f"narrative(s) not in {NARRATIVES_PATH.name}: {', '.join(unknown)}",
                )
                continue
            file = documents / file_id
            if Path(file_id).name != file_id or not file.is_file():
                reporter.report(annotations, number, f"article file {file} not found")
                continue
            article = _read_text_article(file, reporter)
            if article is None:
                continue
            meta = {
                "dataset": "semeval2025-urw",
                "language": language,
                "narratives": narratives,
                "subnarratives": subnarratives,
            }
            record = _record(
                article, id=f"semeval2025:{Path(file_id).stem}",
                labels={"pro_kremlin_framing": label, "war_topic": WAR_TOPIC["semeval2025"]},
                meta=meta,
            )
            yield record, str(annotations), number


# ----------------------------------------------------------------------- PTC

_PTC_ARTICLE_RE = re.compile(r"^article(?P<id>[^./\\]+)\.txt$")


@dataclass
class _PtcSplit:
    name: str
    articles: Path
    label_dir: Path | None
    label_file: Path | None


def _ptc_splits(root: Path) -> list[_PtcSplit]:
    splits = []
    for articles in sorted(root.glob("*-articles")):
        if not articles.is_dir():
            continue
        name = articles.name.removesuffix("-articles")
        label_dir = root / f"{name}-labels-task2-technique-classification"
        label_file = root / f"{name}-task2-TC.labels"
        splits.append(_PtcSplit(
            name, articles,
            label_dir if label_dir.is_dir() else None,
            label_file if label_file.is_file() else None,
        ))
    splits = [s for s in splits if s.label_dir or s.label_file]
    if not splits:
        raise InputError(
            f"{root}: no PTC layout (train-articles/ with "
            "train-labels-task2-technique-classification/ or train-task2-TC.labels)"
        )
    return splits


def _ptc_span(
    fields: list[str] | None, path: Path, number: int, reporter: _Reporter
) -> tuple[str, str, int, int] | None:
    if fields is None or not fields[0] or not fields[1]:
        reporter.report(path, number, "expected 4 tab-separated fields: article_id, technique, "
                        "start, end")
        return None
    try:
        start, end = int(fields[2]), int(fields[3])
    except ValueError:
        reporter.report(path, number, f"offsets {fields[2]!r}, {fields[3]!r} are not integers")
        return None
    if not 0 <= start < end:
        reporter.report(path, number, f"span {start}-{end} is empty or negative")
        return None
    return fields[0], fields[1], start, end


def _ptc_labels(split: _PtcSplit, ids: list[str], reporter: _Reporter) -> dict[str, list | None]:
    """Spans per article id, each with its file and line; None where an article's file is
    missing (per-article layout)."""
    spans: dict[str, list | None] = {}
    if split.label_dir is not None:
        for path in sorted(split.label_dir.glob("*.labels")):
            orphan = re.match(r"^article(.+?)\.task2-TC\.labels$", path.name)
            if orphan and orphan[1] not in ids:
                reporter.report(path, None, f"no article file article{orphan[1]}.txt in "
                                f"{split.articles.name}/; labels skipped")
        for article_id in ids:
            path = split.label_dir / f"article{article_id}.task2-TC.labels"
            if not path.is_file():
                reporter.report(split.articles / f"article{article_id}.txt", None,
                                f"no labels file {path.name} in {split.label_dir.name}/")
                spans[article_id] = None
                continue
            found: list | None = []
            for number, line in _read_lines(path, reporter) or ():
                span = _ptc_span(_fields(line, 4), path, number, reporter)
                if span is None:
                    continue
                if span[0] != article_id:
                    reporter.report(path, number, f"article id {span[0]} in the labels of "
                                    f"article {article_id}")
                    continue
                found.append((*span[1:], path, number))
            spans[article_id] = found
        return spans
    assert split.label_file is not None
    known = set(ids)
    missing_reported: set[str] = set()
    spans = {article_id: [] for article_id in ids}
    for number, line in _read_lines(split.label_file, reporter) or ():
        span = _ptc_span(_fields(line, 4), split.label_file, number, reporter)
        if span is None:
            continue
        if span[0] not in known:
            if span[0] not in missing_reported:
                missing_reported.add(span[0])
                reporter.report(split.label_file, number,
                                f"article file article{span[0]}.txt not found; its spans skipped")
            continue
        spans[span[0]].append((*span[1:], split.label_file, number))
    return spans


def _import_ptc(splits: list[_PtcSplit], reporter: _Reporter) -> Iterator[tuple[dict, str, None]]:
    for split in splits:
        files = {}
        for file in sorted(split.articles.glob("*.txt")):
            match = _PTC_ARTICLE_RE.match(file.name)
            if match:
                files[match["id"]] = file
        spans = _ptc_labels(split, list(files), reporter)
        for article_id, file in files.items():
            found = spans.get(article_id)
            if found is None:
                continue
            article = _read_text_article(file, reporter)
            if article is None:
                continue
            kept = []
            for technique, start, end, path, number in found:
                if end > len(article.text):
                    reporter.report(path, number, f"span {start}-{end} ends beyond the article "
                                    f"({len(article.text)} characters)", "warning")
                kept.append([technique, start, end])
            kept.sort(key=lambda s: (s[1], s[2], s[0]))
            meta = {
                "dataset": "ptc",
                "split": split.name,
                "article_id": article_id,
                "techniques": dict(sorted(Counter(s[0] for s in kept).items())),
                "spans": kept,
            }
            record = _record(
                article, id=f"ptc:{article_id}",
                labels={"propaganda": int(bool(kept)), "war_topic": WAR_TOPIC["ptc"]}, meta=meta,
            )
            yield record, str(file), None


# ----------------------------------------------------------------------- SemEval-2023


def _semeval2023_folders(root: Path) -> list[Path]:
    if list(root.glob("*-labels-subtask-1.txt")):
        return [root]
    folders = sorted({p.parent for p in root.glob("*/*-labels-subtask-1.txt")})
    if not folders:
        raise InputError(
            f"{root}: no *-labels-subtask-1.txt; pass semeval2023-task3 or a language folder "
            "such as semeval2023-task3/en"
        )
    return folders


def _import_semeval2023(
    folders: list[Path], reporter: _Reporter
) -> Iterator[tuple[dict, str, int]]:
    for folder in folders:
        language = folder.name.lower()
        for genre_file in sorted(folder.glob("*-labels-subtask-1.txt")):
            split = genre_file.name.removesuffix("-labels-subtask-1.txt")
            articles = folder / f"{split}-articles-subtask-1"
            frames = _semeval2023_frames(folder / f"{split}-labels-subtask-2.txt", reporter)
            seen: dict[str, int] = {}
            for number, line in _read_lines(genre_file, reporter) or ():
                fields = _fields(line, 2)
                if fields is None or not fields[0]:
                    reporter.report(genre_file, number,
                                    "expected 2 tab-separated fields: article_id, genre")
                    continue
                article_id, genre = fields
                if genre not in GENRES:
                    reporter.report(genre_file, number,
                                    f"genre {genre!r} is not one of {', '.join(GENRES)}")
                    continue
                if article_id in seen:
                    reporter.report(genre_file, number,
                                    f"article {article_id} already labelled on line "
                                    f"{seen[article_id]}")
                    continue
                seen[article_id] = number
                file = articles / f"article{article_id}.txt"
                if "/" in article_id or "\\" in article_id or not file.is_file():
                    reporter.report(genre_file, number, f"article file {file} not found")
                    continue
                article = _read_text_article(file, reporter)
                if article is None:
                    continue
                meta: dict[str, Any] = {
                    "dataset": "semeval2023-task3",
                    "language": language,
                    "split": split,
                    "article_id": article_id,
                }
                # The RU frame file covers a partly different set of articles than the genre
                # file; an article without frames simply has none recorded.
                if article_id in frames:
                    meta["frames"] = frames[article_id]
                record = _record(
                    article, id=f"semeval2023:{language}:{article_id}",
                    labels={"genre": genre}, meta=meta,
                )
                yield record, str(genre_file), number


def _semeval2023_frames(path: Path, reporter: _Reporter) -> dict[str, list[str]]:
    frames: dict[str, list[str]] = {}
    if not path.is_file():
        return frames
    for number, line in _read_lines(path, reporter) or ():
        fields = _fields(line, 2)
        if fields is None or not fields[0]:
            reporter.report(path, number, "expected 2 tab-separated fields: article_id, frames (,)")
            continue
        if fields[0] in frames:
            reporter.report(path, number, f"frames of article {fields[0]} given twice")
            continue
        frames[fields[0]] = [f.strip() for f in fields[1].split(",") if f.strip()]
    return frames


# --------------------------------------------------------------------------- source tables


def _read_table(path: Path, columns: Iterable[str], what: str) -> list[tuple[int, dict]]:
    """Rows of a small CSV table with its line numbers; :class:`CorpusError` if unusable."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        hint = ""
        if not path.parent.is_dir() and path.parent == CORPUS_DIR:
            hint = " (the corpus/ folder ships with the source repository; pass a path)"
        raise CorpusError(f"cannot read {what} {path}: {exc.strerror or exc}{hint}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise CorpusError(
                    f"{path}: {what} lacks column(s) {', '.join(missing)} "
                    f"(columns: {', '.join(header) or 'none'})"
                )
            rows = []
            for row in reader:
                if None in row:
                    raise CorpusError(f"{path}:{reader.line_num}: more fields than columns")
                rows.append((reader.line_num, {k: (v or "") for k, v in row.items()}))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CorpusError(f"{path}: malformed CSV: {exc}") from None
    return rows


def _raise_errors(path: Path, errors: list[str]) -> None:
    if errors:
        shown = errors[:20]
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise CorpusError(f"{path}: {len(errors)} problem(s):\n  " + "\n  ".join(shown) + more)


def normalize_domain(source: str | None) -> str | None:
    """The lookup key of a source: lower case, without scheme, path, ``www.`` or trailing dot
    (``https://WWW.Example.com/x`` -> ``example.com``); None for an empty source."""
    if not source or not source.strip():
        return None
    key = source.strip().lower()
    if "://" in key or "/" in key:
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", key).split("/", 1)[0].split("@")[-1]
        key = host.split(":", 1)[0]
    key = key.rstrip(".")
    key = key.removeprefix("www.")
    return key or None


def load_sources(path: str | Path | None = None) -> dict[str, SourceRating]:
    """The source table: normalised domain -> :class:`SourceRating`.

    By default ``framing/data/sources.csv``, shipped with the package (:data:`SOURCES_PATH`); pass a
    path to use another table with the columns of :data:`SOURCE_COLUMNS` (``domain``, ``rating``
    and ``label`` are required). Raises :class:`CorpusError` listing every bad row.
    """
    path = Path(path) if path is not None else SOURCES_PATH
    rows = _read_table(path, ("domain", "rating", "label"), "source table")
    table: dict[str, SourceRating] = {}
    errors: list[str] = []
    for line, row in rows:
        domain = normalize_domain(row["domain"])
        rating = row["rating"].strip()
        label = row["label"].strip()
        if domain is None:
            errors.append(f"line {line}: empty domain")
        elif rating not in RATINGS:
            errors.append(f"line {line}: rating {rating!r} of {domain} is not one of "
                          f"{', '.join(RATINGS)}")
        elif label not in ("", "0", "1"):
            errors.append(f"line {line}: label {label!r} of {domain} is not 0, 1 or empty")
        elif domain in table:
            errors.append(f"line {line}: {domain} is listed twice")
        else:
            table[domain] = SourceRating(
                domain=domain,
                rating=rating,
                label=int(label) if label else None,
                **{k: row.get(k, "").strip() or None
                   for k in ("bias", "factual_reporting", "country", "origin")},
            )
    _raise_errors(path, errors)
    return table


def lookup_source(source: str | None, sources: Mapping[str, SourceRating]) -> SourceRating | None:
    """The rating of a source (a domain or URL): its normalised domain, else its registered
    domain (``news.example.co.uk`` -> ``example.co.uk``); None when the table has neither."""
    key = normalize_domain(source)
    if key is None:
        return None
    rating = sources.get(key)
    if rating is None and "." in key and " " not in key:
        parent = registered_domain(key)
        if parent and parent != key:
            rating = sources.get(parent)
    return rating


def label_by_source(
    articles: Iterable[Article],
    sources: Mapping[str, SourceRating],
    *,
    target: str = "unreliable_source",
    on_problem: Callable[[Problem], None] | None = None,
    overwrite: bool = False,
) -> Iterator[Article]:
    """Articles with ``labels[target]`` set from their source's rating (distant supervision).

    The article's ``source`` is looked up with :func:`lookup_source`; a rated source also puts its
    rating in ``meta["source_rating"]``. Articles without a source, from a domain missing from the
    table or from a mixed-rated one pass through without the label, and so do labels the article
    already has for ``target`` unless ``overwrite``. Articles are copied, never changed in place.

    Only a source that names the publisher is trusted: one found by a field, the URL, a site
    name, a house byline or a dateline. A source found only from a credit line (``source_method
    == "credit"``, e.g. "Source: CNN" under a rewrite of a CNN story on another site) is not
    labelled: the credit names whom the text was taken from, not who published it. The method
    is kept in ``meta["source_method"]`` so that the corpus shows how each source was found; a
    method already there (a corpus labelled before) is kept and is the one checked.

    When some articles are left without the label, one warning :class:`Problem` summarises them
    (how many, why, and the most frequent unknown domains) after the last article.
    """
    total = 0
    counts: Counter = Counter()
    unknown: Counter = Counter()
    for article in articles:
        total += 1
        # A corpus written by this function already says how its sources were found; read back,
        # its sources are fields, so the recorded method is the one to trust.
        method = article.meta.get("source_method") or article.source_method
        if method and method != article.meta.get("source_method"):
            article = replace(article, meta={**article.meta, "source_method": method})
        if normalize_domain(article.source) is None:
            counts["no source"] += 1
            yield article
            continue
        if method in UNTRUSTED_SOURCE_METHODS:
            counts["credit"] += 1
            yield article
            continue
        rating = lookup_source(article.source, sources)
        if rating is None:
            unknown[normalize_domain(article.source)] += 1
            yield article
            continue
        labels = dict(article.labels)
        if rating.label is None:
            counts["mixed"] += 1
        elif target in labels and not overwrite:
            counts["kept"] += 1
        else:
            labels[target] = rating.label
        yield replace(article, labels=labels, meta={**article.meta, "source_rating": rating.rating})
    left = counts["no source"] + counts["credit"] + sum(unknown.values()) + counts["mixed"]
    if left and on_problem is not None:
        parts = []
        if counts["no source"]:
            parts.append(f"{counts['no source']} without a source")
        if counts["credit"]:
            parts.append(f"{counts['credit']} whose source is only a credit line, not the "
                         "publisher")
        if unknown:
            top = ", ".join(f"{d} ({n})" for d, n in unknown.most_common(5))
            more = ", ..." if len(unknown) > 5 else ""
            parts.append(f"{sum(unknown.values())} from {len(unknown)} domain(s) not in the table "
                         f"({top}{more})")
        if counts["mixed"]:
            parts.append(f"{counts['mixed']} from mixed-rated sources")
        on_problem(Problem(
            "label_by_source", None,
            f"{left} of {total} article(s) left without a {target!r} label: " + "; ".join(parts),
            "warning",
        ))


def _label_key(label: Any) -> Any:
    try:
        hash(label)
    except TypeError:
        return json.dumps(label, sort_keys=True)
    return label


def corpus_stats(articles: Iterable[Article]) -> dict:
    """Counts over a corpus: articles, labels per target and per source.

    Returns ``{"articles": n, "without_source": n, "targets": {target: {"labelled": n,
    "unlabelled": n, "labels": {label: n}}}, "sources": {source: {"articles": n, "labels":
    {target: {label: n}}}}}``, sources ordered by article count (articles without a source are
    only counted in ``without_source``). A target counts as unlabelled for every article that
    lacks it.
    """
    total = 0
    without_source = 0
    per_target: dict[str, Counter] = defaultdict(Counter)
    per_source: dict[str, dict] = {}
    for article in articles:
        total += 1
        source = None
        if article.source is None:
            without_source += 1
        else:
            source = per_source.setdefault(
                article.source, {"articles": 0, "labels": defaultdict(Counter)}
            )
            source["articles"] += 1
        for target, label in article.labels.items():
            key = _label_key(label)
            per_target[target][key] += 1
            if source is not None:
                source["labels"][target][key] += 1
    targets = {}
    for target in sorted(per_target):
        labels = per_target[target]
        labelled = sum(labels.values())
        targets[target] = {
            "labelled": labelled,
            "unlabelled": total - labelled,
            "labels": dict(sorted(labels.items(), key=lambda kv: str(kv[0]))),
        }
    ordered = sorted(per_source.items(), key=lambda kv: (-kv[1]["articles"], kv[0]))
    sources = {
        name: {
            "articles": entry["articles"],
            "labels": {t: dict(sorted(c.items(), key=lambda kv: str(kv[0])))
                       for t, c in sorted(entry["labels"].items())},
        }
        for name, entry in ordered
    }
    return {"articles": total, "without_source": without_source, "targets": targets,
            "sources": sources}


def _clean_country(value: str) -> str:
    # MBFC appends press-freedom ranks to some countries: "usa (44/180 press freedom)".
    return value.split("(", 1)[0].strip()


def _merged(values: Iterable[str]) -> str:
    """One value for a domain MBFC lists several times: the common one, else all, joined by |."""
    distinct = list(dict.fromkeys(v for v in values if v))
    return "|".join(distinct)


def build_sources_table(source_labels_dir: str | Path) -> list[dict]:
    """Rows of ``framing/data/sources.csv`` from the idiap News-Media-Reliability labels.

    ``source_labels_dir`` holds ``golden_truth_dataset.csv`` (domain, ``reliability_label``
    1 reliable / 0 mixed / -1 unreliable / -2 Wikipedia-blacklisted, ``label_source``) and,
    optionally, ``mbfc.csv`` (bias, factual reporting, country). Each row has the columns of
    :data:`SOURCE_COLUMNS`: ``label`` is the ``unreliable_source`` value (0 reliable, 1 unreliable
    or blacklisted, empty for mixed) and ``origin`` who rated the domain (mbfc, newsguard,
    wikipedia, manual). Rows are sorted by domain. Raises :class:`CorpusError` on unknown ratings
    or on a domain rated twice with different ratings.
    """
    folder = Path(source_labels_dir)
    golden = folder / "golden_truth_dataset.csv"
    rows = _read_table(golden, ("domain", "reliability_label"), "reliability labels")
    mbfc: dict[str, list[dict]] = defaultdict(list)
    mbfc_path = folder / "mbfc.csv"
    if mbfc_path.is_file():
        for _, row in _read_table(mbfc_path, ("source",), "MBFC table"):
            domain = normalize_domain(row["source"])
            if domain:
                mbfc[domain].append(row)
    table: dict[str, dict] = {}
    errors: list[str] = []
    for line, row in rows:
        domain = normalize_domain(row["domain"])
        if domain is None:  # the published file has one row without a domain: nothing to rate
            continue
        rating = _GOLDEN_RATINGS.get(row["reliability_label"].strip())
        if rating is None:
            errors.append(f"line {line}: reliability_label {row['reliability_label']!r} of "
                          f"{domain} is not 1, 0, -1 or -2")
            continue
        label = _RATING_LABELS[rating]
        entries = mbfc.get(domain, [])
        new = {
            "domain": domain,
            "rating": rating,
            "label": "" if label is None else str(label),
            "bias": _merged(e.get("bias", "").strip() for e in entries),
            "factual_reporting": _merged(e.get("factual_reporting", "").strip() for e in entries),
            "country": _merged(_clean_country(e.get("country", "")) for e in entries),
            "origin": row.get("label_source", "").strip(),
        }
        old = table.get(domain)
        if old is not None and old["rating"] != rating:
            errors.append(f"line {line}: {domain} rated {rating} here and {old['rating']} before")
            continue
        table.setdefault(domain, new)
    _raise_errors(golden, errors)
    return [table[d] for d in sorted(table)]


def write_sources_table(rows: Iterable[Mapping], out: str | Path) -> int:
    """Write source-table rows (see :func:`build_sources_table`) as CSV, atomically."""
    count = 0
    try:
        with atomic_write(out, encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, SOURCE_COLUMNS, lineterminator="\n",
                                    extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: row.get(k) or "" for k in SOURCE_COLUMNS})
                count += 1
    except OSError as exc:
        raise CorpusError(f"cannot write {out}: {exc.strerror or exc}") from None
    return count


# --------------------------------------------------------------------------- seeds


@dataclass(frozen=True)
class _SeedLabels:
    source: str | None
    unreliable_source: int
    pro_kremlin_framing: int
    notes: dict
    published: str | None = None  # overrides what ingest reads from the page head


# The judgements behind each seed's labels; corpus/README.md argues them at length.
_SEEDS: dict[str, _SeedLabels] = {
    "000": _SeedLabels(
        source="sputniknews.com", unreliable_source=1, pro_kremlin_framing=1,
        notes={
            "source": "URL on line 1",
            "unreliable_source": "Russian state outlet (Rossiya Segodnya); rated unreliable",
            "pro_kremlin_framing": "'military operation' for the invasion and the 'appealed for "
                                   "help in defending themselves' justification formula",
        },
    ),
    "001": _SeedLabels(
        source=None, unreliable_source=0, pro_kremlin_framing=0,
        notes={
            "source": "no outlet named anywhere in the page; left unknown",
            "unreliable_source": "by content: an attributed, factual report without state-media "
                                 "syndication or AI disclosure; no outlet to rate (weakest label)",
            "pro_kremlin_framing": "neutral report of US statements; no Kremlin narrative",
        },
    ),
    "002": _SeedLabels(
        source="urdupoint.com", unreliable_source=1, pro_kremlin_framing=1,
        notes={
            "source": "site name on line 1 (UrduPoint.com)",
            "unreliable_source": "republishes Sputnik copy verbatim under a 'UrduPoint News / "
                                 "Sputnik' credit, state-media boilerplate included",
            "pro_kremlin_framing": "the Sputnik justification formula: 'military operation' after "
                                   "the republics 'appealed for help ... against Ukrainian "
                                   "provocations'",
        },
    ),
    "003": _SeedLabels(
        source=None, unreliable_source=1, pro_kremlin_framing=0,
        notes={
            "source": "an unnamed AI rewrite blog; 'Source: CNN' credits where the content was "
                      "taken from, not who published this page, so the source is left unknown",
            "unreliable_source": "AI-generated rewrite ('This article was created by Artificial "
                                 "Intelligence') with no editorial accountability",
            "pro_kremlin_framing": "relays US statements calling on Russia to de-escalate",
        },
    ),
    "004": _SeedLabels(
        source="zerohedge.com", unreliable_source=1, pro_kremlin_framing=1,
        published="2022-05-20",
        notes={
            "source": "house byline Tyler Durden",
            "unreliable_source": "ZeroHedge, rated unreliable (Wikipedia perennial sources, MBFC)",
            "pro_kremlin_framing": "its own voice frames US support as a 'proxy war' and adopts "
                                   "Moscow's point of view on why talks are pointless",
            "published": "story date 05/20/2022 from the sign-off; the page-header date "
                         "2024-12-22 is not the story's (marker ST602)",
        },
    ),
}


def seed_records(seeds_dir: str | Path | None = None) -> list[dict]:
    """Corpus records of the bundled seed articles, with hand-made labels for both targets.

    Metadata comes from ingest; ``source`` and the labels are set from the judgements argued in
    ``corpus/README.md``. The id is the file's stem. Raises :class:`CorpusError` when a seed is
    missing or unexpected.
    """
    folder = Path(seeds_dir) if seeds_dir is not None else SEEDS_DIR
    records = []
    found = set()
    problems: list[Problem] = []
    for article in iter_articles([str(folder)], input_format="text", on_problem=problems.append):
        name = Path(article.path).name
        labels = _SEEDS.get(name[:3])
        if labels is None:
            raise CorpusError(f"{article.path}: no labels for this seed in framing.corpus._SEEDS")
        found.add(name[:3])
        published = (datetime.date.fromisoformat(labels.published) if labels.published
                     else article.published)
        article = replace(article, id=Path(name).stem, source=labels.source, published=published)
        records.append(_record(
            article, id=article.id,
            labels={"unreliable_source": labels.unreliable_source,
                    "pro_kremlin_framing": labels.pro_kremlin_framing},
            meta={"dataset": "seeds", "file": name, "notes": dict(labels.notes)},
        ))
    missing = sorted(set(_SEEDS) - found)
    if problems or missing:
        raise CorpusError(f"{folder}: seeds missing ({', '.join(missing)}) or unreadable "
                          f"({'; '.join(map(str, problems))})")
    return records


# --------------------------------------------------------------------------- regeneration


def main(argv: list[str] | None = None) -> int:
    """Regenerate the committed corpus files: ``python -m framing.corpus sources DIR`` writes
    ``framing/data/sources.csv`` from the idiap labels, ``python -m framing.corpus seeds`` writes
    ``corpus/seeds.jsonl``."""
    parser = argparse.ArgumentParser(prog="python -m framing.corpus", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    sources = commands.add_parser("sources", help="rebuild framing/data/sources.csv")
    sources.add_argument("source_labels_dir", help="the idiap source-labels folder")
    sources.add_argument("-o", "--output", default=str(SOURCES_PATH))
    seeds = commands.add_parser("seeds", help="rebuild corpus/seeds.jsonl")
    seeds.add_argument("-o", "--output", default=str(SEEDS_PATH))
    args = parser.parse_args(argv)
    try:
        if args.command == "sources":
            n = write_sources_table(build_sources_table(args.source_labels_dir), args.output)
        else:
            n = write_corpus(seed_records(), args.output)
    except FramingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"{n} row(s) written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
