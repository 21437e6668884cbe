"""Tests of the scikit-learn transformers in framing.features (StyleFeatures: test_style.py).

Written by hand: scikit-learn's ``check_estimator`` skips estimators that take raw text.
"""

import math
import pickle

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from framing.features import MarkerCounts
from framing.ingest import iter_articles
from framing.markers import load_markers

from .conftest import SEEDS

TRAIN = [
    "Russia's special military operation in Ukraine continues, the ministry said.",
    "The Kiev regime and the collective West were blamed. MOSCOW (Sputnik) - Officials spoke.",
    "Shares rose 3% on Monday as investors welcomed the news.",
]
OTHER = [
    "A calm report about the weather.",
    "The special military operation, the so-called special military operation.",
    "",
    "As an AI language model, I cannot do that.",
    "Lu\u043fansk was shelled.",
]
# Empty, bare punctuation, whitespace, non-Latin scripts, emoji, invisible characters, CJK
# sentences without spaces, and a long text with no sentence end at all.
ODD = [
    "",
    "!!!",
    "...",
    " \n\t \u00a0 ",
    "\u041c\u043e\u0441\u043a\u0432\u0430",
    "\u6771\u4eac",
    "\U0001f600\U0001f525\U0001f44d",
    "Ze\u200blensky \u200b\u200c\u200d\ufeff",
    "\u6771\u4eac\u306f\u5927\u304d\u3044\u3002\u672c\u5f53\u306b\uff1f\u306f\u3044",
    "\u202eevil\u202c \u0130stanbul \u00df \ufb01",
    "word " * 3000,
    "1234567890",
    '"""' * 50,
]

FACTORIES = {
    "markers": MarkerCounts,
}


@pytest.fixture(params=sorted(FACTORIES), scope="module")
def fitted(request):
    return FACTORIES[request.param]().fit(TRAIN)


def _dense(matrix):
    return matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)


def _fitted_attributes(estimator):
    return [k for k in vars(estimator) if k.endswith("_") and not k.startswith("__")]


# --------------------------------------------------------------------------- the transformers


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_init_stores_parameters_only(name):
    estimator = FACTORIES[name]()
    assert _fitted_attributes(estimator) == []
    assert set(vars(estimator)) == set(estimator.get_params())


@pytest.mark.parametrize(
    "estimator",
    [
        MarkerCounts(select=["KN1", "ai"], ignore=("AI405",), per_family=False, scale="count"),
        MarkerCounts(markers=load_markers()[:3]),
        MarkerCounts(voice="any", scale="binary"),
    ],
    ids=repr,
)
def test_clone_gives_an_equal_unfitted_copy(estimator):
    estimator.fit(TRAIN)
    copy = clone(estimator)
    assert copy is not estimator
    assert type(copy) is type(estimator)
    assert copy.get_params().keys() == estimator.get_params().keys()
    for key, value in estimator.get_params().items():
        assert copy.get_params()[key] == value, key
    assert _fitted_attributes(copy) == []
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)


def test_transform_before_fit_raises(fitted):
    unfitted = clone(fitted)
    with pytest.raises(NotFittedError):
        unfitted.transform(TRAIN)
    with pytest.raises(NotFittedError):
        unfitted.get_feature_names_out()


def test_fit_returns_self():
    for factory in FACTORIES.values():
        estimator = factory()
        assert estimator.fit(TRAIN) is estimator


def test_feature_names_match_the_columns(fitted):
    names = fitted.get_feature_names_out()
    assert isinstance(names, np.ndarray)
    assert all(isinstance(n, str) for n in names)
    assert len(set(names)) == len(names)
    assert fitted.transform(TRAIN + OTHER).shape == (len(TRAIN + OTHER), len(names))
    # input_features is accepted and means nothing for raw text.
    assert list(fitted.get_feature_names_out(None)) == list(names)


