"""Rendering reports: every format names every source; the HTML page loads in Chromium."""

import csv
import datetime
import io
import json
import re
import shutil
import subprocess

import pytest

from framing.article import Article, ScoredArticle
from framing.markers import Evidence, load_markers
from framing.render import (
    _TARGET_COLOURS,
    ARTICLES_SHOWN,
    render_csv,
    render_html,
    render_markdown,
    render_table,
)
from framing.report import build_report


@pytest.fixture(autouse=True)
def _tiny_defaults(tiny_default_models):
    """Reports built here describe the default models: the tiny ones."""


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
    assert page.count("<svg") == 3  # the means of the two targets, the marker families


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
    assert "(2 articles)" in page and "(unreliable_source 1)" in page


def test_markdown_shows_links_and_bands():
    md = render_markdown(_report())
    assert "republishes gamma.example (2 passages)" in md
    assert "| alpha.example | 6 | reliable |" in md
    assert "| delta.example | 10 | mixed |" in md


def _page_report(margin=0.35, urls=True):
    """Three sources of known order, one with three articles of one body, one long passage."""
    items = []
    for source, p, pk in (("low.example", 0.1, 0.8), ("high.example", 0.9, 0.2),
                          ("mid.example", 0.5, 0.5)):
        for i in range(6):
            text = f"{source} {i}"
            if source == "mid.example" and i < 3:
                text = "Please enable cookies."
            article = Article(id=f"{source}-{i}", text=text, source=source,
                              title=f"Title <{i}>", published=datetime.date(2022, 3, 1 + i),
                              url=f"https://{source}/a?i={i}&x=<y>" if urls else None)
            items.append(ScoredArticle(article, {"unreliable_source": p,
                                                 "pro_kremlin_framing": pk},
                                       [Evidence("LF209", "loaded", 0, 4, 1, 1, "Kiev", "m")]))
    items.append(ScoredArticle(Article(id="one", text="x", source="single.example",
                                       url="javascript:alert(1)"),
                               {"unreliable_source": 0.05}, []))
    passage = "appealed for help " * 40
    links = [{"source": "low.example", "origin": "high.example", "passages": 1, "articles": 1,
              "direction_known": True,
              "examples": [{"text_a": passage, "text_b": passage, "article_a": "a",
                            "article_b": "b", "source_a": "x", "source_b": "y",
                            "similarity": 1.0}]}]
    return build_report(items, links=links, margin=margin)


def _chart(page, target):
    return re.search(rf'<svg role="img" aria-label="mean {target} by source".*?</svg>',
                     page).group(0)


@pytest.mark.parametrize("margin", [0.35, 0.2])
def test_html_band_chart_draws_the_band_rule_thresholds(margin):
    from framing.report import TargetSummary, band_for

    page = render_html(_page_report(margin))
    lines = re.findall(r'class="threshold" data-value="([0-9.]+)"',
                       _chart(page, "unreliable_source"))
    assert sorted(float(v) for v in lines) == pytest.approx([margin, 1 - margin])
    # The lines are where band_for changes band.
    low, high = (float(v) for v in sorted(lines, key=float))
    assert band_for(TargetSummary(0, 0, low, 0, 9), 9, 5, margin)[0] == "reliable"
    assert band_for(TargetSummary(1, high, 1, 0, 9), 9, 5, margin)[0] == "unreliable"
    other = re.findall(r'data-value="([0-9.]+)"', _chart(page, "pro_kremlin_framing"))
    assert other == ["0.5"]  # the share threshold, not a band
    for tick in ("0", "0.25", "0.5", "0.75", "1"):
        assert f'text-anchor="middle">{tick}</text>' in _chart(page, "unreliable_source")


def test_html_charts_use_their_target_colour_and_sources_come_by_score():
    page = render_html(_page_report())
    for target, colour in _TARGET_COLOURS.items():
        if target in ("unreliable_source", "pro_kremlin_framing"):
            chart = _chart(page, target)
            other = next(c for t, c in _TARGET_COLOURS.items() if t != target)
            assert f'fill="{colour}"' in chart and f'fill="{other}"' not in chart
    summary = page[page.index("<h2>Summary</h2>"):page.index("</tbody>")]
    order = [summary.index(f'">{s}</a>') for s in ("high.example", "mid.example",
                                                    "low.example", "single.example")]
    assert order == sorted(order) and "By mean unreliable_source, highest first;" in summary
    pk = _chart(page, "pro_kremlin_framing")  # each chart by its own target
    assert pk.index("low.example") < pk.index("mid.example") < pk.index("high.example")


