"""The classifier: pipeline, publisher-grouped evaluation, calibration, explanation, persistence.

One model per target. The pipeline joins word n-grams, character n-grams, the marker counts of
the extractor and, when asked for, the style features of :mod:`framing.style` into a logistic
regression; :class:`FramingClassifier` adds
Platt calibration fitted on publisher-grouped out-of-fold scores, so the probabilities it gives
hold for publishers it never saw.

Models are code: a model file is a pickle and loading one runs code. :func:`load_model` only
unpickles a file whose sha256 matches the model card beside it, and refuses a card written by
another framing version or another scikit-learn minor series (see the README).
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import itertools
import json
import os
import pickle
import platform
import re
import sys
import sysconfig
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MaxAbsScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted

from framing import __version__
from framing.atomic import atomic_write
from framing.counting import TextCounts, transform_union
from framing.errors import FramingError
from framing.evaluation import (  # noqa: F401  (re-exported: the metrics' old home)
    calibration_table,
    evaluation_report,
    expected_calibration_error,
    metrics,
)
from framing.features import MarkerCounts
from framing.ingest import Article

#: The model file: a gzip-compressed pickle. Read with the standard C unpickler, it loads in a
#: tenth of the time joblib's pure-Python one took for the shipped models (0.17 s against
#: 1.29 s for all six), which every command that scores pays once.
MODEL_FILE = "model.pkl.gz"
#: Model files written before (joblib); still loaded when a card names one.
JOBLIB_FILE = "model.joblib"
CARD_FILE = "card.json"
#: Targets of the shipped default model, with what a probability of 1 means.
TARGETS = {
    "unreliable_source": "the article comes from an unreliable outlet",
    "pro_kremlin_framing": "the article carries pro-Kremlin war narratives",
    "war_topic": "the article is about the Russia-Ukraine war (the scope of pro_kremlin_framing)",
}
#: Environment variable naming a directory of model directories (see :func:`models_dir`).
MODELS_ENV = "FRAMING_MODELS"
#: Card kinds of the multi-label models, which are not scoring targets of their own.
MULTI_LABEL_KINDS = ("narratives", "frames", "techniques")
#: ``models/`` beside the package source: the checkout's models (editable install or source).
SOURCE_MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
#: Where ``pip install .`` puts the shipped models (setup.cfg ``data_files``).
INSTALLED_MODELS_DIR = Path(sys.prefix) / "share" / "framing" / "models"
#: Where ``pip install --user .`` puts them.
USER_MODELS_DIR = (Path(sysconfig.get_path("data", f"{os.name}_user"))
                   / "share" / "framing" / "models")


def models_dir() -> Path:
    """The directory the shipped (default) models are looked up in, first match wins.

    1. ``$FRAMING_MODELS``, when set (even if empty of models: it is what was asked for);
    2. ``models/`` beside the package source (a checkout, editable or not installed);
    3. the models installed with the package (``<prefix>/share/framing/models``, or under
       the user base, ``~/.local/share/framing/models``, after ``pip install --user``).

    ``--model`` on the command line comes before all of them. When none holds a model, the
    checkout path is returned, so messages and ``framing train`` name the usual place.
    """
    env = os.environ.get(MODELS_ENV)
    if env:
        return Path(env).expanduser()
    for candidate in (SOURCE_MODELS_DIR, INSTALLED_MODELS_DIR, USER_MODELS_DIR):
        if any(candidate.glob(f"*/{CARD_FILE}")):
            return candidate
    return SOURCE_MODELS_DIR


#: The models directory found when framing was imported (see :func:`models_dir`).
MODELS_DIR = models_dir()


class ModelError(FramingError):
    """A model cannot be trained, saved or loaded as asked."""


# --------------------------------------------------------------------------- pipeline


@dataclass(frozen=True)
class FeatureConfig:
    """Which features the pipeline joins, and the classifier's regularisation."""

    words: bool = True
    word_ngrams: int = 1
    chars: bool = False
    markers: bool = True
    style: bool = False
    max_word_features: int = 50_000
    max_char_features: int = 50_000
    # Inverse document frequency on the word block. Off by default: idf up-weights rare words,
    # which name the topics and outlets of the training articles more than how they frame;
    # plain sublinear term frequencies (l2-normalised) measured +0.04 ROC-AUC for
    # pro_kremlin_framing on each of eight shuffled grouped splits, and a lower calibration
    # error for unreliable_source (see the README's measured alternatives).
    word_idf: bool = False
    marker_weight: float = 1.0
    #: Leave out scikit-learn's English stop words from the word block.
    word_stop_words: bool = False
    #: Marker families (or ids) the marker block counts; empty for all.
    marker_select: tuple[str, ...] = ()
    #: Whether quoted, attributed or rebutted markers may raise the score. Off: their columns
    #: may only lower it (see _fit_pipeline), so that a report quoting Kremlin wording is never
    #: pushed toward pro-Kremlin by the quote itself, as the training data would teach.
    other_voice_raises: bool = False
    C: float = 3.0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def build_pipeline(config: FeatureConfig = FeatureConfig()) -> Pipeline:
    """The unfitted feature union + logistic regression for ``config``."""
    parts = []
    if config.words:
        parts.append(("words", TfidfVectorizer(
            ngram_range=(1, config.word_ngrams), sublinear_tf=True, min_df=2, max_df=0.9,
            max_features=config.max_word_features, use_idf=config.word_idf, dtype=np.float32,
            stop_words="english" if getattr(config, "word_stop_words", False) else None,
        )))
    if config.chars:
        parts.append(("chars", TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=3,
            max_features=config.max_char_features, dtype=np.float32,
        )))
    if config.markers:
        # Counts are already on a log scale; MaxAbs keeps them sparse and at most 1.
        parts.append(("markers", Pipeline([("counts", MarkerCounts(select=config.marker_select)),
                                           ("scale", MaxAbsScaler())])))
    if config.style:
        # Imported only when asked for: no shipped model uses style, and its sentiment needs
        # the optional vaderSentiment (framing[style]). A trial fit raises StyleDependencyError
        # now, not after the first folds have trained.
        from framing.style import StyleFeatures

        StyleFeatures().fit([])
        parts.append(("style", Pipeline([("values", StyleFeatures()),
                                         ("scale", StandardScaler())])))
    if not parts:
        raise ModelError("the feature configuration selects no features")
    # A few dozen marker columns against thousands of word columns: a weight above 1 eases
    # the regularisation on the marker block.
    weights = {"markers": config.marker_weight} if config.markers else None
    return Pipeline([
        ("features", FeatureUnion(parts, transformer_weights=weights)),
        ("clf", LogisticRegression(C=config.C, max_iter=3000, class_weight="balanced")),
    ])


