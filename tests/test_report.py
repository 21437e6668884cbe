"""Per-source aggregation: intervals, bands, marker profile, known ratings, trend, seeds."""

import datetime

import pytest

from framing.article import Article, ScoredArticle, content_id
from framing.ingest import iter_articles
from framing.markers import Evidence, Extractor
from framing.report import band_for, build_report, mean_interval, source_key
from framing.scoring import score_articles
from framing.sources import SourceRating, load_sources

from .conftest import SEEDS


@pytest.fixture(autouse=True)
def _tiny_defaults(tiny_default_models):
    """A report without ``cards`` describes the default models: the tiny ones here."""


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
    assert report.articles == 13
    # Banded sources first, the one short of articles last.
    assert [s.source for s in report.sources] == ["bad.example", "good.example", "few.example"]
    bad, good, few = by["bad.example"], by["good.example"], by["few.example"]
    assert bad.band == "unreliable" and good.band == "reliable"
    assert few.band == "insufficient evidence"
    assert bad.share_ai == 1.0 and bad.share_homoglyph == 1.0 and good.share_ai == 0.0
    assert bad.families["ai"] == {"findings": 6, "articles": 6}
    assert bad.top_markers == [
        {"marker_id": "AI401", "family": "ai", "articles": 6, "example": "span"},
        {"marker_id": "TH501", "family": "hygiene", "articles": 6, "example": "span"}]
    # bad.example is rated reliable but banded unreliable; good.example agrees with its rating.
    assert (bad.disagreement, good.disagreement, few.known_rating) == (True, False, None)
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
    assert set(by) == {"a.example", "(unknown)"}


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
def seed_report(tiny_models):
    models = [tiny_models["pro_kremlin_framing"], tiny_models["unreliable_source"]]
    scored = score_articles(iter_articles([str(SEEDS)]), models, Extractor())
    return {s.source: s for s in build_report(scored, sources_table=load_sources(),
                                              min_articles=1).sources}


def test_seed_report_zerohedge_markers_and_repeated_body(seed_report):
    markers = sorted(m["marker_id"] for m in seed_report["zerohedge.com"].top_markers)
    # proxy war, Kiev, the state agency RIA, repeated body, the story's own date
    assert markers == ["LF201", "LF209", "SM304", "ST601", "ST602"]


def test_seed_report_ai_site_shows_ai_content(seed_report):
    ai_site = seed_report["cnn.com (credited)"]
    assert ai_site.share_ai == 1.0 and ai_site.known_rating is None


def test_seed_report_known_ratings(seed_report):
    assert seed_report["sputniknews.com"].known_rating == "unreliable"
    assert seed_report["sputniknews.com"].share_homoglyph == 1.0


def test_seed_report_links_urdupoint_to_sputnik(tiny_models):
    models = [tiny_models["pro_kremlin_framing"]]
    scored = score_articles(iter_articles([str(SEEDS)]), models, Extractor())
    report = build_report(scored, min_articles=1, syndication=True)
    by = {s.source: s for s in report.sources}
    (link,) = by["urdupoint.com"].links
    assert (link["source"], link["origin"]) == ("urdupoint.com", "sputniknews.com")
    assert (link["passages"], link["articles"], link["direction_known"]) == (1, 1, True)
    (example,) = link["examples"]
    assert "appealed for help" in example["text_a"]
    assert by["zerohedge.com"].links == [] and by["(unknown)"].links == []


# --------------------------------------------------------------------------- exclusions


def _war(source, pk, p=0.5, war=0.9, low=(), flags=(), published=None, narratives=()):
    """A scored article with a scope and confidence; ``low`` lists low-confidence targets."""
    item = _scored(source, p, flags, published=published, pk=pk)
    item.article.id = f"{item.article.id}-{pk}-{war}-{len(low)}-{id(item)}"
    item.scope = {"language": "en", "war_topic": war}
    item.confidence = {t: {"similarity": 0.05 if t in low else 0.6, "low_confidence": t in low}
                       for t in item.scores}
    item.narratives = [dict(n) for n in narratives]
    return item


def _unscored(source, reason="not_english", flags=(), published=None):
    article = Article(id=f"{source}-{reason}-{published}-{len(flags)}", text="Text auf Deutsch",
                      source=source, source_method="field", published=published)
    return ScoredArticle(article, None, list(flags),
                         scope={"language": "de" if reason == "not_english" else "en",
                                "reason": reason})


