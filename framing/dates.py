"""Dates as news pages write them: one grammar for ingest (publish dates) and checks (ST602).

Forms (:func:`date_pattern`): ISO ``2022-05-31`` and ``2022/05/31`` (year first); month names
``March 24, 2022``, ``Mar. 24th, 2022``, ``24 March 2022``, ``24th of March, 2022``; all-numeric
``05/20/2022`` and ``31.05.2022``. Years run from 1900 to 2099.

All-numeric dates with the year last are ambiguous: ``05/06/2022`` is 6 May in the US and 5 June
almost everywhere else. :func:`readings` returns every valid reading, preferred first:

- with slashes, month first (US order, the usual order of the English-language sites this tool
  reads), then day first;
- with dots, day first (European order), then month first.

So ``05/06/2022`` is read 2022-05-06, ``05.06.2022`` 2022-06-05, and ``20/05/2022`` and
``05.31.2022``, which can be read one way only, are read that way. A caller that needs one date
(:func:`find_date`, :func:`parse_date`: an article's publish date) takes the preferred reading; a
check that must not accuse a page wrongly (ST602) weighs every reading.
"""

from __future__ import annotations

import datetime
import re

#: Month names and their abbreviations (lower case, without a dot) -> month number.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for name in names
}
#: A month name or abbreviation, any case, with an optional dot (no group).
MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
#: A weekday name or abbreviation, any case, with an optional dot (no group).
WEEKDAY = r"(?i:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?)"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"


def date_pattern(p: str = "") -> str:
    """Regex source of one date in any of the forms above; group names start with ``p``, so that
    one pattern can hold several dates. Read a match with :func:`readings`."""
    return (
        # Year first: dashes or slashes, the same both times.
        rf"(?:(?<![\d/.-])(?P<{p}iy>{_YEAR})(?P<{p}isep>[-/])(?P<{p}im>\d{{1,2}})(?P={p}isep)"
        rf"(?P<{p}id>\d{{1,2}})(?!\d|(?P={p}isep))"
        rf"|\b(?P<{p}m1>{MONTH})\s+(?P<{p}d1>\d{{1,2}}){_ORD},?\s+(?P<{p}y1>{_YEAR})(?!\d)"
        rf"|\b(?P<{p}d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<{p}m2>{MONTH}),?\s+"
        rf"(?P<{p}y2>{_YEAR})(?!\d)"
        # Year last, all numbers: a full stop after the year ends a sentence, a digit after it
        # makes a version number or the like.
        rf"|(?<![\d/.])(?P<{p}na>\d{{1,2}})(?P<{p}sep>[/.])(?P<{p}nb>\d{{1,2}})(?P={p}sep)"
        rf"(?P<{p}ny>{_YEAR})(?!\d|(?P={p}sep)\d))"
    )


def month_number(name: str) -> int:
    """The number of a month name matched by :data:`MONTH` (``"Sept."`` -> 9)."""
    return MONTHS[name.rstrip(".").lower()[:3]]


def readings(groups: dict[str, str | None], p: str = "") -> list[datetime.date]:
    """Every valid reading of one date matched by :func:`date_pattern` (``match.groupdict()``,
    group prefix ``p``), preferred first: two for an all-numeric date whose day and month can be
    swapped (see the module docstring), else one; none for an impossible date."""

    def get(name: str) -> str:
        return groups.get(p + name) or ""

    candidates: list[tuple[int, int, int]] = []
    if get("iy"):
        candidates.append((int(get("iy")), int(get("im")), int(get("id"))))
    elif get("m1"):
        candidates.append((int(get("y1")), month_number(get("m1")), int(get("d1"))))
    elif get("m2"):
        candidates.append((int(get("y2")), month_number(get("m2")), int(get("d2"))))
    elif get("na"):
        a, b, year = int(get("na")), int(get("nb")), int(get("ny"))
        month_first, day_first = (year, a, b), (year, b, a)
        candidates += [month_first, day_first] if get("sep") == "/" else [day_first, month_first]
    out = []
    for year, month, day in candidates:
        try:
            out.append(datetime.date(year, month, day))
        except ValueError:
            pass
    return list(dict.fromkeys(out))


DATE_RE = re.compile(date_pattern())
# A clock time and zone straight after a year-first date belong to it: 2022-05-31T08:17+0000.
_ISO_TIME_RE = re.compile(
    r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?(?![\d-])"
)


def find_date(text: str) -> tuple[datetime.date, int, int] | None:
    """The first valid date written in ``text`` (its preferred reading), with its start and end
    offsets; a clock time written into a year-first date (``2022-05-31T08:17``) is part of it."""
    for match in DATE_RE.finditer(text):
        found = readings(match.groupdict())
        if found:
            end = match.end()
            if match["iy"] and match["isep"] == "-":
                time = _ISO_TIME_RE.match(text, end)
                if time:
                    end = time.end()
            return found[0], match.start(), end
    return None


def parse_date(value: str) -> datetime.date | None:
    """The date a field or a line states, e.g. ``2022-05-31T08:17+0000``, ``March 24, 2022``,
    ``24th March, 2022``, ``05/20/2022`` (month first) or ``31.05.2022`` (day first); None if
    there is none."""
    found = find_date(value) if value else None
    return found[0] if found else None
