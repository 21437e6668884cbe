"""Reading articles: plain text, JSONL, CSV and saved HTML pages, from files, folders and stdin.

:func:`iter_articles` turns paths into :class:`Article` objects and reports every unreadable
file or record as a :class:`Problem` instead of stopping: the bad file or record is skipped (an
*error*) or read with a fallback (a *warning*), and the rest of the batch goes on. With
``strict=True`` the first problem raises :class:`~framing.errors.InputError` instead.

Formats, chosen by extension unless ``input_format`` forces one:

- plain text (``.txt``, ``.text``, and any other file named explicitly): one article per file.
  :attr:`Article.text` is the whole file as decoded, so line and column numbers of findings are
  the file's own. A date, a URL, a title, an author and a site-name line are read from the first
  lines when they are there; nothing is guessed when they are not.
- JSONL (``.jsonl``, ``.ndjson``): one JSON object per line.
- CSV (``.csv``): one article per row, with a header row.
- JSON (``.json``): an array of article objects, an object whose values are article objects
  (keyed by id) or arrays of them (``{"articles": [...]}``), or one article object. Read whole.
- HTML (``.html``, ``.htm``): main text and metadata extracted with trafilatura;
  :attr:`Article.text` is the *extracted* text, so positions refer to it, not to the markup.
  A URL the metadata lacks is taken from a canonical link or ``og:url`` anywhere in the page,
  else from a browser's ``<!-- saved from url=... -->`` note.
- MHTML (``.mhtml``, ``.mht``, a browser's "save as single file"): the archive's HTML page is
  decoded (quoted-printable or base64, its charset) and read as HTML, with the URL the archive
  recorded (``Snapshot-Content-Location`` or ``Content-Location``). An MHTML file without an
  extension, or with a page extension, is recognised by its MIME header.
  Pages saved as ``.php``, ``.aspx``, ``.shtml``, ``.xhtml`` (see :data:`PAGE_EXTENSIONS`) and
  files named explicitly without an extension are HTML when they start like a page, else text.

Record fields are found by common names (``body_text``, ``publisher``, ``publish_date``, ...) or
mapped explicitly with ``columns``. JSONL and CSV are streamed line by line, so files of any size
can be read.

The source of an article is a registered domain where possible (``sputniknews.com``), found from
a source field, the URL, a site-name line, a house byline, a dateline credit or a credit line,
in that order; outlets, domains, datelines and credit lines are :mod:`framing.sources`' (the
outlet names and bylines known live in ``framing/data/outlets.toml``), dates are
:mod:`framing.dates`'. Everything runs offline: the public suffix list is the snapshot bundled
with tldextract.
"""

from __future__ import annotations

import ast
import codecs
import csv
import datetime
import html as html_lib
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from framing.article import Article, Problem, ProblemLog, content_id
from framing.dates import WEEKDAY as _WEEKDAY
from framing.dates import find_date, parse_date
from framing.errors import InputError
from framing.sources import (
    URL_RE,
    _plausible_site_name,
    credit_lines,
    credited_source,
    datelines,
    house_byline,
    registered_domain,
    site_name,
    source_from_name,
)

#: Values accepted for ``input_format``.
FORMATS = ("auto", "text", "jsonl", "csv", "html", "json")

#: File extensions (lower case) of each format, used by ``input_format="auto"``.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    # Browsers' "save as single file" archives: the page inside is read as HTML.
    ".mhtml": "html",
    ".mht": "html",
}

#: Article fields a record column or key can fill, with the names recognised without a mapping,
#: in order of preference.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "body_text", "content", "article", "maintext"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "source": ("source", "publisher", "site", "domain"),
    "published": ("published", "date", "publish_date", "published_at", "pubdate"),
    "author": ("author", "authors"),
    "id": ("id", "news_id", "article_id"),
    "labels": ("labels",),
}

SOURCE_METHODS = ("field", "url", "site-name", "byline", "dateline", "credit")

#: Extensions of pages saved from dynamic sites: read as HTML when they start like a page (a
#: doctype or ``<html>`` after any comments), else as plain text; a file named explicitly with
#: no extension is sniffed the same way. Directories take these files too.
PAGE_EXTENSIONS = (".php", ".aspx", ".asp", ".jsp", ".shtml", ".xhtml")
# The internal format of a file to sniff, as above.
_SNIFF = "sniff"

# A NUL byte this early means a text or HTML file is not text (text encodings other than
# UTF-16/32 never produce one), and checking only a prefix keeps the test cheap on large files.
# A record file (JSONL, CSV, JSON) is refused only when most of these first lines are binary
# (see _looks_binary); otherwise a NUL loses only the record holding it.
_BINARY_PROBE = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_FALLBACK_ENCODING = "cp1252"
# Leaves room for multi-megabyte bodies while staying below the C long limit on every platform.
_CSV_FIELD_LIMIT = 2**31 - 1
# Pandas writes its index as a column with an empty or "Unnamed: N" header; it is not data.
_INDEX_COLUMN_RE = re.compile(r"^(?:Unnamed: \d+)?$")


# --------------------------------------------------------------------------- entry point


def iter_articles(
    paths: Iterable[str],
    *,
    input_format: str = "auto",
    columns: Mapping[str, str] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    strict: bool = False,
    infer_sources: bool = True,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Article]:
    """Yield the articles of files, directories and ``"-"`` (stdin), in the order given.

    Directories are read recursively in sorted path order, taking only files with a known
    extension (see :data:`EXTENSIONS` and :data:`PAGE_EXTENSIONS`) and skipping hidden files and
    folders and the resource folder of a saved page (``page_files/`` beside ``page.html``).
    With ``input_format="auto"`` the format follows the extension; a file named explicitly
    with an unknown extension is read as plain text (as HTML when it has no extension or a page
    extension and starts like a page), and stdin is JSONL when its first non-blank character
    is ``{``, HTML when it starts with ``<!doctype html``, ``<html``, ``<head`` or
    ``<body`` after any comments or XML declaration or is an MHTML archive (a MIME header of
    type multipart/related), else plain text.

    ``columns`` maps article fields (keys of :data:`FIELD_ALIASES`) to the CSV column or JSONL
    key holding them, e.g. ``{"text": "body_text"}``; unmapped fields are found by their usual
    names. Problems are passed to ``on_problem`` and the batch goes on; with ``strict=True`` the
    first problem, error or warning, raises :class:`InputError` instead.

    With ``infer_sources=False`` a record's ``source`` is taken exactly as written (or left
    ``None``) instead of being normalised to a domain or inferred from the URL and text: corpus
    files, whose sources were decided when they were built, read back unchanged that way.
    A JSONL ``meta`` object is merged into :attr:`Article.meta` either way.

    ``on_bytes`` is called with the number of input bytes read so far since its last call
    (in blocks of up to 64 KiB), for progress against :func:`input_size`.

    Files a directory holds of no input format are counted in one warning for the directory,
    and the files of saved pages' resource folders in another (passed on, not raised, in strict
    mode). When the paths give no article and no error was
    reported (empty folders, or only files of no input format), :class:`InputError` is raised
    once they are read: a run must not pass on no input at all.

    Raises :class:`InputError` at once for an unknown format or column mapping.
    """
    if input_format not in FORMATS:
        raise InputError(f"unknown input format {input_format!r}; use one of {', '.join(FORMATS)}")
    mapping = _check_columns(columns)
    if isinstance(paths, (str, os.PathLike)):  # one path, not an iterable of characters
        paths = [paths]
    reader = _Reader(mapping, on_problem, strict, infer_sources, on_bytes)
    # A separate generator, so that usage errors above raise on the call, not on first use.
    return reader.read_paths([os.fspath(p) for p in paths], input_format)


