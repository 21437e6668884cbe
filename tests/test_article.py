"""The records (framing/article.py): ids, round trips, exclusions, and what importing them costs."""

import dataclasses
import datetime
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from framing import ingest, scoring
from framing.article import EXCLUSIONS, Article, Problem, ScoredArticle, content_id

ROOT = Path(__file__).resolve().parents[1]


def test_content_id_is_the_head_of_the_sha256_of_the_utf8_text():
    # SHA-256("abc") is the FIPS 180-2 example digest ba7816bf 8f01cfea 414140de ...
    assert content_id("abc") == "ba7816bf8f01cfea"
    # UTF-8, not another encoding: "é" is the bytes c3 a9 (latin-1 would hash e9).
    assert content_id("é") == hashlib.sha256(b"\xc3\xa9").hexdigest()[:16] == "4a99557e4033c353"
    assert content_id("é") != hashlib.sha256(b"\xe9").hexdigest()[:16]
    assert content_id("é") == content_id("\u00e9") != content_id("e\u0301")


def test_article_id_defaults_to_the_content_id_of_its_text():
    assert Article(text="abc").id == "ba7816bf8f01cfea"
    assert Article(id="", text="abc").id == "ba7816bf8f01cfea"
    assert Article(id="given-7", text="abc").id == "given-7"


def test_article_fields_are_keyword_only():
    # Positionally, a call written as Article(id, text) would put the text in the id.
    with pytest.raises(TypeError):
        Article("x1", "Some text.")


def test_ingest_ids_are_the_given_id_else_the_content_id(tmp_path):
    text = "Kyiv, Friday. The council met again.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "rec-1", "text": text}) + "\n" + json.dumps({"text": text}) + "\n"
        + json.dumps({"id": "", "text": text}) + "\n", encoding="utf-8")
    ids = [a.id for a in ingest.iter_articles([str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")])]
    assert ids == [content_id(text), "rec-1", content_id(text), content_id(text)]


def test_article_to_dict_round_trips_and_summary_leaves_the_text_out():
    article = Article(id="x1", text="Body.", title="Head", url="https://a.example/1",
                      source="a.example", source_method="url",
                      published=datetime.date(2022, 3, 4), author="A. Writer",
                      labels={"t": 1}, meta={"sitename": "A"}, path="c.jsonl", record=3,
                      language="en")
    out = article.to_dict()
    assert out["published"] == "2022-03-04"
    assert json.loads(json.dumps(out)) == out
    back = Article(**{**out, "published": datetime.date.fromisoformat(out["published"])})
    assert back == article
    # The field order of the outputs stays that of the declaration.
    assert list(out) == [f.name for f in dataclasses.fields(Article)][:len(out)]
    assert article.summary() == {"id": "x1", "location": "c.jsonl#3", "source": "a.example",
                                 "source_method": "url", "title": "Head",
                                 "published": "2022-03-04"}
    assert Article(text="t").to_dict()["published"] is None
    assert Article(text="t").summary()["location"] == "<memory>"


def test_problem_says_where():
    assert str(Problem("f.csv", 4, "bad row")) == "f.csv:4: bad row"
    assert str(Problem("f.csv", None, "empty file", "warning")) == "f.csv: empty file"


def _scored(scores, scope=None, confidence=None):
    return ScoredArticle(Article(text="t"), scores, [], scope=scope or {},
                         confidence=confidence or {})


def test_exclusion_out_of_scope_first():
    assert _scored(None, {"reason": "too_short"}).exclusion("unreliable_source") == "too_short"
    assert _scored(None).exclusion("unreliable_source") == "not_english"
    # A target the article was not scored on counts as out of scope too.
    assert _scored({"other": 0.4}).exclusion("unreliable_source") == "not_english"


def test_exclusion_off_topic_applies_to_war_targets_only():
    scope = {"war_topic": 0.2}
    scores = {"pro_kremlin_framing": 0.9, "unreliable_source": 0.7}
    low = {"pro_kremlin_framing": {"low_confidence": True}}
    item = _scored(scores, scope, low)
    assert item.exclusion("pro_kremlin_framing") == "off_topic"  # before low confidence
    assert item.exclusion("unreliable_source") is None
    assert _scored(scores, {"war_topic": 0.5}).exclusion("pro_kremlin_framing") is None
    # Without a war_topic model there is nothing to be off-topic from.
    assert _scored(scores).exclusion("pro_kremlin_framing") is None


def test_exclusion_low_confidence_and_every_reason_is_described():
    item = _scored({"unreliable_source": 0.7}, {"war_topic": 0.9},
                   {"unreliable_source": {"similarity": 0.01, "low_confidence": True}})
    assert item.exclusion("unreliable_source") == "low_confidence"
    assert set(EXCLUSIONS) == {"not_english", "too_short", "off_topic", "low_confidence"}


def test_scored_to_dict_rounds_and_adds_only_what_is_there():
    out = _scored({"unreliable_source": 0.123456}).to_dict()
    assert out["scores"] == {"unreliable_source": 0.1235}
    assert out["flags"] == []
    assert "scope" not in out and "narratives" not in out and "explanations" not in out


def test_the_old_homes_re_export_the_same_objects():
    assert ingest.Article is Article and ingest.Problem is Problem
    assert ingest.content_id is content_id
    assert scoring.ScoredArticle is ScoredArticle and scoring.EXCLUSIONS is EXCLUSIONS


def _loaded(module: str) -> list[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return run.stdout.split()


@pytest.mark.parametrize("module", ["framing.article", "framing.store", "framing.report"])
def test_importing_loads_no_scikit_learn(module):
    loaded = _loaded(module)
    assert module in loaded
    assert [m for m in loaded if m.startswith("sklearn")] == []


def test_the_records_import_nothing_heavy():
    heavy = ("sklearn", "numpy", "scipy", "trafilatura", "tldextract")
    loaded = _loaded("framing.article")
    assert [m for m in loaded if m.split(".")[0] in heavy] == []
    assert [m for m in loaded if m.startswith("framing.")] == ["framing.article"]


def test_problem_log_counts_passes_on_or_raises():
    from framing.article import ProblemLog
    from framing.errors import InputError

    seen = []
    log = ProblemLog(seen.append)
    log.report("a.jsonl", 3, "not JSON")
    log(Problem("b.html", None, "decoded as cp1252", "warning"))
    assert (log.errors, log.warnings) == (1, 1)
    assert [str(p) for p in seen] == ["a.jsonl:3: not JSON", "b.html: decoded as cp1252"]
    strict = ProblemLog(seen.append, strict=True)
    with pytest.raises(InputError, match="a.jsonl:3: not JSON"):
        strict.report("a.jsonl", 3, "not JSON")
    strict.report("dir", None, "2 files skipped", "warning", strict=False)  # a notice: passed on
    assert (strict.errors, strict.warnings, len(seen)) == (1, 1, 3)
