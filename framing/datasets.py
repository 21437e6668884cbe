"""Public research data sets as labelled corpora: :func:`import_corpus` reads each one exactly as
it is published (the folders under ``../shared/data``) and yields corpus records (see
:mod:`framing.corpus` for the format):

- ``recovery``: ReCOVery CSV files, labelled ``unreliable_source`` per publisher;
- ``semeval2025``: SemEval-2025 Task 10 Ukraine-war articles, labelled ``pro_kremlin_framing``
  from their narratives through the mapping in ``framing/data/urw_narratives.csv``
  (:func:`load_narrative_map`, :func:`pro_kremlin_label`);
- ``ptc``: the Propaganda Techniques Corpus, labelled ``propaganda`` (any technique span);
- ``semeval2023``: SemEval-2023 Task 3, labelled ``genre`` (opinion, reporting, satire).

ReCOVery, SemEval-2025 and PTC records also carry ``war_topic`` (:data:`WAR_TOPIC`).

A malformed annotation line, a missing article file or an unreadable record is reported as an
:class:`~framing.article.Problem` (with the file and line) and skipped; the rest goes on. With
``strict=True`` the first problem raises :class:`~framing.errors.InputError` instead.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from framing.article import Article, Problem, ProblemLog
from framing.corpus import DATA_DIR, _raise_errors, _read_table, _record
from framing.errors import InputError
from framing.ingest import iter_articles
from framing.sources import outlet_domain, registered_domain, source_from_name

#: Data sets :func:`import_corpus` reads.
IMPORT_FORMATS = ("recovery", "semeval2025", "ptc", "semeval2023")
#: ``war_topic`` label of every article of a data set: whether it is about the Russia-Ukraine
#: war. SemEval-2025 Task 10 URW articles were collected as war coverage. ReCOVery (COVID-19
#: news, January-May 2020) and PTC (2017-2019) predate the invasion; checked for war terms
#: (Ukraine, Kyiv/Kiev, Donbas, Crimea, Zelensky): 12 of 1,641 and 7 of 371 articles mention
#: any, in passing (COVID in Ukraine, Trump and Putin), none covers the war.
WAR_TOPIC = {"semeval2025": 1, "recovery": 0, "ptc": 0}

#: Columns of the narrative mapping (``framing/data/urw_narratives.csv``).
NARRATIVE_COLUMNS = ("narrative", "pro_kremlin", "reason")

#: Genres of SemEval-2023 Task 3 subtask 1.
GENRES = ("opinion", "reporting", "satire")

# The mapping ships inside the package, so an installed framing finds it too.
NARRATIVES_PATH = DATA_DIR / "urw_narratives.csv"


# ReCOVery publishers whose name does not match their site's domain, so that ingest's name
# matching cannot find it: ABC News lives on abcnews.go.com (go.com, a Disney host, is no outlet
# for framing/data/outlets.toml). Outlets whose name the table knows (PBS NewsHour, Drudge
# Report, whose rows are all pages of the sites it links to) are found there instead.
_RECOVERY_PUBLISHER_DOMAINS = {
    "ABC News": "go.com",
}
_RECOVERY_META = ("publisher", "mbfc_level", "political_bias", "country")


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
    reporter = ProblemLog(on_problem, strict=strict)
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
    records: Iterator[tuple[dict, str, int | None]], reporter: ProblemLog
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


def _read_text_article(path: Path, reporter: ProblemLog) -> Article | None:
    """The article of one text file, read by ingest (problems reported, None if unreadable)."""
    # A list, not next(): the reader's generator then finishes and closes the file at once.
    articles = list(
        iter_articles([str(path)], input_format="text", on_problem=reporter, strict=reporter.strict)
    )
    return articles[0] if articles else None


def _read_lines(path: Path, reporter: ProblemLog) -> list[tuple[int, str]] | None:
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
    files: list[Path], root: Path, reporter: ProblemLog
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
    :class:`~framing.corpus.CorpusError` listing every bad row.
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
    folders: list[Path], mapping: Mapping[str, int], reporter: ProblemLog
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
    fields: list[str] | None, path: Path, number: int, reporter: ProblemLog
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


def _ptc_labels(split: _PtcSplit, ids: list[str], reporter: ProblemLog) -> dict[str, list | None]:
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


def _import_ptc(splits: list[_PtcSplit], reporter: ProblemLog) -> Iterator[tuple[dict, str, None]]:
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
    folders: list[Path], reporter: ProblemLog
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


def _semeval2023_frames(path: Path, reporter: ProblemLog) -> dict[str, list[str]]:
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