def input_files(paths: Iterable[str], input_format: str = "auto") -> list[tuple[str, str]]:
    """``(path, format)`` of every file :func:`iter_articles` would read, in its order.

    ``"-"`` (stdin) is listed with the format ``input_format``. Paths that cannot be read are
    listed too: reading them reports the problem.
    """
    reader = _Reader({}, None, False)
    files = []
    for path in [os.fspath(p) for p in paths]:
        if path == "-":
            files.append((path, input_format))
        elif os.path.isdir(path):
            files.extend((f, input_format if input_format != "auto" else _listed_format(f))
                         for f in reader.walk(path))
        else:
            fmt = input_format if input_format != "auto" else _listed_format(path)
            files.append((path, fmt))
    return files


def _listed_format(path: str) -> str:
    # A file to sniff is listed as what it is most likely to be.
    fmt = _auto_format(path)
    return fmt if fmt != _SNIFF else "html" if _is_page(path) else "text"


def input_size(paths: Iterable[str], input_format: str = "auto") -> int | None:
    """Bytes :func:`iter_articles` will read from ``paths``; ``None`` when one is stdin."""
    total = 0
    for path, _ in input_files(paths, input_format):
        if path == "-":
            return None
        try:
            total += os.path.getsize(path)
        except OSError:
            pass  # reported when it is read
    return total


def jsonl_ranges(path: str, block_size: int) -> Iterator[tuple[int, int, int]]:
    """Cut a JSONL file into ``(start, end, first_line)`` byte ranges of about ``block_size``.

    Ranges end just after a newline, so each holds whole records and knows the line number it
    starts on (for messages). One pass over the file, counting newlines in 1 MiB blocks.
    """
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, got {block_size}")
    size = os.path.getsize(path)
    start, line = 0, 1
    with open(path, "rb") as handle:
        while start < size:
            target = start + block_size
            if target >= size:
                yield start, size, line
                return
            # Lines in [start, target) plus the rest of the line crossing target.
            handle.seek(start)
            lines, position = 0, start
            while position < target:
                block = handle.read(min(1 << 20, target - position))
                if not block:
                    break
                lines += block.count(b"\n")
                position += len(block)
            rest = handle.readline()
            end = position + len(rest)
            if rest.endswith(b"\n"):
                lines += 1
            yield start, end, line
            start, line = end, line + lines


def iter_jsonl_range(
    path: str,
    start: int,
    end: int,
    first_line: int = 1,
    *,
    columns: Mapping[str, str] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    strict: bool = False,
    infer_sources: bool = True,
) -> Iterator[Article]:
    """The articles of bytes ``start``-``end`` of a JSONL file (a range of :func:`jsonl_ranges`).

    Records and problems carry their real line numbers, counted from ``first_line``.
    """
    reader = _Reader(_check_columns(columns), on_problem, strict, infer_sources)
    return reader.read_jsonl_range(os.fspath(path), start, end, first_line)


def _check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    mapping = dict(columns or {})
    for name, column in mapping.items():
        if name not in FIELD_ALIASES:
            raise InputError(
                f"cannot map column {column!r} to unknown field {name!r}; "
                f"fields: {', '.join(FIELD_ALIASES)}"
            )
        if not isinstance(column, str) or not column:
            raise InputError(f"empty column name for field {name!r}")
    return mapping


