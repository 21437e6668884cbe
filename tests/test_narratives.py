"""The narratives module: taxonomy, F1 samples, the classifier's contract, evidence, CLI.

The classifier is trained on a tiny corpus written here (not on the shipped model).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing import narratives as nar
from framing.cli import main
from framing.model import Model, load_model, save_model
from framing.text import clip

FEAR = "URW: Amplifying war-related fears"
PRAISE = "URW: Praise of Russia"

NEUTRAL = [
    "The regional council met on Tuesday to discuss the budget for roads and schools.",
    "Officials said the weather would stay mild for the rest of the week in the capital.",
    "Local farmers reported a good harvest of wheat and barley this autumn season.",
    "The train timetable changes next month, the railway company announced today.",
    "A new library opened in the town centre with a large section for children's books.",
]
FEAR_PARAGRAPH = ("Experts warn that nuclear escalation could drag the whole world into a "
                  "catastrophic third world war if more weapons are sent.")
PRAISE_PARAGRAPH = ("The glorious Russian army showed unmatched strength and its wise leader "
                    "enjoys overwhelming support of a grateful nation.")


def _article(k: int, *paragraphs: str) -> str:
    body = [NEUTRAL[(k + j) % len(NEUTRAL)] for j in range(3)]
    body[1:1] = paragraphs
    return "\n\n".join([f"Report number {k}", *body])


def _corpus():
    texts, sets = [], []
    for k in range(8):
        texts.append(_article(k, FEAR_PARAGRAPH))
        sets.append([FEAR])
        texts.append(_article(k + 1, PRAISE_PARAGRAPH))
        sets.append([PRAISE])
        texts.append(_article(k + 2))
        sets.append(["Other"])
    texts.append(_article(3, FEAR_PARAGRAPH, PRAISE_PARAGRAPH))
    sets.append([FEAR, PRAISE])
    return texts, sets


@pytest.fixture(scope="module")
def fitted():
    texts, sets = _corpus()
    return nar.NarrativeClassifier(C=10.0, decision="any_relative").fit(texts, sets)


# --------------------------------------------------------------------------- taxonomy


def test_taxonomy_lists_the_eleven_urw_narratives_with_descriptions():
    taxonomy = nar.load_taxonomy()
    assert len(taxonomy) == 11
    labels = [n.label for n in taxonomy]
    assert len(set(labels)) == 11
    assert all(label.startswith("URW: ") for label in labels)
    assert "URW: Negative Consequences for the West" in labels
    assert all(len(n.description) > 20 for n in taxonomy)


def test_taxonomy_file_reader_keeps_urw_only(tmp_path):
    path = tmp_path / "narratives.txt"
    path.write_text("CC: Amplifying Climate Fears\nOther\nURW: Praise of Russia\n"
                    "URW: Discrediting Ukraine", encoding="utf-8")
    assert nar.read_taxonomy_file(path) == ["URW: Praise of Russia", "URW: Discrediting Ukraine"]


def test_narrative_set_drops_other_and_climate_labels():
    names = ["URW: Praise of Russia", "CC: Criticism of institutions and authorities", "Other"]
    assert nar.narrative_set(names) == frozenset({"URW: Praise of Russia"})
    assert nar.narrative_set(["CC: Amplifying Climate Fears"]) == frozenset()
    with pytest.raises(nar.NarrativeError):
        nar.narrative_set(["URW: No such narrative"], nar.taxonomy_labels())


def test_bad_taxonomy_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[narrative]]\nlabel = "Praise"\ndescription = ""\n', encoding="utf-8")
    with pytest.raises(nar.NarrativeError, match="2 problem") as info:
        nar.load_taxonomy(path)
    assert "needs a one-line description" in str(info.value)
    assert "'Praise' is not a 'URW: ' narrative" in str(info.value)


# --------------------------------------------------------------------------- measure


def test_f1_samples_matches_a_hand_computed_example():
    gold = [["A", "B"], ["Other"], [], ["C"]]
    pred = [["A"], ["Other"], ["A"], []]
    # per article: 2*1/(2+1) = 2/3; Other vs Other = 1; {Other} vs {A} = 0; {C} vs {Other} = 0
    assert nar.f1_samples(gold, pred) == pytest.approx((2 / 3 + 1 + 0 + 0) / 4)
    assert nar.per_article_f1(gold, pred) == pytest.approx([2 / 3, 1, 0, 0])


def test_f1_samples_of_perfect_predictions_is_one():
    gold = [["A"], ["A", "B"], ["Other"]]
    assert nar.f1_samples(gold, gold) == 1.0


def test_paragraphs_are_numbered_by_line():
    assert nar.paragraphs("Title\n\nFirst one.\n  \nSecond.") == [
        (1, "Title"), (3, "First one."), (5, "Second.")]


# --------------------------------------------------------------------------- classifier


def test_unfitted_classifier_refuses_and_clones():
    classifier = nar.NarrativeClassifier(C=3.0, markers=True)
    with pytest.raises(NotFittedError):
        classifier.predict_proba(["text"])
    copy = clone(classifier)
    assert copy.get_params() == classifier.get_params()
    assert not hasattr(copy, "coef_")


def test_fitted_attributes_and_shapes(fitted):
    labels = nar.taxonomy_labels()
    assert list(fitted.classes_) == labels
    assert fitted.coef_.shape[0] == len(labels) + 1  # the last row: any narrative
    assert fitted.thresholds_.shape == (len(labels),)
    assert len(fitted.get_feature_names_out()) == fitted.coef_.shape[1]
    P = fitted.predict_proba(["a text", "another text"])
    assert P.shape == (2, len(labels))
    assert ((P >= 0) & (P <= 1)).all()
    clone(fitted)  # parameters only


def test_learns_the_toy_narratives(fitted):
    texts = [_article(11, FEAR_PARAGRAPH), _article(12, PRAISE_PARAGRAPH), _article(13)]
    assert fitted.predict_sets(texts) == [[FEAR], [PRAISE], ["Other"]]
    assert fitted.score(texts, [[FEAR], [PRAISE], []]) == 1.0


def test_predict_shape_and_paragraph_evidence(fitted):
    text = _article(4, FEAR_PARAGRAPH)
    [entries] = fitted.predict([text])
    assert {e["narrative"] for e in entries} == set(nar.taxonomy_labels())
    first = entries[0]
    assert first["narrative"] == FEAR and first["asserted"] is True
    assert 0 <= first["probability"] <= 1
    line = text.splitlines().index(FEAR_PARAGRAPH) + 1
    assert first["paragraphs"][0]["line"] == line
    assert first["paragraphs"][0]["text"] == clip(FEAR_PARAGRAPH, nar.PARAGRAPH_CHARS)
    assert 1 <= len(first["paragraphs"]) <= nar.MAX_PARAGRAPHS
    assert all(e["paragraphs"] == [] for e in entries if not e["asserted"])
    json.dumps(entries)  # JSON-ready


def test_other_entry_when_nothing_is_asserted(fitted):
    [entries] = fitted.predict([_article(14)])
    assert entries[0]["narrative"] == "Other" and entries[0]["asserted"] is True
    assert not any(e["asserted"] for e in entries[1:])


def test_empty_and_non_ascii_texts(fitted):
    texts = ["", "Ракеты и санкции: ничего общего 😀 — «цитата»", "   \n\n  "]
    out = fitted.predict(texts)
    assert len(out) == 3
    assert [len(entries) for entries in out] == [len(fitted.classes_)] * 3
    assert fitted.predict([]) == []
    assert fitted.predict_proba([]).shape == (0, len(fitted.classes_))
    with pytest.raises(ValueError):
        fitted.predict("a single string")


def test_round_trip_through_save_and_load(fitted, tmp_path):
    import sklearn

    from framing import __version__

    card = {"kind": "narratives", "target": "narratives",
            "versions": {"framing": __version__, "scikit-learn": sklearn.__version__}}
    save_model(Model(fitted, card), tmp_path / "narratives")
    loaded = load_model(tmp_path / "narratives")
    assert loaded.card["kind"] == "narratives"
    texts = [_article(5, PRAISE_PARAGRAPH), "", _article(6)]
    np.testing.assert_array_equal(loaded.classifier.predict_proba(texts),
                                  fitted.predict_proba(texts))
    assert nar.predict(texts, tmp_path / "narratives") == fitted.predict(texts)


def test_training_is_deterministic(tmp_path):
    import hashlib
    import pickle

    texts, sets = _corpus()
    digests = {
        hashlib.sha256(pickle.dumps(nar.NarrativeClassifier().fit(texts, sets))).hexdigest()
        for _ in range(2)
    }
    assert len(digests) == 1
    fitted = nar.NarrativeClassifier().fit(texts, sets)
    vectorizer = fitted.features_.transformer_list[0][1]
    # A memory address cached by transform would make each process pickle other bytes.
    assert "_stop_words_id" not in vectorizer.__dict__ and vectorizer.stop_words_ is None


def test_describe_rule():
    assert nar.describe_rule({"any": 0.6, "ratio": 0.7, "floor": None}).startswith(
        "Other unless P(any narrative) >= 0.6")
    assert "Other when none" in nar.describe_rule({"any": None, "ratio": None, "floor": None})


def test_cross_validate_reports_f1_samples_and_intervals():
    texts, sets = _corpus()
    data = nar.NarrativeData(texts, [nar.narrative_set(s) for s in sets],
                             np.array([f"a{i}" for i in range(len(texts))], dtype=object),
                             [str(i) for i in range(len(texts))])
    report = nar.cross_validate(data, nar.NarrativeClassifier, seeds=(0,), folds=3)
    # The written corpus is separable: every fold gets every article right.
    assert report["f1_samples"] == {"mean": 1.0, "sd": 0.0, "per_seed": [1.0],
                                    "interval95": [1.0, 1.0]}
    # ROC-AUC only for the narratives that have positives in the corpus.
    assert {n: auc for n, auc in report["roc_auc"].items() if auc is not None} == {
        FEAR: 1.0, PRAISE: 1.0}
    other = nar.all_other_report(data)
    assert other["f1_samples"]["mean"] == pytest.approx(8 / 25)


# --------------------------------------------------------------------------- CLI


def test_cli_lists_every_narrative():
    runner = CliRunner()
    result = runner.invoke(main, ["narratives"])
    assert result.exit_code == 0, result.output
    for label in nar.taxonomy_labels():
        assert label in result.output
    result = runner.invoke(main, ["narratives", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert [n["narrative"] for n in listed] == nar.taxonomy_labels()
    assert all(n["description"] for n in listed)
    assert "Example" in runner.invoke(main, ["narratives", "--help"]).output


def test_page_residue_is_never_shown_as_evidence():
    from framing.narratives import _evidence_paragraphs

    text = ("Invented Agency feedback@invented-agency.example +7 495 000 00 00 all rights\n"
            "Read more at https://invented.example/news about the talks and the war today\n"
            "Home | World | Politics | Sport | Video | Photo | Radio | Contacts\n"
            "The minister said the talks would resume next week in a neutral country.")
    assert [n for n, _ in _evidence_paragraphs(text)] == [4]


def test_a_repeated_paragraph_is_shown_once(tmp_path):
    from framing.narratives import NarrativeClassifier

    texts, labels = [], []
    for i in range(12):
        pro = i % 2 == 0
        body = ("The West provoked the war and Kyiv is a puppet regime of NATO."
                if pro else "The council debated a new budget for the schools of the city.")
        texts.append(f"Report {i}\n\n{body} Filler words follow here for the length.\n\n"
                     f"Another ordinary paragraph about the weather and the roads {i}.")
        labels.append(["URW: Discrediting Ukraine"] if pro else [])
    model = NarrativeClassifier(inner_folds=3).fit(texts, labels)
    claim = "“The West provoked the war and Kyiv is a puppet regime of NATO,” it said."
    text = f"Title\n\n{claim}\n\nA middle paragraph of plain words here.\n\n{claim}"
    (entries,) = model.predict([text])
    shown = [p["text"] for e in entries for p in e["paragraphs"]]
    assert shown and len(shown) == len(set(shown))


def test_label_indicators_read_sets_single_labels_and_matrices():
    classes = ["A", "B", "C"]
    Y = nar.label_indicators([{"A", "C"}, "B", [], ["Other"]], classes, 4, skip={"Other"})
    assert Y.tolist() == [[True, False, True], [False, True, False], [False] * 3, [False] * 3]
    assert nar.label_indicators(Y, classes, 4).tolist() == Y.tolist()  # a matrix as it is
    with pytest.raises(nar.NarrativeError, match="'D' is not one of the narratives"):
        nar.label_indicators([["D"]], classes, 1, error=nar.NarrativeError, what="narratives")
    with pytest.raises(ValueError, match="2 texts but 1 label sets"):
        nar.label_indicators([["A"]], classes, 2)
    with pytest.raises(ValueError, match="shape"):
        nar.label_indicators(Y, classes, 3)


def test_page_residue_tells_menus_and_contact_lines_from_prose():
    from framing.narratives import page_residue

    assert not page_residue("The council met on Monday and voted, 7-2, to close the bridge.")
    assert page_residue("Home - News - Sport - Weather - | - Contact - About")
    assert page_residue("Write to us at desk@example-daily.com")
    assert page_residue("More at https://example-daily.com/news")
    assert page_residue("Call +44 20 7946 0958 today")