def baseline_pipeline() -> Pipeline:
    """The plain word TF-IDF + logistic regression every model is compared with."""
    return Pipeline([("words", TfidfVectorizer()), ("clf", LogisticRegression(max_iter=1000))])


def publisher_weights(groups: Sequence) -> np.ndarray:
    """Sample weights giving every publisher the same total weight (mean weight 1).

    Per-publisher labels make a big outlet's house style look like the label itself; equal
    weights push the model toward cues that hold across outlets (measured on ReCOVery: ROC-AUC
    on unseen publishers 0.846 unweighted, 0.864 weighted, word features alone).
    """
    counts = Counter(groups)
    weights = np.array([1.0 / counts[g] for g in groups])
    return weights * len(weights) / weights.sum()


class FramingClassifier(ClassifierMixin, BaseEstimator):
    """The feature pipeline with Platt calibration fitted on group-wise out-of-fold scores.

    ``fit(X, y, groups=...)``: ``X`` are texts, ``groups`` the publisher of each (articles of
    one publisher never sit on both sides of a calibration split). Without groups every
    article is its own group.

    Five calibration folds by default: the inner models then see 80% of the publishers, so
    their scores are closer in scale to the final model's than with three folds (60%), and the
    Platt fit transfers better (ReCOVery, unigrams: ECE 0.051 with 3 folds, 0.048 with 5,
    0.039 with 10, which costs twice the training time of 5).
    """

    def __init__(self, config: FeatureConfig = FeatureConfig(), calibration_folds: int = 5,
                 weight_publishers: bool = True):
        self.config = config
        self.calibration_folds = calibration_folds
        self.weight_publishers = weight_publishers

    def fit(self, X, y, groups=None, always_train=None):
        """Fit on texts ``X`` with labels ``y``; ``groups`` keep a publisher on one side.

        ``always_train`` (a boolean mask) marks rows that only ever train: they sit in every
        calibration fold's training side and the Platt curve is fitted on the other rows' scores
        alone, so that written contrast examples teach the model without shaping its
        probabilities.
        """
        X = list(X)
        y = np.asarray(y, dtype=int)
        groups = np.asarray(groups if groups is not None else np.arange(len(X)), dtype=object)
        _check_labels(y)
        extra = (np.zeros(len(X), dtype=bool) if always_train is None
                 else np.asarray(always_train, dtype=bool))
        weights = publisher_weights(groups) if self.weight_publishers else np.ones(len(X))
        held = np.flatnonzero(~extra)
        folds = min(self.calibration_folds, len(set(groups[held])))
        scores = np.full(len(X), np.nan)
        for train, test in GroupKFold(n_splits=folds).split(held, y[held], groups[held]):
            train = np.concatenate([held[train], np.flatnonzero(extra)])
            test = held[test]
            if len(set(y[train])) < 2:
                raise ModelError("a calibration fold has one label only: too few publishers")
            inner = _fit_pipeline(self.config, [X[i] for i in train], y[train], weights[train])
            scores[test] = inner.decision_function([X[i] for i in test])
        self.calibrator_ = LogisticRegression(C=1e6).fit(scores[held].reshape(-1, 1), y[held])
        self.oof_scores_ = scores[held]
        self.pipeline_ = _fit_pipeline(self.config, X, y, weights)
        self.classes_ = self.pipeline_.classes_
        self._fit_similarity(self.pipeline_.named_steps["features"].transform(X), groups, ~extra)
        _strip_volatile(self.pipeline_)
        return self

    # ------------------------------------------------------------------ training domain

    def _word_block(self, features) -> sparse.csr_matrix | None:
        """The word columns of the union's output (l2-normalised rows), or None without words."""
        union = self.pipeline_.named_steps["features"]
        for name, step in union.transformer_list:
            if name == "words":
                width = len(step.vocabulary_)
                return sparse.csr_matrix(features)[:, :width].astype(np.float32)
        return None

    def _fit_similarity(self, features, groups: np.ndarray, measured: np.ndarray) -> None:
        """Keep the training articles' word vectors and the level of :data:`SIMILARITY_QUANTILE`.

        The level is measured leave-source-out: for each training article, its similarity to
        the nearest article of *another* source. An article scored later that is less similar
        to every training article than nearly all training articles are to other sources'
        articles lies outside what the model has seen. Only the ``measured`` rows set the level
        (written contrast examples come in pairs on one event, which would raise it).
        """
        words = self._word_block(features)
        if words is None:
            self.train_vectors_ = None
            self.similarity_level_ = None
            return
        # The model's own word weights (sublinear tf, no idf) are dominated by function words,
        # which every English text shares; weighted by idf, the similarity follows topic and
        # vocabulary instead.
        present = np.bincount(sparse.csr_matrix(words).indices, minlength=words.shape[1])
        self.similarity_idf_ = (np.log((1 + words.shape[0]) / (1 + present)) + 1).astype(
            np.float32)
        words = self._weighted(words)
        self.train_vectors_ = _top_terms(words, SIMILARITY_TERMS)
        rows = np.flatnonzero(measured)
        nearest = np.zeros(len(rows))
        codes = np.unique(np.asarray(groups).astype(str), return_inverse=True)[1]
        for start in range(0, len(rows), 512):
            chunk = rows[start:start + 512]
            # Queries whole, training side pruned: as an article scored later meets them.
            block = (words[chunk] @ self.train_vectors_.T).toarray()
            block[codes[chunk, None] == codes[None, :]] = 0.0
            nearest[start:start + 512] = block.max(axis=1)
        self.similarity_level_ = float(np.quantile(nearest, SIMILARITY_QUANTILE))

    def _features(self, texts: list[str], shared: TextCounts | None):
        return transform_union(self.pipeline_.named_steps["features"], texts, shared)

    def similarity(self, X) -> np.ndarray | None:
        """Cosine similarity of each text to its nearest training article (word features)."""
        check_is_fitted(self, "pipeline_")
        return self._similarity(self.pipeline_.named_steps["features"].transform(list(X)))

    def _weighted(self, words) -> sparse.csr_matrix:
        """Word rows reweighted by the training idf and l2-normalised (cosine by dot product)."""
        weighted = sparse.csr_matrix(words @ sparse.diags(self.similarity_idf_))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted, dtype=np.float32)

    def _similarity(self, features) -> np.ndarray | None:
        train = getattr(self, "train_vectors_", None)
        words = self._word_block(features) if train is not None else None
        if words is None:
            return None
        words = self._weighted(words)
        if not train.shape[0]:
            return np.zeros(words.shape[0])
        # The transpose as CSR, built once per loaded model: multiplying by train.T (CSC)
        # converts it on every call.
        train_t = self.__dict__.get("_train_t_cache")
        if train_t is None:
            train_t = self.__dict__["_train_t_cache"] = sparse.csr_matrix(train.T)
        product = (words @ train_t).toarray()
        return product.max(axis=1)

    def predict_with_similarity(self, X, shared: TextCounts | None = None
                                ) -> tuple[np.ndarray, np.ndarray | None]:
        """Probability of label 1 and :meth:`similarity` of each text, from one transform.

        ``shared`` (a :class:`~framing.counting.TextCounts` of the batch) lets several models
        of one batch tokenise and count the words once.
        """
        check_is_fitted(self, "pipeline_")
        texts = list(X)
        features = self._features(texts, shared)
        if shared is not None:
            shared.keep(self, texts, features)
        scores = self.pipeline_.named_steps["clf"].decision_function(features)
        proba = self.calibrator_.predict_proba(np.asarray(scores).reshape(-1, 1))[:, 1]
        return proba, self._similarity(features)

    def decision_function(self, X):
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.decision_function(list(X))

    def predict_proba(self, X):
        scores = self.decision_function(X).reshape(-1, 1)
        return self.calibrator_.predict_proba(scores)

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def explain(self, text: str, top: int = 5, counts: TextCounts | None = None) -> dict:
        """Features pushing this text's score up and down, with readable names.

        A marker counts in two columns, its own and its family's; its entry here carries the
        net effect of both (the family column's share split over the markers behind it in
        proportion to their counts), so one span never shows as pushing both ways. Entries:
        ``feature`` (the column, or ``marker:KN101`` / ``marker_other:KN101``), ``name``
        (readable), ``weight``; the marker evidence found in the text is in ``evidence``.
        ``counts``: the batch's :class:`~framing.counting.TextCounts` (the text's words are
        then not counted again).
        """
        check_is_fitted(self, "pipeline_")
        union = self.pipeline_.named_steps["features"]
        clf = self.pipeline_.named_steps["clf"]
        row = counts.kept(self, text) if counts is not None else None
        if row is None:
            row = self._features([text], counts)
        names = self._feature_names()
        coef = clf.coef_.ravel()
        contributions: dict[str, float] = {}
        family_parts: dict[str, float] = {}
        for j, value in zip(row.indices, row.data, strict=True):
            name, weight = names[j], float(value * coef[j])
            if "__family" in name:
                family_parts[name] = family_parts.get(name, 0.0) + weight
            else:
                contributions[name] = contributions.get(name, 0.0) + weight
        evidence = []
        counts = None
        for name, step in union.transformer_list:
            if name == "markers":
                counter = step.named_steps["counts"]
                evidence = counter.evidence(text)
                counts = _marker_columns(counter, evidence)
        if counts:
            # A family column's effect goes to the markers of that family and voice behind it.
            for family_column, weight in family_parts.items():
                members = {c: k for c, (fam, k) in counts.items() if fam == family_column}
                total = sum(members.values())
                if not total:
                    contributions[family_column] = weight
                    continue
                for column, n in members.items():
                    contributions[column] = contributions.get(column, 0.0) + weight * n / total
        else:
            contributions.update(family_parts)
        ranked = sorted(contributions.items(), key=lambda item: item[1])
        marker_names = _marker_names(union)

        def entry(column: str, weight: float) -> dict:
            return {"feature": _short_feature(column), "name": _readable(column, marker_names),
                    "weight": round(weight, 4)}

        # Entries (readable names) for the shown ones only: a text has hundreds of columns.
        up = [entry(n, w) for n, w in itertools.islice(
            ((n, w) for n, w in reversed(ranked) if w > 0), max(top, 0))]
        down = [entry(n, w) for n, w in itertools.islice(
            ((n, w) for n, w in ranked if w < 0), max(top, 0))]
        return {"up": up, "down": down, "evidence": [e.to_dict() for e in evidence]}

    def _feature_names(self) -> np.ndarray:
        # Built once per fitted model: rebuilding the names of 50,000 columns per call is most
        # of an explanation's time.
        names = self.__dict__.get("_feature_names_cache")
        if names is None:
            names = self.pipeline_.named_steps["features"].get_feature_names_out()
            self.__dict__["_feature_names_cache"] = names
        return names

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: the default is the live __dict__
        state.pop("_feature_names_cache", None)
        state.pop("_train_t_cache", None)
        return state