class _Reader:
    """Reads one batch; holds the column mapping and the batch's :class:`ProblemLog`."""

    def __init__(
        self,
        columns: dict[str, str],
        on_problem: Callable[[Problem], None] | None,
        strict: bool,
        infer_sources: bool = True,
        on_bytes: Callable[[int], None] | None = None,
    ):
        self.columns = columns
        self.problems = ProblemLog(on_problem, strict=strict)
        # Pass a problem on, or raise it in strict mode (unless strict=False: a notice about
        # what was deliberately not read, not a fault in what was).
        self.report = self.problems.report
        self.infer_sources = infer_sources
        self.on_bytes = on_bytes

    # ----------------------------------------------------------------------- paths

    def read_paths(self, paths: list[str], input_format: str) -> Iterator[Article]:
        read = 0
        for path in paths:
            if path == "-":
                articles = self.read_stdin(input_format)
            elif os.path.isdir(path):
                articles = self.read_dir(path, input_format)
            else:
                fmt = input_format if input_format != "auto" else _auto_format(path)
                articles = self.read_file(path, fmt)
            for article in articles:
                read += 1
                yield article
        if paths and not read and not self.problems.errors:
            # Nothing read and nothing wrong: empty folders, or only files of no input format. A
            # gate must not pass on that.
            raise InputError(f"no article read from {_list(paths)}: no input file found")

    def read_dir(self, root: str, input_format: str) -> Iterator[Article]:
        skipped: dict[str, int] = {}
        companions: dict[str, int] = {}
        files = self.walk(root, skipped, companions)
        if skipped:
            count = sum(skipped.values())
            kinds = ", ".join(f"{n} {ext}" for ext, n in
                              sorted(skipped.items(), key=lambda item: (-item[1], item[0])))
            self.report(root, None, f"{count} file(s) skipped: no input format for their "
                        f"extension ({kinds}); name a file explicitly to read it as text",
                        "warning", strict=False)
        if companions:
            count = sum(companions.values())
            shown = sorted(companions)
            folders = ", ".join(shown[:3]) + (", ..." if len(shown) > 3 else "")
            self.report(root, None, f"{count} file(s) skipped in {len(companions)} resource "
                        f"folder(s) of saved pages ({folders}): the scripts, styles and images "
                        "of the page beside each folder, not articles", "warning", strict=False)
        for file in files:
            fmt = input_format if input_format != "auto" else _auto_format(file)
            yield from self.read_file(file, fmt)

    def walk(self, root: str, skipped: dict[str, int] | None = None,
             companions: dict[str, int] | None = None) -> list[str]:
        """Files of a directory tree with a known extension, in sorted order; ``skipped``
        counts the other (not hidden) files by extension. The resource folder of a saved page
        (``page_files/`` beside ``page.html``, see :func:`_is_companion`) is not read;
        ``companions`` counts its files by the folder's path under ``root``."""
        found: list[tuple[tuple[str, ...], str]] = []
        skipped_folders: list[tuple[str, ...]] = []

        def on_error(exc: OSError) -> None:
            self.report(exc.filename or root, None, f"cannot read directory: {_reason(exc)}")

        for folder, dirs, files in os.walk(root, onerror=on_error):
            # Hidden folders are version control or tool state, never articles.
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = Path(folder).relative_to(root).parts
            # Walked rather than pruned, so that the summary can say how many files it left out.
            inside = next((c for c in skipped_folders if rel[:len(c)] == c), None)
            if inside is None:
                skipped_folders.extend((*rel, d) for d in dirs if _is_companion(d, files))
                inside = next((c for c in skipped_folders if rel[:len(c)] == c), None)
            for name in files:
                if name.startswith("."):
                    continue
                if inside is not None:
                    if companions is not None:
                        key = "/".join(inside) + "/"
                        companions[key] = companions.get(key, 0) + 1
                    continue
                if _format_of(name) or _is_page(name):
                    found.append(((*rel, name), os.path.join(folder, name)))
                elif skipped is not None:
                    ext = os.path.splitext(name)[1].lower() or "without extension"
                    skipped[ext] = skipped.get(ext, 0) + 1
        # Sorting on path components keeps "a/b.txt" next to "a/c.txt" whatever the separator.
        return [path for _, path in sorted(found)]

    def read_stdin(self, input_format: str) -> Iterator[Article]:
        if sys.stdin is None:  # e.g. a GUI or service process
            self.report("-", None, "cannot read: stdin is not available")
            return
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text-only stand-in for stdin, e.g. io.StringIO
            stream = io.BytesIO(sys.stdin.read().encode("utf-8"))
        head = stream.read(_BINARY_PROBE)
        fmt = input_format if input_format != "auto" else _sniff(head)
        stream = _PrefixedStream.wrap(head, stream, self.on_bytes)
        yield from self.read_stream("-", stream, head, fmt)

    def open_at(self, path: str, start: int = 0, probe: int = _BINARY_PROBE
                ) -> tuple[IO[bytes], bytes] | None:
        """The file opened at byte ``start`` and its next ``probe`` bytes; ``None`` (the
        problem reported) when it cannot be read."""
        try:
            handle = open(path, "rb")
        except OSError as exc:
            self.report(path, None, f"cannot read: {_reason(exc)}")
            return None
        try:
            handle.seek(start)
            head = handle.read(probe)
        except OSError as exc:  # e.g. EISDIR, or an I/O error on a bad disk
            handle.close()
            self.report(path, None, f"cannot read: {_reason(exc)}")
            return None
        return handle, head

    def read_file(self, path: str, fmt: str) -> Iterator[Article]:
        opened = self.open_at(path)
        if opened is None:
            return
        handle, head = opened
        with handle:
            stream = _PrefixedStream.wrap(head, handle, self.on_bytes)
            yield from self.read_stream(path, stream, head, fmt)

    def read_stream(self, path: str, stream: IO[bytes], head: bytes, fmt: str) -> Iterator[Article]:
        if fmt == _SNIFF:
            fmt = "html" if _looks_like_html(head) or _looks_like_mhtml(head) else "text"
        nul = head.find(b"\0")
        # One NUL in a record file loses only its record (dropped where it is read); the file is
        # refused only when most of its first lines are binary.
        if nul >= 0 and (fmt not in ("jsonl", "csv", "json") or _looks_binary(head)):
            message = f"binary file (NUL byte at offset {nul}), skipped"
            if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
                message += "; it looks like UTF-16, convert it to UTF-8"
            self.report(path, None, message)
            return
        if fmt in ("jsonl", "csv"):
            read = self.read_jsonl if fmt == "jsonl" else self.read_csv
            records = read(path, stream)
            try:
                yield from records
            except OSError as exc:  # a read failing halfway, e.g. on a network drive
                self.report(path, None, f"cannot read: {_reason(exc)}")
        else:
            try:
                raw = stream.read()
            except OSError as exc:
                self.report(path, None, f"cannot read: {_reason(exc)}")
                return
            if fmt == "json":
                yield from self.read_json(path, raw)
                return
            if fmt == "html":
                article = self.read_html(path, raw)
            else:
                article = self.read_text(path, raw)
            if article is not None:
                yield article

    # ----------------------------------------------------------------------- decoding

    def decode(self, path: str, raw: bytes, first_line: int = 1) -> str:
        """UTF-8 text of ``raw``; on invalid UTF-8, a warning and either the UTF-8 reading with
        U+FFFD for the bad bytes (when more characters decode as UTF-8 than fail) or the cp1252
        reading (a cp1252 file has accented letters but no valid UTF-8 sequence)."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = first_line + raw.count(b"\n", 0, exc.start)
            mostly = _mostly_utf8(raw)
            if mostly is not None:
                text, bad = mostly
                self.report(
                    path,
                    line,
                    f"invalid UTF-8: {bad} byte sequence(s) replaced with U+FFFD, the first "
                    f"(byte 0x{raw[exc.start]:02x}) at line {line}",
                    "warning",
                )
                return text
            self.report(
                path,
                line,
                f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); decoded as {_FALLBACK_ENCODING}",
                "warning",
            )
            return raw.decode(_FALLBACK_ENCODING, errors="replace")

    def decode_html(self, path: str, raw: bytes) -> str:
        """The text of a page: valid UTF-8 as such (saved pages often keep the declaration of
        the page they were saved from), else the charset declared in the ``<head>`` or the XML
        declaration, else mostly valid UTF-8 with U+FFFD, else the charset detected."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        charset = _declared_charset(raw)
        if charset is not None and charset != "utf-8":
            return raw.decode(charset, errors="replace")
        if charset is None and not _mostly_utf8(raw):
            detected = _detect_charset(raw)
            if detected is not None and detected != "utf-8":
                self.report(path, None, f"invalid UTF-8 and no charset declared; decoded as "
                            f"{detected} (detected)", "warning")
                return raw.decode(detected, errors="replace")
        return self.decode(path, raw)

    # ----------------------------------------------------------------------- text

    def read_text(self, path: str, raw: bytes) -> Article | None:
        text = self.decode(path, raw.removeprefix(_UTF8_BOM))
        if not text.strip():
            self.report(path, None, "empty file")
            return None
        head = parse_text_head(text)
        source, method = infer_source(head.url, text)
        return Article(
            id=content_id(text),
            text=text,
            title=head.title,
            url=head.url,
            source=source,
            source_method=method,
            published=head.published,
            author=head.author,
            path=path,
        )

    # ----------------------------------------------------------------------- HTML

    def read_html(self, path: str, raw: bytes) -> Article | None:
        if not raw.strip():
            self.report(path, None, "empty file")
            return None
        if _looks_like_mhtml(raw[:_BINARY_PROBE]):
            return self.read_mhtml(path, raw)
        html = self.decode_html(path, raw.removeprefix(_UTF8_BOM))
        return self.page_article(path, html)

    def read_mhtml(self, path: str, raw: bytes) -> Article | None:
        """The article of an MHTML archive: its root HTML part, decoded, read as a page."""
        try:
            part, location = _mhtml_page(raw)
        # The email parser is lenient, but a mangled archive must cost only this file.
        except Exception as exc:
            self.report(path, None, f"cannot parse MHTML archive: {type(exc).__name__}: {exc}")
            return None
        if part is None:
            self.report(path, None, "MHTML archive holds no text/html part; skipped")
            return None
        try:
            body = part.get_payload(decode=True) or b""
        except Exception as exc:
            self.report(path, None, f"cannot decode the MHTML page: {type(exc).__name__}: {exc}")
            return None
        body = body.removeprefix(_UTF8_BOM)
        if not body.strip():
            self.report(path, None, "MHTML archive holds an empty HTML page; skipped")
            return None
        html = None
        charset = _codec(part.get_content_charset())
        if charset is not None:
            try:
                html = body.decode(charset)
            except UnicodeDecodeError:
                pass  # the part's label is wrong; decode as a page saved alone would be
        if html is None:
            html = self.decode_html(path, body)
        return self.page_article(path, html, location)

    def page_article(self, path: str, html: str, location: str | None = None) -> Article | None:
        """The article of a decoded page; ``location`` is the address its container recorded
        (an MHTML header), used when the page itself states none."""
        try:
            doc = _extract_html(html)
        # trafilatura and lxml raise many exception types on odd markup; any of them only means
        # this one page cannot be read.
        except Exception as exc:
            self.report(path, None, f"HTML extraction failed: {type(exc).__name__}: {exc}")
            return None
        text = doc.get("text") or ""
        if not text.strip():
            self.report(path, None, "no text extracted from HTML")
            return None
        url = _scalar(doc.get("url")) or _page_url(html, location)
        title = _scalar(doc.get("title"))
        site_name = _scalar(doc.get("sitename"))
        source, method = _infer_source(url, text, site_name, title)
        meta = {k: doc[k] for k in ("sitename", "description") if doc.get(k)}
        language = declared_language(html) or normalize_language(doc.get("language"))
        return Article(
            id=content_id(text),
            text=text,
            title=title,
            url=url,
            source=source,
            source_method=method,
            published=parse_date(doc.get("date") or ""),
            author=_scalar(doc.get("author")),
            meta=meta,
            path=path,
            language=language,
        )

    # ----------------------------------------------------------------------- JSONL

    def read_jsonl(
        self, path: str, stream: IO[bytes], first_line: int = 1
    ) -> Iterator[Article]:
        fields_for: dict[tuple[str, ...], dict[str, str]] = {}
        seen_content = False
        for number, raw in enumerate(stream, first_line):
            if number == 1:
                raw = raw.removeprefix(_UTF8_BOM)
            if not raw.strip():
                continue
            seen_content = True
            nul = raw.find(b"\0")
            if nul >= 0:
                self.report(path, number, f"NUL byte (binary data) at column {nul + 1}; "
                            "record skipped")
                continue
            line = self.decode(path, raw, number)
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                self.report(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            # Too deep nesting, or an integer too long to convert.
            except (ValueError, RecursionError) as exc:
                self.report(path, number, f"invalid JSON: {exc}")
                continue
            if not isinstance(value, dict):
                self.report(path, number, f"expected a JSON object, got {_json_type(value)}")
                continue
            fields = self.fields_of(value, fields_for)
            article = self.record_article(path, number, value, fields, "field")
            if article is not None:
                yield article
        if not seen_content and first_line == 1:
            self.report(path, None, "empty file")

    def fields_of(self, record: dict, known: dict[tuple[str, ...], dict[str, str]]
                  ) -> dict[str, str]:
        """The article fields of a JSON record's keys, resolved once per key layout in ``known``.

        Records share a few key layouts; the bound keeps odd files from growing the cache.
        """
        keys = tuple(record)
        fields = known.get(keys)
        if fields is None:
            fields = _resolve_fields(keys, self.columns)
            if len(known) < 256:
                known[keys] = fields
        return fields

    def read_jsonl_range(self, path: str, start: int, end: int, first_line: int
                         ) -> Iterator[Article]:
        opened = self.open_at(path, start, min(_BINARY_PROBE, end - start))
        if opened is None:
            return
        handle, head = opened
        with handle:
            nul = head.find(b"\0")
            if nul >= 0 and _looks_binary(head):
                self.report(path, first_line, f"binary data (NUL byte at offset {start + nul}); "
                            f"bytes {start}-{end} skipped")
                return
            stream = _PrefixedStream.wrap(head, _Limited(handle, end - start - len(head)),
                                          self.on_bytes)
            try:
                yield from self.read_jsonl(path, stream, first_line)
            except OSError as exc:
                self.report(path, None, f"cannot read: {_reason(exc)}")

    # ----------------------------------------------------------------------- JSON

    def read_json(self, path: str, raw: bytes) -> Iterator[Article]:
        text = self.decode(path, raw.removeprefix(_UTF8_BOM))
        start = _skip_space(text, 0)
        if start == len(text):
            self.report(path, None, "empty file")
            return
        lines = _LineCounter(text)
        decoder = json.JSONDecoder()
        fields_for: dict[tuple[str, ...], dict[str, str]] = {}

        def record(value: Any, at: int, key: str | None = None) -> Article | None:
            line = lines.line(at)
            if not isinstance(value, dict):
                self.report(path, line, f"expected a JSON object, got {_json_type(value)}")
                return None
            fields = self.fields_of(value, fields_for)
            if key is not None and "id" not in fields:
                # An object of articles keyed by id: the key is the id.
                value, fields = {"id": key, **value}, {**fields, "id": "id"}
            return self.record_article(path, line, value, fields, "field")

        try:
            if text[start] == "{":
                whole = json.loads(text)
                fields = _resolve_fields(tuple(whole), self.columns)
                if "text" in fields and isinstance(whole.get(fields["text"]), str):
                    article = record(whole, start)
                    if article is not None:
                        article.record = None  # one article: the file is its location
                        yield article
                    return
                found = False
                for key, at in _json_members(decoder, text, start):
                    value = whole[key]
                    if isinstance(value, dict):
                        found = True
                        article = record(value, at, key)
                        if article is not None:
                            yield article
                    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
                        found = True
                        for index, item_at in _json_members(decoder, text, at):
                            article = record(value[index], item_at)
                            if article is not None:
                                yield article
                if not found:
                    self.report(path, None, "no article objects in this JSON object (keys: "
                                f"{_list(whole)}); expected an array or an object of articles")
            elif text[start] == "[":
                whole = json.loads(text)
                if not whole:
                    # Like an empty file: said once, so that a batch of it does not end with
                    # "no input file found" as if the file had not been there.
                    self.report(path, None, "empty JSON array: no article")
                    return
                for index, at in _json_members(decoder, text, start):
                    article = record(whole[index], at)
                    if article is not None:
                        yield article
            else:
                value = json.loads(text)
                self.report(path, lines.line(start),
                            f"expected a JSON array or object, got {_json_type(value)}")
        except json.JSONDecodeError as exc:
            self.report(path, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno}); "
                        "file skipped")
        except (ValueError, RecursionError) as exc:
            self.report(path, None, f"invalid JSON: {exc}; file skipped")

    # ----------------------------------------------------------------------- CSV

    def read_csv(self, path: str, stream: IO[bytes]) -> Iterator[Article]:
        csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
        # After the first invalid line, the encoding that line was read with (UTF-8 with U+FFFD
        # or cp1252) reads the later ones.
        fallback: str | None = None
        nul_line: int | None = None  # first line with a NUL byte in the row being read

        def lines() -> Iterator[str]:
            nonlocal fallback, nul_line
            for number, raw in enumerate(stream, 1):
                if number == 1:
                    raw = raw.removeprefix(_UTF8_BOM)
                if nul_line is None and b"\0" in raw:
                    nul_line = number
                if fallback is not None:
                    # One warning per file: a cp1252 export would otherwise warn on every row.
                    try:
                        yield raw.decode("utf-8")
                    except UnicodeDecodeError:
                        yield raw.decode(fallback, errors="replace")
                    continue
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError:
                    fallback = "utf-8" if _mostly_utf8(raw) else _FALLBACK_ENCODING
                    yield self.decode(path, raw, number)

        # strict=True turns an unbalanced quote into an error with a line number instead of
        # silently swallowing the rest of the file into one field.
        reader = csv.reader(lines(), strict=True)
        header: list[str] | None = None
        while header is None:
            try:
                row = next(reader)
            except StopIteration:
                self.report(path, None, "empty file")
                return
            except csv.Error as exc:
                self.report(path, reader.line_num, f"malformed CSV header: {_csv_reason(exc)}")
                return
            if any(cell.strip() for cell in row):
                header = row
        header_line = reader.line_num
        if nul_line is not None:
            self.report(path, nul_line, "NUL byte (binary data) in the CSV header; file skipped")
            return
        fields = _resolve_fields(header, self.columns)
        for name, column in self.columns.items():
            if name not in fields:
                message = f"column {column!r} for {name} not found (columns: {_list(header)})"
                self.report(path, header_line, message, "error" if name == "text" else "warning")
                if name == "text":
                    return
        if "text" not in fields:
            self.report(
                path,
                header_line,
                f"no text column (columns: {_list(header)}); map one as text=NAME",
            )
            return
        width = len(header)
        last_line = reader.line_num
        while True:
            start = last_line + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                end = reader.line_num
                runs = f" (row runs to line {end})" if end > start else ""
                self.report(path, start, f"malformed CSV row: {_csv_reason(exc)}{runs}")
                last_line, nul_line = end, None
                continue
            last_line = reader.line_num
            if nul_line is not None:
                self.report(path, start, "NUL byte (binary data)"
                            + (f" at line {nul_line}" if nul_line != start else "")
                            + "; row skipped")
                nul_line = None
                continue
            if not row or not any(row):
                continue
            if len(row) > width:
                self.report(
                    path, start, f"row has {len(row)} fields but the header has {width}; skipped"
                )
                continue
            # Short rows are padded: some writers drop trailing empty fields. With duplicate column
            # names the first column wins, as in field detection.
            record: dict[str, str] = {}
            for i, name in enumerate(header):
                record.setdefault(name, row[i] if i < len(row) else "")
            article = self.record_article(path, start, record, fields, "column")
            if article is not None:
                yield article

    # ----------------------------------------------------------------------- records

    def record_article(
        self,
        path: str,
        line: int,
        record: Mapping[str, Any],
        fields: Mapping[str, str],
        kind: str,
    ) -> Article | None:
        """Build the article of one JSONL object or CSV row; ``fields`` maps field -> key."""
        if "text" not in fields:
            keys = _list(record)
            self.report(
                path, line, f"no text {kind} (keys: {keys}); map one as text=NAME"
            )
            return None
        text_key = fields["text"]
        text = record.get(text_key)
        if text is None or (isinstance(text, str) and not text.strip()):
            self.report(path, line, f"empty text ({kind} {text_key!r})")
            return None
        if not isinstance(text, str):
            self.report(path, line, f"text {kind} {text_key!r} is {_json_type(text)}, not a string")
            return None
        used = set(fields.values())
        meta = {
            k: v for k, v in record.items() if k not in used and not _INDEX_COLUMN_RE.match(k)
        }
        # Corpus files keep extra fields under one "meta" object; flatten it back.
        if isinstance(meta.get("meta"), dict):
            meta.update(meta.pop("meta"))

        def value(name: str) -> Any:
            return record.get(fields[name]) if name in fields else None

        url = _scalar(value("url"))
        published = None
        raw_date = value("published")
        if isinstance(raw_date, str) and raw_date.strip():
            published = parse_date(raw_date)
            if published is None:
                # Keep what could not be parsed rather than lose it.
                meta[fields["published"]] = raw_date
        elif raw_date not in (None, ""):
            meta[fields["published"]] = raw_date

        labels: dict = {}
        raw_labels = value("labels")
        if isinstance(raw_labels, dict):
            labels = raw_labels
        elif isinstance(raw_labels, str) and raw_labels.strip().startswith("{"):
            try:
                parsed = json.loads(raw_labels)
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict):
                labels = parsed
            else:
                meta[fields["labels"]] = raw_labels
        elif raw_labels not in (None, ""):
            meta[fields["labels"]] = raw_labels

        source_value = _scalar(value("source"))
        if not self.infer_sources:
            source, method = source_value, "field" if source_value else None
        elif source_value:
            source, method = source_from_name(source_value, url), "field"
        else:
            source, method = infer_source(url, text)
        given_id = _scalar(value("id"))
        return Article(
            id=given_id or content_id(text),
            text=text,
            title=_scalar(value("title")),
            url=url,
            source=source,
            source_method=method,
            published=published,
            author=parse_authors(value("author")),
            labels=labels,
            meta=meta,
            path=path,
            record=line,
            language=_record_language(record),
        )


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _json_members(decoder: json.JSONDecoder, text: str, i: int
                  ) -> Iterator[tuple[Any, int]]:
    """``(key, offset)`` of each member of the valid JSON array or object at ``text[i]``: the
    index or key, and where the member's value starts (for line numbers)."""
    closing = "]" if text[i] == "[" else "}"
    i, index = _skip_space(text, i + 1), 0
    while text[i] != closing:
        if closing == "}":
            key, i = decoder.raw_decode(text, i)
            i = _skip_space(text, _skip_space(text, i) + 1)  # past the colon
        else:
            key, index = index, index + 1
        _, end = decoder.raw_decode(text, i)
        yield key, i
        i = _skip_space(text, end)
        if text[i] == ",":
            i = _skip_space(text, i + 1)


