"""Acceptance on the five seed articles, and the run statistics."""

from collections import Counter

import pytest

from framing.flagging import FlagStats, flag_articles
from framing.ingest import iter_articles
from framing.markers import Extractor

from .conftest import seed_path

EXTRACTOR = Extractor()


def _flags(number):
    (flagged,) = flag_articles(iter_articles([str(seed_path(number))]), EXTRACTOR)
    return flagged.flags


def _texts(evidence, family=None):
    return [e.text for e in evidence if family is None or e.family == family]


def test_seed_000_sputnik_euphemism_formula_and_homoglyphs():
    ev = _flags(0)
    assert Counter(e.marker_id for e in ev if e.family == "syndication") == {
        "SM301": 1, "SM303": 18}
    assert _texts(ev, "syndication")[:3] == [
        "sputniknews.com", "MOSCOW (Sputnik)", "Sputnik International"]
    assert _texts(ev, "narrative") == [
        "military operation in Ukraine", "appealed for help in defending themselves",
        "targeting Ukrainian military infrastructure only",
        "civilian population is not in danger"]
    assert _texts(ev, "hygiene") == ["Lu\u043fansk", "Defen\u0441e"]
    assert _texts(ev, "loaded") == ["Kiev"]


def test_seed_002_syndication_formula_and_residue():
    ev = _flags(2)
    assert _texts(ev, "syndication") == [
        "confirmed to Sputnik", "WASHINGTON (UrduPoint News / Sputnik", "confirmed to Sputnik",
        "told Sputnik"]
    assert _texts(ev, "narrative") == [
        "military operation in Ukraine", "appealed for help in defending themselves",
        "Ukrainian provocations"]
    assert [(e.marker_id, e.text) for e in ev if e.family == "structure"] == [
        ("ST611", "Related Topics"), ("ST611", "Recent Stories"),
        ("ST611", "More Stories From World"), ("ST611", "About Us | Contact"),
        ("ST613", "All rights of the publication are reserved"),
        ("ST613", "Reproduction without proper consent")]


def test_seed_003_ai_byline():
    ev = _flags(3)
    assert _texts(ev, "ai") == ["This article was created by Artificial Intelligence"]
    assert [e.marker_id for e in ev if e.family == "structure"] == [
        "ST611", "ST611", "ST611", "ST612", "ST612"]


def test_seed_004_proxy_war_kiev_repeated_body_and_dates():
    ev = _flags(4)
    # The body is repeated once, so each loaded phrase is found twice.
    assert _texts(ev, "loaded") == ["Kiev", "proxy war", "Kiev"] * 2
    structure = [e for e in ev if e.family == "structure"]
    assert [(e.marker_id, e.text) for e in structure[:1]] == [("ST602", "05/20/2022")]
    assert [e.marker_id for e in structure] == ["ST602", "ST601"]
    assert structure[1].message.startswith("body repeated: 13 paragraphs")


def test_seed_001_has_no_marker_at_all():
    assert _flags(1) == []


def test_evidence_line_and_column_point_into_the_file():
    path = seed_path(0)
    lines = path.read_text(encoding="utf-8").split("\n")
    for e in _flags(0):
        line = lines[e.line - 1]
        assert line[e.col - 1 :].startswith(e.text.split("\n")[0])


def test_stats_count_articles_and_families():
    stats = FlagStats()
    flagged = list(flag_articles(iter_articles([str(seed_path(0).parent)]), EXTRACTOR, stats))
    assert stats.articles == len(flagged) == 5
    assert stats.flagged_articles == 4  # seed 001 has no finding
    assert stats.articles_per_family["ai"] == 1
    assert stats.family_shares()["ai"] == pytest.approx(0.2)
    summary = stats.to_dict()
    assert summary["findings"] == sum(len(f.flags) for f in flagged) == 55
    # Articles, not findings: SM303 is found 18 times in one article, Kiev 5 times in two.
    assert (stats.findings["SM303"], stats.articles_per_marker["SM303"]) == (18, 1)
    assert (stats.findings["LF209"], stats.articles_per_marker["LF209"]) == (5, 2)
    assert summary["articles_per_marker"]["KN102"] == 2


def test_articles_per_marker_counts_each_article_once():
    stats = FlagStats()
    articles = [_article(VOICED_TEXT), _article("Putin said the special military operation "
                                                "goes on."), _article("Nothing to see here.")]
    list(flag_articles(articles, Extractor(select=["KN"]), stats))
    assert dict(stats.findings) == {"KN101": 3, "KN104": 2}
    assert dict(stats.articles_per_marker) == {"KN101": 2, "KN104": 1}
    assert stats.to_dict()["articles_per_marker"] == {"KN101": 2, "KN104": 1}
    assert (stats.articles, stats.flagged_articles) == (3, 2)


def test_stats_on_an_empty_run():
    assert FlagStats().family_shares()["narrative"] == 0.0