def test_joblib_round_trip_gives_identical_output(fitted, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(fitted, path)
    loaded = joblib.load(path)
    texts = TRAIN + OTHER + ODD
    before, after = fitted.transform(texts), loaded.transform(texts)
    assert type(before) is type(after)
    assert np.array_equal(_dense(before), _dense(after))
    assert list(loaded.get_feature_names_out()) == list(fitted.get_feature_names_out())


def test_odd_texts_give_finite_rows(fitted):
    out = _dense(fitted.transform(ODD))
    assert out.shape == (len(ODD), len(fitted.get_feature_names_out()))
    assert np.isfinite(out).all()


def test_fit_on_one_set_transform_another_keeps_the_width(fitted):
    width = len(fitted.get_feature_names_out())
    for texts in (OTHER, OTHER[:1], ODD, TRAIN * 3):
        assert fitted.transform(texts).shape == (len(texts), width)
    assert fitted.transform([]).shape == (0, width)


def test_output_types(fitted):
    out = fitted.transform(TRAIN)
    assert sp.issparse(out) and out.format == "csr"
    assert out.dtype == np.float64


def test_a_single_string_or_non_text_is_rejected(fitted):
    with pytest.raises(ValueError, match="single string"):
        fitted.transform("one article, not a list")
    with pytest.raises(TypeError, match="#1"):
        fitted.transform(["text", None])
    with pytest.raises(ValueError, match="single string"):
        clone(fitted).fit("one article")


def test_fit_transform_reads_a_generator_once(fitted):
    expected = _dense(clone(fitted).fit(TRAIN).transform(TRAIN))
    out = clone(fitted).fit_transform(text for text in TRAIN)
    assert np.array_equal(_dense(out), expected)


def test_declares_text_input(fitted):
    tags = get_tags(fitted)
    assert tags.input_tags.string and not tags.input_tags.two_d_array


# --------------------------------------------------------------------------- MarkerCounts


def _column(model, matrix, name):
    names = list(model.get_feature_names_out())
    return _dense(matrix)[:, names.index(name)]


def test_marker_counts_find_the_special_military_operation():
    model = MarkerCounts().fit(TRAIN)
    out = model.transform(["Russia's special military operation continues.", "Rain today."])
    assert _column(model, out, "marker__KN101")[0] > 0
    assert _column(model, out, "family__narrative")[0] > 0
    assert out[1].nnz == 0


def test_marker_counts_names_and_order():
    model = MarkerCounts().fit([])
    names = list(model.get_feature_names_out())
    ids = [m.id for m in load_markers()]
    families = list(model.families_)
    assert names == (
        [f"marker__{i}" for i in ids]
        + [f"marker_other__{i}" for i in ids]
        + [f"family__{f}" for f in families]
        + [f"family_other__{f}" for f in families]
    )
    any_voice = list(MarkerCounts(voice="any").fit([]).get_feature_names_out())
    assert any_voice == [f"marker__{i}" for i in ids] + [f"family__{f}" for f in families]


def test_marker_counts_select_ai_only_has_ai_features():
    model = MarkerCounts(select=["ai"]).fit(TRAIN)
    names = list(model.get_feature_names_out())
    assert names[-2:] == ["family__ai", "family_other__ai"]
    assert all(n.startswith(("marker__AI", "marker_other__AI")) for n in names[:-2])
    assert len(names) > 2
    out = model.transform(["As an AI language model, I cannot help."])
    assert _column(model, out, "family__ai")[0] > 0
    # A comma-separated string, as on the command line, means the same.
    assert list(MarkerCounts(select="ai").fit([]).get_feature_names_out()) == names


def test_marker_counts_ignore_and_per_family():
    model = MarkerCounts(ignore=["narrative", "TH5"], per_family=False).fit([])
    names = list(model.get_feature_names_out())
    assert not any(
        n.startswith(("family", "marker__KN", "marker__TH5", "marker_other__KN")) for n in names
    )
    assert model.families_ == ()


@pytest.mark.parametrize(
    ("scale", "expected"), [("count", 2.0), ("log1p", math.log(3.0)), ("binary", 1.0)]
)
def test_marker_counts_scales(scale, expected):
    model = MarkerCounts(select=["KN101"], scale=scale).fit([])
    out = model.transform(["The special military operation and the special military operation."])
    # marker__KN101, marker_other__KN101, family__narrative, family_other__narrative
    assert _dense(out)[0].tolist() == pytest.approx([expected, 0.0, expected, 0.0])
    model = MarkerCounts(select=["KN101"], scale=scale, voice="any").fit([])
    out = model.transform(["The special military operation and the special military operation."])
    assert _dense(out)[0].tolist() == pytest.approx([expected, expected])


def test_marker_counts_bad_parameters_fail_at_fit_not_init():
    bad = MarkerCounts(scale="rate")  # stored as given
    with pytest.raises(ValueError, match="scale"):
        bad.fit(TRAIN)
    with pytest.raises(ValueError, match="no marker"):
        MarkerCounts(select=["XX9"]).fit(TRAIN)
    with pytest.raises(ValueError, match="voice must be one of split, any"):
        MarkerCounts(voice="own").fit(TRAIN)


def test_marker_counts_evidence_matches_the_counts():
    model = MarkerCounts(scale="count").fit([])
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("000_*.txt"))[0]).read_text()
    evidence = model.evidence(text)
    assert evidence and {e.marker_id for e in evidence} >= {"SM301", "TH501"}
    row = _dense(model.transform([text]))[0]
    n_markers = len(model.marker_ids_)
    assert row[: 2 * n_markers].sum() == len(evidence)
    assert row[2 * n_markers :].sum() == len(evidence)
    other = [e for e in evidence if e.voice != "own" or e.rebutted]
    assert row[n_markers : 2 * n_markers].sum() == len(other)
    with pytest.raises(NotFittedError):
        MarkerCounts().evidence(text)