class _LineCounter:
    """1-based line numbers of increasing offsets into a text, counted once."""

    def __init__(self, text: str):
        self.text, self.offset, self.lines = text, 0, 1

    def line(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.lines = 0, 1
        self.lines += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.lines


class _PrefixedStream(io.RawIOBase):
    """A byte stream that replays already-read bytes before the rest of another stream.

    Sniffing reads the start of stdin, which cannot be rewound; this puts it back.
    """

    def __init__(self, prefix: bytes, stream: IO[bytes],
                 on_bytes: Callable[[int], None] | None = None):
        super().__init__()
        self._prefix = memoryview(prefix)
        self._stream = stream
        self._on_bytes = on_bytes

    @classmethod
    def wrap(cls, prefix: bytes, stream: IO[bytes],
             on_bytes: Callable[[int], None] | None = None) -> IO[bytes]:
        return io.BufferedReader(cls(prefix, stream, on_bytes), buffer_size=1 << 16)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        else:
            read1 = getattr(self._stream, "read1", self._stream.read)
            data = read1(len(buffer))
            n = len(data)
            buffer[:n] = data
        if n and self._on_bytes is not None:
            self._on_bytes(n)
        return n


class _Limited(io.RawIOBase):
    """At most ``limit`` bytes of another stream: one byte range of a file."""

    def __init__(self, stream: IO[bytes], limit: int):
        super().__init__()
        self._stream = stream
        self._left = max(0, limit)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        data = self._stream.read(min(len(buffer), self._left))
        n = len(data)
        buffer[:n] = data
        self._left -= n
        return n

    def read1(self, size: int = -1) -> bytes:
        return self.read(size if size >= 0 else self._left)


# --------------------------------------------------------------------------- helpers: formats


def _format_of(path: str) -> str | None:
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def _is_page(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in PAGE_EXTENSIONS


#: Name endings of the folder a browser saves a "complete" page's scripts, styles and images in,
#: beside the page (``page.html`` and ``page_files/``), in English and some other locales.
COMPANION_SUFFIXES = ("_files", "-dateien", "_fichiers", "_archivos", "_arquivos", "_bestanden",
                      ".files")


def _is_companion(folder: str, files: Iterable[str]) -> bool:
    """Whether ``folder`` is the resource folder of a page among its sibling ``files``: its name
    is a page's name plus one of :data:`COMPANION_SUFFIXES`. A folder that only ends like one
    (``election_files/`` with no ``election.html`` beside it) may hold a user's articles, and
    is read."""
    lowered = folder.casefold()
    stems = [lowered[: -len(s)] for s in COMPANION_SUFFIXES if lowered.endswith(s)]
    if not stems:
        return False
    for name in files:
        stem, ext = os.path.splitext(name)
        if stem.casefold() in stems and (_format_of(name) == "html" or _is_page(name)):
            return True
    return False


def _auto_format(path: str) -> str:
    """The format of a file under ``input_format="auto"``: by extension, sniffed for saved
    pages and files without an extension, else plain text."""
    fmt = _format_of(path)
    if fmt is not None:
        return fmt
    if _is_page(path) or not os.path.splitext(os.path.basename(path))[1]:
        return _SNIFF
    return "text"


# What may come before the doctype or <html> tag of a page: space, comments (saved-from notes,
# conditional comments), an XML declaration, processing instructions.
_PAGE_PREAMBLE_RE = re.compile(rb"(?:\s+|<!--.*?-->|<\?.*?\?>)*", re.S)
_PAGE_START_RE = re.compile(rb"<!doctype\s+html\b|<html\b|<head\b|<body\b", re.I)


def _looks_like_html(head: bytes) -> bool:
    head = head.removeprefix(_UTF8_BOM)
    start = _PAGE_PREAMBLE_RE.match(head).end()
    return _PAGE_START_RE.match(head, start) is not None


def _sniff(head: bytes) -> str:
    start = head.removeprefix(_UTF8_BOM).lstrip()
    if start.startswith(b"{"):
        return "jsonl"
    if _looks_like_html(head) or _looks_like_mhtml(head):
        return "html"
    return "text"


# An MHTML archive starts with mail-style headers ("From: <Saved by Blink>", "MIME-Version:",
# "Snapshot-Content-Location:") whose Content-Type is multipart/related, before the first blank
# line. Checking the header block only keeps an article that merely quotes one from matching.
_MIME_HEADER_LINE_RE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:|^[ \t]")
_MULTIPART_RELATED_RE = re.compile(rb"^content-type:[ \t]*multipart/related\b", re.I | re.M)


def _looks_like_mhtml(head: bytes) -> bool:
    block = re.split(rb"\r?\n[ \t]*\r?\n", head.removeprefix(_UTF8_BOM).lstrip(), maxsplit=1)[0]
    lines = block.splitlines()
    return (bool(lines) and all(_MIME_HEADER_LINE_RE.match(line) for line in lines)
            and _MULTIPART_RELATED_RE.search(block) is not None)


def _mhtml_page(raw: bytes) -> tuple[Any, str | None]:
    """The root HTML part of an MHTML archive (the part the ``start`` parameter names, else the
    first text/html part; None when there is none) and the address the archive recorded."""
    import email
    import email.policy
    import email.utils

    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    pages = [part for part in message.walk() if part.get_content_type() == "text/html"]
    start = email.utils.collapse_rfc2231_value(message.get_param("start") or "").strip()
    root = next((p for p in pages if start and (p.get("Content-ID") or "").strip() == start),
                pages[0] if pages else None)
    location = None
    for value in (message.get("Snapshot-Content-Location"),
                  root.get("Content-Location") if root is not None else None,
                  message.get("Content-Location")):
        if value and value.strip():
            location = value.strip()
            break
    return root, location


def _codec(charset: str | None) -> str | None:
    """The Python codec of a declared charset; None when there is none or it is unknown."""
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


# Control bytes that text never holds (tab, newlines, form feed and escape are left out).
_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def _looks_binary(head: bytes) -> bool:
    """Whether the start of a record file is binary rather than text with a stray NUL: control
    bytes on most of its non-blank lines (as on every line of UTF-16 or UTF-32 text)."""
    lines = [line for line in head.split(b"\n") if line.strip()]
    binary = sum(1 for line in lines if _CONTROL_RE.search(line))
    return binary * 2 > len(lines)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _csv_reason(exc: csv.Error) -> str:
    # The stdlib's hint about universal-newline mode does not apply to files read here.
    return str(exc).split(" - do you need", 1)[0]


def _list(names: Iterable[str]) -> str:
    return ", ".join(repr(n) if not n or n != n.strip() else n for n in names)


def _json_type(value: Any) -> str:
    return {
        list: "an array", str: "a string", bool: "a boolean", int: "a number",
        float: "a number", dict: "an object",
    }.get(type(value), "null" if value is None else type(value).__name__)


def _scalar(value: Any) -> str | None:
    """A record value as a stripped string, or None when absent or empty."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


def _resolve_fields(keys: Sequence[str], columns: Mapping[str, str]) -> dict[str, str]:
    """Map article fields to record keys: explicit ``columns`` first, then the usual names.

    Matching ignores case when no key matches exactly; a key serves one field only.
    """
    exact = set(keys)
    folded: dict[str, str] = {}
    for key in keys:
        folded.setdefault(key.strip().casefold(), key)

    def find(name: str) -> str | None:
        if name in exact:
            return name
        return folded.get(name.strip().casefold())

    fields: dict[str, str] = {}
    for name, column in columns.items():
        key = find(column)
        if key is not None:
            fields[name] = key
    claimed = set(fields.values())
    for name, aliases in FIELD_ALIASES.items():
        if name in columns:
            continue
        for alias in aliases:
            key = find(alias)
            if key is not None and key not in claimed:
                fields[name] = key
                claimed.add(key)
                break
    return fields


def _mostly_utf8(raw: bytes) -> tuple[str, int] | None:
    """The UTF-8 reading of ``raw`` with U+FFFD for invalid bytes and how many byte sequences
    were replaced, when more non-ASCII characters decode than fail; else None."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - raw.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return (text, bad) if non_ascii - bad > bad else None


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HEAD_END_RE = re.compile(rb"</head\s*>|<body[\s>]", re.I)
# How far to look for meta tags when a page has no </head> or <body>.
_HEAD_SCAN_BYTES = 1 << 20


def _declared_charset(raw: bytes) -> str | None:
    """The charset a page declares, as Python's codec name: a meta tag anywhere in the
    ``<head>``, else the XML declaration; None when it declares none Python knows."""
    end = _HEAD_END_RE.search(raw, 0, _HEAD_SCAN_BYTES)
    head = raw[: end.start() if end else _HEAD_SCAN_BYTES]
    for match in (_CHARSET_RE.search(head), _XML_ENCODING_RE.match(raw)):
        if match and (codec := _codec(match.group(1).decode("ascii"))):
            return codec
    return None


_MARKUP_RE = re.compile(rb"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&#?\w+;", re.I | re.S)


def _detect_charset(raw: bytes) -> str | None:
    """The charset charset-normalizer finds for ``raw`` (a Python codec name), or None."""
    try:
        # Imported here: only undeclared non-UTF-8 pages need it.
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    # Markup, scripts and styles are ASCII that only dilutes the letters detection works on.
    text = _MARKUP_RE.sub(b" ", raw)
    best = from_bytes(text if text.strip() else raw).best()
    if best is None:
        return None
    try:
        return codecs.lookup(best.encoding).name
    except LookupError:
        return None


# The language a page declares: <html lang> (or xml:lang), a content-language meta tag, og:locale.
_HTML_LANG_RE = re.compile(
    r"""<html\b[^>]*?\s(?:xml:)?lang\s*=\s*["']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)""", re.I
)
_META_RE = re.compile(r"<meta\b[^>]*>", re.I)
_META_KEY_RE = re.compile(
    r"""\b(?:http-equiv|property|name)\s*=\s*["']?\s*(content-language|og:locale)\b""", re.I
)
_META_CONTENT_RE = re.compile(r"""\bcontent\s*=\s*["']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)""",
                              re.I)
# The head of a page, where the html tag and meta tags stand.
_LANGUAGE_SCAN = 65536


def normalize_language(value: Any) -> str | None:
    """A declared language as a lower-case primary subtag (``"en-GB"``, ``"en_US"`` -> ``"en"``);
    None for empty values, ``"und"``, ``"mul"``, ``"zxx"`` and anything that is not a tag."""
    if not isinstance(value, str):
        return None
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", primary) or primary in ("und", "mul", "zxx", "mis"):
        return None
    return primary


def _record_language(record: Mapping[str, Any]) -> str | None:
    """The language a record's ``language`` or ``lang`` field declares (the field stays in
    :attr:`Article.meta` as before)."""
    for key in ("language", "lang", "Language", "LANGUAGE", "Lang"):
        if key in record:
            return normalize_language(record[key])
    return None


def declared_language(html: str) -> str | None:
    """The language a page declares: ``<html lang>`` or ``xml:lang``, else
    ``<meta http-equiv="content-language">``, else ``og:locale``; None when it declares none."""
    head = html[:_LANGUAGE_SCAN]
    match = _HTML_LANG_RE.search(head)
    if match and (code := normalize_language(match.group(1))):
        return code
    found: dict[str, str] = {}
    for tag in _META_RE.finditer(head):
        key = _META_KEY_RE.search(tag.group(0))
        content = _META_CONTENT_RE.search(tag.group(0))
        if key and content:
            found.setdefault(key.group(1).lower(), content.group(1))
    for key in ("content-language", "og:locale"):
        if code := normalize_language(found.get(key)):
            return code
    return None


# Where a page states its own address when trafilatura's metadata (read from the <head>) has none:
# canonical links and og:url that templates put in the <body>, and the note browsers write on
# saving ("<!-- saved from url=(0047)https://... -->", the number being the URL's length).
_LINK_RE = re.compile(r"<link\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\((\d{1,5})\)(\S+?)\s*-->", re.I)
_ABSOLUTEURL_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+", re.I)


def _attributes(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): html_lib.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR_RE.finditer(tag)}


def _absolute_url(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if _ABSOLUTEURL_RE.match(value) else None


def _page_url(html: str, location: str | None = None) -> str | None:
    """The address a page states outside trafilatura's metadata: a ``<link rel="canonical">``
    or ``og:url`` anywhere in the markup, else ``location`` (the address an archive such as
    MHTML recorded), else a browser's ``saved from url=`` note; only absolute http(s) URLs."""
    for tag in _LINK_RE.finditer(html):
        attrs = _attributes(tag.group(0))
        if "canonical" in attrs.get("rel", "").lower().split():
            if url := _absolute_url(attrs.get("href")):
                return url
    for tag in _META_RE.finditer(html):
        attrs = _attributes(tag.group(0))
        if (attrs.get("property") or attrs.get("name") or "").lower() == "og:url":
            if url := _absolute_url(attrs.get("content")):
                return url
    if url := _absolute_url(location):
        return url
    match = _SAVED_FROM_RE.search(html[:_LANGUAGE_SCAN])
    if match:
        # The stated length ends the URL exactly, even where the comment has no space before -->.
        return _absolute_url(match.group(2)[: int(match.group(1))] or match.group(2))
    return None


def _extract_html(html: str) -> dict:
    """Main text and metadata of a page, as a dict (trafilatura 1.x and 2.x alike)."""
    # Imported here: trafilatura is slow to import and only HTML input needs it.
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        # Only dates the page states in its markup; the text-wide search guesses from any date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return {}
    if isinstance(doc, dict):
        return doc
    return doc.as_dict() if hasattr(doc, "as_dict") else vars(doc)


# --------------------------------------------------------------------------- authors


_LIST_EDGE = "[]'\"\u2018\u2019\u201c\u201d "


def parse_authors(value: Any) -> str | None:
    """Authors as one string: a list, or a list written as a string (``"['A', 'B']"``) -> "A, B".

    Lists written by sloppy scrapers (``"['A]"``, ``"[‘A']"``) are read as well as possible.
    """
    if value is None:
        return None
    if isinstance(value, list):
        names = [str(v).strip() for v in value if v is not None and str(v).strip()]
        return ", ".join(names) or None
    text = str(value).strip()
    if not text:
        return None
    if not (text.startswith("[") or text.endswith("]")):
        return text
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        parsed = None
    if isinstance(parsed, list) and all(isinstance(v, str) for v in parsed):
        return parse_authors(parsed)
    names = [part.strip(_LIST_EDGE) for part in text.split(",")]
    return ", ".join(n for n in names if n) or None


# --------------------------------------------------------------------------- text heads

# The time zone must be upper case (GMT, EST), so that a word after a time is not taken for one.
_TIME_RE = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?i:[ap]\.?m\.?))?(?:\s*(?:[A-Z]{2,5}\b|[+-]\d{2}:?\d{2}))?"
)
_LABEL_WORDS = (
    r"(?:date|dated|published|posted|updated|last|modified|on|at|url|link|source|originally)"
)
_RESIDUE_RE = re.compile(rf"\b(?:{_WEEKDAY}|{_LABEL_WORDS})\b|[\s|,;:·•\u2013\u2014()\[\]-]+", re.I)
_BYLINE_TAIL_RE = re.compile(
    rf"(?:[\s|,·•:\u2013\u2014-]+|\b(?:{_WEEKDAY}|published|posted|updated|last|on)\b)+$", re.I
)
_BYLINE_MARK_RE = re.compile(
    rf"^\s*by\s|[|,·•\u2013\u2014]|\s-\s|\b(?:{_WEEKDAY}|published|posted|updated)\b", re.I
)
_BY_RE = re.compile(r"^by\s+(?P<name>.+)$", re.I)
_HEADER_RE = re.compile(
    r"^(?P<key>title|headline|url|link|date|published|author|by|source|credit)\s*:\s*(?P<value>.+)$",
    re.I,
)
_NAME_PARTICLES = {"de", "da", "di", "del", "van", "von", "der", "den", "bin", "al", "la", "le",
                   "du", "and", "&"}