def test_off_topic_and_low_confidence_scores_are_left_out_and_counted():
    items = [_war("a.example", 0.9, p=0.2) for _ in range(3)]
    items += [_war("a.example", 0.1, p=0.2, war=0.2) for _ in range(2)]  # off-topic
    items += [_war("a.example", 0.05, p=0.99, low=("unreliable_source",))]
    items += [_war("a.example", 0.02, p=0.2, low=("pro_kremlin_framing",))]
    (source,) = build_report(items, min_articles=1).sources
    pk, ur = source.scores["pro_kremlin_framing"], source.scores["unreliable_source"]
    # pro_kremlin_framing: the three on-topic scores plus the one low for the other target.
    assert pk.n == 4 and pk.mean == pytest.approx((0.9 * 3 + 0.05) / 4)
    assert pk.share_above == 0.75
    # unreliable_source: off-topic articles still count for it; its low-confidence one not.
    assert ur.n == 6 and ur.mean == pytest.approx(0.2) and ur.share_above == 0.0
    assert source.excluded == {"pro_kremlin_framing": {"off_topic": 2, "low_confidence": 1},
                               "unreliable_source": {"low_confidence": 1}}
    assert source.not_scored == {} and source.articles == 7
    assert source.left_out("pro_kremlin_framing") == 3 and source.left_out("unreliable_source") == 1
    assert "; 1 article left out (low_confidence 1)" in source.band_reason


def test_a_target_with_every_score_left_out_has_no_summary_but_its_counts():
    items = [_war("a.example", 0.9, war=0.1) for _ in range(6)]
    (source,) = build_report(items).sources
    assert "pro_kremlin_framing" not in source.scores
    assert source.excluded["pro_kremlin_framing"] == {"off_topic": 6}
    assert source.scores["unreliable_source"].n == 6 and source.band == "mixed"


def test_articles_without_scores_are_counted_and_do_not_crash_anything():
    ai = _flag("AI401", "ai")
    d = datetime.date
    items = [_war("a.example", 0.8, p=0.9, flags=[ai], published=d(2024, 1, 3))
             for _ in range(4)]
    items += [_unscored("a.example", flags=[ai, _flag("TH501", "hygiene")],
                        published=d(2024, 1, 9)) for _ in range(2)]
    items += [_unscored("a.example", "too_short", published=d(2024, 2, 1))]
    items += [_unscored("only-german.example") for _ in range(2)]
    report = build_report(items)
    by = {s.source: s for s in report.sources}
    a = by["a.example"]
    assert a.articles == 7 and a.not_scored == {"not_english": 2, "too_short": 1}
    assert a.scores["unreliable_source"].n == 4
    # The band counts only the scores that count: 4 < 5 is insufficient evidence.
    assert a.band == "insufficient evidence"
    assert a.band_reason.startswith("4 articles, fewer than 5; 3 articles left out")
    assert "3 articles left out (not_english 2, too_short 1)" in a.band_reason
    # Markers, AI and homoglyph shares and the monthly counts use every article.
    assert a.families["ai"] == {"findings": 6, "articles": 6}
    assert a.share_ai == pytest.approx(6 / 7) and a.share_homoglyph == pytest.approx(2 / 7)
    assert a.trend == [
        {"month": "2024-01", "articles": 6,
         "means": {"pro_kremlin_framing": 0.8, "unreliable_source": 0.9}},
        {"month": "2024-02", "articles": 1, "means": {}},
    ]
    german = by["only-german.example"]
    assert german.scores == {} and german.not_scored == {"not_english": 2}
    assert german.band == "insufficient evidence" and "left out" in german.band_reason
    assert report.not_scored == {"not_english": 4, "too_short": 1}
    assert report.targets == ["pro_kremlin_framing", "unreliable_source"]


def test_a_run_of_unscored_articles_only_reports_them():
    report = build_report([_unscored("x.example") for _ in range(3)])
    (source,) = report.sources
    assert report.targets == [] and source.scores == {} and source.excluded == {}
    assert source.not_scored == {"not_english": 3} and report.articles == 3