#: Terms kept per training article for the similarity (its highest idf-weighted ones): the
#: words that say what it is about. Keeps the model file small (about a third of all terms).
SIMILARITY_TERMS = 100


def _top_terms(rows: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """Each row's ``keep`` largest entries, l2-normalised again."""
    rows = sparse.csr_matrix(rows)
    data, indices, indptr = [], [], [0]
    for i in range(rows.shape[0]):
        start, end = rows.indptr[i], rows.indptr[i + 1]
        values, columns = rows.data[start:end], rows.indices[start:end]
        if len(values) > keep:
            top = np.argsort(-values, kind="stable")[:keep]
            top.sort()
            values, columns = values[top], columns[top]
        norm = np.sqrt(float(np.dot(values, values))) or 1.0
        data.append(values / norm)
        indices.append(columns)
        indptr.append(indptr[-1] + len(values))
    return sparse.csr_matrix(
        (np.concatenate(data).astype(np.float32) if data else np.zeros(0, np.float32),
         np.concatenate(indices) if indices else np.zeros(0, np.int32), indptr),
        shape=rows.shape)


#: Quantile of the training articles' leave-source-out nearest similarity below which an
#: article is marked ``low_confidence``: 5% of training articles are that far from the other
#: sources' articles.
SIMILARITY_QUANTILE = 0.05


def _marker_columns(counter, evidence) -> dict[str, tuple[str, int]]:
    """Union column names of the markers found, each with its family column and count."""
    out: dict[str, tuple[str, int]] = {}
    split = counter._split()
    for e in evidence:
        other = split and e.borrowed
        marker_col = f"markers__marker{'_other' if other else ''}__{e.marker_id}"
        family_col = f"markers__family{'_other' if other else ''}__{e.family}"
        _, n = out.get(marker_col, (family_col, 0))
        out[marker_col] = (family_col, n + 1)
    return out


def _marker_names(union) -> dict[str, str]:
    for name, step in union.transformer_list:
        if name == "markers":
            return {m.id: m.name for m in step.named_steps["counts"].extractor_.markers}
    return {}


def _short_feature(column: str) -> str:
    block, _, rest = column.partition("__")
    if block == "markers":
        kind, _, value = rest.partition("__")
        return f"{kind}:{value}"
    return f"{block[:-1] if block.endswith('s') else block}:{rest}"


def _readable(column: str, marker_names: dict[str, str]) -> str:
    block, _, rest = column.partition("__")
    if block == "words":
        return f"word '{rest}'"
    if block == "chars":
        return f"characters '{rest}'"
    if block == "markers":
        kind, _, value = rest.partition("__")
        voice = " (quoted, attributed or rebutted)" if kind.endswith("_other") else ""
        if kind.startswith("marker"):
            return f"marker {value} {marker_names.get(value, '')}".rstrip() + voice
        return f"{value} markers{voice}"
    return rest or column


def _fit_pipeline(config, X, y, weights) -> Pipeline:
    pipeline = build_pipeline(config).fit(X, y, clf__sample_weight=weights)
    if config.markers and not config.other_voice_raises:
        _keep_other_voice_down(pipeline, X, y, weights)
    return _strip_volatile(pipeline)


def _keep_other_voice_down(pipeline: Pipeline, X, y, weights, rounds: int = 5) -> None:
    """Refit the classifier with every other-voice marker column that came out positive zeroed.

    In the training articles, pro-Kremlin outlets quote and attribute Kremlin wording as much as
    they adopt it ("the ministry said the special military operation..."), so a free fit learns
    that a quoted "special military operation" raises the score: exactly what a fact check
    quoting it must not do. A column of zeros gets a coefficient of exactly 0 under L2
    regularisation, so the refit model ignores those columns at prediction time without any
    masking step. Repeated until no other-voice column is positive (a few rounds at most).
    """
    union = pipeline.named_steps["features"]
    clf = pipeline.named_steps["clf"]
    names = union.get_feature_names_out()
    other = np.array(["_other__" in n for n in names])
    if not other.any():
        return
    features = sparse.csr_matrix(union.transform(X))
    zeroed = np.zeros(len(names), dtype=bool)
    for _ in range(rounds):
        positive = other & (clf.coef_.ravel() > 0) & ~zeroed
        if not positive.any():
            return
        zeroed |= positive
        keep = sparse.diags((~zeroed).astype(features.dtype))
        clf.fit(features @ keep, y, sample_weight=weights)


def _strip_volatile(pipeline: Pipeline) -> Pipeline:
    drop_volatile_state(step for _, step in pipeline.named_steps["features"].transformer_list)
    return pipeline


def drop_volatile_state(transformers: Iterable) -> None:
    """Drop what makes identical trainings pickle to different bytes (and sha256s), in every
    TfidfVectorizer among ``transformers``.

    stop_words_, a set of dropped terms stored in this process's string-hash order (documented
    as safe to drop; it also bloats the file), and _stop_words_id, a memory address cached by
    every transform to skip re-validating stop words. Every saved model goes through here.
    """
    for step in transformers:
        if isinstance(step, TfidfVectorizer):
            step.stop_words_ = None
            step.__dict__.pop("_stop_words_id", None)


def load_kind(directory: str | Path, kind: str, error: type[Exception] = FramingError) -> Model:
    """:func:`load_model`, refusing a model whose card is of another ``kind`` (a frames model
    where a narratives model is asked for) with ``error``."""
    model = load_model(directory)
    if model.card.get("kind") != kind:
        raise error(f"{directory}: not a {kind} model (card kind {model.card.get('kind')!r})")
    return model


def _check_labels(y: np.ndarray) -> None:
    labels = set(y.tolist())
    if not labels <= {0, 1}:
        raise ModelError(f"labels must be 0 or 1, got {sorted(labels)}")
    if len(labels) < 2:
        raise ModelError(f"the corpus has one label only ({labels.pop()}); need both 0 and 1")


# --------------------------------------------------------------------------- data


def model_text(article: Article) -> str:
    """What the model reads: the title (when the text does not already hold it) and the text."""
    title = (article.title or "").strip()
    if title and title not in article.text[: len(title) + 500]:
        return title + "\n\n" + article.text
    return article.text


@dataclass
class Dataset:
    """Texts, 0/1 labels and publisher groups of one target, from corpus articles."""

    target: str
    texts: list[str]
    labels: np.ndarray
    groups: np.ndarray
    sources: list[str | None]
    skipped: int = 0

    @classmethod
    def from_articles(cls, articles: Iterable[Article], target: str, *,
                      own_groups: bool = False) -> Dataset:
        """Articles labelled for ``target``; others are counted in ``skipped``.

        The group of an article is its source; an article without one is its own group, so
        it can never share a side of a split with a twin it does not know it has.
        ``own_groups`` makes every article its own group (written examples sharing one
        "source" should not share one publisher's weight).
        """
        texts, labels, groups, sources = [], [], [], []
        skipped = 0
        for article in articles:
            label = article.labels.get(target)
            if label is None or label == "":
                skipped += 1
                continue
            try:
                label = int(label)
            except (TypeError, ValueError):
                raise ModelError(
                    f"{article.location}: label {target}={label!r} is not 0 or 1"
                ) from None
            texts.append(model_text(article))
            labels.append(label)
            groups.append(f"article:{article.id}" if own_groups or not article.source
                          else article.source)
            sources.append(article.source)
        if not texts:
            raise ModelError(f"no article in the corpus is labelled for target {target!r}")
        return cls(target, texts, np.array(labels), np.array(groups, dtype=object), sources,
                   skipped)


# --------------------------------------------------------------------------- metrics


def detailed_report(data: Dataset, p: np.ndarray, threshold: float = 0.5) -> dict:
    """Metrics plus confusion matrix, calibration table and a per-source breakdown."""
    y = data.labels
    per_source: dict[str, dict] = {}
    for source in sorted({s or "(unknown)" for s in data.sources}):
        mask = np.array([(s or "(unknown)") == source for s in data.sources])
        per_source[source] = {
            "n": int(mask.sum()),
            "label_mean": round(float(y[mask].mean()), 4),
            "mean_probability": round(float(p[mask].mean()), 4),
            "accuracy": round(float(((p[mask] >= threshold) == y[mask]).mean()), 4),
        }
    tn, fp, fn, tp = confusion_matrix(y, p >= threshold, labels=[0, 1]).ravel()
    return {
        "metrics": metrics(y, p, threshold),
        "confusion_matrix": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
        "calibration": calibration_table(y, p),
        "per_source": per_source,
    }


def grouped_cross_validation(
    data: Dataset,
    make_estimator: Callable[[], object],
    folds: int = 5,
    progress: Callable[[int], None] | None = None,
    extra: Dataset | None = None,
) -> np.ndarray:
    """Out-of-fold probabilities with whole publishers held out in each fold.

    ``extra`` articles (train-only contrast examples) join every training side and are never
    scored.
    """
    n_groups = len(set(data.groups))
    if n_groups < 2:
        raise ModelError("grouped cross-validation needs articles from at least 2 sources")
    folds = min(folds, n_groups)
    p = np.zeros(len(data.texts))
    for train, test in GroupKFold(n_splits=folds).split(data.texts, data.labels, data.groups):
        if len(set(data.labels[train].tolist())) < 2:
            raise ModelError("a training fold has one label only; the corpus needs more sources "
                             "of each label")
        estimator = make_estimator()
        x_train = [data.texts[i] for i in train]
        y_train = data.labels[train]
        g_train = data.groups[train]
        always = np.zeros(len(x_train), dtype=bool)
        if extra is not None:
            x_train += extra.texts
            y_train = np.concatenate([y_train, extra.labels])
            g_train = np.concatenate([g_train, extra.groups])
            always = np.concatenate([always, np.ones(len(extra.texts), dtype=bool)])
        if isinstance(estimator, FramingClassifier):
            estimator.fit(x_train, y_train, groups=g_train, always_train=always)
        else:
            estimator.fit(x_train, y_train)
        p[test] = estimator.predict_proba([data.texts[i] for i in test])[:, 1]
        if progress is not None:
            progress(1)
    return p


# --------------------------------------------------------------------------- persistence


@dataclass
class Model:
    """A fitted classifier with its card (what it is, how it was made, how well it does)."""

    classifier: FramingClassifier
    card: dict = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.card["target"]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of label 1 for each text."""
        return self.classifier.predict_proba(list(texts))[:, 1]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: Model, directory: str | Path) -> Path:
    """Write ``model.pkl.gz`` then ``card.json`` (with the file's sha256), each atomically.

    The same classifier gives the same bytes (no time stamp in the gzip header)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    data = gzip.compress(pickle.dumps(model.classifier, protocol=5), compresslevel=6, mtime=0)
    with atomic_write(model_path, "wb") as handle:
        handle.write(data)
    card = dict(model.card)
    card["model_file"] = MODEL_FILE
    card["sha256"] = hashlib.sha256(data).hexdigest()
    with atomic_write(directory / CARD_FILE) as handle:
        json.dump(card, handle, indent=2, sort_keys=False)
        handle.write("\n")
    model.card = card
    return directory


def load_model(directory: str | Path) -> Model:
    """Load a model directory, checking the card before anything is unpickled.

    Refuses (with :class:`ModelError`) a missing card, a model file whose sha256 differs from
    the card's, or a card written by another scikit-learn or framing version. The bytes whose
    sha256 was checked are the bytes unpickled (a ``model.pkl.gz``; a card naming a
    ``model.joblib`` of an earlier release is loaded with joblib after the same check).
    """
    directory = Path(directory)
    if directory.is_file():
        directory = directory.parent
    card_path = directory / CARD_FILE
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{directory}: no model card ({CARD_FILE}); refusing to load "
                         "an unverified pickle") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{card_path}: unreadable model card: {exc}") from None
    _check_card(card, card_path)
    model_path = directory / card.get("model_file", JOBLIB_FILE)
    if not model_path.is_file():
        raise ModelError(f"{model_path}: model file missing")
    try:
        data = model_path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{model_path}: unreadable model file: {exc}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != card.get("sha256"):
        raise ModelError(
            f"{model_path}: sha256 {actual[:12]}… does not match the card's "
            f"{str(card.get('sha256'))[:12]}…; the file was changed or replaced, "
            "refusing to load it"
        )
    versions = card.get("versions", {})
    made = versions.get("scikit-learn")
    if not sklearn_compatible(made, sklearn.__version__):
        raise ModelError(
            f"{directory}: model made with scikit-learn {made}, this is {sklearn.__version__} "
            f"(a model loads only in scikit-learn {_minor(made) or made}.x); retrain it "
            "or install a matching scikit-learn"
        )
    if versions.get("framing") != __version__:
        raise ModelError(
            f"{directory}: model made with framing {versions.get('framing')}, this is "
            f"{__version__}; retrain it or install the matching version"
        )
    with warnings.catch_warnings():
        # Another patch release of the same minor series: checked above, so scikit-learn's
        # own warning about the version would only be noise on every run.
        warnings.filterwarnings("ignore", message=".*Trying to unpickle estimator")
        if model_path.name.endswith(".pkl.gz"):
            try:
                classifier = pickle.loads(gzip.decompress(data))
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                raise ModelError(f"{model_path}: not a readable model file: {exc}") from None
        else:
            classifier = joblib.load(io.BytesIO(data))
    # The per-target classifiers score with their similarity; the multi-label models
    # (narratives, frames, techniques) predict label sets.
    wanted = ("predict" if card.get("kind") in MULTI_LABEL_KINDS
              else "predict_with_similarity")
    if not callable(getattr(classifier, wanted, None)):
        raise ModelError(f"{model_path}: holds a {type(classifier).__name__}, not a framing "
                         "model; refusing to use it")
    return Model(classifier, card)


def trained_on(model: Model, paths: Iterable[str | Path]) -> list[str]:
    """The ``paths`` whose sha256 the card lists among the model's training corpora.

    Measuring a model on its own training articles says nothing of unseen ones.
    """
    corpus = model.card.get("corpus") or {}
    files = list(corpus.get("files") or []) + list((corpus.get("train_only") or {}).get("files")
                                                   or [])
    known = {f.get("sha256") for f in files if isinstance(f, dict)}
    return [str(p) for p in paths if Path(p).is_file() and file_sha256(Path(p)) in known]


#: What a card must hold, with its type, before anything is read beside it.
_CARD_FIELDS = {"target": str, "sha256": str, "versions": dict}


def _check_card(card, path: Path) -> None:
    """Refuse a card of the wrong shape with one message naming every problem."""
    if not isinstance(card, dict):
        raise ModelError(f"{path}: a model card is a JSON object, got {type(card).__name__}")
    problems = [f"{name!r} missing" if name not in card
                else f"{name!r} is {type(card[name]).__name__}, not {kind.__name__}"
                for name, kind in _CARD_FIELDS.items()
                if not isinstance(card.get(name), kind)]
    if "model_file" in card and (not isinstance(card["model_file"], str)
                                 or Path(card["model_file"]).name != card["model_file"]):
        problems.append("'model_file' must be a file name beside the card")
    if problems:
        raise ModelError(f"{path}: not a model card ({'; '.join(problems)})")


def _minor(version) -> str | None:
    """``"1.9"`` for ``"1.9.1"`` (or ``"1.9.0rc1"``); None when it is not a version."""
    match = re.match(r"(\d+)\.(\d+)", str(version or ""))
    return f"{match[1]}.{match[2]}" if match else None


def sklearn_compatible(made: str | None, installed: str) -> bool:
    """Whether a model pickled with scikit-learn ``made`` may load in ``installed``.

    The same major.minor version (1.9.1 loads in 1.9.0 and 1.9.2, not in 1.10.0): scikit-learn
    changes estimators' internals between minor releases, not within one.
    """
    return _minor(made) is not None and _minor(made) == _minor(installed)


def model_dirs(paths: str | os.PathLike | Iterable[str | os.PathLike] | None = None) -> list[str]:
    """The model directories to use: ``paths`` (one or several) when given, else every model
    the default lookup finds (:func:`discover_models`); none at all is a :class:`ModelError`."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    dirs = [os.fspath(p) for p in paths or ()]
    if dirs:
        return dirs
    found = discover_models()
    if not found:
        raise ModelError(f"no model found in {models_dir()}; train one, or set ${MODELS_ENV} "
                         "to a directory of models")
    return [str(d) for d in found]


def discover_models(directory: str | Path | None = None) -> list[Path]:
    """Model directories (holding a card) directly under ``directory``, sorted by name.

    Without ``directory``, under :func:`models_dir` (``$FRAMING_MODELS``, then the checkout's
    ``models/``, then the installed models), looked up at each call.
    """
    directory = Path(directory) if directory is not None else models_dir()
    return sorted(p.parent for p in directory.glob(f"*/{CARD_FILE}"))


# --------------------------------------------------------------------------- training


def train(
    data: Dataset,
    *,
    config: FeatureConfig = FeatureConfig(),
    folds: int = 5,
    baseline: bool = True,
    corpus_files: Sequence[str | Path] = (),
    progress: Callable[[int], None] | None = None,
    extra: Dataset | None = None,
    extra_files: Sequence[str | Path] = (),
) -> tuple[Model, dict]:
    """Cross-validate by publisher, then fit on everything; returns the model and the report.

    The report holds the grouped cross-validation metrics of the model and, with
    ``baseline``, of the plain TF-IDF + logistic regression under the same splits. ``extra``
    articles train in every fold and in the final model but are never evaluated (figures are
    on ``data`` alone); the baseline sees them too, so the comparison stays like for like.
    A corpus too small to learn from is a :class:`ModelError` saying so, not scikit-learn's
    words for it.
    """
    _check_labels(data.labels)
    try:
        return _train(data, config, folds, baseline, corpus_files, progress, extra, extra_files)
    except ValueError as exc:
        # scikit-learn's words for a corpus too small to learn from ("empty vocabulary",
        # "no terms remain", "max_df corresponds to < documents than min_df").
        raise ModelError(
            f"the corpus is too small to train {data.target}: {len(data.texts)} article(s) from "
            f"{len(set(data.groups))} source(s) with this label leave too few words or sources "
            f"for {folds} folds; add articles or use fewer folds [scikit-learn: {exc}]") from exc


def _train(data, config, folds, baseline, corpus_files, progress, extra, extra_files):
    make = lambda: FramingClassifier(config)  # noqa: E731
    p_model = grouped_cross_validation(data, make, folds, progress, extra)
    report = {"model": detailed_report(data, p_model)}
    if baseline:
        p_base = grouped_cross_validation(data, baseline_pipeline, folds, progress, extra)
        report["baseline"] = {"metrics": metrics(data.labels, p_base)}
    texts, labels, groups = data.texts, data.labels, data.groups
    always = np.zeros(len(texts), dtype=bool)
    if extra is not None:
        texts = texts + extra.texts
        labels = np.concatenate([labels, extra.labels])
        groups = np.concatenate([groups, extra.groups])
        always = np.concatenate([always, np.ones(len(extra.texts), dtype=bool)])
    classifier = FramingClassifier(config).fit(texts, labels, groups=groups, always_train=always)
    if progress is not None:
        progress(1)
    card = {
        "target": data.target,
        "meaning": TARGETS.get(data.target, f"probability that {data.target} is 1"),
        "created": datetime.date.today().isoformat(),
        "versions": {
            "framing": __version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "features": config.to_dict(),
        "corpus": {
            "files": [{"name": Path(f).name, "sha256": file_sha256(Path(f))}
                      for f in corpus_files],
            "articles": len(data.texts),
            "sources": len(set(data.groups)),
            "labels": {str(k): int(v) for k, v in sorted(Counter(data.labels.tolist()).items())},
            **({"train_only": {
                "files": [{"name": Path(f).name, "sha256": file_sha256(Path(f))}
                          for f in extra_files],
                "articles": len(extra.texts),
                "labels": {str(k): int(v)
                           for k, v in sorted(Counter(extra.labels.tolist()).items())},
                "use": "in every training fold and the final model; never evaluated, never "
                       "used to fit the calibration",
            }} if extra is not None else {}),
        },
        "evaluation": {
            "method": f"GroupKFold({min(folds, len(set(data.groups)))}) by source: no source "
                      "in both training and test",
            "intervals": "95% percentile bootstrap over sources (1,000 resamples)",
            "model": evaluation_report(data.labels, p_model, data.groups),
            **({"baseline_tfidf_lr": evaluation_report(data.labels, p_base, data.groups)}
               if baseline else {}),
        },
        "training_domain": {
            "measure": "cosine similarity of the article's word vector to its nearest "
                       "training article",
            "low_confidence_below": (round(classifier.similarity_level_, 4)
                                     if getattr(classifier, "similarity_level_", None)
                                     is not None else None),
            "level": f"the {SIMILARITY_QUANTILE:.0%} quantile of the training articles' "
                     "similarity to the nearest article of another source",
        },
    }
    return Model(classifier, card), report


def steps(folds: int, baseline: bool) -> int:
    """Progress steps :func:`train` reports: one per fold and model, one for the final fit."""
    return folds * (2 if baseline else 1) + 1