_NAME_TOKEN_RE = re.compile(r"^[A-Z\u00c0-\u024f][\w'\u2019.\-]*$")

#: How many non-blank lines at the top of a text are searched for metadata, and within how many
#: physical lines.
HEAD_LINES = 8
_HEAD_SCAN = 40


@dataclass
class TextHead:
    """Metadata read from the first lines of a plain-text article (None where absent)."""

    title: str | None = None
    url: str | None = None
    published: datetime.date | None = None
    author: str | None = None


def _head_lines(text: str, limit: int = HEAD_LINES) -> list[tuple[str, int]]:
    """The first non-blank lines of ``text``, stripped, each with the offset where it ends."""
    lines: list[tuple[str, int]] = []
    offset = 0
    for n, line in enumerate(text.splitlines(keepends=True)):
        if n >= _HEAD_SCAN or len(lines) >= limit:
            break
        offset += len(line)
        if line.strip():
            lines.append((line.strip(), offset))
    return lines


def _is_name(text: str) -> bool:
    """Whether ``text`` reads like a person's name (or a few, joined by commas or "and")."""
    tokens = text.replace(",", " ").split()
    if not 1 <= len(tokens) <= 8 or len(text) > 80 or any(c.isdigit() for c in text):
        return False
    if not _NAME_TOKEN_RE.match(tokens[0]):
        return False
    return all(_NAME_TOKEN_RE.match(t) or t.lower() in _NAME_PARTICLES for t in tokens)


