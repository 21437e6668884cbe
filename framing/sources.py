"""News sources: outlet names, registered domains, datelines, credit lines and known ratings.

A source is a registered domain where one is known (``sputniknews.com``): :func:`registered_domain`
reads it from a URL or host with the public suffix list bundled with tldextract (offline), and
:func:`outlet_domain` from an outlet's name or house byline in ``framing/data/outlets.toml``.

What an article's text says of its outlet has one grammar each here, used by ingest (source
inference), syndication (who credits whom) and checks (the date of a dateline):

- a **dateline** (:data:`DATELINE_RE`): a place in capitals at the start of a line, perhaps a
  region or date after a comma, and the credit in parentheses, perhaps ending in the story's
  date: ``MOSCOW (Sputnik) -``, ``KYIV, Ukraine (AP) —``, ``LONDON, Dec 3 (Reuters) -``,
  ``ROME, February 2, 2018 (LifeSiteNews)``, ``BERLIN, (TASS) –``,
  ``WASHINGTON (UrduPoint News / Sputnik - 24th March, 2022) The``. The place starts with a word
  of three capitals or more. What follows the parenthesis must be a dash, a colon, a capital or
  a quote (``NATO (North Atlantic Treaty Organization) said`` is prose), or, for a dated
  dateline, the end of the line;
- a **credit line** (:data:`CREDIT_LINE_RE`): ``Source: CNN``, ``Sources: A / B``,
  ``Credit: Reuters``, ``Courtesy: X``, ``Courtesy of X``, ``Via X``, ``Republished from X``,
  ``Reprinted from: X`` as a line of its own. "Source" and "Credit" need their colon, as they
  also start sentences ("Sources said ...", "Credit card debt ..."); a line without a colon is
  a credit only up to 100 characters. Also a sentence saying where the text first appeared,
  "originally appeared on X" / "first published in X", anywhere. Credits of a picture
  (``Credit: Getty Images``) are not credits of the text (:func:`credit_lines`).

Known ratings (:func:`load_sources`, :func:`lookup_source`) are the domain rating table
``framing/data/sources.csv``: how reliable a source is, for distant supervision
(:func:`framing.corpus.label_by_source`) and for reports.
"""

from __future__ import annotations

import csv
import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from framing.dates import MONTH, WEEKDAY, date_pattern
from framing.errors import FramingError

#: A web address in running text.
URL_RE = re.compile(r"\bhttps?://[^\s<>\"'\u201c\u201d]+", re.I)
DOMAIN_RE = re.compile(r"^(?:www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+$", re.I)
_WEEKDAY_OR_MONTH = (
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
)


# --------------------------------------------------------------------------- outlets


@dataclass(frozen=True)
class _Outlets:
    by_name: dict[str, str]
    bylines: dict[str, str]
    byline_re: re.Pattern[str] | None


def outlets_path() -> Path:
    """Path of the outlet table shipped with the package."""
    return Path(str(resources.files("framing") / "data" / "outlets.toml"))


def _name_key(name: str) -> str:
    key = " ".join(name.casefold().split()).strip(" .")
    return key[4:] if key.startswith("the ") else key


@functools.lru_cache(maxsize=1)
def _outlets() -> _Outlets:
    raw = tomllib.loads(outlets_path().read_text(encoding="utf-8"))
    by_name: dict[str, str] = {}
    bylines: dict[str, str] = {}
    for entry in raw.get("outlet", []):
        domain = entry["domain"]
        for name in entry.get("names", []):
            by_name.setdefault(_name_key(name), domain)
        for byline in entry.get("bylines", []):
            bylines[byline] = domain
    byline_re = None
    if bylines:
        names = "|".join(re.escape(b) for b in sorted(bylines, key=len, reverse=True))
        # At the start of a line and followed by the end of the line or a date or weekday: a
        # house byline, not a mention of the name in a sentence.
        byline_re = re.compile(
            rf"^[ \t]*(?:[Bb]y[ \t]+)?(?P<name>{names})"
            rf"(?=[ \t]*[,|·•\u2013\u2014-]?[ \t]*(?:$|\d|{_WEEKDAY_OR_MONTH}))",
            re.M,
        )
    return _Outlets(by_name, bylines, byline_re)