def test_report_json_carries_the_exclusions_per_source_and_in_total():
    import json

    items = [_war("a.example", 0.9), _war("a.example", 0.9, war=0.3),
             _war("b.example", 0.4, low=("pro_kremlin_framing", "unreliable_source")),
             _unscored("b.example"), _unscored("b.example", "too_short")]
    doc = json.loads(json.dumps(build_report(items).to_dict()))
    assert doc["not_scored"] == {"not_english": 1, "too_short": 1}
    assert doc["excluded"] == {"pro_kremlin_framing": {"off_topic": 1, "low_confidence": 1},
                               "unreliable_source": {"low_confidence": 1}}
    assert set(doc["exclusions"]) == {"not_english", "too_short", "off_topic", "low_confidence"}
    by = {s["source"]: s for s in doc["sources"]}
    assert by["a.example"]["excluded"] == {"pro_kremlin_framing": {"off_topic": 1},
                                           "unreliable_source": {}}
    assert by["a.example"]["not_scored"] == {}
    assert by["b.example"]["not_scored"] == {"not_english": 1, "too_short": 1}
    assert by["a.example"]["scores"]["pro_kremlin_framing"]["n"] == 1
    assert "pro_kremlin_framing" not in by["b.example"]["scores"]


def test_narrative_profile_is_the_share_of_scored_articles_asserting_each():
    blame = {"narrative": "Blaming the war on others", "probability": 0.9, "asserted": True,
             "paragraphs": [1]}
    hinted = {"narrative": "Discrediting Ukraine", "probability": 0.4, "asserted": False,
              "paragraphs": []}
    items = [_war("a.example", 0.9, narratives=[blame, hinted]),
             _war("a.example", 0.9, narratives=[blame, dict(blame)]),  # counted once
             _war("a.example", 0.1), _war("a.example", 0.1),
             _unscored("a.example")]  # never read for narratives: not in the share
    (source,) = build_report(items).sources
    assert source.narratives == [
        {"narrative": "Blaming the war on others", "articles": 2, "share": 0.5}]
    assert build_report([_war("b.example", 0.5)]).sources[0].narratives == []