def _residue(text: str) -> str:
    """What is left of ``text`` without URLs, dates, times, weekdays, labels and separators."""
    text = URL_RE.sub(" ", text)
    while (found := find_date(text)) is not None:
        text = text[: found[1]] + " " + text[found[2] :]
    text = _TIME_RE.sub(" ", text)
    return _RESIDUE_RE.sub("", text)


def _classify_head_line(line: str) -> dict | None:
    """The metadata a head line holds, ``{}`` for a site-name or credit line, None for content."""
    header = _HEADER_RE.match(line)
    if header:
        key, value = header["key"].lower(), header["value"].strip()
        if key in ("title", "headline"):
            return {"title": value}
        if key in ("url", "link"):
            url = URL_RE.search(value)
            return {"url": _trim_url(url.group(0))} if url else {}
        if key in ("date", "published"):
            return {"published": parse_date(value)}
        if key in ("author", "by"):
            return {"author": value}
        return {}
    urls = URL_RE.findall(line)
    without_urls = URL_RE.sub(" ", line)
    found = find_date(without_urls)
    if urls or found:
        if not _residue(line):
            return {"url": _trim_url(urls[0]) if urls else None,
                    "published": found[0] if found else None}
        if found and not urls and not _residue(without_urls[found[2] :]):
            prefix = without_urls[: found[1]]
            if _BYLINE_MARK_RE.search(prefix):
                name = _BYLINE_TAIL_RE.sub("", prefix).strip()
                name = re.sub(r"^by\s+", "", name, flags=re.I)
                if _is_name(name):
                    return {"author": name, "published": found[0]}
        return None
    by = _BY_RE.match(line)
    if by and _is_name(by["name"].strip()):
        return {"author": by["name"].strip()}
    if site_name(line):
        return {}
    return None