def outlet_domain(name: str) -> str | None:
    """Registered domain of a known outlet name (``"Sputnik International"`` -> sputniknews.com)."""
    return _outlets().by_name.get(_name_key(name))


def house_byline(text: str) -> str | None:
    """The domain of the first known house byline in ``text`` (ZeroHedge's "Tyler Durden" at the
    start of a line, followed by a date or the end of the line), else None."""
    outlets = _outlets()
    if outlets.byline_re is None:
        return None
    match = outlets.byline_re.search(text)
    return outlets.bylines[match["name"]] if match else None


# --------------------------------------------------------------------------- domains


@functools.lru_cache(maxsize=1)
def _tld_extractor() -> Any:
    # Imported here: tldextract pulls in requests, which plain-text runs never need.
    import tldextract

    # No suffix-list URLs and no cache directory: the snapshot bundled with the package is used,
    # nothing is fetched and nothing is written to disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(url: str) -> str | None:
    """The registered domain of a URL or host (``https://cdn.sputniknews.com/x`` ->
    ``sputniknews.com``), from the bundled public suffix list; None if it has none."""
    if not url or not url.strip():
        return None
    parts = _tld_extractor()(url.strip())
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}".lower()


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


def site_name(line: str) -> str | None:
    """The source a site-name line states: a bare domain (``UrduPoint.com``) or a known outlet
    name alone on the line; None for any other line."""
    line = line.strip()
    if not line or len(line) > 60:
        return None
    if DOMAIN_RE.match(line):
        return registered_domain(line)
    return outlet_domain(line)


def _name_matches_domain(name: str, domain: str) -> bool:
    compact = re.sub(r"[^a-z0-9]", "", name.casefold())
    label = re.sub(r"[^a-z0-9]", "", domain.split(".")[0])
    candidates = {compact, compact.removeprefix("the")}
    for c in candidates:
        if c == label or (len(label) >= 4 and label in c) or (len(c) >= 4 and c in label):
            return True
    return False


def source_from_name(name: str, url: str | None = None) -> str:
    """The source for an outlet named by a field: its registered domain where one is known.

    A URL or domain gives its registered domain; a name consistent with the article URL's domain
    (``Chicago Sun-Times`` and ``suntimes.com``) gives that domain; a known outlet name gives the
    domain from ``outlets.toml``; any other name is kept as it is.
    """
    name = name.strip()
    if URL_RE.match(name) or DOMAIN_RE.match(name):
        return registered_domain(name) or name
    domain = registered_domain(url) if url else None
    if domain and _name_matches_domain(name, domain):
        return domain
    return outlet_domain(name) or name


# Credits that name a picture agency or say "photo" describe an image, not the article.
IMAGE_CREDIT_RE = re.compile(
    r"\b(?:image|images|photo|photos|picture|pictures|pool|getty|shutterstock|alamy|istock"
    r"|unsplash|wikimedia|flickr)\b",
    re.I,
)


def _plausible_outlet(name: str) -> bool:
    words = name.split()
    return (
        1 <= len(words) <= 6
        and len(name) <= 60
        and name[0].isupper()
        and not name[0].isdigit()
        and not re.search(r"\d{3,}|[.!?]$", name)
        and not IMAGE_CREDIT_RE.search(name)
    )


# What a site-name field holds when a page's template fills it with something else: a copyright
# notice, a date or month ("Jan"), or the headline itself.
_COPYRIGHT_RE = re.compile(r"\u00a9|\(c\)|\bcopyright\b|\ball rights reserved\b", re.I)
_DATE_WORD_RE = re.compile(rf"\b(?:{MONTH}|{WEEKDAY})(?!\w)|\d+", re.I)


