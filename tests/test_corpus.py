"""Tests for framing.corpus: corpus files, source tables, labelling, stats and the seeds.

The importers of the public data sets are tested in tests/test_datasets.py. The fixtures under
tests/fixtures/corpus are invented; the test on the real idiap labels (../shared/data) compares
the built table with the committed one only.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from framing import corpus
from framing.article import Article, Problem
from framing.corpus import (
    CorpusError,
    article_record,
    build_sources_table,
    corpus_stats,
    label_by_source,
    load_seed_labels,
    read_corpus,
    seed_records,
    write_corpus,
    write_sources_table,
)
from framing.errors import InputError
from framing.ingest import infer_source
from framing.sources import SOURCES_PATH, SourceRating, load_sources

from .conftest import REPO, append, assert_problem

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "corpus"



# --------------------------------------------------------------------------- corpus files


def sample_records():
    return [
        {
            "id": "a1", "text": "First fake body.\nSource: CNN\n", "title": "A title",
            "url": None, "source": None, "published": "2022-05-31", "author": "Ann Writer, Bo",
            "labels": {"unreliable_source": 1, "genre": "opinion"},
            "meta": {"dataset": "test", "nested": {"list": [1, 2], "none": None}},
        },
        {
            "id": "a2", "text": "  Second fake body, with \u2028 odd separators\r\n", "title": None,
            "url": "https://www.example.com/a", "source": "Some Outlet Name", "published": None,
            "author": None, "labels": {}, "meta": {},
        },
    ]


def test_write_read_round_trip_is_identical(tmp_path):
    out = tmp_path / "corpus.jsonl"
    records = sample_records()
    assert write_corpus(records, out) == 2
    problems: list[Problem] = []
    articles = list(read_corpus(out, on_problem=problems.append))
    assert not problems
    assert [article_record(a) for a in articles] == records
    # A null source stays null although ingest would infer CNN from the credit line.
    assert infer_source(None, records[0]["text"])[0] == "cnn.com"
    assert articles[0].source is None and articles[0].source_method is None
    assert articles[1].source == "Some Outlet Name" and articles[1].source_method == "field"
    assert articles[0].location == f"{out}#1"


def test_write_corpus_takes_articles_and_normalises_values(tmp_path):
    out = tmp_path / "c.jsonl"
    article = Article(id="x", text="Body.", title="  Padded  ", author="['A', 'B']",
                      labels={"propaganda": 0})
    write_corpus([article], out)
    (read,) = read_corpus(out)
    assert read.title == "Padded" and read.author == "A, B" and read.labels == {"propaganda": 0}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"id": ""}, "'id'"),
        ({"text": "  "}, "'text'"),
        ({"published": "31.05.2022"}, "ISO date"),
        ({"published": "1850-01-01"}, "ISO date"),
        ({"labels": ["x"]}, "'labels'"),
        ({"meta": {1: "x"}}, "'meta'"),
        ({"source_method": "url"}, "unknown field"),
        ({"title": 3}, "'title'"),
        ({"meta": {"x": float("nan")}}, "JSON"),
        ({"meta": {"x": object()}}, "JSON"),
    ],
)
def test_write_corpus_rejects_bad_records_and_keeps_the_old_file(tmp_path, change, message):
    out = tmp_path / "c.jsonl"
    out.write_text("old\n", encoding="utf-8")
    records = sample_records()
    records[1].update(change)
    with pytest.raises(CorpusError, match=message) as info:
        write_corpus(records, out)
    assert "record 2" in str(info.value)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [out]


def test_write_corpus_rejects_repeated_ids_and_unwritable_paths(tmp_path):
    records = sample_records()
    records[1]["id"] = "a1"
    with pytest.raises(CorpusError, match="repeated"):
        write_corpus(records, tmp_path / "c.jsonl")
    with pytest.raises(CorpusError, match="cannot write"):
        write_corpus(sample_records(), tmp_path / "missing" / "c.jsonl")


def test_read_corpus_reports_bad_lines_and_goes_on(tmp_path):
    out = tmp_path / "c.jsonl"
    write_corpus(sample_records(), out)
    append(out, "{broken\n")
    append(out, json.dumps({"id": "a3", "text": "Body.", "meta": "not an object",
                            "source": 7}) + "\n")
    problems: list[Problem] = []
    articles = list(read_corpus(out, on_problem=problems.append))
    assert [a.id for a in articles] == ["a1", "a2", "a3"]
    assert_problem(problems, "c.jsonl", 3, ["invalid JSON"])
    assert len(problems) == 1
    # A non-object meta stays under its key; a scalar source is read as its text.
    assert articles[2].meta == {"meta": "not an object"} and articles[2].source == "7"
    with pytest.raises(InputError, match=r"c.jsonl:3"):
        list(read_corpus(out, strict=True))


# --------------------------------------------------------------------------- source tables


def test_build_sources_table_from_the_idiap_layout():
    rows = build_sources_table(FIXTURES / "source-labels")
    assert [r["domain"] for r in rows] == [
        "blacklisted.example", "dailyexample.com", "faketruthdaily.com", "manual.example",
        "middling.example",
    ]
    rows = {r["domain"]: r for r in rows}
    assert rows["dailyexample.com"] == {
        "domain": "dailyexample.com", "rating": "reliable", "label": "0",
        # MBFC lists the domain twice with different biases: both are kept.
        "bias": "least biased|right-center", "factual_reporting": "high", "country": "usa",
        "origin": "newsguard",
    }
    assert rows["faketruthdaily.com"]["label"] == "1"
    assert rows["blacklisted.example"]["rating"] == "blacklisted"
    assert rows["blacklisted.example"]["label"] == "1"
    assert rows["middling.example"]["rating"] == "mixed"
    assert rows["middling.example"]["label"] == ""
    assert rows["manual.example"]["bias"] == "" and rows["manual.example"]["origin"] == "manual"


def test_sources_table_round_trip_through_csv(tmp_path):
    out = tmp_path / "sources.csv"
    assert write_sources_table(build_sources_table(FIXTURES / "source-labels"), out) == 5
    table = load_sources(out)
    assert table["dailyexample.com"] == SourceRating(
        "dailyexample.com", "reliable", 0, "least biased|right-center", "high", "usa", "newsguard"
    )
    assert table["middling.example"].label is None
    assert table["blacklisted.example"].label == 1


def test_build_sources_table_rejects_unknown_ratings_and_conflicts(tmp_path):
    (tmp_path / "golden_truth_dataset.csv").write_text(
        "domain,reliability_label\na.com,1\na.com,-1\nb.com,5\n", encoding="utf-8"
    )
    with pytest.raises(CorpusError) as info:
        build_sources_table(tmp_path)
    assert "line 3: a.com rated unreliable here and reliable before" in str(info.value)
    assert "line 4" in str(info.value)
    with pytest.raises(CorpusError, match="cannot read"):
        build_sources_table(tmp_path / "absent")


# Loading and looking up source tables: tests/test_sources.py.


def test_the_committed_sources_table_is_what_the_builder_writes(shared_data, tmp_path):
    out = tmp_path / "sources.csv"
    write_sources_table(build_sources_table(shared_data / "source-labels"), out)
    assert out.read_bytes() == SOURCES_PATH.read_bytes()


# --------------------------------------------------------------------------- label_by_source


SOURCES = {
    "good.com": SourceRating("good.com", "reliable", 0),
    "bad.com": SourceRating("bad.com", "unreliable", 1),
    "meh.com": SourceRating("meh.com", "mixed", None),
    "worse.co.uk": SourceRating("worse.co.uk", "blacklisted", 1),
}


def art(id, source, labels=None):
    return Article(id=id, text="Body.", source=source, labels=labels or {})


def test_label_by_source_labels_known_domains_and_summarises_the_rest():
    articles = [
        art("1", "good.com"), art("2", "www.BAD.com"), art("3", "meh.com"), art("4", None),
        art("5", "unknown.org"), art("6", "unknown.org"), art("7", "news.worse.co.uk"),
        art("8", "bad.com", {"unreliable_source": 0}),
    ]
    problems: list[Problem] = []
    labelled = list(label_by_source(articles, SOURCES, on_problem=problems.append))
    labels = {a.id: a.labels.get("unreliable_source") for a in labelled}
    assert labels == {"1": 0, "2": 1, "3": None, "4": None, "5": None, "6": None, "7": 1, "8": 0}
    assert labelled[0].meta == {"source_rating": "reliable"}
    assert labelled[2].meta == {"source_rating": "mixed"}
    assert articles[0].labels == {} and articles[0].meta == {}  # inputs are not changed
    (problem,) = problems
    assert problem.severity == "warning"
    assert "4 of 8 article(s)" in problem.message
    assert "1 without a source" in problem.message
    assert "2 from 1 domain(s) not in the table (unknown.org (2))" in problem.message
    assert "1 from mixed-rated sources" in problem.message


def test_label_by_source_overwrite_and_other_targets():
    (a,) = label_by_source([art("8", "bad.com", {"unreliable_source": 0})], SOURCES,
                           overwrite=True)
    assert a.labels == {"unreliable_source": 1}
    (b,) = label_by_source([art("1", "good.com")], SOURCES, target="distant")
    assert b.labels == {"distant": 0}
    problems: list[Problem] = []
    list(label_by_source([art("1", "good.com")], SOURCES, on_problem=problems.append))
    assert not problems


def test_label_by_source_does_not_trust_a_credit_line(tmp_path):
    # A rewrite site that prints "Source: <outlet>" is not that outlet: no label from a credit.
    articles = [
        Article(id="1", text="Body.", source="bad.com", source_method="credit"),
        Article(id="2", text="Body.", source="bad.com", source_method="dateline"),
        Article(id="3", text="Body.", source="good.com", source_method="url"),
    ]
    problems: list[Problem] = []
    a, b, c = label_by_source(articles, SOURCES, on_problem=problems.append)
    assert a.labels == {} and "source_rating" not in a.meta
    assert b.labels == {"unreliable_source": 1} and c.labels == {"unreliable_source": 0}
    assert [x.meta["source_method"] for x in (a, b, c)] == ["credit", "dateline", "url"]
    assert "1 whose source is only a credit line, not the publisher" in only_message(problems)


def test_label_by_source_command_keeps_the_source_method(tmp_path):
    from click.testing import CliRunner

    from framing.cli import main

    pages = tmp_path / "pages"
    pages.mkdir()
    # Invented rewrite-site text crediting a real outlet, and a dateline-credited wire story.
    (pages / "rewrite.txt").write_text(
        "Markets wobble after the announcement\n\nTraders reacted to the news on Monday.\n\n"
        "Source: Sputnik International\n", encoding="utf-8")
    (pages / "wire.txt").write_text(
        "Ferry service resumes\n\nMOSCOW (Sputnik) - The ferry service resumed on Monday.\n",
        encoding="utf-8")
    out = tmp_path / "labelled.jsonl"
    result = CliRunner().invoke(main, ["corpus", "label-by-source", str(pages), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_method = {r["meta"]["source_method"]: r for r in records}
    assert set(by_method) == {"credit", "dateline"}
    assert by_method["credit"]["source"] == "sputniknews.com"
    assert by_method["credit"]["labels"] == {}
    assert by_method["dateline"]["labels"] == {"unreliable_source": 1}
    # Labelling the written corpus again keeps the method found first, and its verdict.
    again = tmp_path / "again.jsonl"
    result = CliRunner().invoke(main, ["corpus", "label-by-source", str(out), "-o", str(again)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in again.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["meta"]["source_method"], r["labels"] != {}) for r in records) == [
        ("credit", False), ("dateline", True)]


def only_message(problems):
    (problem,) = problems
    return problem.message


def test_label_by_source_with_the_committed_table():
    table = load_sources()
    (a, b) = label_by_source([art("1", "sputniknews.com"), art("2", "https://www.reuters.com/x")],
                             table)
    assert a.labels == {"unreliable_source": 1} and b.labels == {"unreliable_source": 0}


# --------------------------------------------------------------------------- stats


def test_corpus_stats_counts_targets_labels_and_sources():
    articles = [
        art("1", "good.com", {"unreliable_source": 0, "genre": "opinion"}),
        art("2", "good.com", {"unreliable_source": 0}),
        art("3", "bad.com", {"unreliable_source": 1}),
        art("4", None, {"genre": "satire"}),
        art("5", "bad.com"),
    ]
    stats = corpus_stats(articles)
    assert stats["articles"] == 5 and stats["without_source"] == 1
    assert stats["targets"] == {
        "genre": {"labelled": 2, "unlabelled": 3, "labels": {"opinion": 1, "satire": 1}},
        "unreliable_source": {"labelled": 3, "unlabelled": 2, "labels": {0: 2, 1: 1}},
    }
    assert list(stats["sources"]) == ["bad.com", "good.com"]  # ties ordered by name
    assert stats["sources"]["good.com"] == {
        "articles": 2, "labels": {"genre": {"opinion": 1}, "unreliable_source": {0: 2}}
    }
    assert stats["sources"]["bad.com"] == {"articles": 2, "labels": {"unreliable_source": {1: 1}}}
    json.dumps(stats)  # ready for JSON output
    assert corpus_stats([]) == {"articles": 0, "without_source": 0, "targets": {}, "sources": {}}


# --------------------------------------------------------------------------- seeds


def test_seeds_jsonl_has_all_five_seeds_with_both_labels():
    problems: list[Problem] = []
    articles = list(read_corpus(corpus.SEEDS_PATH, on_problem=problems.append))
    assert not problems
    assert [a.id[:3] for a in articles] == ["000", "001", "002", "003", "004"]
    for article in articles:
        assert set(article.labels) == {"unreliable_source", "pro_kremlin_framing"}
        assert all(v in (0, 1) for v in article.labels.values())
        assert article.meta["notes"]["unreliable_source"]
        assert article.meta["notes"]["pro_kremlin_framing"]
        seed = corpus.SEEDS_DIR / article.meta["file"]
        assert article.text == seed.read_text(encoding="utf-8")
    sources = [a.source for a in articles]
    assert sources == ["sputniknews.com", None, "urdupoint.com", None, "zerohedge.com"]
    stance = [a.labels["pro_kremlin_framing"] for a in articles]
    assert stance == [1, 0, 1, 0, 1]
    assert [a.labels["unreliable_source"] for a in articles] == [1, 0, 1, 1, 1]
    assert str(articles[4].published) == "2022-05-20"


def test_seeds_jsonl_is_what_seed_records_generates(tmp_path):
    out = tmp_path / "seeds.jsonl"
    write_corpus(seed_records(), out)
    assert out.read_bytes() == corpus.SEEDS_PATH.read_bytes()


def test_seed_records_needs_every_seed(tmp_path):
    for path in sorted(corpus.SEEDS_DIR.glob("00[0-3]_*.txt")):
        shutil.copy(path, tmp_path)
    with pytest.raises(CorpusError, match="004"):
        seed_records(tmp_path)


def test_every_seed_has_a_row_of_0_1_labels_in_the_data_file():
    # Read as plain TOML, so that the file itself is checked, not only what the loader accepts.
    rows = tomllib.loads(corpus.SEED_LABELS_PATH.read_text(encoding="utf-8"))
    seeds = sorted(p.name[:3] for p in corpus.SEEDS_DIR.glob("*.txt"))
    assert seeds and sorted(rows) == seeds
    for key, row in rows.items():
        for target in corpus.SEED_TARGETS:
            assert type(row[target]) is int and row[target] in (0, 1), (key, target)
        assert set(row) <= {"source", *corpus.SEED_TARGETS, "published", "notes"}, key
        assert row["notes"]["unreliable_source"] and row["notes"]["pro_kremlin_framing"], key
    assert corpus.SEED_LABELS_PATH.read_text(encoding="utf-8").startswith("# ")  # says whose


def test_seed_records_needs_labels_for_every_seed(tmp_path):
    text = corpus.SEED_LABELS_PATH.read_text(encoding="utf-8")
    without = tmp_path / "labels.toml"
    without.write_text(text.split('["004"]')[0], encoding="utf-8")
    with pytest.raises(CorpusError, match="no labels for this seed in labels.toml"):
        seed_records(labels_path=without)


@pytest.mark.parametrize("change, key", [
    ('unreliable_source = 1\n', "unreliable_source = 2\n"),
    ('pro_kremlin_framing = 1\n', "pro_kremlin_framing = true\n"),
    ('published = "2022-05-20"', 'published = "20 May"'),
    ('source = "sputniknews.com"', 'source = "sputniknews.com"\ntypo = 1'),
])
def test_bad_seed_labels_are_rejected(tmp_path, change, key):
    path = tmp_path / "labels.toml"
    text = corpus.SEED_LABELS_PATH.read_text(encoding="utf-8")
    assert change in text
    path.write_text(text.replace(change, key, 1), encoding="utf-8")
    with pytest.raises(CorpusError, match="bad or unknown key"):
        load_seed_labels(path)
    path.write_text("[broken", encoding="utf-8")
    with pytest.raises(CorpusError, match="malformed TOML"):
        load_seed_labels(path)
    with pytest.raises(CorpusError, match="cannot read seed labels"):
        load_seed_labels(tmp_path / "absent.toml")



def test_repo_root_is_where_the_corpus_lives():
    assert corpus.CORPUS_DIR == REPO / "corpus"
