"""Per-source aggregation: intervals, bands, marker profile, known ratings, trend, seeds."""

import datetime

import pytest

from framing.corpus import SourceRating, load_sources
from framing.ingest import Article, iter_articles
from framing.markers import Evidence, Extractor
from framing.model import MODELS_DIR, load_model
from framing.report import band_for, build_report, mean_interval, source_key
from framing.scoring import ScoredArticle, score_articles

from .conftest import SEEDS


def _scored(source, p, flags=(), published=None, method="field", pk=None):
    article = Article(id=f"{source}-{p}-{published}", text="t", source=source,
                      source_method=method, published=published)
    scores = {"unreliable_source": p}
    if pk is not None:
        scores["pro_kremlin_framing"] = pk
    return ScoredArticle(article, scores, list(flags))


def _flag(marker_id, family, text="span"):
    return Evidence(marker_id, family, 0, len(text), 1, 1, text, "m")


def test_mean_interval_and_its_limits():
    mean, low, high = mean_interval([0.2, 0.4, 0.6])
    assert mean == pytest.approx(0.4) and 0 <= low < 0.4 < high <= 1
    assert mean_interval([0.3]) == (0.3, 0.0, 1.0)
    assert mean_interval([1.0, 1.0]) == (1.0, 1.0, 1.0)


def test_band_rule():
    from framing.report import TargetSummary

    def summary(low, high):
        return TargetSummary((low + high) / 2, low, high, 0.0, 10)

    assert band_for(summary(0.7, 0.9), 3, 5, 0.35)[0] == "insufficient evidence"
    assert band_for(summary(0.7, 0.9), 10, 5, 0.35)[0] == "unreliable"
    assert band_for(summary(0.05, 0.3), 10, 5, 0.35)[0] == "reliable"
    assert band_for(summary(0.3, 0.7), 10, 5, 0.35)[0] == "mixed"
    assert band_for(None, 10, 5, 0.35)[0] == "insufficient evidence"


def test_aggregation_bands_shares_markers_and_disagreement():
    items = [_scored("bad.example", 0.9, [_flag("AI401", "ai"), _flag("TH501", "hygiene")])
             for _ in range(6)]
    items += [_scored("good.example", 0.1) for _ in range(6)]
    items += [_scored("few.example", 0.9)]
    table = {"bad.example": SourceRating("bad.example", "reliable", 0),
             "good.example": SourceRating("good.example", "reliable", 0)}
    report = build_report(items, sources_table=table)
    by = {s.source: s for s in report.sources}
    assert report.articles == 13 and [s.source for s in report.sources][0] in by
    bad, good, few = by["bad.example"], by["good.example"], by["few.example"]
    assert bad.band == "unreliable" and good.band == "reliable"
    assert few.band == "insufficient evidence"
    assert bad.share_ai == 1.0 and bad.share_homoglyph == 1.0 and good.share_ai == 0.0
    assert bad.families["ai"] == {"findings": 6, "articles": 6}
    assert bad.top_markers[0]["articles"] == 6 and bad.top_markers[0]["example"] == "span"
    assert bad.disagreement and not good.disagreement and few.known_rating is None
    assert bad.scores["unreliable_source"].share_above == 1.0


def test_monthly_trend_and_unknown_source():
    d = datetime.date
    items = [_scored("a.example", 0.2, published=d(2022, 1, 5)),
             _scored("a.example", 0.4, published=d(2022, 1, 20)),
             _scored("a.example", 0.8, published=d(2022, 3, 1)),
             _scored(None, 0.5)]
    report = build_report(items)
    by = {s.source: s for s in report.sources}
    assert by["a.example"].trend == [
        {"month": "2022-01", "articles": 2, "means": {"unreliable_source": 0.3}},
        {"month": "2022-03", "articles": 1, "means": {"unreliable_source": 0.8}},
    ]
    assert "(unknown)" in by


def test_credited_sources_are_filed_apart():
    article = Article(id="1", text="t", source="cnn.com", source_method="credit")
    assert source_key(article) == "cnn.com (credited)"
    assert source_key(Article(id="2", text="t")) == "(unknown)"


def test_report_dict_is_json_ready():
    import json

    report = build_report([_scored("a.example", 0.3, pk=0.9)])
    doc = json.loads(json.dumps(report.to_dict()))
    assert doc["targets"] == ["pro_kremlin_framing", "unreliable_source"]
    assert doc["rule"]["min_articles"] == 5


@pytest.fixture(scope="module")
def seed_report():
    models = [load_model(MODELS_DIR / "pro_kremlin_framing"),
              load_model(MODELS_DIR / "unreliable_source")]
    scored = score_articles(iter_articles([str(SEEDS)]), models, Extractor())
    return {s.source: s for s in build_report(scored, sources_table=load_sources(),
                                              min_articles=1).sources}


def test_seed_report_zerohedge_markers_and_repeated_body(seed_report):
    markers = {m["marker_id"] for m in seed_report["zerohedge.com"].top_markers}
    assert {"LF201", "LF209", "ST601"} <= markers  # proxy war, Kiev, repeated body


def test_seed_report_ai_site_shows_ai_content(seed_report):
    ai_site = seed_report["cnn.com (credited)"]
    assert ai_site.share_ai == 1.0 and ai_site.known_rating is None


def test_seed_report_known_ratings(seed_report):
    assert seed_report["sputniknews.com"].known_rating == "unreliable"
    assert seed_report["sputniknews.com"].share_homoglyph == 1.0


def test_seed_report_links_urdupoint_to_sputnik():
    models = [load_model(MODELS_DIR / "pro_kremlin_framing")]
    scored = score_articles(iter_articles([str(SEEDS)]), models, Extractor())
    report = build_report(scored, min_articles=1, syndication=True)
    by = {s.source: s for s in report.sources}
    (link,) = by["urdupoint.com"].links
    assert (link["source"], link["origin"]) == ("urdupoint.com", "sputniknews.com")
    assert link["passages"] >= 1 and "appealed for help" in link["examples"][0]["text_a"]
    assert by["zerohedge.com"].links == [] and by["(unknown)"].links == []