def test_html_lists_each_sources_articles_with_links_and_marker_descriptions():
    page = render_html(_page_report())
    assert page.count("<details>") == 4
    assert "<summary>6 articles (highest unreliable_source first)</summary>" in page
    assert "<summary>1 article (highest unreliable_source first)</summary>" in page
    assert ('<a href="https://high.example/a?i=0&amp;x=&lt;y&gt;" rel="noreferrer noopener">'
            "Title &lt;0&gt;</a>") in page
    assert 'href="javascript:' not in page  # shown as text only
    assert '<span class="muted url">javascript:alert(1)</span>' in page
    assert '<td class="date">2022-03-01</td>' in page
    description = {m.id: m for m in load_markers()}["LF209"].description
    assert f'<abbr title="kiev-spelling: {_esc(description)}">LF209</abbr>' in page
    assert f"<td>{_esc(description)}</td>" in page  # the per-source marker table


def _esc(text):
    import html

    return html.escape(text, quote=True)


def test_html_caps_long_article_lists():
    items = [ScoredArticle(Article(id=str(i), text=f"t{i}", source="a.example"),
                           {"unreliable_source": 0.5}, []) for i in range(ARTICLES_SHOWN + 7)]
    page = render_html(build_report(items))
    assert page.count("<tr><td>") - 1 == ARTICLES_SHOWN  # one summary row
    assert "7 more articles not listed here" in page


def test_every_format_says_how_many_articles_share_one_body():
    report = _page_report()
    mid = next(s for s in report.sources if s.source == "mid.example")
    assert [g["articles"] for g in mid.shared_bodies] == [3]
    for render in (render_table, render_markdown, render_html, render_csv):
        out = render(report)
        assert out.count("3 articles share one body") == (2 if render is render_html else 1)
    assert render_html(report).count('<span class="same">same body as 2 other articles') == 3


def test_passages_are_cut_at_a_word_boundary():
    import html

    passage = "appealed for help " * 40
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", render_html(_page_report()))
    md = [x[2:] for x in render_markdown(_page_report()).splitlines() if x.startswith("> ")]
    assert (len(quotes), len(md)) == (2, 2)
    for quote in [html.unescape(q) for q in quotes] + md:
        assert quote.endswith("\u2026") and len(quote) < len(passage)
        kept = quote[:-1]
        assert passage.startswith(kept) and passage[len(kept)] == " "


@pytest.mark.parametrize("render", [render_table, render_markdown, render_html, render_csv])
def test_plurals_are_right_and_never_hedged(render):
    out = render(_page_report())
    assert "(s)" not in out
    if render is render_html:
        assert '<span class="muted">1 article</span>' in out
        assert '<span class="muted">6 articles</span>' in out
        assert "1 shared passage</p>" in out


def test_html_says_what_the_scores_mean_from_the_model_cards(tiny_models_dir):
    page = render_html(_page_report())
    card = json.loads((tiny_models_dir / "unreliable_source" / "card.json").read_text())
    section = page[page.index("<h2>What these scores mean and what they were trained on</h2>"):]
    auc, (low, high) = card["evaluation"]["model"]["roc_auc"], card["evaluation"]["model"][
        "ci95"]["roc_auc"]
    assert f"ROC-AUC {auc:.2f} (95% {low:.2f}-{high:.2f})" in section
    assert card["corpus"]["files"][0]["name"] in section and _esc(card["meaning"]) in section
    assert "war_topic" in section  # the gate of pro_kremlin_framing
    assert "tiny_unreliable_source.jsonl" in section
    assert "Also trained on, never evaluated on: tiny_contrast.jsonl." in section


def test_html_with_article_links_loads_nothing():
    page = render_html(_page_report())
    without_links = re.sub(r'<a href="[^"]*"[^>]*>[^<]*</a>', "", page)
    for needle in ("http://", "https://", "<script", "<link", "@import", "url(", "src="):
        assert needle not in without_links


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
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
    assert dom.count("<svg") == 3
    console_errors = [line for line in result.stderr.splitlines()
                      if "CONSOLE" in line and ("Uncaught" in line or ":ERROR:" in line)]
    assert console_errors == []


# --------------------------------------------------------------------------- techniques, frames


def _with_profiles(items, source="beta <b>&amp; co.example"):
    """``items`` where the techniques and frames models read ``source``'s articles (and only
    those): the first two carry findings, with markup in their evidence and titles."""
    for k, item in enumerate(i for i in items if i.article.source == source):
        item.techniques = [] if k > 1 else [
            {"line": 2 + k, "id": "PT15", "technique": "Loaded_Language",
             "probability": 0.9 - k / 10, "start": 0, "end": 9, "text": f"<b>evil</b> {k}"},
            {"line": 5, "id": "PT07", "technique": "Doubt", "probability": 0.6}]
        item.frames = {"Political": {"probability": 0.2, "asserted": False}} if k else {
            "Security_and_defense": {"probability": 0.8, "asserted": True, "paragraphs": []},
            "Political": {"probability": 0.3, "asserted": False}}
    return items


