"""Output formats, streams and the progress line."""

from __future__ import annotations

import errno
import io
import json

import pytest

from framing import output
from framing.flagging import FlagStats
from framing.output import OutputError, Progress


def test_written_ids_reads_back_jsonl_and_csv(tmp_path):
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text('{"id": "a"}\n\n{"id": 7}\n', encoding="utf-8")
    assert output.written_ids(jsonl, "jsonl") == ["a", "7"]
    csv_file = tmp_path / "s.csv"
    csv_file.write_text("id,location\nb,x\n\"c,d\",y\n", encoding="utf-8")
    assert output.written_ids(csv_file, "csv") == ["b", "c,d"]
    (tmp_path / "bad.jsonl").write_text('{"id": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(OutputError, match="bad.jsonl:2"):
        output.written_ids(tmp_path / "bad.jsonl", "jsonl")
    with pytest.raises(OutputError, match="json"):
        output.written_ids(jsonl, "json")


def test_open_output_failure_is_one_error_naming_the_output(tmp_path):
    target = tmp_path / "missing" / "out.txt"
    with pytest.raises(OutputError, match="cannot write") as caught:
        with output.open_output(target) as out:
            out.write("x")
    assert caught.value.name == str(target)


def test_a_failed_write_is_an_output_error_and_the_callers_oserror_is_not(tmp_path):
    class Full(io.StringIO):
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    import contextlib

    with pytest.raises(OutputError, match="cannot write x: No space left"):
        with output.guarded("x", contextlib.nullcontext(Full())) as out:
            out.write("a")
    with pytest.raises(FileNotFoundError):
        with output.guarded("x", contextlib.nullcontext(io.StringIO())):
            raise FileNotFoundError(errno.ENOENT, "mine")


def test_flag_writer_json_document_carries_the_problems():
    out = io.StringIO()
    writer = output.FlagWriter(out, "json")
    writer.close(FlagStats(), [])
    document = json.loads(out.getvalue())
    assert document["articles"] == [] and document["problems"] == []
    with pytest.raises(ValueError):
        output.FlagWriter(out, "xml")


def test_progress_tracks_items_by_bytes_read():
    stream = io.StringIO()
    progress = Progress(100, quiet=False, stream=stream, enabled=True, interval=0)
    items = iter("abcd")
    seen = []
    for item in progress.track(items):
        progress.read(25)  # as the reader reports the bytes behind the next item
        seen.append(item)
    assert seen == list("abcd") and progress.articles == 4 and progress.bytes_done == 100
    assert "100%" in stream.getvalue()
    labelled = Progress(10, quiet=False, stream=io.StringIO(), unit="steps", label="training x")
    assert labelled.line().startswith("framing: training x [") and " steps " in labelled.line()


def test_short_clips_long_spans():
    assert output.short("a b") == '"a b"'
    assert len(output.short("word " * 100)) <= output.SPAN_WIDTH


def test_technique_counts_and_asserted_frames_order():
    from framing.output import asserted_frames, technique_counts

    findings = [{"technique": t, "probability": p} for t, p in
                (("Doubt", 0.6), ("Loaded_Language", 0.5), ("Loaded_Language", 0.7),
                 ("Slogans", 0.9), ("Doubt", 0.4))]
    # Most frequent first; a tie goes to the most probable finding.
    assert technique_counts(findings) == [("Loaded_Language", 2), ("Doubt", 2), ("Slogans", 1)]
    assert technique_counts(None) == [] and asserted_frames(None) == []
    frames = {"Political": {"probability": 0.6, "asserted": True},
              "Economic": {"probability": 0.9, "asserted": True},
              "Morality": {"probability": 0.95, "asserted": False}}
    assert asserted_frames(frames) == ["Economic", "Political"]


def test_csv_leaves_the_technique_cells_empty_for_an_unread_article():
    from framing.article import Article, ScoredArticle
    from framing.output import ScoreWriter

    out = io.StringIO()
    writer = ScoreWriter(out, "csv", ["t"], False, techniques=True, frames=True)
    writer.write(ScoredArticle(Article(id="x", text="short"), None, [],
                               scope={"language": "en", "reason": "too_short"}))
    assert out.getvalue().splitlines() == [
        "id,location,source,t,war_topic,language,not_scored,low_confidence,flags,techniques,"
        "frames", "x,<memory>,,,,en,too_short,,,,"]
