"""Tests of framing.techniques: taxonomy, subtask-3 reader, micro-F1, classifier contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing import evaluation
from framing.article import ProblemLog
from framing.errors import InputError
from framing.evaluation import choose_thresholds
from framing.techniques import (
    THRESHOLD_GRID,
    Paragraph,
    TechniqueClassifier,
    TechniqueError,
    TfidfOneVsRest,
    cross_validate,
    gold_pairs,
    load_taxonomy,
    micro_f1,
    pairs_of,
    read_subtask3,
    technique_labels,
    validate_taxonomy,
)

FIXTURE = Path(__file__).parent / "fixtures" / "techniques"


# --------------------------------------------------------------------------- taxonomy


def test_taxonomy_has_the_23_techniques_with_stable_ids():
    techniques = load_taxonomy()
    assert [t.id for t in techniques] == [f"PT{n:02d}" for n in range(1, 24)]
    labels = [t.label for t in techniques]
    # Ids follow the alphabetical order of the label files' names.
    assert labels == sorted(labels)
    assert {"Loaded_Language", "Name_Calling-Labeling", "Questioning_the_Reputation",
            "Obfuscation-Vagueness-Confusion", "Whataboutism"} <= set(labels)
    assert technique_labels() == labels
    assert all(t.description for t in techniques)


def test_taxonomy_validation_lists_every_problem():
    entries = [
        {"id": "PT01", "label": "Doubt", "description": "x"},
        {"id": "PT01", "label": "Doubt", "description": ""},
        {"id": "P3", "label": "Two words", "description": "y", "colour": "red"},
    ]
    with pytest.raises(TechniqueError) as caught:
        validate_taxonomy(entries, "t.toml")
    message = str(caught.value)
    for part in ("id 'PT01' already listed as #1", "label 'Doubt' already listed as #1",
                 "needs a one-line description", "'P3' is not PTnn", "without spaces",
                 "unknown key(s) colour"):
        assert part in message
    assert message.startswith("t.toml: 6 problem(s)")


def test_taxonomy_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[technique]\n", encoding="utf-8")
    with pytest.raises(TechniqueError, match="cannot read"):
        load_taxonomy(bad)
    empty = tmp_path / "empty.toml"
    empty.write_text("title = 'none'\n", encoding="utf-8")
    with pytest.raises(TechniqueError, match="no \\[\\[technique\\]\\]"):
        load_taxonomy(empty)


# --------------------------------------------------------------------------- reader


def test_reader_reads_paragraphs_and_reports_bad_lines():
    problems = []
    paragraphs = read_subtask3(FIXTURE, ProblemLog(problems.append))
    assert [(p.article, p.line) for p in paragraphs] == [
        ("1001", 1), ("1001", 3), ("1001", 5), ("1002", 1), ("1002", 3), ("1002", 5),
        ("1003", 1), ("1003", 3)]
    by_key = {(p.article, p.line): p for p in paragraphs}
    assert by_key["1001", 3].techniques == {"Loaded_Language", "Name_Calling-Labeling"}
    assert by_key["1001", 1].techniques == frozenset()
    cafe = by_key["1003", 3]
    assert cafe.text.startswith("The café on Müllerstraße")
    article = (FIXTURE / "train-articles-subtask-3" / "article1003.txt").read_text("utf-8")
    assert article[cafe.start:cafe.start + len(cafe.text)] == cafe.text
    found = {(Path(p.path).name, p.line): p.message for p in problems}
    name = "train-labels-subtask-3.txt"
    assert set(found) == {(name, n) for n in (8, 10, 11, 12, 13, 14)}
    assert "not a positive number" in found[name, 8]
    assert "no paragraph on line 9" in found[name, 10]
    assert "already labelled on line 9" in found[name, 11]
    assert "unknown technique(s) Not_A_Technique" in found[name, 12]
    assert "article1004.txt not found" in found[name, 13]
    assert "expected 3 tab-separated fields" in found[name, 14]


def test_reader_strict_raises_at_first_problem():
    with pytest.raises(InputError, match=":8"):
        read_subtask3(FIXTURE, ProblemLog(strict=True))


def test_reader_needs_a_label_file(tmp_path):
    with pytest.raises(TechniqueError, match="no \\*-labels-subtask-3.txt"):
        read_subtask3(tmp_path)


def test_gold_pairs_are_triples():
    paragraphs = read_subtask3(FIXTURE, ProblemLog())
    gold = gold_pairs(paragraphs)
    assert ("1002", 5, "Appeal_to_Fear-Prejudice") in gold
    assert len(gold) == 5


# --------------------------------------------------------------------------- micro-F1


def test_micro_f1_hand_computed():
    gold = {("a", 1, "Doubt"), ("a", 1, "Slogans"), ("a", 3, "Doubt"), ("b", 1, "Repetition")}
    pred = {("a", 1, "Doubt"), ("a", 3, "Slogans"), ("b", 1, "Repetition")}
    # 2 hits; P = 2/3, R = 2/4, F1 = 2*2 / (4 + 3) = 4/7.
    assert micro_f1(gold, pred) == pytest.approx(4 / 7)
    assert evaluation.micro_prf(gold, pred) == pytest.approx((2 / 3, 1 / 2, 4 / 7))
    assert micro_f1(set(), set()) == 0.0
    assert evaluation.micro_prf(gold, set()) == (0.0, 0.0, 0.0)


def test_pairs_of_predicted_sets():
    paragraphs = read_subtask3(FIXTURE, ProblemLog())[:2]
    assert pairs_of(paragraphs, [[], ["Doubt"]]) == {("1001", 3, "Doubt")}


# --------------------------------------------------------------------------- classifier

LABELS = ["Loaded_Language", "Doubt", "Slogans"]


def _toy(n_articles: int = 12):
    """Separable paragraphs: 'disgraceful' marks Loaded_Language, 'allegedly' Doubt."""
    texts, sets, groups = [], [], []
    for a in range(n_articles):
        for k in range(6):
            filler = f"the council met on day {k} in district {a % 4}"
            if k % 3 == 0:
                texts.append(f"a disgraceful shameful outrage, {filler}")
                sets.append(["Loaded_Language"])
            elif k % 3 == 1:
                texts.append(f"allegedly the figures were supposedly true, {filler}")
                sets.append(["Doubt"])
            else:
                texts.append(filler)
                sets.append([])
            groups.append(f"art{a}")
    return texts, sets, groups


def test_estimator_contract_and_separable_fit():
    texts, sets, groups = _toy()
    model = TechniqueClassifier(labels=LABELS, chars=False, C=10.0)
    fresh = clone(model)
    assert fresh.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        fresh.predict_proba(["x"])
    model.fit(texts, sets, groups=groups)
    assert not hasattr(fresh, "coef_")
    assert list(model.classes_) == LABELS
    P = model.predict_proba(["a disgraceful outrage", "allegedly it was so", ""])
    assert P.shape == (3, 3)
    # Separable out of fold: ties between thresholds go to the one nearest 0.5.
    assert model.predict_sets(["a disgraceful outrage", "allegedly the figures were true"]) == [
        ["Loaded_Language"], ["Doubt"]]
    # Slogans never occur: its probability stays near zero and nothing asserts it.
    assert P[:, 2].max() < 0.01
    assert model.predict(["Ünïcödé тест 漢字", ""]).shape == (2, 3)
    assert model.predict_proba([]).shape == (0, 3)
    assert model.oof_micro_f1_ == 1.0
    with pytest.raises(ValueError, match="single string"):
        model.predict("a text")


def test_thresholds_chosen_on_out_of_fold_scores():
    # One article's paragraphs are all positive, another's all negative: on in-fold scores the
    # best threshold would sit anywhere between; out of fold it must still separate.
    P = np.array([[0.9], [0.8], [0.35], [0.3], [0.1], [0.05]])
    Y = np.array([[1], [1], [1], [0], [0], [0]], dtype=bool)
    t = choose_thresholds(P, Y, THRESHOLD_GRID)
    assert 0.3 < t[0] <= 0.35
    texts, sets, groups = _toy()
    model = TechniqueClassifier(labels=LABELS, chars=False, inner_folds=3).fit(
        texts, sets, groups=groups)
    assert model.thresholds_.shape == (3,)
    assert np.all((model.thresholds_ > 0) & (model.thresholds_ < 1))


def test_fit_needs_two_articles():
    with pytest.raises(TechniqueError, match="at least 2"):
        TechniqueClassifier(labels=LABELS).fit(["a b", "c d"], [[], []], groups=["x", "x"])


def test_unknown_label_in_y():
    with pytest.raises(TechniqueError, match="Whatever"):
        TechniqueClassifier(labels=LABELS).fit(["a", "b"], [["Whatever"], []])


def test_find_points_at_the_best_sentence_of_each_paragraph():
    texts, sets, groups = _toy()
    model = TechniqueClassifier(labels=LABELS, chars=False, C=10.0).fit(
        texts, sets, groups=groups)
    article = ("Title\n\nThe council met on Monday.  It was a disgraceful shameful outrage! Fine."
               "\nallegedly the figures were supposedly true\n")
    found, empty, blank = model.find([article, "", "\n\n"])
    assert empty == [] and blank == []
    assert [(f["line"], f["technique"]) for f in found] == [(3, "Loaded_Language"), (4, "Doubt")]
    loaded = found[0]
    assert loaded["id"] == "PT15"
    assert 0 < loaded["probability"] <= 1
    assert article[loaded["start"]:loaded["end"]] == loaded["text"] == (
        "It was a disgraceful shameful outrage!")
    # A one-sentence paragraph is its own evidence.
    assert found[1]["text"] == "allegedly the figures were supposedly true"


def _toy_paragraphs():
    texts, sets, groups = _toy()
    return [Paragraph(g, i, t, frozenset(s)) for i, (t, s, g)
            in enumerate(zip(texts, sets, groups, strict=True))]


def test_baseline_and_cross_validate_on_the_toy():
    paragraphs = _toy_paragraphs()
    report = cross_validate(paragraphs, {"baseline": TfidfOneVsRest,
                                         "model": TechniqueClassifier},
                            folds=3, labels=LABELS)
    assert report["model"]["micro_f1"] == 1.0
    per = report["model"]["per_label"]
    assert {t for t, r in per.items() if r["support"]} == {"Loaded_Language", "Doubt"}
    assert 0 <= report["baseline"]["micro_f1"] <= 1
    assert report["model"]["interval95"] is not None


def test_save_load_round_trip(tmp_path):
    from framing.techniques import load, save, train

    paragraphs = _toy_paragraphs()
    texts = [p.text for p in paragraphs]
    model = train(paragraphs, chars=False)
    assert model.card["kind"] == "techniques"
    assert [e["id"] for e in model.card["labels"]][:2] == ["PT01", "PT02"]
    save(model, tmp_path / "techniques")
    loaded = load(tmp_path / "techniques")
    assert loaded.card["sha256"] == model.card["sha256"]
    assert np.allclose(loaded.classifier.predict_proba(texts[:5]),
                       model.classifier.predict_proba(texts[:5]))


# --------------------------------------------------------------------------- command line


def _write_folder(root: Path, n_articles: int = 6) -> Path:
    """A SemEval-2023 subtask-3 language folder written here: the toy's separable paragraphs."""
    folder = root / "en"
    articles = folder / "train-articles-subtask-3"
    articles.mkdir(parents=True)
    texts, sets, groups = _toy(n_articles)
    labels = []
    for a in range(n_articles):
        rows = [(t, s) for t, s, g in zip(texts, sets, groups, strict=True) if g == f"art{a}"]
        # Title, blank line, then one paragraph a line: paragraph k is on line k + 3.
        body = "\n".join(t for t, _ in rows)
        (articles / f"article{7000 + a}.txt").write_text(f"Title {a}\n\n{body}\n",
                                                         encoding="utf-8")
        labels += [f"{7000 + a}\t{k + 3}\t{','.join(s)}" for k, (_, s) in enumerate(rows)]
    (folder / "train-labels-subtask-3.txt").write_text("\n".join(labels) + "\n",
                                                       encoding="utf-8")
    return folder


