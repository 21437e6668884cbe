"""Tests for framing.datasets: the importers of the public data sets and the narrative mapping.

The fixtures under tests/fixtures/corpus are invented texts laid out like the public data sets.
Tests on the real sets (../shared/data) check counts, labels and ids only: they never print or
copy article text.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from framing import corpus, datasets
from framing.article import Article, Problem
from framing.corpus import CorpusError, article_record, label_by_source, read_corpus, write_corpus
from framing.datasets import (
    IMPORT_FORMATS,
    import_corpus,
    load_narrative_map,
    pro_kremlin_label,
)
from framing.errors import FramingError, InputError
from framing.sources import load_sources

from .conftest import append, assert_problem

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
    with open(datasets.NARRATIVES_PATH, encoding="utf-8", newline="") as handle:
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


def test_round_trip_of_every_fixture_import(tmp_path):
    for fmt, folder in [("recovery", "recovery"), ("semeval2025", "semeval2025-urw/EN"),
                        ("ptc", "ptc"), ("semeval2023", "semeval2023-task3")]:
        records, _ = imported(fmt, FIXTURES / folder)
        out = tmp_path / f"{fmt}.jsonl"
        write_corpus(records, out)
        assert [article_record(a) for a in read_corpus(out)] == records, fmt



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
    assert {v for _, v in labels} == set(datasets.GENRES)
    languages = Counter(r["meta"]["language"] for r in records)
    assert languages["en"] > 400 and languages["ru"] > 100
    assert all(r["meta"].get("frames") for r in records if r["meta"]["language"] == "en")


def test_real_corpus_round_trip(shared_data, tmp_path):
    records, _ = imported("semeval2023", shared_data / "semeval2023-task3" / "ru")
    out = tmp_path / "ru.jsonl"
    write_corpus(records, out)
    assert [article_record(a) for a in read_corpus(out)] == records
