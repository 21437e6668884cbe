"""Tests of framing.style: the style transformer, its sentence heuristic, its optional extra.

Tests of the sentiment columns skip cleanly when vaderSentiment (``framing[style]``) is not
installed; the other columns need nothing beyond the core install.
"""

import math
import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from framing import features, style
from framing.ingest import iter_articles
from framing.model import FeatureConfig, build_pipeline
from framing.style import StyleDependencyError, StyleFeatures, split_sentences

from .conftest import REPO, SEEDS
from .test_features import ODD, OTHER, TRAIN


def _vader():
    pytest.importorskip("vaderSentiment")


@pytest.fixture(params=[False, True], ids=["plain", "sentiment"], scope="module")
def fitted(request):
    if request.param:
        _vader()
    return StyleFeatures(sentiment=request.param).fit(TRAIN)


@pytest.fixture
def no_vader(monkeypatch):
    """vaderSentiment made unimportable, and the cached analyzer forgotten around the test."""
    monkeypatch.setitem(sys.modules, "vaderSentiment", None)
    monkeypatch.setitem(sys.modules, "vaderSentiment.vaderSentiment", None)
    style._vader.cache_clear()
    yield
    style._vader.cache_clear()


def _style(texts, **params):
    model = StyleFeatures(**params).fit([])
    out = model.transform(texts)
    names = [n.removeprefix("style__") for n in model.get_feature_names_out()]
    return [dict(zip(names, row, strict=True)) for row in out]


# --------------------------------------------------------------------------- scikit-learn API


def test_init_stores_parameters_only():
    estimator = StyleFeatures()
    assert [k for k in vars(estimator) if k.endswith("_")] == []
    assert set(vars(estimator)) == set(estimator.get_params())


def test_clone_gives_an_equal_unfitted_copy():
    estimator = StyleFeatures(sentiment=False, max_chars=123).fit(TRAIN)
    copy = clone(estimator)
    assert type(copy) is StyleFeatures and copy.get_params() == estimator.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)


def test_transform_before_fit_raises(fitted):
    unfitted = clone(fitted)
    with pytest.raises(NotFittedError):
        unfitted.transform(TRAIN)
    with pytest.raises(NotFittedError):
        unfitted.get_feature_names_out()
    assert unfitted.fit(TRAIN) is unfitted


def test_columns_are_dense_float64_and_finite_on_odd_texts(fitted):
    names = fitted.get_feature_names_out()
    assert len(set(names)) == len(names) and list(fitted.get_feature_names_out(None)) == list(names)
    for texts in (TRAIN + OTHER, OTHER[:1], ODD, []):
        out = fitted.transform(texts)
        assert isinstance(out, np.ndarray) and out.dtype == np.float64
        assert out.shape == (len(texts), len(names))
        assert np.isfinite(out).all()