def _plausible_site_name(name: str, title: str | None = None) -> bool:
    """Whether a page's site name (trafilatura's ``sitename``, ``og:site_name``) can name its
    outlet: a known outlet, or a short name of at most five words that is not a copyright line,
    not a date or month, not a run of digits such as a year, and not the page's title."""
    name = " ".join(name.split())
    if outlet_domain(name):
        return True
    # Unlike _plausible_outlet, lower case is allowed: sites call themselves "heise online".
    if not 2 <= len(name) <= 50 or len(name.split()) > 5:
        return False
    if _COPYRIGHT_RE.search(name) or re.search(r"\d{3,}", name):
        return False
    if not re.search(r"[^\W\d_]", _DATE_WORD_RE.sub("", name)):
        return False
    return not (title and _name_key(title) == _name_key(name))


# --------------------------------------------------------------------------- datelines

#: Datelines sit near the top; searching further would only find false ones.
DATELINE_SCAN = 4000
_PLACE = r"[A-Z][A-Z'\u2019.\-]{2,}(?:[ \t]+[A-Z][A-Z'\u2019.\-]+){0,3}"
# After the comma: a region, a date or both ("Ukraine, Oct. 3"); no spaced dash, so that
# "SPRINGDALE, Ark. \u2013 (RELEASE)" is no dateline.
_REGION = r"[A-Z0-9](?:[\w.,'\u2019 \t]|-(?=\w)){0,39}?"
# After the parenthesis: a dash or colon, or the first word of the story; a dateline with a date
# may also end its line.
_AFTER = r"[ \t]*(?:[-:\u2013\u2014]|[A-Z\"\u201c])"
#: One dateline (see the module docstring). Groups: ``place``, ``region`` (after the comma,
#: perhaps a date: "Dec 3"), ``credit`` (in the parentheses, without a trailing date) and
#: ``date`` (the story's date ending the parentheses; read it with
#: ``framing.dates.readings(match.groupdict(), DATELINE_DATE_GROUPS)``).
DATELINE_RE = re.compile(
    rf"^[ \t]*(?P<place>{_PLACE})(?:,[ \t]*(?P<region>{_REGION})?)?[ \t]*"
    r"\((?P<credit>[^()\n]{2,100}?)"
    rf"(?:\s[-\u2013\u2014]\s*(?P<date>{date_pattern('dl_')}))?\)"
    rf"(?(date)(?={_AFTER}|[ \t]*$)|(?={_AFTER}))",
    re.M,
)
#: The group prefix of a dateline's date in :data:`DATELINE_RE`.
DATELINE_DATE_GROUPS = "dl_"


def datelines(text: str) -> Iterator[re.Match[str]]:
    """The datelines among the first :data:`DATELINE_SCAN` characters of ``text``."""
    return DATELINE_RE.finditer(text[:DATELINE_SCAN])


# --------------------------------------------------------------------------- credit lines

_CREDIT_PHRASES = r"(?:courtesy(?:[ \t]+of)?|via|republished[ \t]+from|reprinted[ \t]+from)"
#: One credit (see the module docstring): a credit line, the credit in group ``credit``, or a
#: sentence saying where the text first appeared, the outlet and what follows in group ``origin``.
CREDIT_LINE_RE = re.compile(
    # With a colon the line is a credit whatever its length; without one, only the phrases that
    # cannot start a sentence of prose, on a short line.
    rf"^[ \t]*(?:(?:sources?|credits?|{_CREDIT_PHRASES})[ \t]*:[ \t]*(?P<credit>[^\n]+?)"
    rf"|{_CREDIT_PHRASES}[ \t]+(?P<bare>[^\n]{{2,100}}?))[ \t]*$"
    r"|(?:originally|first)[ \t]+(?:appeared|published)[ \t]+(?:on|in|at|by)[ \t]+"
    r"(?P<origin>[^\n.]{2,60})",
    re.M | re.I,
)


