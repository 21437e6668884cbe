"""Fuzzing ingest and the CLI: bad input never ends in a traceback, and good records survive.

Property-based (hypothesis): random bytes, NUL bytes, invalid UTF-8, very long lines, deeply
nested JSON and broken CSV, each written to a file of every input type the reader knows. What
must hold: reading never raises anything but the library's own errors in strict mode; the CLI
exits with a documented code (0, 1 or 2) and never prints a traceback; a good record beside a
bad one in a record file is still read.
"""

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.cli import main
from framing.errors import FramingError
from framing.ingest import iter_articles

SUFFIXES = (".txt", ".html", ".jsonl", ".csv", ".json", "")
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

GOOD_TEXT = "A good record that must survive: officials met in the capital on Monday."


def _nasty_bytes():
    return st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda b: b + b"\x00" + b),
        st.binary(max_size=50).map(lambda b: b"\xff\xfe" + b * 3),
        st.integers(min_value=1, max_value=200_000).map(lambda n: b"x" * n),  # one huge line
        st.integers(min_value=1, max_value=400).map(
            lambda n: ("[" * n + "]" * n).encode()),  # deep JSON
        st.integers(min_value=1, max_value=50).map(
            lambda n: ('"unclosed,' * n + "\n" + "a,b\n" * n).encode()),  # broken CSV
    )


@FUZZ
@given(data=_nasty_bytes(), suffix=st.sampled_from(SUFFIXES))
def test_reading_never_raises_on_bad_bytes(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    problems = []
    for article in iter_articles([str(path)], on_problem=problems.append):
        assert isinstance(article.text, str)
    for problem in problems:
        assert str(path) in str(problem)
    try:
        list(iter_articles([str(path)], strict=True))
    except FramingError:
        pass  # strict mode stops at the first bad record with the library's own error


@FUZZ
@given(data=_nasty_bytes(), suffix=st.sampled_from(SUFFIXES),
       command=st.sampled_from(["flags", "flags --format json", "flags --statistics"]))
def test_cli_exits_with_a_documented_code_and_no_traceback(tmp_path_factory, data, suffix,
                                                          command):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    result = CliRunner().invoke(main, [*command.split(), str(path)])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@FUZZ
@given(bad=_nasty_bytes().filter(lambda b: b"\n" not in b and b"\r" not in b))
def test_a_bad_jsonl_record_loses_only_itself(tmp_path_factory, bad):
    path = tmp_path_factory.mktemp("fuzz") / "records.jsonl"
    good = json.dumps({"id": "good", "text": GOOD_TEXT}).encode()
    path.write_bytes(bad + b"\n" + good + b"\n")
    articles = list(iter_articles([str(path)], on_problem=lambda p: None))
    assert any(a.id == "good" and a.text == GOOD_TEXT for a in articles)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_empty_file_of_every_type_is_reported_not_fatal(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    result = CliRunner().invoke(main, ["flags", str(path)])
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
