"""Labelled corpora: writing and reading corpus files, counting them, and labelling articles by
the reliability of their source.

A corpus is a JSONL file, one article per line, with the article fields ``id``, ``text``,
``title``, ``url``, ``source``, ``published`` (ISO date), ``author``, a ``labels`` object mapping
a target name to a label (``{"unreliable_source": 1}``, ``{"genre": "opinion"}``) and an optional
``meta`` object (see ``corpus/README.md``). :func:`write_corpus` writes one, :func:`read_corpus`
reads it back into :class:`~framing.article.Article` objects, field for field, and
:func:`corpus_stats` counts its labels and sources. The importers of the public research data
sets that make such files live in :mod:`framing.datasets`; :func:`seed_records` makes the
bundled ``corpus/seeds.jsonl`` from the seed articles and their hand-made labels in
``framing/data/seed_labels.toml``.

:func:`label_by_source` is distant supervision in the manner of QProp and NELA-GT: an article
takes the label of its source's domain in a rating table (:func:`framing.sources.load_sources`,
by default ``framing/data/sources.csv``, derived from the idiap News-Media-Reliability labels by
:func:`build_sources_table`).
"""

from __future__ import annotations

import copy
import csv
import datetime
import json
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from framing.article import Article, Problem
from framing.atomic import atomic_write
from framing.errors import FramingError
from framing.ingest import iter_articles, parse_authors
from framing.sources import (
    SOURCE_COLUMNS,
    SourceRating,
    lookup_source,
    normalize_domain,
    raise_errors,
    read_table,
)

#: Keys of a corpus record, in the order they are written.
RECORD_FIELDS = ("id", "text", "title", "url", "source", "published", "author", "labels", "meta")

#: ``Article.source_method`` values that do not name the publisher, so :func:`label_by_source`
#: does not label from them: a credit line names whom a text was taken from, and rewrite sites
#: print credits to the outlets they copy.
UNTRUSTED_SOURCE_METHODS = ("credit",)

#: The repository's ``corpus/`` folder, found from the package so that it works from any working
#: directory of a source checkout (an installed wheel does not carry it).
CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
# The data tables ship inside the package, so an installed framing finds them too.
DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_LABELS_PATH = DATA_DIR / "seed_labels.toml"
SEEDS_DIR = CORPUS_DIR / "seeds"
SEEDS_PATH = CORPUS_DIR / "seeds.jsonl"

_GOLDEN_RATINGS = {"1": "reliable", "0": "mixed", "-1": "unreliable", "-2": "blacklisted"}
# Mixed sources stay unlabelled: calling them reliable or unreliable would put noise into both
# classes.
_RATING_LABELS: dict[str, int | None] = {
    "reliable": 0, "mixed": None, "unreliable": 1, "blacklisted": 1,
}


class CorpusError(FramingError):
    """A corpus, the labels a source table is built from, a narrative mapping or the seed labels
    cannot be read or written as given (a source table that cannot be loaded raises
    :class:`framing.sources.SourceTableError`)."""


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


def _record(article: Article, id: str, labels: dict, meta: dict) -> dict:
    return article_record(replace(article, id=id, labels=labels, meta=meta))


# --------------------------------------------------------------------------- source tables


def _read_table(path: Path, columns: Iterable[str], what: str) -> list[tuple[int, dict]]:
    """Rows of a small CSV table with its line numbers; :class:`CorpusError` if unusable."""
    hint = ""
    if not path.parent.is_dir() and path.parent == CORPUS_DIR:
        hint = " (the corpus/ folder ships with the source repository; pass a path)"
    return read_table(path, columns, what, CorpusError, hint)


def _raise_errors(path: Path, errors: list[str]) -> None:
    raise_errors(path, errors, CorpusError)


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

#: Labels every seed has in ``framing/data/seed_labels.toml``, in the order records carry them.
SEED_TARGETS = ("unreliable_source", "pro_kremlin_framing")
_SEED_KEYS = ("source", *SEED_TARGETS, "published", "notes")


def load_seed_labels(path: str | Path | None = None) -> dict[str, dict]:
    """The hand-made labels of the seed articles, keyed by the first three characters of each
    seed's file name (``"000"``).

    By default ``framing/data/seed_labels.toml`` (:data:`SEED_LABELS_PATH`). Each value is
    ``{"source": domain or None, "labels": {target: 0 or 1}, "notes": {field: reason},
    "published": date or None}`` with a label for every target of :data:`SEED_TARGETS`;
    ``published``, when given, overrides the date ingest reads from the page. Raises
    :class:`CorpusError` listing every bad entry.
    """
    path = Path(path) if path is not None else SEED_LABELS_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorpusError(f"cannot read seed labels {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: malformed TOML: {exc}") from None
    seeds: dict[str, dict] = {}
    errors: list[str] = []
    for key, entry in raw.items():
        if not isinstance(entry, dict):
            errors.append(f"{key!r} is not a table")
            continue
        wrong = [name for name in entry if name not in _SEED_KEYS]
        # type() rather than isinstance(): TOML's true is a bool, which Python counts as 1.
        wrong += [t for t in SEED_TARGETS
                  if type(entry.get(t)) is not int or entry[t] not in (0, 1)]
        source, notes, published = entry.get("source"), entry.get("notes"), entry.get("published")
        if source is not None and (not isinstance(source, str) or not source.strip()):
            wrong.append("source")
        if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
            wrong.append("notes")
        try:
            published = datetime.date.fromisoformat(published) if published is not None else None
        except (TypeError, ValueError):
            wrong.append("published")
        if wrong:
            errors.append(f"seed {key!r}: bad or unknown key(s) {', '.join(map(repr, wrong))} "
                          f"(keys: {', '.join(_SEED_KEYS)}; labels 0 or 1)")
            continue
        seeds[key] = {"source": source, "labels": {t: entry[t] for t in SEED_TARGETS},
                      "notes": dict(notes), "published": published}
    _raise_errors(path, errors)
    return seeds


def seed_records(
    seeds_dir: str | Path | None = None, labels_path: str | Path | None = None
) -> list[dict]:
    """Corpus records of the bundled seed articles, with hand-made labels for both targets.

    Metadata comes from ingest; ``source``, the labels and the notes come from
    :func:`load_seed_labels` (the judgements argued in ``corpus/README.md``). The id is the
    file's stem. Raises :class:`CorpusError` when a seed has no labels or labels have no seed.
    """
    folder = Path(seeds_dir) if seeds_dir is not None else SEEDS_DIR
    seeds = load_seed_labels(labels_path)
    where = Path(labels_path).name if labels_path is not None else SEED_LABELS_PATH.name
    records = []
    found = set()
    problems: list[Problem] = []
    for article in iter_articles([str(folder)], input_format="text", on_problem=problems.append):
        name = Path(article.path).name
        entry = seeds.get(name[:3])
        if entry is None:
            raise CorpusError(f"{article.path}: no labels for this seed in {where}")
        found.add(name[:3])
        article = replace(article, id=Path(name).stem, source=entry["source"],
                          published=entry["published"] or article.published)
        records.append(_record(
            article, id=article.id, labels=dict(entry["labels"]),
            meta={"dataset": "seeds", "file": name, "notes": dict(entry["notes"])},
        ))
    missing = sorted(set(seeds) - found)
    if problems or missing:
        raise CorpusError(f"{folder}: seeds missing ({', '.join(missing)}) or unreadable "
                          f"({'; '.join(map(str, problems))})")
    return records
