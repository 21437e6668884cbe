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

SOURCES = ["alpha.example", "beta <b>&amp; co.example", "gamma.example"]


def _report():
    items = []
    for n, source in enumerate(SOURCES):
        for i in range(6):
            flags = [Evidence("KN101", "narrative", 0, 4, 1, 1, "span <x>", "m")] if n else []
            article = Article(id=f"{n}-{i}", text="t", source=source)
            items.append(ScoredArticle(article, {"unreliable_source": 0.1 + 0.35 * n,
                                                 "pro_kremlin_framing": 0.2 * n}, flags))
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


def test_markdown_shows_links_and_bands():
    md = render_markdown(_report())
    assert "republishes gamma.example (2 passage(s))" in md
    assert "| alpha.example | 6 | reliable |" in md


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
