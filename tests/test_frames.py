"""The frames module: taxonomy, label reader, micro-F1, thresholds, the classifier's contract,
paragraph evidence, cross-validation and the model round trip.

The reader runs on tests/fixtures/frames (articles and a subtask-2 label file written for these
tests, in the task's format); the classifier on a tiny corpus written here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing import frames as fr
from framing.errors import InputError
from framing.evaluation import choose_thresholds
from framing.model import Model, load_model, save_model

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "frames"

#: The subtask-2 frames, spelt as in the task's label files.
FRAMES = {
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation",
    "Crime_and_punishment", "Security_and_defense", "Health_and_safety", "Quality_of_life",
    "Cultural_identity", "Public_opinion", "Political", "External_regulation_and_reputation",
}

NEUTRAL = [
    "The committee met on Tuesday afternoon in the old town hall building.",
    "Officials said the weather would stay mild for the rest of the week.",
    "A spokesperson promised further details at a press briefing tomorrow morning.",
    "The meeting ended shortly after lunch with a short statement to reporters.",
]
ECONOMY = ("Higher taxes and rising prices squeezed household budgets while markets fell and "
           "companies cut wages.")
SECURITY = ("Troops and tanks massed near the border as the army placed missile units on high "
            "alert against an attack.")
HEALTH = ("Doctors at the hospital treated dozens of patients for the virus and urged everyone "
          "to get vaccinated.")


def _article(k: int, *paragraphs: str) -> str:
    body = [NEUTRAL[(k + j) % len(NEUTRAL)] for j in range(3)]
    body[1:1] = paragraphs
    return "\n\n".join([f"Report number {k}", *body])


def _corpus():
    texts, sets = [], []
    for k in range(6):
        for paragraph, frame in ((ECONOMY, "Economic"), (SECURITY, "Security_and_defense"),
                                 (HEALTH, "Health_and_safety")):
            texts.append(_article(k, paragraph))
            sets.append([frame])
        texts.append(_article(k + 1))
        sets.append([])
    texts.append(_article(2, ECONOMY, SECURITY))
    sets.append(["Economic", "Security_and_defense"])
    return texts, sets


@pytest.fixture(scope="module")
def fitted():
    texts, sets = _corpus()
    return fr.FrameClassifier(min_df=1, inner_folds=3).fit(texts, sets)


# --------------------------------------------------------------------------- taxonomy


def test_taxonomy_lists_the_fourteen_subtask2_frames_with_descriptions():
    taxonomy = fr.load_taxonomy()
    assert {f.label for f in taxonomy} == FRAMES
    assert len(taxonomy) == 14
    assert all(len(f.description) > 20 for f in taxonomy)
    assert fr.taxonomy_labels() == [f.label for f in taxonomy]


def test_bad_taxonomy_is_refused_with_every_problem_listed(tmp_path):
    path = tmp_path / "frames.toml"
    path.write_text(
        '[[frame]]\nlabel = "Economic"\ndescription = "money"\n'
        '[[frame]]\nlabel = "Economic"\ndescription = "twice"\n'
        '[[frame]]\nlabel = "Bad Label"\ndescription = "spaces"\n'
        '[[frame]]\nlabel = "Political"\n'
        '[[frame]]\nlabel = "Morality"\ndescription = "ok"\ncolour = "red"\n',
        encoding="utf-8")
    with pytest.raises(fr.FrameError) as info:
        fr.load_taxonomy(path)
    message = str(info.value)
    assert "4 problem(s)" in message
    for part in ("label 'Economic' already listed as #1", "'Bad Label'",
                 "frame #4: needs a one-line description", "unknown key(s) colour"):
        assert part in message
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    with pytest.raises(fr.FrameError, match="no \\[\\[frame\\]\\] entries"):
        fr.load_taxonomy(tmp_path / "empty.toml")


# --------------------------------------------------------------------------- reader


def test_reader_reads_frames_and_reports_every_bad_line():
    problems = []
    articles = fr.read_articles(FIXTURES / "en", on_problem=problems.append)
    by_id = {a.id: a for a in articles}
    assert sorted(by_id) == ["101", "102", "103"]
    assert by_id["101"].frames == {"Economic", "Political"}
    assert by_id["102"].frames == {"Security_and_defense"}
    assert by_id["101"].language == "en"
    assert by_id["101"].text.splitlines()[0] == "Town council doubles the parking fee"
    # 103 lives in the subtask-3 article folder only, as some Russian articles do.
    assert by_id["103"].path.endswith("train-articles-subtask-3/article103.txt")
    assert "«новые часы»" in by_id["103"].text
    found = [(Path(p.path).name, p.line, p.message) for p in problems]
    assert found[0][:2] == ("train-labels-subtask-2.txt", 4)
    assert "expected 2 tab-separated fields" in found[0][2]
    assert "'Not_a_frame' not in the taxonomy" in found[1][2]
    assert "article 105: no article file" in found[2][2]
    assert len(found) == 3


def test_reader_strict_raises_on_the_first_problem():
    with pytest.raises(InputError, match="line 4|:4"):
        fr.read_articles(FIXTURES / "en", strict=True)


def test_reader_refuses_a_folder_without_label_files(tmp_path):
    with pytest.raises(fr.FrameError, match="no \\*-labels-subtask-2.txt"):
        fr.read_articles(tmp_path)


def test_frame_data_groups_each_article_apart():
    data = fr.FrameData.from_folders([FIXTURES / "en"], on_problem=lambda p: None)
    assert data.ids == ["en:101", "en:102", "en:103"]
    assert list(data.groups) == data.ids
    assert [f.name for f in data.files] == ["train-labels-subtask-2.txt"]


# --------------------------------------------------------------------------- measure


def test_micro_scores_match_a_hand_computed_example():
    gold = [{"Economic", "Political"}, {"Morality"}, set()]
    pred = [{"Economic"}, {"Morality", "Public_opinion"}, {"Political"}]
    # Gold pairs 3, predicted 4, both 2: P = 2/4, R = 2/3, F1 = 2*2 / (3 + 4).
    precision, recall, f1 = fr.micro_scores(gold, pred)
    assert precision == pytest.approx(0.5)
    assert recall == pytest.approx(2 / 3)
    assert f1 == pytest.approx(4 / 7)
    # The same frame in two articles is two pairs, not one.
    assert fr.micro_scores([{"Economic"}, {"Economic"}], [{"Economic"}, set()]) == (
        pytest.approx(1.0), pytest.approx(0.5), pytest.approx(2 / 3))
    assert fr.micro_scores([set()], [set()]) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        fr.micro_scores([set()], [])


def test_choose_thresholds_maximises_micro_f1():
    P = np.array([[0.9, 0.3], [0.6, 0.2], [0.2, 0.35], [0.1, 0.1]])
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=bool)
    thresholds = choose_thresholds(P, Y, fr.THRESHOLD_GRID)
    assert (P >= thresholds).tolist() == Y.tolist()


# --------------------------------------------------------------------------- classifier


def test_unfitted_classifier_refuses_and_clones():
    classifier = fr.FrameClassifier(C=3.0, calibrate=False)
    with pytest.raises(NotFittedError):
        classifier.predict_proba(["text"])
    copy = clone(classifier)
    assert copy.get_params() == classifier.get_params()
    assert not hasattr(copy, "coef_")


def test_fitted_attributes_and_shapes(fitted):
    assert list(fitted.classes_) == fr.taxonomy_labels()
    assert fitted.coef_.shape == (14, len(fitted.get_feature_names_out()))
    assert fitted.calibration_.shape == (14, 2)
    assert fitted.thresholds_.shape == (14,)
    assert not hasattr(clone(fitted), "coef_")


def test_learns_the_toy_frames(fitted):
    sets = fitted.predict_sets([_article(9, HEALTH), _article(8, SECURITY), _article(7)])
    assert sets == [["Health_and_safety"], ["Security_and_defense"], []]
    texts, gold = _corpus()
    assert fitted.score(texts, gold) == 1.0


def test_paragraphs_behind_an_asserted_frame_have_their_1_based_lines(fitted):
    text = _article(9, SECURITY)
    # Title on line 1, blank lines between: the security paragraph is line 5.
    assert text.splitlines()[4] == SECURITY
    (entries,) = fitted.predict([text])
    assert entries[0]["frame"] == "Security_and_defense" and entries[0]["asserted"]
    assert entries[0]["paragraphs"][0]["line"] == 5
    assert entries[0]["paragraphs"][0]["text"] == SECURITY
    assert all(not e["asserted"] and e["paragraphs"] == [] for e in entries[1:])
    assert len(entries) == 14
    probabilities = [e["probability"] for e in entries[1:]]
    assert probabilities == sorted(probabilities, reverse=True)


def test_empty_and_non_ascii_texts(fitted):
    texts = ["", "   \n\n", "Врачи в больнице лечили пациентов — «вирус» 病毒 😷"]
    P = fitted.predict_proba(texts)
    assert P.shape == (3, 14) and np.isfinite(P).all()
    assert fitted.predict_proba([]).shape == (0, 14)
    assert fitted.predict([]) == []
    assert [len(entries) for entries in fitted.predict(texts)] == [14, 14, 14]
    with pytest.raises(ValueError, match="single string"):
        fitted.predict_proba("one text")


def test_uncalibrated_variant_fits_too():
    texts, sets = _corpus()
    plain = fr.FrameClassifier(min_df=1, inner_folds=3, calibrate=False).fit(texts, sets)
    assert plain.calibration_.tolist() == [[1.0, 0.0]] * 14
    assert plain.predict_sets([_article(9, ECONOMY)]) == [["Economic"]]


def test_training_is_deterministic():
    import hashlib
    import pickle

    texts, sets = _corpus()
    digests = {hashlib.sha256(pickle.dumps(
        fr.FrameClassifier(min_df=1, inner_folds=3).fit(texts, sets))).hexdigest()
        for _ in range(2)}
    assert len(digests) == 1


def test_unknown_label_is_refused():
    with pytest.raises(fr.FrameError, match="'Weather' is not one of the frames"):
        fr.FrameClassifier(min_df=1).fit(["a b", "c d"], [["Weather"], []])




def test_save_writes_the_card_with_the_sha256(fitted, tmp_path):
    import json

    import sklearn

    from framing import __version__
    from framing.model import file_sha256

    card = {"kind": "frames", "target": "frames",
            "versions": {"framing": __version__, "scikit-learn": sklearn.__version__}}
    save_model(Model(fitted, card), tmp_path / "frames")
    written = json.loads((tmp_path / "frames" / "card.json").read_text(encoding="utf-8"))
    assert written["sha256"] == file_sha256(tmp_path / "frames" / written["model_file"])


def test_round_trip_through_save_and_load(fitted, tmp_path):
    import sklearn

    from framing import __version__

    card = {"kind": "frames", "target": "frames",
            "versions": {"framing": __version__, "scikit-learn": sklearn.__version__}}
    save_model(Model(fitted, card), tmp_path / "frames")
    loaded = load_model(tmp_path / "frames")
    texts = [_article(5, HEALTH), "", "Пример текста"]
    np.testing.assert_array_equal(loaded.classifier.predict_proba(texts),
                                  fitted.predict_proba(texts))
    assert fr.predict(texts, tmp_path / "frames") == fitted.predict(texts)


def test_load_refuses_another_kind_of_model(fitted, tmp_path):
    import sklearn

    from framing import __version__

    card = {"kind": "narratives", "target": "narratives",
            "versions": {"framing": __version__, "scikit-learn": sklearn.__version__}}
    save_model(Model(fitted, card), tmp_path / "other")
    with pytest.raises(fr.FrameError, match="not a frames model"):
        fr.load(tmp_path / "other")


def test_train_writes_a_card_with_thresholds_and_corpus(tmp_path):
    with pytest.raises(InputError):  # strict by default: a shipped model lacks no article
        fr.train([FIXTURES / "en"], evaluate=False, min_df=1, inner_folds=2)
    problems = []
    model = fr.train([FIXTURES / "en"], evaluate=False, strict=False,
                     on_problem=problems.append, min_df=1, inner_folds=2)
    assert len(problems) == 3
    assert model.card["kind"] == "frames"
    assert set(model.card["thresholds"]) == FRAMES
    assert model.card["corpus"]["articles"] == 3
    assert model.card["corpus"]["files"][0]["name"] == "en/train-labels-subtask-2.txt"
    assert model.card["corpus"]["frames"]["Economic"] == 1


def test_a_trained_model_loads_back(tmp_path):
    model = fr.train([FIXTURES / "en"], evaluate=False, strict=False, min_df=1,
                     inner_folds=2)
    save_model(model, tmp_path / "frames")
    assert fr.load(tmp_path / "frames").card == model.card


# --------------------------------------------------------------------------- evaluation


def test_command_line_trains_and_writes_a_model(tmp_path, capsys):
    assert fr.main(["train", str(FIXTURES / "en"), "-o", str(tmp_path / "m"),
                    "--no-evaluate"]) == 2  # the fixture's bad lines: strict
    assert "error:" in capsys.readouterr().err
    good = tmp_path / "good"
    (good / "train-articles-subtask-1").mkdir(parents=True)
    for k, paragraph in enumerate((ECONOMY, SECURITY, HEALTH, ECONOMY)):
        (good / "train-articles-subtask-1" / f"article{k}.txt").write_text(
            _article(k, paragraph), encoding="utf-8")
    (good / "train-labels-subtask-2.txt").write_text(
        "0\tEconomic\n1\tSecurity_and_defense\n2\tHealth_and_safety\n3\tEconomic\n",
        encoding="utf-8")
    assert fr.main(["train", str(good), "-o", str(tmp_path / "m"), "--no-evaluate"]) == 0
    assert (tmp_path / "m" / "card.json").is_file()


def test_cross_validate_model_and_baseline_on_the_same_folds():
    texts, sets = _corpus()
    data = fr.FrameData(texts, [frozenset(s) for s in sets],
                        np.array([f"a{i}" for i in range(len(texts))], dtype=object),
                        [f"a{i}" for i in range(len(texts))], [])
    report = fr.cross_validate(
        data, {"model": lambda: fr.FrameClassifier(min_df=1, inner_folds=3),
               "baseline_tfidf_ovr": fr.baseline}, folds=3)
    assert report["articles"] == 25 and report["pairs"] == 20 and report["folds"] == 3
    model = report["model"]
    # The written corpus is separable: every fold gets every article right.
    assert model["micro_f1"] == 1.0 and model["interval95"] == [1.0, 1.0]
    assert model["precision"] == model["recall"] == 1.0
    assert model["per_label"]["Economic"]["f1"] == 1.0
    assert model["per_label"]["Morality"]["f1"] is None  # no gold, none predicted
    base = report["baseline_tfidf_ovr"]
    assert 0.0 <= base["micro_f1"] <= 1.0
    low, high = base["interval95"]
    assert low <= base["micro_f1"] <= high