def _trim_url(url: str) -> str:
    # Sentence punctuation directly after a URL is not part of it.
    return url.rstrip(".,;:!?)]}")


def _looks_like_title(line: str) -> bool:
    if len(line) > 250 or len(line.split()) > 40 or line[-1] in ",;:":
        return False
    # Several sentences make a paragraph, not a headline.
    return not (line.endswith(".") and re.search(r"[.!?]\s+[A-Z]", line))


def parse_text_head(text: str) -> TextHead:
    """Title, URL, date and author stated in the first lines of a plain-text article.

    The head is the run of metadata lines (a URL and/or date line such as
    ``date 2022-05-31 https://...``, a date alone, a byline such as ``Jane Doe Published
    March 24, 2022 | 08:12 PM`` or ``By Jane Doe``, ``Title: ...`` headers, a site-name line)
    around the first content line, which is the title if it is short enough to be one. Scanning
    stops at the second content line, so nothing from the body is taken for metadata.
    """
    head = TextHead()
    content_lines = 0
    for line, end in _head_lines(text):
        found = _classify_head_line(line)
        if found is None:
            content_lines += 1
            # Only the first content line can be the title, and only with more text after it.
            if (
                content_lines == 1
                and head.title is None
                and text[end:].strip()
                and _looks_like_title(line)
            ):
                head.title = line
                continue
            break
        for key, value in found.items():
            if value and getattr(head, key) is None:
                setattr(head, key, value)
    return head