def test_false_positive_rate_on_reliable_recovery_is_under_two_percent(shared_data):
    stats = FlagStats()
    reliable = shared_data / "recovery" / "reliable"
    articles = iter_articles([str(reliable)], on_problem=lambda p: None)
    for _ in flag_articles(articles, EXTRACTOR, stats):
        pass
    assert stats.articles > 500
    shares = stats.family_shares()
    for family in ("narrative", "syndication", "ai", "hygiene"):
        assert shares[family] < 0.02, (family, shares[family])


# --------------------------------------------------------------------------- voices

VOICED_TEXT = (
    "Russia's special military operation goes on.\n"
    'Officials call it a "special military operation". Putin said the Kiev regime must go.\n'
    "The Kiev regime, he claimed without evidence, is collapsing."
)


def _article(text, **kwargs):
    from framing.article import Article

    return Article(id="a1", text=text, **kwargs)


def test_stats_count_findings_per_voice_and_rebutted():
    stats = FlagStats()
    (flagged,) = flag_articles([_article(VOICED_TEXT)], Extractor(select=["KN"]), stats)
    voices = [(e.marker_id, e.voice, e.rebutted) for e in flagged.flags]
    assert voices == [
        ("KN101", "own", False),
        ("KN101", "quoted", False),
        ("KN104", "attributed", False),
        ("KN104", "attributed", True),
    ]
    assert dict(stats.findings_per_voice) == {"own": 1, "quoted": 1, "attributed": 2}
    assert stats.rebutted == 1
    summary = stats.to_dict()
    assert summary["findings_per_voice"] == {"own": 1, "quoted": 1, "attributed": 2}
    assert summary["rebutted_findings"] == 1
    assert summary["findings_per_marker_and_voice"] == {
        "KN101": {"own": 1, "quoted": 1, "attributed": 0},
        "KN104": {"own": 0, "quoted": 0, "attributed": 2},
    }
    assert flagged.to_dict()["flags"][0]["voice"] == "own"


def test_voice_filter_keeps_only_those_findings_and_counts_only_them():
    stats = FlagStats()
    (flagged,) = flag_articles(
        [_article(VOICED_TEXT)], Extractor(select=["KN"]), stats, voices=["quoted", "own"]
    )
    assert [e.voice for e in flagged.flags] == ["own", "quoted"]
    assert sum(stats.findings.values()) == 2 and stats.findings_per_voice["attributed"] == 0
    with pytest.raises(ValueError, match="unknown voice"):
        list(flag_articles([_article(VOICED_TEXT)], EXTRACTOR, voices=["spoken"]))


def test_the_articles_language_quiets_english_only_markers():
    text = "Die Lage in Kiev und im Donbass bleibt angespannt."
    ids = [e.marker_id for e in next(flag_articles([_article(text)], EXTRACTOR)).flags]
    assert ids == ["LF209", "LF210"]
    german = next(flag_articles([_article(text, language="de")], EXTRACTOR)).flags
    assert german == []


def test_share_of_findings_by_voice_on_reliable_recovery(shared_data):
    # Reliable outlets quote loaded wording ("the “deep state,”") more often than they adopt it.
    stats = FlagStats()
    reliable = shared_data / "recovery" / "reliable"
    articles = iter_articles([str(reliable)], on_problem=lambda p: None)
    loaded = Counter()
    for flagged in flag_articles(articles, EXTRACTOR, stats):
        loaded.update(e.voice for e in flagged.flags if e.family == "loaded")
    total = sum(stats.findings.values())
    assert total == sum(stats.findings_per_voice.values()) > 0
    assert loaded["quoted"] + loaded["attributed"] > loaded["own"] > 0


def test_technique_findings_become_evidence_records():
    from framing.flagging import TECHNIQUE_FAMILY, technique_evidence, technique_markers

    text = "Intro line.\n\nA disgraceful outrage. Calm words.\n!!!"
    entries = {m.id: m for m in technique_markers()}
    findings = [
        {"line": 3, "id": "PT15", "technique": "Loaded_Language", "probability": 0.8123,
         "start": 13, "end": 35, "text": "A disgraceful outrage."},
        {"line": 4, "id": "PT20", "technique": "Slogans", "probability": 0.5},  # no sentence
        {"line": 3, "id": "PT10", "technique": "Doubt", "probability": 0.6, "start": 13,
         "end": 35, "text": "A disgraceful outrage."},
    ]
    kept = {k: v for k, v in entries.items() if k != "PT10"}
    loaded, slogan = technique_evidence(text, findings, kept)
    assert (loaded.marker_id, loaded.family, loaded.line, loaded.col) == ("PT15",
                                                                          TECHNIQUE_FAMILY, 3, 1)
    assert text[loaded.start:loaded.end] == loaded.text
    assert loaded.message.startswith("Loaded_Language 0.81: ") and loaded.voice == "own"
    # Without a sentence, the whole paragraph line is the evidence.
    assert (slogan.start, slogan.end, slogan.text, slogan.col) == (48, 51, "!!!", 1)