def test_report_from_the_store_shows_the_same_exclusions(tmp_path):
    import json

    from click.testing import CliRunner

    from framing.cli import main
    from framing.store import Store

    from .test_store import MODELS

    items = [_war("a.example", 0.9, p=0.3), _war("a.example", 0.2, war=0.1),
             _war("a.example", 0.5, low=("unreliable_source",)), _unscored("a.example")]
    for n, item in enumerate(items):  # distinct texts: the store keys articles by content
        item.article.text = f"article {n}"
    db = tmp_path / "scores.db"
    with Store(db) as store:
        store.add(items, MODELS)
    result = CliRunner().invoke(main, ["report", "--store", str(db), "--format", "json",
                                       "--min-articles", "1", "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["not_scored"] == {"not_english": 1}
    assert doc["excluded"] == {"pro_kremlin_framing": {"off_topic": 1},
                               "unreliable_source": {"low_confidence": 1}}
    (source,) = doc["sources"]
    assert source["articles"] == 4 and source["scores"]["unreliable_source"]["n"] == 2
    fresh = build_report(items, min_articles=1).to_dict()
    assert source == json.loads(json.dumps(fresh["sources"][0]))


# --------------------------------------------------------------------------- order, rows, bodies


def test_sources_are_ordered_by_mean_band_target_score_unscored_last():
    items = [_scored("low.example", 0.2) for _ in range(3)]
    items += [_scored("high.example", 0.9), _scored("mid.example", 0.5)]
    pk_only = _scored("pk.example", 0.3)
    pk_only.scores = {"pro_kremlin_framing": 0.9}
    items.append(pk_only)
    report = build_report(items)
    assert [s.source for s in report.sources] == ["high.example", "mid.example", "low.example",
                                                  "pk.example"]


def test_sources_with_a_band_come_before_those_with_too_few_articles():
    items = [_scored("many.example", 0.6) for _ in range(5)] + [_scored("one.example", 0.99)]
    report = build_report(items, min_articles=5)
    assert [s.source for s in report.sources] == ["many.example", "one.example"]
    assert [s.band for s in report.sources] == ["mixed", "insufficient evidence"]


def _body(source, n, text, url=None):
    return ScoredArticle(Article(id=f"{source}-{n}", text=text, source=source,
                                 url=url or f"https://{source}/{n}"), {"unreliable_source": 0.4},
                         [])


def test_distinct_articles_with_one_body_are_named_not_merged():
    items = [_body("a.example", n, "Please enable cookies to continue.") for n in range(3)]
    items += [_body("a.example", 9, "An article of its own.")]
    # The same article read twice is one article, not a shared body.
    items += [_body("b.example", 1, "Same record twice.")] * 2
    by = {s.source: s for s in build_report(items).sources}
    (group,) = by["a.example"].shared_bodies
    assert group["articles"] == 3 and group["ids"] == ["a.example-0", "a.example-1", "a.example-2"]
    assert by["a.example"].articles == 4 and by["b.example"].shared_bodies == []


def test_every_article_is_listed_with_title_url_date_scores_and_flags():
    article = Article(id="x1", text="t", title="A title", url="https://a.example/1",
                      source="a.example", published=datetime.date(2022, 3, 1))
    item = ScoredArticle(article, {"unreliable_source": 0.81234, "pro_kremlin_framing": 0.3},
                         [_flag("LF209", "loaded"), _flag("KN101", "narrative"),
                          _flag("LF209", "loaded")],
                         scope={"language": "en", "war_topic": 0.1})
    (source,) = build_report([item, _scored("a.example", 0.1)]).sources
    row = source.article_list[0]
    assert row == {"id": "x1", "title": "A title", "url": "https://a.example/1",
                   "published": "2022-03-01", "content_hash": content_id("t"),
                   "scores": {"pro_kremlin_framing": 0.3, "unreliable_source": 0.8123},
                   "left_out": {"pro_kremlin_framing": "off_topic"},
                   "flags": ["KN101", "LF209"]}
    assert [r["scores"]["unreliable_source"] for r in source.article_list] == [0.8123, 0.1]


def test_report_names_its_markers_from_the_catalogue():
    from framing.markers import load_markers

    catalogue = {m.id: m for m in load_markers()}
    report = build_report([_scored("a.example", 0.5, [_flag("LF209", "loaded"),
                                                      _flag("TH501", "hygiene")])])
    assert set(report.markers) == {"LF209", "TH501"}
    assert report.markers["LF209"]["description"] == catalogue["LF209"].description
    assert report.markers["TH501"]["name"] == catalogue["TH501"].name


def test_model_summaries_come_from_the_cards(tiny_models_dir):
    import json

    card = json.loads((tiny_models_dir / "unreliable_source" / "card.json").read_text())
    report = build_report([_scored("a.example", 0.5)])  # the default models' cards
    (summary,) = report.models
    assert summary["target"] == "unreliable_source" and summary["meaning"] == card["meaning"]
    assert summary["metrics"]["roc_auc"] == [card["evaluation"]["model"]["roc_auc"],
                                             *card["evaluation"]["model"]["ci95"]["roc_auc"]]
    assert summary["trained_on"] == ["tiny_unreliable_source.jsonl"]
    pk_card = json.loads((tiny_models_dir / "pro_kremlin_framing" / "card.json").read_text())
    (pk,) = build_report([_scored("a.example", 0.5, pk=0.5)], cards=[pk_card]).models[:1]
    assert pk["trained_on"] == ["tiny_pro_kremlin_framing.jsonl"]
    assert pk["train_only"] == ["tiny_contrast.jsonl"]
    made_up = {"target": "unreliable_source", "meaning": "m", "gate": "war_topic",
               "corpus": {"files": [{"name": "x.jsonl"}], "articles": 7, "sources": 2},
               "evaluation": {"method": "k", "model": {"roc_auc": 0.61}}}
    gate = {"target": "war_topic", "meaning": "w"}
    other = {"target": "something_else"}
    models = build_report([_scored("a.example", 0.5)], cards=[made_up, gate, other]).models
    assert [m["target"] for m in models] == ["unreliable_source", "war_topic"]
    assert models[0]["metrics"] == {"roc_auc": [0.61, None, None]}
    assert models[0]["articles"] == 7 and models[1]["metrics"] == {}


def test_band_reason_counts_in_words():
    assert band_for(None, 1, 5, 0.35)[1] == "1 article, fewer than 5"


# --------------------------------------------------------------------------- techniques, frames


def _finding(line, technique, pt, p, text=None):
    out = {"line": line, "id": pt, "technique": technique, "probability": p}
    if text is not None:
        out.update(start=0, end=len(text), text=text)
    return out


def _read(source, i, techniques=None, frames=None):
    article = Article(id=f"{source}-{i}", text="t", source=source, source_method="field",
                      title=f"Title {i}", path=f"/in/{i}.txt")
    return ScoredArticle(article, {"unreliable_source": 0.5}, [], techniques=techniques,
                         frames=frames)


def _frames(asserted, others=()):
    return {**{f: {"probability": 0.9, "asserted": True, "paragraphs": []} for f in asserted},
            **{f: {"probability": 0.2, "asserted": False} for f in others}}


def test_technique_profile_counts_over_the_articles_read_only():
    long = "word " * 100
    items = [
        _read("s", 0, [_finding(1, "Loaded_Language", "PT15", 0.6, "first"),
                       _finding(4, "Loaded_Language", "PT15", 0.95, long),
                       _finding(2, "Doubt", "PT07", 0.7, "doubt it")]),
        _read("s", 1, [_finding(3, "Loaded_Language", "PT15", 0.99)]),  # no sentence
        _read("s", 2, [_finding(1, "Loaded_Language", "PT15", 0.8, "third")]),
        _read("s", 3, []),  # read, none found: in the shares
        _read("s", 4, None),  # not read: not in the shares
        _read("s", 5, None),
    ]
    source = build_report(items, cards=[]).sources[0]
    assert source.techniques_read == 4
    loaded, doubt = source.techniques
    assert (loaded["id"], loaded["technique"], loaded["articles"], loaded["share"],
            loaded["paragraphs"]) == ("PT15", "Loaded_Language", 3, 0.75, 4)
    assert (doubt["id"], doubt["articles"], doubt["share"], doubt["paragraphs"]) == (
        "PT07", 1, 0.25, 1)
    # One example per article, those with evidence first, then by probability.
    assert [(e["id"], e["line"], e["probability"]) for e in loaded["examples"]] == [
        ("s-0", 4, 0.95), ("s-2", 1, 0.8), ("s-1", 3, 0.99)]
    first = loaded["examples"][0]
    assert first["title"] == "Title 0" and first["location"] == "/in/0.txt"
    assert len(first["text"]) <= 160 and first["text"].endswith("…")
    assert loaded["examples"][2]["text"] is None


def test_frame_profile_shares_and_mean_probability_over_the_articles_read():
    items = [_read("s", 0, frames=_frames(["Political"], ["Economic"])),
             _read("s", 1, frames=_frames(["Political", "Economic"])),
             _read("s", 2, frames=_frames([], ["Political", "Economic"])),
             _read("s", 3, frames=_frames(["Morality"], ["Political", "Economic"])),
             _read("s", 4)]
    source = build_report(items, cards=[]).sources[0]
    assert source.frames_read == 4
    assert source.frames == [
        {"frame": "Political", "articles": 2, "share": 0.5,
         "mean_probability": round((0.9 + 0.9 + 0.2 + 0.2) / 4, 4)},
        {"frame": "Economic", "articles": 1, "share": 0.25,
         "mean_probability": round((0.2 + 0.9 + 0.2 + 0.2) / 4, 4)},
        {"frame": "Morality", "articles": 1, "share": 0.25, "mean_probability": 0.225},
    ]


def test_profiles_are_empty_and_absent_from_json_when_nothing_was_read():
    items = [_read("s", i) for i in range(3)]
    report = build_report(items, cards=[])
    source = report.sources[0]
    assert (source.techniques, source.techniques_read, source.frames, source.frames_read) == (
        [], 0, [], 0)
    keys = set(source.to_dict())
    assert not keys & {"techniques", "techniques_read", "frames", "frames_read"}
    read = build_report([_read("s", 0, [], {})], cards=[]).sources[0].to_dict()
    assert (read["techniques"], read["techniques_read"], read["frames"],
            read["frames_read"]) == ([], 1, [], 1)


def test_techniques_and_frames_cards_are_described_with_their_baseline():
    def card(kind):
        return {"kind": kind, "target": kind, "meaning": f"{kind} meaning",
                "evaluation": {"method": "GroupKFold(5)",
                               "model": {"micro_f1": 0.41, "interval95": [0.38, 0.44]},
                               "baseline_tfidf_ovr": {"micro_f1": 0.2, "interval95": None}}}
    cards = [card("techniques"), card("frames")]
    # Described only when the report shows what they found.
    assert build_report([_read("s", 0)], cards=cards).models == []
    report = build_report([_read("s", 0, [], None)], cards=cards)
    assert [m["target"] for m in report.models] == ["techniques"]
    (summary,) = report.models
    assert summary["metrics"] == {"micro_f1": [0.41, 0.38, 0.44],
                                  "baseline_micro_f1": [0.2, None, None]}
    both = build_report([_read("s", 0, [], {})], cards=cards)
    assert [m["kind"] for m in both.models] == ["techniques", "frames"]