def test_train_command_writes_a_measured_model(tmp_path, capsys):
    from framing.model import load_model
    from framing.techniques import main

    folder = _write_folder(tmp_path)
    assert main(["train", str(folder), "-o", str(tmp_path / "m"), "--folds", "3"]) == 0
    assert "wrote" in capsys.readouterr().out
    model = load_model(tmp_path / "m")
    card = model.card
    assert card["kind"] == "techniques" and card["language"] == "en"
    assert type(model.classifier).__module__ == "framing.techniques"
    ev = card["evaluation"]
    assert ev["folds"] == 3 and "GroupKFold(3" in ev["method"]
    for name in ("model", "baseline_tfidf_ovr"):
        assert {"micro_f1", "interval95", "precision", "recall", "per_label"} <= set(ev[name])
    assert ev["model"]["micro_f1"] == 1.0  # separable
    assert card["corpus"]["files"][0]["name"] == "en/train-labels-subtask-3.txt"
    assert card["corpus"]["articles"] == 6
    assert set(card["thresholds"]) == set(technique_labels())
    # --no-evaluate: the same fitted model bytes, no figures.
    assert main(["train", str(folder), "-o", str(tmp_path / "n"), "--no-evaluate"]) == 0
    again = load_model(tmp_path / "n")
    assert again.card["evaluation"] == {}
    assert again.card["sha256"] == card["sha256"]


