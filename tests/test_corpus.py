"""Tests for framing.corpus: importers, corpus files, source tables, labelling and the seeds.

The fixtures under tests/fixtures/corpus are invented texts laid out like the public data sets.
Tests on the real sets (../shared/data) check counts, labels and ids only: they never print or
copy article text.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from framing import corpus
from framing.corpus import (
    IMPORT_FORMATS,
    CorpusError,
    SourceRating,
    article_record,
    build_sources_table,
    corpus_stats,
    import_corpus,
    label_by_source,
    load_narrative_map,
    load_sources,
    lookup_source,
    normalize_domain,
    pro_kremlin_label,
    read_corpus,
    seed_records,
    write_corpus,
    write_sources_table,
)
from framing.errors import FramingError, InputError
from framing.ingest import Article, Problem, infer_source

from .conftest import REPO

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "corpus"


def imported(fmt, path, **kwargs):
    """Records and problems of one import."""
    problems: list[Problem] = []
    records = list(import_corpus(fmt, path, on_problem=problems.append, **kwargs))
    return records, problems


def by_id(records):
    return {r["id"]: r for r in records}


def copy_fixture(tmp_path, name) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(text)


def assert_problem(problems, path_end, line, words, severity="error"):
    matches = [
        p for p in problems
        if p.path.endswith(path_end) and p.line == line and p.severity == severity
        and all(w in p.message for w in words)
    ]
    assert matches, [str(p) for p in problems]


# --------------------------------------------------------------------------- records


def test_every_record_has_the_corpus_fields_in_order():
    for fmt, folder in [("recovery", "recovery"), ("semeval2025", "semeval2025-urw/EN"),
                        ("ptc", "ptc"), ("semeval2023", "semeval2023-task3")]:
        records, problems = imported(fmt, FIXTURES / folder)
        assert records and not problems, (fmt, [str(p) for p in problems])
        for record in records:
            assert tuple(record) == corpus.RECORD_FIELDS
            assert record["id"].startswith(f"{fmt}:")
            assert record["text"].strip() and record["labels"]
            assert record["meta"]["dataset"]


def test_import_rejects_unknown_formats_missing_paths_and_wrong_layouts(tmp_path):
    with pytest.raises(InputError, match="unknown corpus format"):
        import_corpus("nela", FIXTURES)
    with pytest.raises(InputError, match="no such file"):
        import_corpus("ptc", tmp_path / "absent")
    for fmt in IMPORT_FORMATS:
        with pytest.raises(InputError):
            import_corpus(fmt, tmp_path)  # an empty folder has none of the layouts
    assert issubclass(CorpusError, FramingError)


# --------------------------------------------------------------------------- ReCOVery


def test_recovery_labels_sources_and_meta():
    records, problems = imported("recovery", FIXTURES / "recovery")
    assert not problems
    records = by_id(records)
    assert sorted(records) == [
        "recovery:reliable/news-dataset_daily_example:0",
        "recovery:reliable/news-dataset_daily_example:1",
        "recovery:unreliable/news-dataset_drudgereport:0",
        "recovery:unreliable/news-dataset_drudgereport:1",
        "recovery:unreliable/news-dataset_fake_truth:0",
    ]
    own = records["recovery:reliable/news-dataset_daily_example:0"]
    assert own["labels"] == {"unreliable_source": 0, "war_topic": 0}
    assert own["source"] == "dailyexample.com"  # the URL's registered domain, www. dropped
    assert own["published"] == "2020-04-01"
    assert own["author"] == "Ann Writer"
    assert own["meta"] == {"dataset": "recovery", "publisher": "Daily Example",
                           "mbfc_level": "High", "political_bias": "Center", "country": "USA"}
    # A page on another site carried by the publisher keeps the publisher as its source, so
    # that the per-publisher label and the source agree.
    assert records["recovery:reliable/news-dataset_daily_example:1"]["source"] == (
        "dailyexample.com")
    for n in (0, 1):
        drudge = records[f"recovery:unreliable/news-dataset_drudgereport:{n}"]
        assert drudge["source"] == "drudgereport.com"
        assert drudge["labels"] == {"unreliable_source": 1, "war_topic": 0}
    fake = records["recovery:unreliable/news-dataset_fake_truth:0"]
    assert fake["source"] == "faketruthdaily.com"
    assert "political_bias" not in fake["meta"]  # empty in the file


def test_recovery_ids_are_unique_although_news_id_restarts_per_file():
    records, _ = imported("recovery", FIXTURES / "recovery")
    assert len({r["id"] for r in records}) == len(records) == 5


def test_recovery_reads_a_single_file():
    records, problems = imported(
        "recovery", FIXTURES / "recovery" / "unreliable" / "news-dataset_fake_truth.csv"
    )
    assert [r["id"] for r in records] == ["recovery:news-dataset_fake_truth:0"] and not problems


def test_recovery_bad_rows_are_reported_with_file_and_line_and_skipped(tmp_path):
    root = copy_fixture(tmp_path, "recovery")
    path = root / "unreliable" / "news-dataset_fake_truth.csv"
    append(path, '1,1,https://faketruthdaily.com/x,Fake Truth Daily,2020-03-04,,T,,"Body.",'
                 'Low,,,maybe\n')
    append(path, '2,2,https://faketruthdaily.com/y,Fake Truth Daily,2020-03-05,,T,,"Unclosed\n')
    records, problems = imported("recovery", root)
    assert len(records) == 5
    assert_problem(problems, "news-dataset_fake_truth.csv", 3, ["reliability", "maybe"])
    assert_problem(problems, "news-dataset_fake_truth.csv", 4, ["malformed CSV row"])
    with pytest.raises(InputError, match=r"news-dataset_fake_truth.csv:3: reliability"):
        list(import_corpus("recovery", root, strict=True))


# --------------------------------------------------------------------------- SemEval-2025


def test_semeval2025_labels_from_the_narrative_mapping():
    records, problems = imported("semeval2025", FIXTURES / "semeval2025-urw" / "EN")
    assert not problems
    records = by_id(records)
    praise = records["semeval2025:EN_UA_900001"]
    assert praise["labels"] == {"pro_kremlin_framing": 1, "war_topic": 1}
    assert praise["meta"] == {
        "dataset": "semeval2025-urw",
        "language": "en",
        "narratives": ["URW: Praise of Russia"],  # repeated per subnarrative in the file
        "subnarratives": ["URW: Praise of Russia: Other",
                          "URW: Praise of Russia: Praise of Russian military might"],
    }
    assert praise["source"] is None  # raw documents name no outlet; nothing is invented
    assert praise["title"] == "Invented headline praising a leader"
    assert records["semeval2025:EN_UA_900002"]["labels"] == {"pro_kremlin_framing": 0,
                                                         "war_topic": 1}
    # Speculating about Russia's defeat and praising the West are not pro-Kremlin ...
    assert records["semeval2025:EN_UA_900003"]["labels"] == {"pro_kremlin_framing": 0,
                                                         "war_topic": 1}
    # ... but predicting Ukraine's collapse is (a subnarrative override in the mapping).
    assert records["semeval2025:EN_UA_900004"]["labels"] == {"pro_kremlin_framing": 1,
                                                         "war_topic": 1}


def test_semeval2025_reads_every_language_folder_of_the_data_set():
    records, problems = imported("semeval2025", FIXTURES / "semeval2025-urw")
    assert len(records) == 4 and not problems


def test_semeval2025_malformed_lines_are_reported_and_skipped(tmp_path):
    root = copy_fixture(tmp_path, "semeval2025-urw") / "EN"
    append(root / "subtask-2-annotations.txt",
           "EN_UA_900005.txt\tURW: Praise of Russia\n"  # line 5: two fields
           "EN_UA_900006.txt\tURW: Praise of Russia\tURW: Praise of Russia: Other\n"  # no file
           "EN_UA_900001.txt\tOther\tOther\n"  # line 7: annotated twice
           "EN_UA_900007.txt\tURW: Invented narrative\tURW: Invented narrative: Other\n"
           "\n"
           "\tOther\tOther\n")  # line 10: no file id
    records, problems = imported("semeval2025", root)
    assert len(records) == 4
    name = "subtask-2-annotations.txt"
    assert_problem(problems, name, 5, ["3 tab-separated fields"])
    assert_problem(problems, name, 6, ["EN_UA_900006.txt", "not found"])
    assert_problem(problems, name, 7, ["already annotated on line 1"])
    assert_problem(problems, name, 8, ["URW: Invented narrative", "urw_narratives.csv"])
    assert_problem(problems, name, 10, ["3 tab-separated fields"])
    assert len(problems) == 5
    with pytest.raises(InputError, match=r"subtask-2-annotations.txt:5:"):
        list(import_corpus("semeval2025", root, strict=True))


def test_pro_kremlin_label_rules():
    mapping = {"A": 1, "B": 0, "Other": 0, "B: sub1": 1, "A: sub2": 0}
    assert pro_kremlin_label(["B"], [], mapping) == (0, [])
    assert pro_kremlin_label(["B", "A"], ["B: x", "A: y"], mapping) == (1, [])
    assert pro_kremlin_label(["B"], ["B: sub1"], mapping) == (1, [])  # override to 1
    assert pro_kremlin_label(["A"], ["A: sub2"], mapping) == (0, [])  # override to 0
    assert pro_kremlin_label(["A"], ["A: sub2", "A: other"], mapping) == (1, [])
    assert pro_kremlin_label(["Other"], ["Other"], mapping) == (0, [])
    # An unknown narrative leaves the label undecided unless a known one gives 1.
    assert pro_kremlin_label(["B", "Z"], ["Z: q"], mapping) == (None, ["Z"])
    assert pro_kremlin_label(["A", "Z"], [], mapping) == (1, [])
    # A subnarrative whose narrative is missing from the line still finds it in the mapping.
    assert pro_kremlin_label([], ["A: y"], mapping) == (1, [])


def test_the_narrative_mapping_is_complete_and_argued():
    mapping = load_narrative_map()
    with open(corpus.NARRATIVES_PATH, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(len(row["reason"]) > 40 for row in rows)
    assert mapping["Other"] == 0
    assert mapping["URW: Overpraising the West"] == 0
    assert mapping["URW: Speculating war outcomes"] == 0
    assert mapping["URW: Praise of Russia"] == 1
    assert all(v == 0 for k, v in mapping.items() if k.startswith("CC:"))


def test_the_narrative_mapping_covers_the_published_taxonomy(shared_data):
    folder = shared_data / "semeval2025-urw"
    narratives = (folder / "subtask2_narratives.txt").read_text(encoding="utf-8").split("\n")
    subnarratives = (folder / "subtask2_subnarratives.txt").read_text(encoding="utf-8").split("\n")
    narratives = {n.strip() for n in narratives if n.strip()}
    subnarratives = {n.strip() for n in subnarratives if n.strip()}
    mapping = load_narrative_map()
    assert narratives <= set(mapping)
    # Every other row overrides a real subnarrative.
    assert set(mapping) - narratives <= subnarratives


def test_bad_narrative_mappings_are_rejected_with_every_problem(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("narrative,pro_kremlin,reason\nA,2,why\nB,1,\n,0,why\nC,1,why\nC,0,why\n",
                    encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_narrative_map(path)
    message = str(info.value)
    for expected in ("line 2", "line 3", "line 4", "line 6", "4 problem(s)"):
        assert expected in message
    path.write_text("narrative,stance\nA,1\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="lacks column"):
        load_narrative_map(path)


# --------------------------------------------------------------------------- PTC


PTC_EXPECTED = {
    "ptc:1001": {"Bandwagon,Reductio_ad_hitlerum": 1, "Loaded_Language": 1,
                 "Name_Calling,Labeling": 1},
    "ptc:1002": {},
    "ptc:1003": {"Flag-Waving": 1},
}


def test_ptc_labels_techniques_and_spans():
    records, problems = imported("ptc", FIXTURES / "ptc")
    assert not problems
    records = by_id(records)
    assert {i: r["meta"]["techniques"] for i, r in records.items()} == PTC_EXPECTED
    assert records["ptc:1001"]["labels"] == {"propaganda": 1, "war_topic": 0}
    assert records["ptc:1002"]["labels"] == {"propaganda": 0, "war_topic": 0}
    spans = records["ptc:1001"]["meta"]["spans"]
    assert spans == sorted(spans, key=lambda s: (s[1], s[2]))
    text = records["ptc:1001"]["text"]
    assert {text[s:e] for _, s, e in spans} == {"traitors and liars", "liars", "Everyone agrees"}
    assert records["ptc:1001"]["meta"]["article_id"] == "1001"


def test_ptc_combined_labels_file_gives_the_same_corpus(tmp_path):
    root = copy_fixture(tmp_path, "ptc")
    shutil.rmtree(root / "train-labels-task2-technique-classification")
    records, problems = imported("ptc", root)
    assert not problems
    assert {r["id"]: r["meta"]["techniques"] for r in records} == PTC_EXPECTED
    assert records == imported("ptc", FIXTURES / "ptc")[0]


def test_ptc_malformed_lines_and_missing_files_are_reported(tmp_path):
    root = copy_fixture(tmp_path, "ptc")
    labels = root / "train-labels-task2-technique-classification"
    append(labels / "article1003.task2-TC.labels",
           "1003\tSlogans\t5\n"  # line 2: three fields
           "1003\tSlogans\tfive\t9\n"  # line 3: not an integer
           "1003\tSlogans\t9\t9\n"  # line 4: empty span
           "1002\tSlogans\t1\t4\n"  # line 5: another article's id
           "1003\tSlogans\t50\t500\n")  # line 6: beyond the text: kept with a warning
    (labels / "article1002.task2-TC.labels").unlink()
    (labels / "article7777.task2-TC.labels").write_text("7777\tDoubt\t1\t2\n", encoding="utf-8")
    records, problems = imported("ptc", root)
    records = by_id(records)
    assert sorted(records) == ["ptc:1001", "ptc:1003"]
    assert records["ptc:1003"]["meta"]["techniques"] == {"Flag-Waving": 1, "Slogans": 1}
    name = "article1003.task2-TC.labels"
    assert_problem(problems, name, 2, ["4 tab-separated fields"])
    assert_problem(problems, name, 3, ["not integers"])
    assert_problem(problems, name, 4, ["empty"])
    assert_problem(problems, name, 5, ["article id 1002"])
    assert_problem(problems, name, 6, ["beyond the article"], severity="warning")
    assert_problem(problems, "article1002.txt", None, ["no labels file"])
    assert_problem(problems, "article7777.task2-TC.labels", None, ["no article file"])


def test_ptc_combined_file_naming_a_missing_article_is_reported_once(tmp_path):
    root = copy_fixture(tmp_path, "ptc")
    shutil.rmtree(root / "train-labels-task2-technique-classification")
    append(root / "train-task2-TC.labels", "8888\tDoubt\t1\t5\n8888\tDoubt\t6\t9\n")
    records, problems = imported("ptc", root)
    assert len(records) == 3
    assert len(problems) == 1
    assert_problem(problems, "train-task2-TC.labels", 5, ["article8888.txt not found"])


# --------------------------------------------------------------------------- SemEval-2023


def test_semeval2023_genres_frames_and_languages():
    records, problems = imported("semeval2023", FIXTURES / "semeval2023-task3")
    assert not problems
    records = by_id(records)
    assert sorted(records) == ["semeval2023:en:2001", "semeval2023:en:2002",
                               "semeval2023:ru:3001"]
    opinion = records["semeval2023:en:2001"]
    assert opinion["labels"] == {"genre": "opinion"}
    assert opinion["meta"] == {"dataset": "semeval2023-task3", "language": "en", "split": "train",
                               "article_id": "2001", "frames": ["Political", "Morality"]}
    assert records["semeval2023:en:2002"]["labels"] == {"genre": "satire"}
    russian = records["semeval2023:ru:3001"]
    assert russian["labels"] == {"genre": "reporting"}
    # As in the published RU files, the frame file covers other articles: no frames recorded.
    assert "frames" not in russian["meta"]
    assert russian["title"] == "Придуманный заголовок"


def test_semeval2023_reads_one_language_folder():
    records, _ = imported("semeval2023", FIXTURES / "semeval2023-task3" / "en")
    assert [r["id"] for r in records] == ["semeval2023:en:2001", "semeval2023:en:2002"]


def test_semeval2023_malformed_lines_are_reported_and_skipped(tmp_path):
    root = copy_fixture(tmp_path, "semeval2023-task3") / "en"
    append(root / "train-labels-subtask-1.txt",
           "2003\n"  # line 3
           "2004\tpropaganda\n"  # line 4: unknown genre
           "2005\topinion\n"  # line 5: no article file
           "2001\treporting\n")  # line 6: labelled twice
    append(root / "train-labels-subtask-2.txt", "2002\n")
    records, problems = imported("semeval2023", root)
    assert len(records) == 2
    name = "train-labels-subtask-1.txt"
    assert_problem(problems, name, 3, ["2 tab-separated fields"])
    assert_problem(problems, name, 4, ["'propaganda'"])
    assert_problem(problems, name, 5, ["article2005.txt", "not found"])
    assert_problem(problems, name, 6, ["already labelled on line 1"])
    assert_problem(problems, "train-labels-subtask-2.txt", 3, ["2 tab-separated fields"])


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


def test_round_trip_of_every_fixture_import(tmp_path):
    for fmt, folder in [("recovery", "recovery"), ("semeval2025", "semeval2025-urw/EN"),
                        ("ptc", "ptc"), ("semeval2023", "semeval2023-task3")]:
        records, _ = imported(fmt, FIXTURES / folder)
        out = tmp_path / f"{fmt}.jsonl"
        write_corpus(records, out)
        assert [article_record(a) for a in read_corpus(out)] == records, fmt


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


def test_load_sources_rejects_bad_tables(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("domain,rating,label\na.com,great,0\nb.com,reliable,2\n,mixed,\n"
                    "c.com,mixed,\nWWW.C.com,reliable,0\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_sources(path)
    message = str(info.value)
    for expected in ("line 2", "line 3", "line 4", "line 6: c.com is listed twice"):
        assert expected in message
    with pytest.raises(CorpusError, match="cannot read source table"):
        load_sources(tmp_path / "absent.csv")


def test_the_committed_sources_table_loads_and_is_small():
    assert corpus.SOURCES_PATH.stat().st_size < 500_000
    table = load_sources()
    assert len(table) > 5000
    assert table["sputniknews.com"].rating == "unreliable"
    assert table["sputniknews.com"].label == 1
    assert table["reuters.com"].label == 0
    assert Counter(r.rating for r in table.values()).keys() == set(corpus.RATINGS)
    assert all(r.label is None for r in table.values() if r.rating == "mixed")


def test_the_committed_sources_table_is_what_the_builder_writes(shared_data, tmp_path):
    out = tmp_path / "sources.csv"
    write_sources_table(build_sources_table(shared_data / "source-labels"), out)
    assert out.read_bytes() == corpus.SOURCES_PATH.read_bytes()


# --------------------------------------------------------------------------- label_by_source


SOURCES = {
    "good.com": SourceRating("good.com", "reliable", 0),
    "bad.com": SourceRating("bad.com", "unreliable", 1),
    "meh.com": SourceRating("meh.com", "mixed", None),
    "worse.co.uk": SourceRating("worse.co.uk", "blacklisted", 1),
}


def art(id, source, labels=None):
    return Article(id=id, text="Body.", source=source, labels=labels or {})


def test_normalize_and_lookup_sources():
    assert normalize_domain(" WWW.Good.com. ") == "good.com"
    assert normalize_domain("https://www.good.com/path?x=1") == "good.com"
    assert normalize_domain("  ") is None and normalize_domain(None) is None
    assert lookup_source("news.worse.co.uk", SOURCES).rating == "blacklisted"
    assert lookup_source("Good Outlet Name", SOURCES) is None


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


def test_regeneration_entry_point(tmp_path, capsys):
    out = tmp_path / "sources.csv"
    assert corpus.main(["sources", str(FIXTURES / "source-labels"), "-o", str(out)]) == 0
    assert "5 row(s)" in capsys.readouterr().out
    assert corpus.main(["sources", str(tmp_path / "absent"), "-o", str(out)]) == 2
    assert "error:" in capsys.readouterr().err


# --------------------------------------------------------------------------- real data


def check_records(records):
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for record in records:
        assert record["text"].strip()
        assert record["source"] is None or record["source"].strip()
    return Counter((t, v) for r in records for t, v in r["labels"].items())


def test_real_recovery(shared_data):
    records, problems = imported("recovery", shared_data / "recovery")
    assert not problems
    labels = check_records(records)
    assert labels[("unreliable_source", 0)] > 1000 and labels[("unreliable_source", 1)] > 400
    # Labels are per publisher: each publisher has one label, and each source one publisher's.
    per_publisher: dict[str, set] = defaultdict(set)
    per_source: dict[str, set] = defaultdict(set)
    for record in records:
        per_publisher[record["meta"]["publisher"]].add(record["labels"]["unreliable_source"])
        per_source[record["source"]].add(record["meta"]["publisher"])
    assert all(len(v) == 1 for v in per_publisher.values())
    assert all(len(v) == 1 for v in per_source.values())
    assert len(per_publisher) >= 40
    # The distant labels of the idiap table agree with ReCOVery's wherever the domain is rated.
    articles = [Article(id=r["id"], text="x", source=r["source"]) for r in records]
    distant = label_by_source(articles, load_sources())
    pairs = Counter(
        (r["labels"]["unreliable_source"], a.labels.get("unreliable_source"))
        for r, a in zip(records, distant, strict=True)
    )
    rated = sum(n for (_, d), n in pairs.items() if d is not None)
    agree = sum(n for (g, d), n in pairs.items() if g == d)
    assert rated > 0.95 * len(records) and agree / rated > 0.98


def test_real_semeval2025(shared_data):
    records, problems = imported("semeval2025", shared_data / "semeval2025-urw" / "EN")
    assert not problems
    labels = check_records(records)
    assert len(records) == 116
    assert labels[("pro_kremlin_framing", 1)] > 0 and labels[("pro_kremlin_framing", 0)] > 0


def test_real_ptc(shared_data):
    records, problems = imported("ptc", shared_data / "ptc")
    assert not problems
    labels = check_records(records)
    assert len(records) == 371 and labels[("propaganda", 1)] > 300
    for record in records:
        n = len(record["text"])
        assert all(0 <= s < e <= n for _, s, e in record["meta"]["spans"])


def test_real_semeval2023(shared_data):
    records, problems = imported("semeval2023", shared_data / "semeval2023-task3")
    assert not problems
    labels = check_records(records)
    assert {v for _, v in labels} == set(corpus.GENRES)
    languages = Counter(r["meta"]["language"] for r in records)
    assert languages["en"] > 400 and languages["ru"] > 100
    assert all(r["meta"].get("frames") for r in records if r["meta"]["language"] == "en")


def test_real_corpus_round_trip(shared_data, tmp_path):
    records, _ = imported("semeval2023", shared_data / "semeval2023-task3" / "ru")
    out = tmp_path / "ru.jsonl"
    write_corpus(records, out)
    assert [article_record(a) for a in read_corpus(out)] == records


def test_repo_root_is_where_the_corpus_lives():
    assert corpus.CORPUS_DIR == REPO / "corpus"
