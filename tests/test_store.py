"""The score store: idempotency, concurrent writers, killed runs, round trip, schema.

The concurrency and kill tests run this file as a script in child processes (see
:func:`_child`), so that they write through a real second process with its own locks.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from framing import store as store_module
from framing.article import Article, ScoredArticle, content_id
from framing.errors import FramingError
from framing.markers import Evidence
from framing.store import SCHEMA_VERSION, Store, StoreError, article_key

REPO = Path(__file__).resolve().parents[1]
CHILD_TIMEOUT = 120


# --------------------------------------------------------------------------- building blocks


@dataclass
class FakeModel:
    """What the store needs of a model: its target and the sha256 in its card."""

    target: str
    card: dict = field(default_factory=dict)


def fake_model(target: str, sha256: str) -> FakeModel:
    return FakeModel(target, {"sha256": sha256, "target": target, "note": "fake"})


MODEL_A = fake_model("pro_kremlin_framing", "a" * 64)
MODEL_B = fake_model("unreliable_source", "b" * 64)
MODELS = [MODEL_A, MODEL_B]


def make_article(i: int, *, words: int = 40) -> Article:
    """Article ``i``: a distinct text (non-ASCII included), varied metadata, some fields empty."""
    pick = random.Random(i)
    body = " ".join(f"word{pick.randrange(5000)}" for _ in range(words))
    text = (f"Story {i}: Київ — «special military operation» in Luпansk\u200b, café ☕ 北京\n"
            f"{body}\nעברית ({i})\n")
    return Article(
        id=f"art-{i:05d}",
        text=text,
        title=f"Title {i} — ünïcode" if i % 3 else None,
        url=f"https://example{i % 5}.com/{i}" if i % 4 else None,
        source=f"source{i % 5}.com" if i % 7 else None,
        source_method="url" if i % 7 else None,
        published=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 60) if i % 6 else None,
        author=f"Автор {i}" if i % 2 else None,
        path=f"/data/batch{i // 100}.jsonl" if i % 2 else f"/data/{i}.txt",
        record=i + 1 if i % 2 else None,
    )


def make_flags(i: int) -> list[Evidence]:
    return [
        Evidence("KN101", "narrative", 20 + k, 47 + k, 1, 21 + k,
                 "special military operation", f"Kremlin euphemism {k} «quoted»")
        for k in range(i % 3)
    ]


def probability(i: int, salt: int = 0) -> float:
    # Full-precision floats: the round trip must give back the very same number.
    return ((i + 1) * 0.6180339887498949 + salt * 0.1234567) % 1.0


def make_scored(i: int, models=MODELS, salt: int = 0, words: int = 40) -> ScoredArticle:
    return ScoredArticle(
        make_article(i, words=words),
        {m.target: probability(i, salt + k) for k, m in enumerate(models)},
        make_flags(i),
    )


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def table_counts(path: Path) -> tuple[int, int, int]:
    return tuple(rows(path, f"SELECT count(*) FROM {t}")[0][0]
                 for t in ("articles", "scores", "models"))


def integrity(path: Path) -> str:
    return rows(path, "PRAGMA integrity_check")[0][0]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "scores.db"


# --------------------------------------------------------------------------- idempotency


def test_adding_the_same_articles_twice_adds_nothing(db):
    items = [make_scored(i) for i in range(25)]
    with Store(db) as store:
        assert store.add(items, MODELS, batch_size=10) == (25, 0)
        assert table_counts(db) == (25, 50, 2)
        assert store.add(items, MODELS, batch_size=7) == (0, 25)
        assert table_counts(db) == (25, 50, 2)
        assert store.count() == 25
    with Store(db) as store:  # and after reopening
        assert store.add(items[:5], MODELS) == (0, 5)
    assert table_counts(db) == (25, 50, 2)


def test_a_new_model_adds_score_rows_only(db):
    items = [make_scored(i) for i in range(12)]
    newer_a = fake_model(MODEL_A.target, "c" * 64)
    with Store(db) as store:
        store.add(items, MODELS)
        assert store.add([make_scored(i, [newer_a]) for i in range(12)], [newer_a]) == (12, 0)
        assert table_counts(db) == (12, 36, 3)
        assert store.add([make_scored(i, [newer_a]) for i in range(12)], [newer_a]) == (0, 12)
        assert table_counts(db) == (12, 36, 3)
        assert store.count() == 12
        first = items[0].article
        assert store.has(first, "a" * 64) and store.has(first, "c" * 64)
        assert not store.has(first, "d" * 64) and not store.has(make_article(99), "a" * 64)
        elsewhere = dataclasses.replace(first, url="https://elsewhere.example/copy")
        assert not store.has(elsewhere, "a" * 64)  # the same text at another URL


def test_the_same_text_twice_in_one_batch_is_stored_once(db):
    twin = make_scored(3)
    twin.article.id = "another-id"  # same text, so the same content hash
    with Store(db) as store:
        assert store.add([make_scored(3), twin, make_scored(4)], MODELS) == (2, 1)
        assert [s.article.id for s in store.scored()] == ["art-00003", "art-00004"]


def test_known_needs_every_given_model(db):
    only_a = [make_scored(i, [MODEL_A]) for i in range(5)]
    both = [make_scored(i) for i in range(5, 8)]
    with Store(db) as store:
        store.add(only_a, [MODEL_A])
        store.add(both, MODELS)
        hashes = {i: article_key(make_article(i)) for i in range(8)}
        assert store.known(["a" * 64]) == set(hashes.values())
        assert store.known(["a" * 64, "b" * 64]) == {hashes[i] for i in (5, 6, 7)}
        assert store.known(["b" * 64, "unknown"]) == set()
        assert store.known([]) == set(hashes.values())


def test_the_last_added_model_of_a_target_wins(db):
    newer_a = fake_model(MODEL_A.target, "c" * 64)
    with Store(db) as store:
        store.add([make_scored(i, [MODEL_A]) for i in range(6)], [MODEL_A])
        store.add([make_scored(i, [newer_a], salt=5) for i in range(3)], [newer_a])
        # The older model scoring again later does not take over.
        store.add([make_scored(i, [MODEL_A]) for i in range(6)], [MODEL_A])
        got = {s.article.id: s.scores[MODEL_A.target] for s in store.scored()}
    expected = {f"art-{i:05d}": probability(i, 5 if i < 3 else 0) for i in range(6)}
    assert got == expected


def test_model_cards_are_the_newest_per_target(db):
    newer_a = fake_model(MODEL_A.target, "c" * 64)
    with Store(db) as store:
        assert store.model_cards() == []
        store.add([make_scored(i) for i in range(3)], MODELS)
        store.add([make_scored(i, [newer_a]) for i in range(3)], [newer_a])
        cards = store.model_cards()
    assert sorted(c["sha256"] for c in cards) == ["b" * 64, "c" * 64]


# --------------------------------------------------------------------------- round trip


def test_round_trip_gives_back_articles_scores_and_flags(db):
    items = [make_scored(i) for i in range(40)]
    with Store(db) as store:
        store.add(items, MODELS, batch_size=9)
        back = list(store.scored())
    by_id = {s.article.id: s for s in items}
    assert len(back) == len(items)
    for got in back:
        original = by_id[got.article.id]
        assert got.article == original.article  # every field, text included
        assert got.article.location == original.article.location
        assert got.scores == original.scores  # exactly, not approximately
        assert got.flags == original.flags
        assert all(isinstance(e, Evidence) for e in got.flags)
    assert sum(bool(s.flags) for s in back) == 26
    assert all("Київ" in s.article.text for s in back)


def with_scope(item: ScoredArticle, i: int) -> ScoredArticle:
    """``item`` with a scope and a confidence per target, varied by ``i``."""
    item.scope = {"language": "en", "war_topic": (i % 5) / 4}
    item.confidence = {t: {"similarity": 0.1 + (i % 7) / 10, "low_confidence": i % 4 == 0}
                       for t in item.scores}
    if i % 3 == 0:
        item.narratives = [{"narrative": "Blaming the war on others «NATO»", "probability": 0.8,
                            "asserted": True, "paragraphs": [0, 2]}]
    return item


def unscored(i: int, reason: str = "not_english") -> ScoredArticle:
    """An article no score applies to, with its scope and flags."""
    item = ScoredArticle(make_article(5000 + i), None, make_flags(i),
                         scope={"language": "de" if reason == "not_english" else "en",
                                "reason": reason})
    return item


def test_round_trip_gives_back_scope_confidence_and_unscored_articles(db):
    items = [with_scope(make_scored(i), i) for i in range(20)]
    items += [unscored(i) for i in range(3)] + [unscored(9, "too_short")]
    with Store(db) as store:
        assert store.add(items, MODELS, batch_size=6) == (24, 0)
        assert store.add(items, MODELS) == (0, 24)
        assert table_counts(db) == (24, 40, 2)
        back = {s.article.id: s for s in store.scored()}
        # Unscored articles are done for any model: a resume does not score them again.
        assert store.known(["a" * 64, "b" * 64]) == {article_key(s.article) for s in items}
        # A target filter keeps them too: they are out of scope for every target.
        only_b = list(store.scored(targets=[MODEL_B.target]))
        assert len(only_b) == 24
        assert all(s.scores is None or set(s.scores) == {MODEL_B.target} for s in only_b)
        assert all(s.scores is None or set(s.confidence) == {MODEL_B.target} for s in only_b)
    assert len(back) == 24
    for original in items:
        got = back[original.article.id]
        assert got.article == original.article and got.flags == original.flags
        assert got.scores == original.scores and got.scope == original.scope
        assert got.confidence == original.confidence
        assert got.narratives == original.narratives
        for target in ("pro_kremlin_framing", "unreliable_source"):
            assert got.exclusion(target) == original.exclusion(target)
    reasons = {got.exclusion("pro_kremlin_framing") for got in back.values()}
    assert {"not_english", "too_short", "off_topic", "low_confidence", None} == reasons


def with_techniques(item: ScoredArticle, i: int) -> ScoredArticle:
    """``item`` with techniques and frames varied by ``i``: not read, read and none found, found.

    The frames are in the order the model gives them (asserted first, then by probability),
    not alphabetical, so that a round trip losing the order shows.
    """
    if i % 3 == 1:
        item.techniques = []
    elif i % 3 == 2:
        item.techniques = [
            {"line": 1, "id": "PT15", "technique": "Loaded_Language", "probability": 0.91,
             "start": 0, "end": 12, "text": f"Story {i}: Київ «quoted»"},
            {"line": 3, "id": "PT05", "technique": "Name_Calling-Labeling",
             "probability": 0.55},  # a paragraph without a sentence: no span
        ]
    if i % 4 == 1:
        item.frames = {"Political": {"probability": 0.2, "asserted": False},
                       "Economic": {"probability": 0.1, "asserted": False}}
    elif i % 4 >= 2:
        item.frames = {
            "Security_and_defense": {"probability": 0.8, "asserted": True, "paragraphs": [
                {"line": 1, "probability": 0.7, "text": "Київ — «special military operation»"}]},
            "Political": {"probability": 0.4, "asserted": False},
            "Economic": {"probability": 0.3, "asserted": False},
        }
    return item


def test_round_trip_keeps_techniques_and_frames_and_what_was_not_read(db):
    items = [with_techniques(make_scored(i), i) for i in range(12)]
    items += [with_techniques(unscored(0), 2)]  # an unscored article read anyway
    with Store(db) as store:
        assert store.add(items, MODELS, batch_size=5) == (13, 0)
        back = {s.article.id: s for s in store.scored()}
    assert {type(s.techniques) for s in back.values()} == {type(None), list}
    for original in items:
        got = back[original.article.id]
        # None stays None ("not read") and [] stays [] ("read, none found").
        assert got.techniques == original.techniques
        assert (got.techniques is None) == (original.techniques is None)
        assert got.frames == original.frames
        assert (got.frames is None) == (original.frames is None)
        if original.frames is not None:
            assert list(got.frames) == list(original.frames)  # asserted first, as given
        assert got.to_dict() == original.to_dict()
    assert rows(db, "SELECT count(*) FROM articles WHERE techniques IS NULL") == [(4,)]
    assert rows(db, "SELECT count(*) FROM articles WHERE frames IS NULL") == [(3,)]


def test_a_later_run_with_the_models_fills_in_techniques_and_frames(db):
    plain = [make_scored(i) for i in range(6)]
    with Store(db) as store:
        store.add(plain, MODELS)
        assert all(s.techniques is None and s.frames is None for s in store.scored())
        # The same articles read by the models: filled in, nothing counted as added.
        read = [with_techniques(make_scored(i), i) for i in range(6)]
        assert store.add(read, MODELS) == (0, 6)
        got = {s.article.id: s for s in store.scored()}
        for item in read:
            assert got[item.article.id].techniques == item.techniques
            assert got[item.article.id].frames == item.frames
        # What is stored stays: a third run (other findings, or none read) rewrites nothing.
        other = [with_techniques(make_scored(i), i + 1) for i in range(6)]
        assert store.add(other + plain, MODELS) == (0, 12)
        again = {s.article.id: s for s in store.scored()}
    for item in read:
        expected = item.techniques if item.techniques is not None else other[
            read.index(item)].techniques
        assert again[item.article.id].techniques == expected
    assert table_counts(db) == (6, 12, 2)


def test_the_report_over_the_store_leaves_out_the_same_scores(db, tiny_default_models):
    from framing.report import build_report

    items = [with_scope(make_scored(i), i) for i in range(30)]
    items += [unscored(i) for i in range(4)]
    with Store(db) as store:
        store.add(items, MODELS)
        from_store = build_report(store.scored()).to_dict()
    fresh = build_report(items).to_dict()
    assert from_store["sources"] == fresh["sources"]
    assert from_store["not_scored"] == fresh["not_scored"] == {"not_english": 4}
    assert from_store["excluded"] == fresh["excluded"]
    assert fresh["excluded"] == {"pro_kremlin_framing": {"off_topic": 12, "low_confidence": 5},
                                 "unreliable_source": {"low_confidence": 8}}
    # Every third article carries the narrative.
    assert sum(n["articles"] for s in fresh["sources"] for n in s["narratives"]) == 10


def test_stream_order_is_source_then_date_then_id(db):
    with Store(db) as store:
        store.add([make_scored(i) for i in range(40)], MODELS)
        keys = [(s.article.source or "", s.article.published or datetime.date.min, s.article.id)
                for s in store.scored()]
    assert keys == sorted(keys)


def test_filters_by_date_source_and_target(db):
    items = [make_scored(i) for i in range(60)]
    only_a = ScoredArticle(make_article(1000), {MODEL_A.target: 0.5}, [])
    with Store(db) as store:
        store.add(items + [only_a], MODELS)
        since, until = datetime.date(2024, 1, 10), datetime.date(2024, 1, 20)
        everything = items + [only_a]
        got = {s.article.id for s in store.scored(since=since, until=until)}
        assert got == {a.article.id for a in everything
                       if a.article.published and since <= a.article.published <= until}
        assert {s.article.id for s in store.scored(since=until)} == {
            a.article.id for a in everything
            if a.article.published and a.article.published >= until}
        assert {s.article.id for s in store.scored(until=since)} == {
            a.article.id for a in everything
            if a.article.published and a.article.published <= since}
        assert len(list(store.scored())) == 61  # no filter: undated articles too

        picked = ["source1.com", "source3.com"]
        got = list(store.scored(sources=picked))
        assert got and {s.article.source for s in got} == set(picked)
        assert len(got) == sum(a.article.source in picked for a in items)

        got = list(store.scored(targets=[MODEL_B.target]))
        assert len(got) == 60 and all(set(s.scores) == {MODEL_B.target} for s in got)
        assert len(list(store.scored(targets=[MODEL_A.target]))) == 61
        assert list(store.scored(targets=["no_such_target"])) == []

        got = list(store.scored(since=since, sources=["source2.com"], targets=[MODEL_A.target]))
        assert got and all(s.article.source == "source2.com" and s.article.published >= since
                           for s in got)


def test_a_stream_reads_one_snapshot_and_does_not_block_writes(db):
    with Store(db) as store:
        store.add([make_scored(i) for i in range(30)], MODELS)
        stream = store.scored()
        first = next(stream)
        assert store.add([make_scored(i) for i in range(30, 40)], MODELS) == (10, 0)
        assert len([first, *stream]) == 30  # the 10 added meanwhile are not in this stream
        assert len(list(store.scored())) == 40
        half = store.scored()
        next(half)
        del half  # dropped halfway: its transaction must not linger
        assert store.add([make_scored(40)], MODELS) == (1, 0)


def test_trained_models_and_seed_articles_round_trip(db, tiny_models):
    from framing.ingest import iter_articles
    from framing.markers import Extractor
    from framing.scoring import score_articles

    models = list(tiny_models.values())
    scored = list(score_articles(iter_articles([str(REPO / "corpus" / "seeds")]), models,
                                 Extractor()))
    # The models whose probabilities land in ``scores`` (a war-topic or narratives model
    # feeds ``scope`` and ``narratives`` instead), as the CLI stores them.
    scored_by = [m for m in models if any(m.target in (s.scores or {}) for s in scored)]
    assert len(scored) == 5
    assert [m.target for m in scored_by] == ["pro_kremlin_framing", "unreliable_source"]
    with Store(db) as store:
        assert store.add(scored, scored_by) == (len(scored), 0)
        assert store.add(scored, scored_by) == (0, len(scored))
        back = {s.article.id: s for s in store.scored()}
        assert store.known([m.card["sha256"] for m in scored_by]) == {
            article_key(s.article) for s in scored}
    assert len(back) == len(scored)
    for original in scored:
        got = back[original.article.id]
        assert got.scores == original.scores and got.flags == original.flags
        assert got.scope == original.scope and got.confidence == original.confidence
        assert got.narratives == original.narratives
        assert got.article.text == original.article.text
        assert got.article.location == original.article.location
        assert got.article.published == original.article.published


# --------------------------------------------------------------------------- republications


def republished(n: int, text: str = "One agency text about the front, word for word.\n") -> list:
    """The same body at ``n`` outlets: ``n`` articles with their own URL, id and source."""
    return [ScoredArticle(
        Article(id=f"rep-{k}", text=text, title=f"Headline {k}", url=f"https://outlet{k}.com/a",
                source=f"outlet{k}.com", source_method="url", path="/in/wire.jsonl",
                record=k + 1),
        {MODEL_A.target: 0.25 + k / 10}, []) for k in range(n)]


def test_one_body_at_three_urls_is_three_articles(db):
    items = republished(3)
    body = content_id(items[0].article.text)
    with Store(db) as store:
        assert store.add(items, [MODEL_A]) == (3, 0)
        assert store.count() == 3
        back = list(store.scored())
        assert store.shared_bodies() == {body: 3}
        assert store.shared_bodies(at_least=4) == {}
        assert store.known([MODEL_A.card["sha256"]]) == {article_key(s.article) for s in items}
        # Rerunning the same input, whole or in other batches, adds nothing.
        assert store.add(items, [MODEL_A], batch_size=2) == (0, 3)
        assert store.add(republished(4)[1:], [MODEL_A]) == (1, 2)
    assert table_counts(db) == (4, 4, 1)
    # Each comes back as itself, with its own identity and score, for a report to count.
    assert [(s.article.url, s.article.id, s.article.source, s.article.title, s.scores)
            for s in back] == [(s.article.url, s.article.id, s.article.source,
                                s.article.title, s.scores) for s in items]
    assert {content_id(s.article.text) for s in back} == {body}


def test_a_resume_skips_the_stored_copy_only(db):
    from framing.batch import DoneSet

    items = republished(3)
    with Store(db) as store:
        store.add(items[:1], [MODEL_A])
        done = DoneSet(keys=store.known([MODEL_A.card["sha256"]]))
    assert items[0].article in done
    # The same text at the other outlets' URLs is still to be scored.
    assert items[1].article not in done and items[2].article not in done
    assert len(done) == 1


def test_identity_is_the_url_else_the_given_id_else_the_place(db):
    text = "A scrape that got the cookie banner instead of the article.\n"
    derived = content_id(text)
    same_url = [Article(id=f"x{k}", text=text, url="https://site.com/p", path=f"/c/{k}.html")
                for k in range(2)]
    by_id = [Article(id=f"given-{k}", text=text, path="/c/all.csv", record=k + 2)
             for k in range(2)]
    by_place = [Article(id=derived, text=text, path=f"/c/page{k}.html") for k in range(2)]
    by_record = [Article(id=derived, text=text, path="/c/all.jsonl", record=k + 1)
                 for k in range(2)]
    assert store_module.article_identity(same_url[0]) == "url:https://site.com/p"
    assert store_module.article_identity(by_id[0]) == "id:given-0"
    assert store_module.article_identity(by_place[0]) == "at:/c/page0.html"
    assert store_module.article_identity(by_record[1]) == "at:/c/all.jsonl#2"
    items = [ScoredArticle(a, {MODEL_A.target: 0.5}, [])
             for a in same_url + by_id + by_place + by_record]
    with Store(db) as store:
        # One URL is one article however its ids differ; the others are two each.
        assert store.add(items, [MODEL_A]) == (7, 1)
        assert store.shared_bodies() == {derived: 7}
        assert store.add(items, [MODEL_A]) == (0, 8)


# The version-2 step as it shipped, applied over _V1_SCHEMA: a version-2 store built without
# the code under test.
_V2_STEP = (
    "ALTER TABLE articles ADD COLUMN scope TEXT",
    "ALTER TABLE articles ADD COLUMN narratives TEXT",
    "ALTER TABLE scores ADD COLUMN low_confidence INTEGER CHECK (low_confidence IN (0, 1))",
    "ALTER TABLE scores ADD COLUMN similarity REAL",
    "DROP VIEW article_scores",
    """CREATE VIEW article_scores AS
        SELECT a.content_hash, a.id, a.source, a.published, m.target,
               m.sha256 AS model_sha256, s.probability, s.low_confidence, s.similarity,
               a.scope
        FROM scores s JOIN articles a USING (article) JOIN models m USING (model)""",
)


def _make_v2_store(path: Path, items: list[ScoredArticle]) -> None:
    """A version-2 store holding ``items``, each with a scope and a confidence."""
    _make_v1_store(path, items)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for statement in _V2_STEP:
        conn.execute(statement)
    conn.execute("""UPDATE articles SET scope = '{"language":"en"}'""")
    conn.execute("UPDATE scores SET low_confidence = article % 2, similarity = 0.5")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("COMMIT")
    conn.close()


def test_a_version_2_store_is_carried_over_to_identity_and_text(db):
    # Version 2 kept one text once: the first of three republications stands for all three.
    wire = republished(3)
    items = [make_scored(i) for i in range(12)] + wire[:1]
    _make_v2_store(db, items)
    before = rows(db, "SELECT article, content_hash, id, url, path, record FROM articles "
                      "ORDER BY article")
    scores_before = rows(db, "SELECT * FROM scores ORDER BY article, model")
    with Store(db) as store:
        back = list(store.scored())
        assert [(s.article, s.scores, s.flags) for s in back] == [
            (s.article, s.scores, s.flags) for s in _stream_order(items)]
        assert all(s.scope == {"language": "en"} for s in back)
        # Rows keep their hash and ids; each gets the identity the same rule gives new rows.
        assert store.known([]) == {article_key(s.article) for s in items}
        # The same input again: the stored copy is found, the other two are added.
        assert store.add(wire, [MODEL_A]) == (2, 1)
        assert store.shared_bodies() == {content_id(wire[0].article.text): 3}
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)] == [(4,)]
    after = rows(db, "SELECT article, content_hash, id, url, path, record FROM articles "
                     f"WHERE article <= {len(items)} ORDER BY article")
    assert after == before
    assert rows(db, f"SELECT * FROM scores WHERE article <= {len(items)} "
                    "ORDER BY article, model") == scores_before
    # No foreign key points at a dropped or renamed-away table.
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert "articles_v3" not in "".join(r[0] or "" for r in rows(db, "SELECT sql FROM "
                                                                     "sqlite_master"))
    view = [r[1] for r in rows(db, "PRAGMA table_info(article_scores)")]
    assert {"content_hash", "identity", "url", "probability", "low_confidence"} <= set(view)
    assert integrity(db) == "ok"


def test_a_version_1_store_is_carried_over_through_version_2(db):
    _make_v1_store(db, republished(1))
    with Store(db) as store:
        assert store.add(republished(3), [MODEL_A]) == (2, 1)
        assert store.count() == 3
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(db, "SELECT identity FROM articles ORDER BY article") == [
        (f"url:https://outlet{k}.com/a",) for k in range(3)]


def test_a_version_3_store_is_carried_over_to_techniques_and_frames(db, monkeypatch):
    items = [with_scope(make_scored(i), i) for i in range(8)]
    _make_v2_store(db, items)
    # Version 3 as it shipped: the first three steps (steps are never edited once shipped).
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:3])
    Store(db).close()
    monkeypatch.undo()
    assert rows(db, "PRAGMA user_version") == [(3,)]
    columns = [r[1] for r in rows(db, "PRAGMA table_info(articles)")]
    assert "techniques" not in columns and "frames" not in columns
    before = rows(db, "SELECT * FROM articles ORDER BY article")
    with Store(db) as store:
        back = list(store.scored())
        assert [(s.article, s.scores) for s in back] == [
            (s.article, s.scores) for s in _stream_order(items)]
        # Not read by models that did not exist yet.
        assert all(s.techniques is None and s.frames is None for s in back)
        # A run with the models fills them in, adding nothing.
        read = [with_techniques(make_scored(i), 2) for i in range(8)]
        assert store.add(read, MODELS) == (0, 8)
        assert all(s.techniques == read[0].techniques and s.frames == read[0].frames
                   for s in store.scored())
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    # Every column of version 3 is kept as it was, the new ones come last.
    after = rows(db, "SELECT * FROM articles ORDER BY article")
    assert [r[:len(before[0])] for r in after] == before
    assert [r[1] for r in rows(db, "PRAGMA table_info(articles)")][-2:] == [
        "techniques", "frames"]
    assert integrity(db) == "ok"


# --------------------------------------------------------------------------- bad input


def test_scores_must_match_the_models_given(db):
    with Store(db) as store:
        with pytest.raises(StoreError, match="no model of that target"):
            store.add([make_scored(1)], [MODEL_A])
        with pytest.raises(StoreError, match="two models for target"):
            store.add([make_scored(1)], [MODEL_A, fake_model(MODEL_A.target, "e" * 64)])
        with pytest.raises(StoreError, match="no sha256"):
            store.add([make_scored(1)], [FakeModel("unreliable_source", {})])
        for bad in (1.5, float("nan"), "high"):
            item = ScoredArticle(make_article(1), {MODEL_A.target: bad}, [])
            with pytest.raises(StoreError, match="between 0 and 1"):
                store.add([item], [MODEL_A])
        assert store.count() == 0
    assert issubclass(StoreError, FramingError)


def test_a_model_sha_cannot_change_target(db):
    with Store(db) as store:
        store.add([make_scored(1, [MODEL_A])], [MODEL_A])
        impostor = fake_model("unreliable_source", MODEL_A.card["sha256"])
        with pytest.raises(StoreError, match="stored for target"):
            store.add([make_scored(2, [impostor])], [impostor])
        assert store.count() == 1


def test_a_closed_store_says_so(db):
    store = Store(db)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.count()
    with pytest.raises(StoreError, match="closed"):
        store.scored()


# --------------------------------------------------------------------------- schema


def test_new_store_is_versioned_and_in_wal_mode(db):
    Store(db).close()
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(db, "PRAGMA application_id") == [(store_module.APPLICATION_ID,)]
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert SCHEMA_VERSION == len(store_module.MIGRATIONS) >= 1


def test_a_newer_store_is_refused_untouched(db):
    with Store(db) as store:
        store.add([make_scored(1)], MODELS)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match=rf"version {SCHEMA_VERSION + 1} is newer"):
        Store(db)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]


def _add_language(conn: sqlite3.Connection) -> None:
    """A fake version 1 -> 2 step: a new column filled from existing data."""
    conn.execute("ALTER TABLE articles ADD COLUMN language TEXT")
    conn.execute("UPDATE articles SET language = 'en'")


def _stream_order(items):
    return sorted(items, key=lambda s: (s.article.source or "", s.article.published or
                                        datetime.date.min, s.article.id))


def test_an_older_store_is_migrated_in_order(db, monkeypatch):
    items = [make_scored(i) for i in range(10)]
    with Store(db) as store:  # a store of the current version, made by this test
        store.add(items, MODELS)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]

    steps = []
    def record(conn):
        steps.append(conn.execute("PRAGMA user_version").fetchone()[0])
    monkeypatch.setattr(store_module, "MIGRATIONS",
                        (*store_module.MIGRATIONS, _add_language, record))
    with Store(db) as store:
        assert store.count() == 10
        assert [s.scores for s in store.scored()] == [s.scores for s in _stream_order(items)]
    # Inside the migration's transaction, before the version is bumped.
    assert steps == [SCHEMA_VERSION]
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION + 2,)]
    assert rows(db, "SELECT DISTINCT language FROM articles") == [("en",)]
    assert integrity(db) == "ok"


def test_a_fresh_store_runs_every_step_from_zero(db, monkeypatch):
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, _add_language))
    with Store(db) as store:
        store.add([make_scored(1)], MODELS)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]
    assert rows(db, "SELECT language FROM articles") == [(None,)]


# The version-1 schema as it shipped: the test builds an old store from these statements, not
# from the code under test, so a change to the steps cannot hide a broken carry-over.
_V1_SCHEMA = (
    """CREATE TABLE models (model INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE,
        target TEXT NOT NULL, card TEXT NOT NULL, first_seen TEXT NOT NULL)""",
    """CREATE TABLE articles (article INTEGER PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE,
        id TEXT NOT NULL, source TEXT, source_method TEXT, title TEXT, url TEXT,
        published TEXT, author TEXT, path TEXT NOT NULL, record INTEGER, flags TEXT NOT NULL,
        added TEXT NOT NULL, text BLOB NOT NULL)""",
    "CREATE INDEX articles_order ON articles (source, published, id)",
    """CREATE TABLE scores (article INTEGER NOT NULL REFERENCES articles,
        model INTEGER NOT NULL REFERENCES models,
        probability REAL NOT NULL CHECK (probability BETWEEN 0 AND 1),
        PRIMARY KEY (article, model)) WITHOUT ROWID""",
    """CREATE VIEW article_scores AS
        SELECT a.content_hash, a.id, a.source, a.published, m.target,
               m.sha256 AS model_sha256, s.probability
        FROM scores s JOIN articles a USING (article) JOIN models m USING (model)""",
)


def _make_v1_store(path: Path, items: list[ScoredArticle]) -> None:
    """A version-1 store holding ``items``, written the way version 1 wrote them."""
    import zlib

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for statement in _V1_SCHEMA:
        conn.execute(statement)
    for n, model in enumerate(MODELS, 1):
        conn.execute("INSERT INTO models VALUES (?, ?, ?, ?, ?)",
                     (n, model.card["sha256"], model.target, json.dumps(model.card),
                      "2025-01-01T00:00:00+00:00"))
    model_ids = {m.target: n for n, m in enumerate(MODELS, 1)}
    for item in items:
        a = item.article
        cursor = conn.execute(
            "INSERT INTO articles (content_hash, id, source, source_method, title, url, "
            "published, author, path, record, flags, added, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (content_id(a.text), a.id, a.source, a.source_method, a.title, a.url,
             a.published.isoformat() if a.published else None, a.author, a.path, a.record,
             json.dumps([e.to_dict() for e in item.flags]), "2025-01-01T00:00:00+00:00",
             zlib.compress(a.text.encode("utf-8"))))
        for target, p in item.scores.items():
            conn.execute("INSERT INTO scores VALUES (?, ?, ?)",
                         (cursor.lastrowid, model_ids[target], p))
    conn.execute(f"PRAGMA application_id = {store_module.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()


def test_a_version_1_store_is_carried_over_to_scope_and_confidence(db):
    items = [make_scored(i) for i in range(12)]
    _make_v1_store(db, items)
    with Store(db) as store:
        back = list(store.scored())
        assert [(s.article, s.scores, s.flags) for s in back] == [
            (s.article, s.scores, s.flags) for s in _stream_order(items)]
        # Nothing was known of scope or confidence: every score still counts.
        assert all(s.scope == {} and s.confidence == {} for s in back)
        assert all(s.exclusion(t) is None for s in back for t in s.scores)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(db, "SELECT count(*) FROM articles WHERE scope IS NULL") == [(12,)]
    assert rows(db, "SELECT count(*) FROM scores WHERE low_confidence IS NULL") == [(24,)]
    assert rows(db, "SELECT count(*) FROM articles WHERE narratives IS NULL") == [(12,)]
    view = [r[1] for r in rows(db, "PRAGMA table_info(article_scores)")]
    assert {"probability", "low_confidence", "similarity", "scope"} <= set(view)
    assert integrity(db) == "ok"

    # Scoring the same articles again fills in what version 1 did not keep, adding nothing.
    again = [with_scope(make_scored(i), i) for i in range(12)]
    with Store(db) as store:
        assert store.add(again, MODELS) == (0, 12)
        got = {s.article.id: s for s in store.scored()}
    for item in again:
        assert got[item.article.id].scope == item.scope
        assert got[item.article.id].confidence == item.confidence
        assert got[item.article.id].narratives == item.narratives
    assert table_counts(db) == (12, 24, 2)


def test_a_store_from_before_this_version_refuses_nothing_it_had(db):
    # The earliest store, with no model scores at all, opens and migrates too.
    _make_v1_store(db, [])
    with Store(db) as store:
        assert store.count() == 0
        assert store.add([make_scored(1)], MODELS) == (1, 0)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_a_failing_migration_leaves_the_store_unchanged(db, monkeypatch):
    with Store(db) as store:
        store.add([make_scored(1)], MODELS)

    def half_done(conn):
        conn.execute("CREATE TABLE half (x)")
        conn.execute("ALTER TABLE articles ADD COLUMN language TEXT")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, half_done))
    with pytest.raises(StoreError, match=rf"from schema version {SCHEMA_VERSION} to "
                       rf"{SCHEMA_VERSION + 1} failed.*disk on fire"):
        Store(db)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'half'") == []
    assert "language" not in [r[1] for r in rows(db, "PRAGMA table_info(articles)")]
    monkeypatch.undo()
    with Store(db) as store:
        assert store.count() == 1


def test_a_file_that_is_not_sqlite_is_refused_by_name(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a SQLite database") as info:
        Store(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before


def test_another_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a framing store") as info:
        Store(path)
    assert str(path) in str(info.value)
    assert rows(path, "PRAGMA journal_mode") == [("delete",)]


def test_unusable_paths_are_named(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)
    missing = tmp_path / "no" / "such" / "dir" / "scores.db"
    with pytest.raises(StoreError, match="cannot open") as info:
        Store(missing)
    assert str(missing) in str(info.value)


def test_a_lock_held_too_long_gives_a_clear_error(db):
    with Store(db) as store:
        store.add([make_scored(1)], MODELS)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    try:
        with Store(db, timeout=0.2) as store:
            assert store.count() == 1  # readers do not wait for writers in WAL mode
            assert len(list(store.scored())) == 1
            start = time.monotonic()
            with pytest.raises(StoreError, match=r"locked by another process for more than 0.2"):
                store.add([make_scored(2)], MODELS)
            assert time.monotonic() - start >= 0.15
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store(db) as store:
        assert store.add([make_scored(2)], MODELS) == (1, 0)


# --------------------------------------------------------------------------- other processes


def _run_child(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + CHILD_TIMEOUT
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"child exited ({process.returncode}) before {what}: "
                        f"{process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"child never reached {what}")
        time.sleep(0.01)


@pytest.mark.slow
def test_two_processes_writing_at_once(tmp_path, db):
    # Overlapping ranges, the second written backwards, so both meet on the shared articles;
    # both open the fresh store, then start together.
    go = tmp_path / "go"
    jobs = [("0", "400", "forward"), ("200", "600", "backward")]
    children = [_run_child("write", str(db), start, stop, "5", "--order", order,
                           "--ready", str(tmp_path / f"ready{n}"), "--go", str(go))
                for n, (start, stop, order) in enumerate(jobs)]
    for n, child in enumerate(children):
        _wait_for(tmp_path / f"ready{n}", child, "opening the store")
    go.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
        assert child.returncode == 0, err
        results.append(json.loads(out))
    added = sum(r["added"] for r in results)
    present = sum(r["present"] for r in results)
    assert (added, present) == (600, 200)  # each shared article added by exactly one writer
    assert table_counts(db) == (600, 1200, 2)
    assert rows(db, "SELECT content_hash FROM articles GROUP BY content_hash "
                    "HAVING count(*) > 1") == []
    assert integrity(db) == "ok"
    with Store(db) as store:
        assert {s.article.id for s in store.scored()} == {f"art-{i:05d}" for i in range(600)}


@pytest.mark.slow
def test_processes_creating_the_store_at_once(tmp_path, db):
    # All open the same missing file at the same moment: one creates the schema, the others
    # must wait for it and neither fail nor take the half-made file for a foreign database.
    go = tmp_path / "go"
    children = [_run_child("write", str(db), str(n * 10), str(n * 10 + 20), "5",
                           "--ready", str(tmp_path / f"ready{n}"), "--go", str(go),
                           "--open-after-go")
                for n in range(4)]
    for n, child in enumerate(children):
        _wait_for(tmp_path / f"ready{n}", child, "start")
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=CHILD_TIMEOUT)
        assert child.returncode == 0, err
    assert table_counts(db) == (50, 100, 2)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert integrity(db) == "ok"


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_run_keeps_whole_batches_and_a_rerun_completes_it(tmp_path, db):
    batch, total, words = 20, 100, 1500  # long texts, so a batch outgrows the page cache
    marker = tmp_path / "two-batches-committed"
    child = _run_child("write", str(db), "0", str(total), str(batch), "--words", str(words),
                       "--stall-after", "2", "--marker", str(marker))
    _wait_for(marker, child, "the third batch")
    # Part of the third batch is on disk in the WAL, uncommitted: what recovery must ignore.
    assert os.path.getsize(f"{db}-wal") > int(marker.read_text())
    os.kill(child.pid, signal.SIGKILL)  # in the middle of the third batch's transaction
    child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == -signal.SIGKILL

    assert integrity(db) == "ok"
    assert table_counts(db) == (2 * batch, 2 * batch * 2, 2)
    assert {r[0] for r in rows(db, "SELECT id FROM articles")} == {
        f"art-{i:05d}" for i in range(2 * batch)}
    with Store(db) as store:
        assert store.known(["a" * 64, "b" * 64]) == {
            article_key(make_article(i, words=words)) for i in range(2 * batch)}
        # The rerun of the same add completes the work.
        rerun = (make_scored(i, words=words) for i in range(total))
        assert store.add(rerun, MODELS, batch_size=batch) == (total - 2 * batch, 2 * batch)
        assert store.count() == total
    assert table_counts(db) == (total, total * 2, 2)
    assert integrity(db) == "ok"


# --------------------------------------------------------------------------- child process


def _child(argv: list[str]) -> int:
    """``write DB START STOP BATCH [options]``: add articles START..STOP-1, print the counts.

    ``--ready FILE`` is created once the store is open and ``--go FILE`` awaited before
    writing (with ``--open-after-go``, both before opening the store). ``--order backward``
    writes the range in reverse; ``--words N`` sets the text length. ``--stall-after K``
    writes ``--marker FILE`` (holding the WAL file's size when the K-th batch was committed)
    inside the next batch's transaction, all its rows written but not committed, and then
    sleeps there until killed.
    """
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["write"])
    parser.add_argument("db")
    parser.add_argument("start", type=int)
    parser.add_argument("stop", type=int)
    parser.add_argument("batch", type=int)
    parser.add_argument("--order", default="forward")
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--ready")
    parser.add_argument("--go")
    parser.add_argument("--open-after-go", action="store_true")
    parser.add_argument("--stall-after", type=int)
    parser.add_argument("--marker")
    args = parser.parse_args(argv)

    def wait_for_go():
        if args.ready:
            Path(args.ready).touch()
        if args.go:
            deadline = time.monotonic() + CHILD_TIMEOUT
            while not Path(args.go).exists() and time.monotonic() < deadline:
                time.sleep(0.002)

    if args.open_after_go:
        wait_for_go()
    store = Store(args.db)
    if args.stall_after is not None:
        commits, committed_wal = 0, None

        def stall(statement: str) -> None:
            # Called as each statement starts, before it runs: COMMITs counted so far are
            # finished batches (each batch is one transaction), and the next COMMIT is that of
            # batch K + 1 with all its rows written but not committed.
            nonlocal commits, committed_wal
            if statement.startswith("COMMIT"):
                if commits == args.stall_after:
                    Path(args.marker).write_text(str(committed_wal))
                    time.sleep(CHILD_TIMEOUT * 10)
                commits += 1
            elif commits == args.stall_after and committed_wal is None:
                committed_wal = os.path.getsize(f"{args.db}-wal")

        # A tiny page cache makes SQLite spill the unfinished transaction's pages into the WAL
        # file before the kill, so the test sees uncommitted frames ignored, not just absent.
        store._conn.execute("PRAGMA cache_size = 10")
        store._conn.set_trace_callback(stall)
    if not args.open_after_go:
        wait_for_go()
    numbers = range(args.start, args.stop)
    if args.order == "backward":
        numbers = reversed(numbers)
    added, present = store.add((make_scored(i, words=args.words) for i in numbers), MODELS,
                               batch_size=args.batch)
    store.close()
    print(json.dumps({"added": added, "present": present}))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
