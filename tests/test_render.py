"""Rendering reports: every format names every source; the HTML page loads in Chromium."""

import csv
import io
import shutil
import subprocess

import pytest

from framing.ingest import Article
from framing.markers import Evidence
from framing.render import render_csv, render_html, render_markdown, render_table
from framing.report import build_report
from framing.scoring import ScoredArticle

SOURCES = ["alpha.example", "beta <b>&amp; co.example", "gamma.example", "delta.example"]


def _delta():
    """delta.example: 6 counted, 2 not English, 1 off-topic, 1 low-confidence article."""
    items = []
    for i in range(10):
        article = Article(id=f"d-{i}", text="t", source="delta.example")
        if i < 2:
            items.append(ScoredArticle(article, None, [],
                                       scope={"language": "de", "reason": "not_english"}))
            continue
        item = ScoredArticle(article, {"unreliable_source": 0.5, "pro_kremlin_framing": 0.5}, [],
                             scope={"language": "en", "war_topic": 0.1 if i == 2 else 0.9})
        if i == 3:
            item.confidence = {"unreliable_source": {"similarity": 0.01, "low_confidence": True}}
        items.append(item)
    return items


def _report():
    items = []
    for n, source in enumerate(SOURCES[:3]):
        for i in range(6):
            flags = [Evidence("KN101", "narrative", 0, 4, 1, 1, "span <x>", "m")] if n else []
            article = Article(id=f"{n}-{i}", text="t", source=source)
            items.append(ScoredArticle(article, {"unreliable_source": 0.1 + 0.35 * n,
                                                 "pro_kremlin_framing": 0.2 * n}, flags))
    items += _delta()
    links = [{"source": "beta <b>&amp; co.example", "origin": "gamma.example", "passages": 2,
              "articles": 1, "direction_known": True,
              "examples": [{"text_a": "shared <passage>", "text_b": "shared passage",
                            "article_a": "1-0", "article_b": "2-0", "source_a": "x",
                            "source_b": "y", "similarity": 0.9}]}]
    return build_report(items, links=links)


@pytest.mark.parametrize("render", [render_table, render_markdown, render_html])
def test_every_format_names_every_source(render):
    out = render(_report())
    for source in ("alpha.example", "gamma.example"):
        assert source in out


def test_html_escapes_and_is_self_contained():
    page = render_html(_report())
    assert page.startswith("<!DOCTYPE html>")
    assert "beta &lt;b&gt;&amp;amp; co.example" in page and "<b>&amp;" not in page
    assert "shared &lt;passage&gt;" in page
    for needle in ("http://", "https://", "<script", "<link", "@import", "url("):
        assert needle not in page
    assert page.count("<svg") >= 3


def test_csv_has_one_row_per_source():
    rows = list(csv.DictReader(io.StringIO(render_csv(_report()))))
    assert [r["source"] for r in rows] == [s.source for s in _report().sources]
    assert {"unreliable_source_mean", "narrative_articles", "band", "links"} <= set(rows[0])


def test_csv_counts_what_was_left_out_in_fixed_columns():
    rows = {r["source"]: r for r in csv.DictReader(io.StringIO(render_csv(_report())))}
    delta, alpha = rows["delta.example"], rows["alpha.example"]
    assert (delta["not_scored_not_english"], delta["not_scored_too_short"]) == ("2", "0")
    assert delta["pro_kremlin_framing_n"] == "7" and delta["pro_kremlin_framing_off_topic"] == "1"
    assert delta["unreliable_source_n"] == "7"
    assert delta["unreliable_source_low_confidence"] == "1"
    assert delta["pro_kremlin_framing_low_confidence"] == "0"
    assert alpha["not_scored_not_english"] == "0" and alpha["unreliable_source_n"] == "6"


LEFT_OUT = ("not_english 2; pro_kremlin_framing: off_topic 1; "
            "unreliable_source: low_confidence 1")


def test_table_and_markdown_show_what_was_left_out_with_a_legend():
    table = render_table(_report())
    assert "left out" in table.splitlines()[0]
    (row,) = [line for line in table.splitlines() if line.startswith("delta.example ")]
    assert LEFT_OUT in row
    assert "  not_english: the article is not in English" in table
    assert "off_topic: " in table and "(pro_kremlin_framing 1)" in table
    md = render_markdown(_report())
    assert "| known rating | left out |" in md and f"| {LEFT_OUT} |" in md
    assert f"Left out: {LEFT_OUT}." in md
    assert "- low_confidence: the article is unlike the model's training data" in md


def test_nothing_left_out_changes_no_layout():
    items = [ScoredArticle(Article(id=str(i), text="t", source="a.example"),
                           {"unreliable_source": 0.2}, []) for i in range(6)]
    report = build_report(items)
    assert "left out" not in render_table(report) and "left out" not in render_markdown(report)


def test_html_notes_what_was_left_out_per_source_and_explains_it():
    page = render_html(_report())
    assert f'<p class="left-out">Left out of the scores: {LEFT_OUT}</p>' in page
    assert page.count('class="left-out"') == 1  # only delta.example left anything out
    assert "<th>left out</th>" in page
    assert 'class="muted left-out-legend"' in page
    for reason in ("not_english", "too_short", "off_topic", "low_confidence"):
        assert f"<b>{reason}</b>" in page
    assert "(2 article(s))" in page and "(unreliable_source 1)" in page


def test_markdown_shows_links_and_bands():
    md = render_markdown(_report())
    assert "republishes gamma.example (2 passage(s))" in md
    assert "| alpha.example | 6 | reliable |" in md
    assert "| delta.example | 10 | mixed |" in md


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not _chromium(), reason="headless Chromium not installed "
                    "(Debian package chromium; .ci/run installs it)")
def test_html_report_loads_in_headless_chromium_without_errors(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(_report()), encoding="utf-8")
    result = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    for source in SOURCES:
        assert source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in dom
    assert dom.count("<svg") >= 3
    console_errors = [line for line in result.stderr.splitlines()
                      if "CONSOLE" in line and ("Uncaught" in line or ":ERROR:" in line)]
    assert console_errors == []