def _profile_items():
    """Three sources of six articles, with markup in their titles; no model read them."""
    items = []
    for n, source in enumerate(SOURCES[:3]):
        for i in range(6):
            article = Article(id=f"{n}-{i}", text="t", source=source, title=f"Title <{i}>")
            items.append(ScoredArticle(article, {"unreliable_source": 0.1 + 0.35 * n}, []))
    return items


def test_table_and_markdown_show_technique_and_frame_profiles():
    report = build_report(_with_profiles(_profile_items()))
    table = render_table(report)
    assert ("beta <b>&amp; co.example: persuasion techniques (share of the 6 articles the "
            "techniques model read)") in table
    assert '  PT15 Loaded_Language: 2 articles (33%); e.g. line 2 of Title <0>: "<b>evil</b> 0"' \
        in table
    assert "  PT07 Doubt: 2 articles (33%); e.g. line 5 of Title <0>" in table
    assert "  Security_and_defense: 1 article (17%)" in table
    assert "Political" not in table  # never asserted
    markdown = render_markdown(report)
    assert "### Persuasion techniques" in markdown and "### Frames" in markdown
    assert ('| Loaded_Language | PT15 | 2 | 33% | line 2 of Title <0>: "<b>evil</b> 0" |'
            in markdown)
    assert "| Security_and_defense | 1 | 17% | 0.13 |" in markdown  # 0.8 / 6
    # Only the source read has the sections.
    assert markdown.count("### Persuasion techniques") == 1


def test_html_profiles_are_escaped_with_the_taxonomy_descriptions():
    from framing.techniques import load_taxonomy

    page = render_html(build_report(_with_profiles(_profile_items())))
    assert page.count("<h4>Persuasion techniques</h4>") == 1 and "<h4>Frames</h4>" in page
    loaded = next(t for t in load_taxonomy() if t.label == "Loaded_Language")
    assert f'<abbr title="{_esc(loaded.description)}">Loaded_Language</abbr>' in page
    assert "&lt;b&gt;evil&lt;/b&gt; 0" in page and "<b>evil" not in page
    assert "Title &lt;0&gt;" in page and "Title <0>" not in page
    assert ">Security_and_defense</abbr>" in page
    for needle in ("http://", "https://", "<script", "<link", "@import", "url("):
        assert needle not in page


@pytest.mark.parametrize("render", [render_table, render_markdown, render_html])
def test_profiles_add_their_sections_and_change_nothing_else(render):
    import framing.render as module

    plain = render(build_report(_profile_items()))
    report = build_report(_with_profiles(_profile_items()))
    out = render(report)
    assert out != plain
    for s in report.sources:
        if render is render_table:
            for line in module._profiles_lines(s):
                out = out.replace(line + "\n", "", 1)
        else:
            section = (module._profiles_markdown(s) if render is render_markdown
                       else module._profiles_html(s) and module._profiles_html(s) + "\n")
            out = out.replace(section, "", 1) if section else out
    assert out == plain


def test_read_but_nothing_found_says_so():
    items = _profile_items()
    for item in items:
        item.techniques, item.frames = [], {"Political": {"probability": 0.1, "asserted": False}}
    report = build_report(items)
    assert "  none found" in render_table(report) and "  none asserted" in render_table(report)
    assert "None found." in render_markdown(report)
    assert '<p class="muted">None asserted.</p>' in render_html(report)


def test_html_describes_the_techniques_card_beside_its_baseline():
    card = {"kind": "techniques", "target": "techniques", "meaning": "techniques <meaning>",
            "evaluation": {"method": "GroupKFold(5) by article",
                           "model": {"micro_f1": 0.41, "interval95": [0.38, 0.44]},
                           "baseline_tfidf_ovr": {"micro_f1": 0.2, "interval95": [0.18, 0.22]}}}
    page = render_html(build_report(_with_profiles(_profile_items()), cards=[card]))
    section = page[page.index("<h2>What these scores mean"):]
    assert ("Measured: micro-F1 0.41 (95% 0.38-0.44); plain TF-IDF one-vs-rest baseline "
            "micro-F1 0.20 (95% 0.18-0.22) &mdash; GroupKFold(5) by article.") in section
    assert "techniques &lt;meaning&gt;" in section