def credit_lines(text: str, *, sentences: bool = True) -> Iterator[str]:
    """What the credits of ``text`` credit, in text order; picture credits left out.

    ``sentences=False`` leaves out the "originally appeared on X" sentences: what follows the
    outlet's name there ("... on May 5, 2020, by THE CITY", "... by Tyler Durden at Zero Hedge")
    cannot be told from the name, so only a caller that compares names with known sources
    (syndication) can use them; one that takes the credit for the name (ingest) cannot.
    """
    for match in CREDIT_LINE_RE.finditer(text):
        credit = match["credit"] or match["bare"]
        if credit is None:
            if not sentences:
                continue
            credit = match["origin"]
        if not IMAGE_CREDIT_RE.search(credit):
            yield credit


def credited_source(credit: str) -> str | None:
    """The first outlet a credit names ("UrduPoint News / Sputnik - 24th March, 2022"): a
    domain, a known outlet's domain or a plausible outlet name; None if it names none."""
    for part in re.split(r"\s*[/;&]\s*|\s+and\s+", credit):
        name = re.split(r"\s+[-\u2013\u2014]\s+|,", part, maxsplit=1)[0].strip(" .\u2026")
        if not name:
            continue
        if URL_RE.match(name) or DOMAIN_RE.match(name):
            domain = registered_domain(name)
            if domain:
                return domain
            continue
        known = outlet_domain(name)
        if known:
            return known
        if _plausible_outlet(name):
            return name
    return None


# --------------------------------------------------------------------------- known ratings

#: Ratings of a source table, from the idiap ``reliability_label`` (1, 0, -1, -2).
RATINGS = ("reliable", "mixed", "unreliable", "blacklisted")
#: Columns of a source table (``framing/data/sources.csv``).
SOURCE_COLUMNS = ("domain", "rating", "label", "bias", "factual_reporting", "country", "origin")
# The data tables ship inside the package, so an installed framing finds them too.
SOURCES_PATH = Path(__file__).resolve().parent / "data" / "sources.csv"


class SourceTableError(FramingError):
    """A source table cannot be read as given."""


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


def read_table(path: Path, columns: Iterable[str], what: str,
               error: type[FramingError] = SourceTableError, hint: str = ""
               ) -> list[tuple[int, dict]]:
    """Rows of a small CSV table with their line numbers; ``error`` if unusable (``hint`` is
    added to the message of a file that cannot be opened)."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}{hint}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise error(
                    f"{path}: {what} lacks column(s) {', '.join(missing)} "
                    f"(columns: {', '.join(header) or 'none'})"
                )
            rows = []
            for row in reader:
                if None in row:
                    raise error(f"{path}:{reader.line_num}: more fields than columns")
                rows.append((reader.line_num, {k: (v or "") for k, v in row.items()}))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise error(f"{path}: malformed CSV: {exc}") from None
    return rows


def raise_errors(path: Path, errors: list[str],
                 error: type[FramingError] = SourceTableError) -> None:
    """Raise ``error`` listing the first 20 of ``errors`` about ``path``, if there are any."""
    if errors:
        shown = errors[:20]
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise error(f"{path}: {len(errors)} problem(s):\n  " + "\n  ".join(shown) + more)


def load_sources(path: str | Path | None = None) -> dict[str, SourceRating]:
    """The source table: normalised domain -> :class:`SourceRating`.

    By default ``framing/data/sources.csv``, shipped with the package (:data:`SOURCES_PATH`); pass a
    path to use another table with the columns of :data:`SOURCE_COLUMNS` (``domain``, ``rating``
    and ``label`` are required). Raises :class:`SourceTableError` listing every bad row.
    """
    path = Path(path) if path is not None else SOURCES_PATH
    rows = read_table(path, ("domain", "rating", "label"), "source table")
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
    raise_errors(path, errors)
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
