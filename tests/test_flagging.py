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
    return flagged.evidence


def _texts(evidence, family=None):
    return [e.text for e in evidence if family is None or e.family == family]


def _any(texts, fragment):
    return any(fragment.casefold() in t.casefold() for t in texts)


def test_seed_000_sputnik_euphemism_formula_and_homoglyphs():
    ev = _flags(0)
    assert _any(_texts(ev, "syndication"), "MOSCOW (Sputnik)")
    narrative = _texts(ev, "narrative")
    assert _any(narrative, "military operation")
    assert _any(narrative, "appealed for help in defending themselves")
    hygiene = _texts(ev, "hygiene")
    assert "Lu\u043fansk" in hygiene and "Defen\u0441e" in hygiene


def test_seed_002_syndication_formula_and_residue():
    ev = _flags(2)
    assert _any(_texts(ev, "syndication"), "Sputnik")
    narrative = _texts(ev, "narrative")
    assert _any(narrative, "appealed for help in defending themselves")
    assert _any(narrative, "Ukrainian provocations")
    structure = _texts(ev, "structure")
    assert _any(structure, "Recent Stories") or _any(structure, "Related Topics")


def test_seed_003_ai_byline():
    assert _any(_texts(_flags(3), "ai"), "created by Artificial Intelligence")


def test_seed_004_proxy_war_kiev_repeated_body_and_dates():
    ev = _flags(4)
    loaded = _texts(ev, "loaded")
    assert _any(loaded, "proxy war")
    assert any(t.casefold() == "kiev" for t in loaded)
    structure = [e for e in ev if e.family == "structure"]
    assert any("repeat" in e.message for e in structure)
    assert any("05/20/2022" in e.text for e in structure)


def test_seed_001_has_no_kremlin_narrative_marker():
    assert _texts(_flags(1), "narrative") == []


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
    assert stats.articles_per_family["ai"] == 1
    assert stats.family_shares()["ai"] == pytest.approx(0.2)
    summary = stats.to_dict()
    assert summary["findings"] == sum(len(f.evidence) for f in flagged)


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
    from framing.ingest import Article

    return Article(id="a1", text=text, **kwargs)


def test_stats_count_findings_per_voice_and_rebutted():
    stats = FlagStats()
    (flagged,) = flag_articles([_article(VOICED_TEXT)], Extractor(select=["KN"]), stats)
    voices = [(e.marker_id, e.voice, e.rebutted) for e in flagged.evidence]
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
    assert [e.voice for e in flagged.evidence] == ["own", "quoted"]
    assert sum(stats.findings.values()) == 2 and stats.findings_per_voice["attributed"] == 0
    with pytest.raises(ValueError, match="unknown voice"):
        list(flag_articles([_article(VOICED_TEXT)], EXTRACTOR, voices=["spoken"]))


def test_the_articles_language_quiets_english_only_markers():
    text = "Die Lage in Kiev und im Donbass bleibt angespannt."
    ids = {e.marker_id for e in next(flag_articles([_article(text)], EXTRACTOR)).evidence}
    assert {"LF209", "LF210"} <= ids
    german = next(flag_articles([_article(text, language="de")], EXTRACTOR)).evidence
    assert not {"LF209", "LF210"} & {e.marker_id for e in german}


def test_share_of_findings_by_voice_on_reliable_recovery(shared_data):
    # Reliable outlets quote loaded wording ("the “deep state,”") more often than they adopt it.
    stats = FlagStats()
    reliable = shared_data / "recovery" / "reliable"
    articles = iter_articles([str(reliable)], on_problem=lambda p: None)
    loaded = Counter()
    for flagged in flag_articles(articles, EXTRACTOR, stats):
        loaded.update(e.voice for e in flagged.evidence if e.family == "loaded")
    total = sum(stats.findings.values())
    assert total == sum(stats.findings_per_voice.values()) > 0
    assert loaded["quoted"] + loaded["attributed"] > loaded["own"] > 0