def test_marker_counts_keep_their_catalogue_snapshot(tmp_path):
    catalogue = tmp_path / "markers.toml"
    entry = """
[[marker]]
id = "XX101"
family = "loaded"
name = "test-marker"
description = "A test marker"
phrases = ["{phrase}"]
examples.match = ["a {phrase} here"]
examples.quoted = ["a '{phrase}' here"]
examples.attributed = ["the so-called {phrase} here"]
examples.no_match = ["nothing here"]
"""
    catalogue.write_text(entry.format(phrase="blue moon"), encoding="utf-8")
    # The code markers of framing.checks come with any catalogue; select keeps them out.
    model = MarkerCounts(markers=str(catalogue), select=["XX"], scale="count").fit([])
    assert list(model.get_feature_names_out()) == [
        "marker__XX101", "marker_other__XX101", "family__loaded", "family_other__loaded",
    ]
    texts = ["once in a blue moon", "a red sun"]
    before = _dense(model.transform(texts))
    assert before[:, 0].tolist() == [1.0, 0.0]
    # The file changes after fitting: the fitted model, and its pickle, do not.
    catalogue.write_text(entry.format(phrase="red sun"), encoding="utf-8")
    assert np.array_equal(_dense(model.transform(texts)), before)
    assert np.array_equal(_dense(pickle.loads(pickle.dumps(model)).transform(texts)), before)
    refitted = clone(model).fit([])
    assert _dense(refitted.transform(texts))[:, 0].tolist() == [0.0, 1.0]


VOICES_TEXTS = [
    "Russia's special military operation goes on.",
    'Officials call it a "special military operation".',
    "Putin said the special military operation goes on.",
    "The special military operation is a pretext for conquest.",
]


def test_marker_counts_split_own_voice_from_other_voices():
    model = MarkerCounts(select=["KN101"], scale="count").fit([])
    rows = _dense(model.transform(VOICES_TEXTS)).tolist()
    # own, not rebutted | quoted | attributed | own but rebutted
    assert rows == [[1, 0, 1, 0], [0, 1, 0, 1], [0, 1, 0, 1], [0, 1, 0, 1]]
    any_voice = MarkerCounts(select=["KN101"], scale="count", voice="any").fit([])
    assert _dense(any_voice.transform(VOICES_TEXTS)).tolist() == [[1, 1]] * 4


def test_marker_counts_pickled_before_voices_keep_their_columns():
    # A model fitted before the ``voice`` parameter existed has no such attribute: it must give
    # the old columns (every finding counted once) and keep working with scikit-learn.
    fitted = MarkerCounts(scale="count").fit([])
    old = MarkerCounts(scale="count", voice="any").fit([])
    del fitted.__dict__["voice"]
    expected = _dense(old.transform(TRAIN + OTHER))
    assert np.array_equal(_dense(fitted.transform(TRAIN + OTHER)), expected)
    assert list(fitted.get_feature_names_out()) == list(old.get_feature_names_out())
    loaded = pickle.loads(pickle.dumps(fitted))
    assert loaded.voice == "any" and loaded.get_params()["voice"] == "any"
    assert np.array_equal(_dense(loaded.transform(TRAIN + OTHER)), expected)
    assert clone(loaded).voice == "any" and "voice='any'" in repr(loaded)


def test_marker_counts_on_empty_and_non_ascii_texts_in_both_voice_modes():
    for voice in ("split", "any"):
        model = MarkerCounts(voice=voice).fit([])
        out = _dense(model.transform(ODD))
        assert out.shape == (len(ODD), len(model.get_feature_names_out()))
        assert np.isfinite(out).all()


def test_marker_counts_pickle_keeps_the_code_markers():
    model = pickle.loads(pickle.dumps(MarkerCounts(select=["hygiene"]).fit([])))
    assert [e.marker_id for e in model.evidence("The Lu\u043fansk region")] == ["TH501"]


# --------------------------------------------------------------------------- real data


def test_transformers_on_recovery(shared_data):
    articles = iter_articles([str(shared_data / "recovery")], on_problem=lambda p: None)
    texts = [a.text for _, a in zip(range(300), articles, strict=False)]
    assert len(texts) == 300
    model = MarkerCounts()
    out = _dense(model.fit_transform(texts))
    assert out.shape == (300, len(model.get_feature_names_out()))
    assert np.isfinite(out).all()
