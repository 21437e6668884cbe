"""The classifier: contract, metrics, grouped evaluation, persistence and its refusals."""

import json
import re
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing.article import Article
from framing.model import (
    Dataset,
    FeatureConfig,
    FramingClassifier,
    Model,
    ModelError,
    build_pipeline,
    calibration_table,
    expected_calibration_error,
    load_model,
    metrics,
    model_text,
    publisher_weights,
    save_model,
    train,
)

FAST = FeatureConfig(chars=False, style=False, C=1.0)

PRO = ["Russia's special military operation against the Kiev regime goes on.",
       "The collective West keeps sending weapons to the Kiev regime, officials said.",
       "Denazification of Ukraine is the goal, the ministry said."]
CON = ["Russia's full-scale invasion of Ukraine entered its third month.",
       "Kyiv said Russian forces shelled residential areas overnight.",
       "Ukraine's army pushed back the invading troops near Kharkiv."]


def tiny_corpus(sources_per_label=4, per_source=5):
    """Articles from several sources per label, each text a mix so no two are identical."""
    articles = []
    for label, pool in ((1, PRO), (0, CON)):
        for s in range(sources_per_label):
            for i in range(per_source):
                text = f"{pool[i % 3]} {pool[(i + s) % 3]} Report number {s}-{i}."
                articles.append(Article(id=f"{label}-{s}-{i}", text=text,
                                        source=f"outlet{label}{s}.com",
                                        labels={"pro_kremlin_framing": label}))
    return articles


@pytest.fixture(scope="module")
def fitted():
    data = Dataset.from_articles(tiny_corpus(), "pro_kremlin_framing")
    return FramingClassifier(FAST).fit(data.texts, data.labels, groups=data.groups), data


def test_clone_gives_an_unfitted_copy_with_the_same_params(fitted):
    classifier, _ = fitted
    copy = clone(classifier)
    assert copy.get_params() == classifier.get_params()
    assert not hasattr(copy, "pipeline_")


def test_not_fitted_error():
    with pytest.raises(NotFittedError):
        FramingClassifier(FAST).predict_proba(["text"])


def test_probabilities_order_the_labels(fitted):
    classifier, _ = fitted
    p = classifier.predict_proba([PRO[0], CON[0]])[:, 1]
    assert p[0] > p[1]
    assert np.all((p >= 0) & (p <= 1))


def test_empty_and_non_ascii_text(fitted):
    classifier, _ = fitted
    p = classifier.predict_proba(["", "Москва — Київ — 東京 \U0001f600"])
    assert np.isfinite(p).all()


def test_joblib_round_trip(fitted, tmp_path):
    classifier, _ = fitted
    joblib.dump(classifier, tmp_path / "m.joblib")
    again = joblib.load(tmp_path / "m.joblib")
    texts = [PRO[1], CON[1], ""]
    assert np.allclose(again.predict_proba(texts), classifier.predict_proba(texts))


def test_explanation_names_features_and_marker_evidence(fitted):
    classifier, _ = fitted
    explanation = classifier.explain(PRO[0], top=3)
    assert explanation["up"] and len(explanation["up"]) <= 3
    assert any(e["marker_id"] == "KN101" for e in explanation["evidence"])
    weights = [e["weight"] for e in explanation["up"]]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)


def test_feature_names_match_the_matrix_width():
    pipeline = build_pipeline(FeatureConfig(chars=False, C=1.0))
    union = pipeline.named_steps["features"].fit(PRO + CON)
    assert union.transform(PRO).shape[1] == len(union.get_feature_names_out())


def test_word_idf_is_off_by_default_and_can_be_turned_on():
    words = build_pipeline(FeatureConfig()).named_steps["features"].transformer_list[0][1]
    assert words.use_idf is False
    words = build_pipeline(FeatureConfig(word_idf=True)).named_steps["features"]
    assert words.transformer_list[0][1].use_idf is True
    assert FeatureConfig().to_dict()["word_idf"] is False  # recorded in the model card