def test_joblib_round_trip_gives_identical_output(fitted, tmp_path):
    joblib.dump(fitted, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    texts = TRAIN + OTHER + ODD
    assert np.array_equal(loaded.transform(texts), fitted.transform(texts))
    assert list(loaded.get_feature_names_out()) == list(fitted.get_feature_names_out())


def test_a_single_string_or_non_text_is_rejected(fitted):
    with pytest.raises(ValueError, match="single string"):
        fitted.transform("one article, not a list")
    with pytest.raises(TypeError, match="#1"):
        fitted.transform(["text", None])


def test_fit_transform_reads_a_generator_once_and_declares_text_input(fitted):
    expected = clone(fitted).fit(TRAIN).transform(TRAIN)
    assert np.array_equal(clone(fitted).fit_transform(t for t in TRAIN), expected)
    tags = get_tags(fitted)
    assert tags.input_tags.string and not tags.input_tags.two_d_array


def test_style_bad_max_chars_fails_at_fit():
    for bad in (0, -5, 2.5, "100", True):
        estimator = StyleFeatures(sentiment=False, max_chars=bad)
        with pytest.raises(ValueError, match="max_chars"):
            estimator.fit(TRAIN)


# --------------------------------------------------------------------------- columns


def test_style_feature_names():
    _vader()
    names = list(StyleFeatures().fit([]).get_feature_names_out())
    assert names[0] == "style__vader_compound" and "style__flesch" in names
    assert 15 <= len(names) <= 25
    without = list(StyleFeatures(sentiment=False).fit([]).get_feature_names_out())
    assert without == [n for n in names if not n.startswith("style__vader")]


def test_vader_orders_positive_above_negative():
    _vader()
    good, bad = _style(
        [
            "What a wonderful, happy day. I love this great news!",
            "This is a horrible, tragic disaster. People are angry and afraid.",
        ]
    )
    assert good["vader_compound"] > 0.5 > -0.5 > bad["vader_compound"]
    assert good["vader_pos"] > bad["vader_pos"] and bad["vader_neg"] > good["vader_neg"]
    assert bad["vader_intensity"] == pytest.approx(-bad["vader_compound"])


def test_vader_reads_only_the_opening():
    _vader()
    text = "It is a wonderful day. " + "x " * 300 + "A horrible, hateful, tragic disaster."
    (short,) = _style([text], max_chars=100)
    (whole,) = _style([text], max_chars=None)
    assert short["vader_compound"] > 0
    assert whole["vader_compound"] < short["vader_compound"]


def test_quotes_attribution_and_distancing():
    quoted, plain = _style(
        [
            '"We will win," he said. \u201cNever,\u201d she told reporters. \u00abNo\u00bb.',
            "The committee met on Tuesday and approved the budget for next year.",
        ],
        sentiment=False,
    )
    assert quoted["quotes_per_kchar"] > plain["quotes_per_kchar"] == 0
    assert quoted["attributions_per_sentence"] == pytest.approx(2 / 3)
    (distanced,) = _style(
        ["The so-called experts claimed it. It allegedly happened."], sentiment=False
    )
    assert distanced["distancing_per_sentence"] == pytest.approx(3 / 2)


def test_punctuation_and_sentence_ends():
    (row,) = _style(["Wow! Really? Yes. Stop!!"], sentiment=False)
    assert row["exclamatory_sentence_share"] == pytest.approx(2 / 4)
    assert row["question_sentence_share"] == pytest.approx(1 / 4)
    assert row["exclamations_per_kchar"] == pytest.approx(1000 * 3 / 24)
    assert row["questions_per_kchar"] == pytest.approx(1000 * 1 / 24)


def test_capitals_digits_and_pronouns():
    caps, digits = _style(["THIS IS BIG news", "abc 123"], sentiment=False)
    assert caps["allcaps_word_share"] == pytest.approx(3 / 4)
    assert digits["digit_share"] == pytest.approx(3 / 7)
    (row,) = _style(["I think we should tell you. The US and us."], sentiment=False)
    assert row["first_singular_rate"] == pytest.approx(1 / 10)
    assert row["first_plural_rate"] == pytest.approx(2 / 10)  # "we", "us"; not "US"
    assert row["second_person_rate"] == pytest.approx(1 / 10)


def test_readability():
    simple, hard = _style(
        [
            "The cat sat. The dog ran. We had fun.",
            "Notwithstanding considerable institutional heterogeneity, comprehensive "
            "epidemiological investigations demonstrated extraordinarily unanticipated "
            "immunological characteristics.",
        ],
        sentiment=False,
    )
    assert simple["flesch"] > 90 > 0 > hard["flesch"] >= -100
    assert simple["words_per_sentence"] == pytest.approx(3.0)
    assert hard["chars_per_word"] > simple["chars_per_word"]
    assert simple["log_words"] == pytest.approx(math.log1p(9))


# --------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("!!! ... ???", []),
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("Mr. Smith went to the U.S. Senate. He left.", [
            "Mr. Smith went to the U.S. Senate.", "He left."]),
        ('He said: "No!" Then he left.', ['He said: "No!"', "Then he left."]),
        ("Headline without stop\nBody text. More text.", [
            "Headline without stop", "Body text.", "More text."]),
        ("Rose 5%. Fell (AP).", ["Rose 5%.", "Fell (AP)."]),
        ("Wow !!!\n!!!", ["Wow !!!"]),
        ("\u6771\u4eac\u3002\u672c\u5f53\uff1f\u306f\u3044", [
            "\u6771\u4eac\u3002", "\u672c\u5f53\uff1f", "\u306f\u3044"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_sentence_counts_agree_with_split_sentences():
    # The style columns count sentences from summed token profiles, without splitting: the
    # two must agree on every text, tricky ones included.
    texts = ODD + TRAIN + OTHER + [p.read_text() for p in SEEDS.glob("*.txt")]
    texts += ["a. !!! b", "x \u3002\u300d y", "\u201cQuote.\u201d \u2014", "a\u3002b\u3002 \u2014"]
    for text in texts:
        sentences = split_sentences(text)
        counts = style._text_counts(text)
        assert counts["sentences"] == len(sentences), text
        ends = [s.split()[-1] for s in sentences]
        assert counts["exclamatory_ends"] == sum("!" in e or "\uff01" in e for e in ends), text


def test_token_cache_overflow_keeps_results(monkeypatch):
    texts = TRAIN + OTHER + ODD
    expected = StyleFeatures(sentiment=False).fit([]).transform(texts)
    monkeypatch.setattr(style, "_CACHE", {})
    monkeypatch.setattr(style, "_CACHE_SIZE", 8)
    assert np.array_equal(StyleFeatures(sentiment=False).fit([]).transform(texts), expected)
    assert len(style._CACHE) <= 8


# --------------------------------------------------------------------------- optional extra


def test_without_vader_sentiment_fails_clearly_and_the_rest_works(no_vader):
    with pytest.raises(StyleDependencyError, match=r"framing\[style\]"):
        StyleFeatures().fit(TRAIN)
    # Asking the pipeline for style fails before any training, with the same message.
    with pytest.raises(StyleDependencyError, match="vaderSentiment"):
        build_pipeline(FeatureConfig(style=True))
    out = StyleFeatures(sentiment=False).fit(TRAIN).transform(TRAIN)
    assert out.shape == (len(TRAIN), 16)


def test_scoring_never_imports_style():
    code = (
        "import sys; from framing import cli, features, model, scoring; "
        "model.load_model(model.SOURCE_MODELS_DIR / 'unreliable_source'); "
        "print('framing.style' in sys.modules, 'vaderSentiment' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert run.stdout.split() == ["False", "False"]


def test_old_home_still_resolves_for_pickles():
    # Models pickled while StyleFeatures lived in framing.features name it there.
    assert features.StyleFeatures is StyleFeatures
    assert features.split_sentences is split_sentences
    fitted = StyleFeatures(sentiment=False).fit([])
    old = pickle.dumps(fitted, protocol=0).replace(
        b"cframing.style\nStyleFeatures\n", b"cframing.features\nStyleFeatures\n"
    )
    assert b"framing.style" not in old
    loaded = pickle.loads(old)
    assert np.array_equal(loaded.transform(TRAIN), fitted.transform(TRAIN))
    with pytest.raises(AttributeError, match="Nothing"):
        features.Nothing  # noqa: B018


# --------------------------------------------------------------------------- real data


def test_style_on_recovery(shared_data):
    articles = iter_articles([str(shared_data / "recovery")], on_problem=lambda p: None)
    texts = [a.text for _, a in zip(range(300), articles, strict=False)]
    assert len(texts) == 300
    model = StyleFeatures(sentiment=False).fit([])
    names = list(model.get_feature_names_out())
    out = model.transform(texts)
    assert out.shape == (300, len(names)) and np.isfinite(out).all()
    # News prose: most articles quote, attribute and read as ordinary English.
    assert np.median(out[:, names.index("style__flesch")]) > 20
    assert np.median(out[:, names.index("style__words_per_sentence")]) > 10
    assert np.mean(out[:, names.index("style__attributions_per_sentence")] > 0) > 0.5


def test_sentence_spans_are_the_offsets_of_split_sentences():
    from framing.style import sentence_spans

    text = "Mr. Smith came.  He left!  «Ça va?» Oui\nNext line, no stop\r\n... \n東京で会議。次だ！"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Mr. Smith came.", "He left!", "«Ça va?»", "Oui",
                                             "Next line, no stop", "東京で会議。", "次だ！"]
    assert [" ".join(text[s:e].split()) for s, e in spans] == split_sentences(text)
    assert sentence_spans("") == []