def test_train_command_errors_exit_2(tmp_path, capsys):
    from framing.techniques import main

    assert main(["train", str(tmp_path), "-o", str(tmp_path / "m")]) == 2
    assert "no *-labels-subtask-3.txt" in capsys.readouterr().err
    folder = _write_folder(tmp_path)
    with open(folder / "train-labels-subtask-3.txt", "a", encoding="utf-8") as handle:
        handle.write("7000\t3\tNo_Such_Technique\n")
    assert main(["train", str(folder), "-o", str(tmp_path / "m")]) == 2
    assert "No_Such_Technique" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
    with pytest.raises(SystemExit) as exit_:
        main(["train"])
    assert exit_.value.code == 2


def test_find_does_not_read_page_residue():
    texts, sets, groups = _toy()
    model = TechniqueClassifier(labels=LABELS, chars=False, C=10.0).fit(
        texts, sets, groups=groups)
    prose = "It was a disgraceful shameful outrage!"
    menu = "a disgraceful - shameful - outrage - Home - News - Sport - | - Contact"
    contact = "a disgraceful shameful outrage: write to desk@example-daily.com"
    short = "Disgraceful outrage!"
    found = model.find([f"{prose}\n{menu}\n{contact}\n{short}"])[0]
    assert [f["line"] for f in found] == [1]
    # Read alone, the same words would be asserted: only the residue test leaves them out.
    assert model.predict_sets([menu, contact, short]) == [["Loaded_Language"]] * 3