def test_calibration_uses_five_publisher_folds_by_default():
    assert FramingClassifier().calibration_folds == 5


def test_no_features_is_refused():
    with pytest.raises(ModelError, match="no features"):
        build_pipeline(FeatureConfig(words=False, chars=False, markers=False, style=False))


def test_publisher_weights_give_each_publisher_equal_mass():
    w = publisher_weights(["a", "a", "a", "b"])
    assert w[:3].sum() == pytest.approx(w[3]) and w.mean() == pytest.approx(1.0)


def test_ece_and_calibration_table():
    y = np.array([0, 0, 1, 1])
    assert expected_calibration_error(y, np.array([0.0, 0.0, 1.0, 1.0])) == 0.0
    assert expected_calibration_error(y, np.array([1.0, 1.0, 0.0, 0.0])) == 1.0
    table = calibration_table(y, np.array([0.05, 0.15, 0.85, 0.95]))
    assert sum(r["n"] for r in table) == 4 and table[0]["observed"] == 0.0


def test_metrics_keys_and_single_label_auc():
    m = metrics(np.array([0, 1, 1]), np.array([0.2, 0.7, 0.9]))
    assert set(m) == {"n", "positives", "roc_auc", "macro_f1", "brier", "ece"}
    assert m["roc_auc"] == 1.0
    assert metrics(np.array([1, 1]), np.array([0.2, 0.7]))["roc_auc"] is None


def test_one_label_and_unknown_target_are_refused():
    one_label = [a for a in tiny_corpus() if a.labels["pro_kremlin_framing"] == 1]
    with pytest.raises(ModelError, match="one label only"):
        train(Dataset.from_articles(one_label, "pro_kremlin_framing"), config=FAST)
    with pytest.raises(ModelError, match="no article in the corpus is labelled for target"):
        Dataset.from_articles(tiny_corpus(), "no_such_target")


def test_bad_label_value_names_the_article():
    article = Article(id="x", text="t", labels={"t": "maybe"}, path="c.jsonl", record=3)
    with pytest.raises(ModelError, match=r"c.jsonl#3: label t='maybe'"):
        Dataset.from_articles([article], "t")


def test_articles_without_source_are_their_own_group():
    articles = [Article(id=str(i), text="x", labels={"t": i % 2}) for i in range(4)]
    assert len(set(Dataset.from_articles(articles, "t").groups)) == 4


def test_model_text_adds_a_missing_title_once():
    assert model_text(Article(id="1", text="Body.", title="Head")) == "Head\n\nBody."
    assert model_text(Article(id="1", text="Head\n\nBody.", title="Head")) == "Head\n\nBody."


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    data = Dataset.from_articles(tiny_corpus(), "pro_kremlin_framing")
    model, report = train(data, config=FAST, folds=4)
    directory = save_model(model, tmp_path_factory.mktemp("models") / "pk")
    return model, report, directory


def test_train_reports_grouped_metrics_and_baseline(trained):
    model, report, _ = trained
    assert report["model"]["metrics"]["n"] == 40
    assert "baseline" in report
    evaluation = model.card["evaluation"]
    assert "by source" in evaluation["method"]
    assert set(evaluation) >= {"model", "baseline_tfidf_lr"}
    assert model.card["corpus"]["sources"] == 8


def test_training_is_deterministic(trained):
    _, report, _ = trained
    data = Dataset.from_articles(tiny_corpus(), "pro_kremlin_framing")
    _, again = train(data, config=FAST, folds=4)
    assert again["model"]["metrics"] == report["model"]["metrics"]


def test_saved_model_loads_and_predicts_the_same(trained):
    model, _, directory = trained
    loaded = load_model(directory)
    assert loaded.card["sha256"] == model.card["sha256"]
    assert np.allclose(loaded.predict_proba(PRO), model.predict_proba(PRO))


