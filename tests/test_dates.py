"""Tests for framing.dates: the one date grammar of ingest (publish dates) and checks (ST602)."""

from __future__ import annotations

import datetime
import re

import pytest

from framing.dates import DATE_RE, WEEKDAY, date_pattern, find_date, parse_date, readings


def d(*ymd: int) -> datetime.date:
    return datetime.date(*ymd)


# Every form ingest's parse_date read and every form checks' ST602 dates read.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-05-31", (2022, 5, 31)),
        ("2022-05-31T08:17+0000", (2022, 5, 31)),
        ("2020-05-03 10:00", (2020, 5, 3)),
        ("2022/05/31", (2022, 5, 31)),
        ("2022-5-3", (2022, 5, 3)),
        ("March 24, 2022", (2022, 3, 24)),
        ("Mar. 24, 2022", (2022, 3, 24)),
        ("Sept. 5, 2022", (2022, 9, 5)),
        ("May 20th, 2022", (2022, 5, 20)),
        ("24 March 2022", (2022, 3, 24)),
        ("24th March, 2022", (2022, 3, 24)),
        ("2nd of May, 2022", (2022, 5, 2)),
        ("December 22, 2024", (2024, 12, 22)),
        ("Fri, 05/20/2022 - 15:20", (2022, 5, 20)),
        ("20/05/2022", (2022, 5, 20)),
        ("31.05.2022", (2022, 5, 31)),
        ("Published 31.05.2022.", (2022, 5, 31)),  # a full stop ends the sentence
        ("Fri, 22 May 2020 10:00:00 GMT", (2020, 5, 22)),
        ("2022-02-30", None),
        ("02/30/2022", None),
        ("no date here", None),
        ("v1.31.05.2022.4", None),  # a version number, not a date
        ("March 24, 1850", None),  # before 1900
        ("", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == (d(*expected) if expected else None)


@pytest.mark.parametrize(
    ("value", "preferred", "all_readings"),
    [
        # The rule for all-numeric dates: slashes month first, dots day first; the other reading
        # is kept for the callers that weigh every reading.
        ("05/06/2022", (2022, 5, 6), [(2022, 5, 6), (2022, 6, 5)]),
        ("05.06.2022", (2022, 6, 5), [(2022, 6, 5), (2022, 5, 6)]),
        # One reading only: taken whichever the separator.
        ("20/05/2022", (2022, 5, 20), [(2022, 5, 20)]),
        ("05.31.2022", (2022, 5, 31), [(2022, 5, 31)]),
        ("06/06/2022", (2022, 6, 6), [(2022, 6, 6)]),
        # Year first and month names are never ambiguous.
        ("2022-05-06", (2022, 5, 6), [(2022, 5, 6)]),
        ("May 6, 2022", (2022, 5, 6), [(2022, 5, 6)]),
    ],
)
def test_ambiguous_numeric_dates(value, preferred, all_readings):
    assert parse_date(value) == d(*preferred)
    match = DATE_RE.search(value)
    assert readings(match.groupdict()) == [d(*r) for r in all_readings]


def test_find_date_gives_the_first_valid_date_and_its_span():
    text = "Posted 2022-13-45, then Fri, 05/20/2022 - 15:20 and March 1, 2020"
    found = find_date(text)
    assert found is not None
    day, start, end = found
    assert day == d(2022, 5, 20) and text[start:end] == "05/20/2022"
    # A clock time written into an ISO date belongs to it.
    day, start, end = find_date("at 2022-05-31T08:17:00.5+00:00 UTC")
    assert "at 2022-05-31T08:17:00.5+00:00 UTC"[start:end] == "2022-05-31T08:17:00.5+00:00"


def test_prefixed_patterns_hold_several_dates():
    pattern = re.compile(rf"from (?P<a>{date_pattern('a_')}) to (?P<b>{date_pattern('b_')})")
    match = pattern.search("from 3 May 2020 to 2020/06/01")
    assert readings(match.groupdict(), "a_") == [d(2020, 5, 3)]
    assert readings(match.groupdict(), "b_") == [d(2020, 6, 1)]


@pytest.mark.parametrize(
    "word",
    ["Mon", "Monday", "Tue", "Tues", "Tuesday", "Wed", "Wednesday", "Thu", "Thur", "Thurs",
     "Thursday", "Fri.", "Sat", "Saturday", "sun", "SUNDAY"],
)
def test_weekday_names(word):
    assert re.fullmatch(WEEKDAY, word)


@pytest.mark.parametrize("word", ["Fridays", "Month", "Sundae"])
def test_not_weekday_names(word):
    assert not re.fullmatch(rf"{WEEKDAY}(?!\w)", word)