# --------------------------------------------------------------------------- sources


def infer_source(url: str | None, text: str) -> tuple[str | None, str | None]:
    """Source and the method that found it, for an article without a source field.

    In order: the URL's registered domain (``"url"``); a site-name line among the first lines
    (``"site-name"``); a known house byline such as ZeroHedge's "Tyler Durden" (``"byline"``);
    the first outlet of a dateline credit such as ``MOSCOW (Sputnik) -`` (``"dateline"``); a
    credit line such as ``Source: X`` or ``Credit: X`` (``"credit"``); the grammars of datelines
    and credit lines are :data:`framing.sources.DATELINE_RE` and
    :data:`framing.sources.CREDIT_LINE_RE`. Known outlet names become their domains,
    other names are kept. Image credits ("Image: AP/Sputnik") are not sources. Returns
    ``(None, None)`` when nothing names the outlet.
    """
    return _infer_source(url, text, None)


def _infer_source(
    url: str | None, text: str, site: str | None, title: str | None = None
) -> tuple[str | None, str | None]:
    # The URL names the publisher; a page's site name is only a label its template prints, so it
    # is used only without a URL and only when it looks like a name (see _plausible_site_name).
    domain = registered_domain(url) if url else None
    if domain:
        return domain, "url"
    if site and _plausible_site_name(site, title):
        return source_from_name(site), "site-name"
    for line, _ in _head_lines(text, 5):
        found = site_name(line)
        if found:
            return found, "site-name"
    byline = house_byline(text)
    if byline:
        return byline, "byline"
    for match in datelines(text):
        found = credited_source(match["credit"])
        if found:
            return found, "dateline"
    for credit in credit_lines(text, sentences=False):
        found = credited_source(credit)
        if found:
            return found, "credit"
    return None, None