def _copy(directory, tmp_path):
    target = tmp_path / "copy"
    target.mkdir()
    for name in ("model.pkl.gz", "card.json"):
        (target / name).write_bytes((directory / name).read_bytes())
    return target


def test_tampered_model_file_is_refused(trained, tmp_path):
    _, _, directory = trained
    copy = _copy(directory, tmp_path)
    with open(copy / "model.pkl.gz", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="does not match the card"):
        load_model(copy)


def test_missing_card_and_other_versions_are_refused(trained, tmp_path):
    _, _, directory = trained
    copy = _copy(directory, tmp_path)
    card = json.loads((copy / "card.json").read_text(encoding="utf-8"))
    card["versions"]["scikit-learn"] = "0.0.1"
    (copy / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="scikit-learn 0.0.1"):
        load_model(copy)
    (copy / "card.json").unlink()
    with pytest.raises(ModelError, match="no model card"):
        load_model(copy)


def test_model_wrapper_exposes_target(trained):
    model, _, _ = trained
    assert isinstance(model, Model) and model.target == "pro_kremlin_framing"


@pytest.mark.slow
def test_saved_model_bytes_do_not_depend_on_the_hash_seed(tmp_path):
    """Same corpus, same options: the same model file, whatever PYTHONHASHSEED is."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from tests.test_model import tiny_corpus, FAST\n"
        "from framing.model import Dataset, FramingClassifier, Model, save_model\n"
        "d = Dataset.from_articles(tiny_corpus(), 'pro_kremlin_framing')\n"
        "c = FramingClassifier(FAST).fit(d.texts, d.labels, groups=d.groups)\n"
        "m = save_model(Model(c, {'target': 'pro_kremlin_framing'}), sys.argv[1])\n"
    )
    digests = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env,
                       cwd=Path(__file__).resolve().parents[1])
        digests.append(json.loads((out / "card.json").read_text(encoding="utf-8"))["sha256"])
    assert digests[0] == digests[1]


def test_train_only_articles_train_every_fold_but_are_never_evaluated():
    data = Dataset.from_articles(tiny_corpus(), "pro_kremlin_framing")
    written = [Article(id=f"w{i}", text=f"{PRO[i % 3]} Written example {i}.", source="writer",
                       labels={"pro_kremlin_framing": 1}) for i in range(6)]
    extra = Dataset.from_articles(written, "pro_kremlin_framing", own_groups=True)
    assert len(set(extra.groups)) == 6  # one group each, not one "writer" publisher
    model, report = train(data, config=FAST, folds=4, extra=extra)
    assert report["model"]["metrics"]["n"] == len(data.texts)
    card = model.card["corpus"]
    assert card["articles"] == len(data.texts) and card["train_only"]["articles"] == 6
    # The calibration curve is fitted on the out-of-fold scores of the evaluated rows only.
    assert len(model.classifier.oof_scores_) == len(data.texts)


def test_other_voice_markers_never_raise_the_score():
    quoted = ['Officials denied what Moscow calls a "special military operation" there.',
              'The ministry said the "Kiev regime" was to blame, without evidence.']
    articles = tiny_corpus()
    # Give the quoted wording a pro-Kremlin correlation a free fit would learn.
    for i, article in enumerate(articles):
        if article.labels["pro_kremlin_framing"] == 1:
            article.text += " " + quoted[i % 2]
    data = Dataset.from_articles(articles, "pro_kremlin_framing")
    for raises in (False, True):
        config = FeatureConfig(C=1.0, other_voice_raises=raises)
        classifier = FramingClassifier(config).fit(data.texts, data.labels, groups=data.groups)
        pipeline = classifier.pipeline_
        names = pipeline.named_steps["features"].get_feature_names_out()
        coef = pipeline.named_steps["clf"].coef_.ravel()
        other = [c for n, c in zip(names, coef, strict=True) if "_other__" in n]
        assert other
        if raises:
            assert max(other) > 0  # what the data alone teaches
        else:
            assert max(other) <= 0


def test_shared_counts_give_exactly_each_vectorizers_own_output(fitted):
    from framing.counting import TextCounts

    classifier, data = fitted
    texts = data.texts[:7] + ["", "Москва — Київ — 東京 \U0001f600", "a", "Kiev Kiev kiev"]
    union = classifier.pipeline_.named_steps["features"]
    shared = TextCounts()
    expected = union.transform(texts)
    got = classifier._features(texts, shared)
    assert got.shape == expected.shape and abs(got - expected).max() == 0
    p, _ = classifier.predict_with_similarity(texts, shared)
    assert np.allclose(p, classifier.predict_proba(texts)[:, 1])


@pytest.mark.parametrize("card, says", [
    ([1, 2], "JSON object"),
    ({"sha256": "x", "versions": {}}, "'target' missing"),
    ({"target": "t", "sha256": 5, "versions": {}}, "'sha256' is int"),
    ({"target": "t", "sha256": "x", "versions": {}, "model_file": "../elsewhere.joblib"},
     "file name beside the card"),
])
def test_a_card_of_the_wrong_shape_is_refused(tmp_path, card, says):
    (tmp_path / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match=re.escape(says)):
        load_model(tmp_path)


def _save(classifier, directory, target="pro_kremlin_framing"):
    import sklearn

    from framing import __version__

    versions = {"framing": __version__, "scikit-learn": sklearn.__version__}
    save_model(Model(classifier, {"target": target, "versions": versions}), directory)


def _swap_model_file(directory, data: bytes, name="model.pkl.gz"):
    """Put ``data`` in the model file ``name`` and a card that vouches for it."""
    from framing.model import file_sha256

    (directory / name).write_bytes(data)
    card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    card.update(model_file=name, sha256=file_sha256(directory / name))
    (directory / "card.json").write_text(json.dumps(card), encoding="utf-8")


def test_a_pickle_that_is_not_a_model_is_refused(tmp_path, fitted):
    import gzip
    import pickle

    classifier, _ = fitted
    _save(classifier, tmp_path)
    assert load_model(tmp_path).target == "pro_kremlin_framing"  # the real one loads
    _swap_model_file(tmp_path, gzip.compress(pickle.dumps({"not": "a model"})))
    with pytest.raises(ModelError, match="not a framing model"):
        load_model(tmp_path)
    # Not gzip at all, though its sha256 is the card's: refused with a message.
    _swap_model_file(tmp_path, b"not gzip")
    with pytest.raises(ModelError, match="not a readable model file"):
        load_model(tmp_path)


def test_a_card_of_an_earlier_release_naming_a_joblib_file_still_loads(fitted, tmp_path):
    import io

    classifier, _ = fitted
    _save(classifier, tmp_path)
    (tmp_path / "model.pkl.gz").unlink()
    written = io.BytesIO()
    joblib.dump(classifier, written, compress=3)
    _swap_model_file(tmp_path, written.getvalue(), name="model.joblib")
    texts = ["Officials said the talks went on.", "Kiev regime, proxy war."]
    assert np.allclose(load_model(tmp_path).classifier.predict_proba(texts),
                       classifier.predict_proba(texts))


def test_the_same_classifier_is_saved_to_the_same_bytes(fitted, tmp_path):
    classifier, _ = fitted
    for name in ("a", "b"):
        _save(classifier, tmp_path / name, target="t")
    assert (tmp_path / "a" / "model.pkl.gz").read_bytes() == \
        (tmp_path / "b" / "model.pkl.gz").read_bytes()


def test_an_explanation_from_the_batch_counts_is_the_same_as_alone(fitted):
    from framing.counting import TextCounts

    classifier, data = fitted
    texts = data.texts[:5]
    counts = TextCounts()
    classifier.predict_with_similarity(texts, counts)
    for text in texts + ["a text the batch never held"]:
        assert classifier.explain(text, top=3, counts=counts) == classifier.explain(text, top=3)
