"""The classifier: pipeline, publisher-grouped evaluation, calibration, explanation, persistence.

One model per target. The pipeline joins word n-grams, character n-grams, the marker counts of
the extractor and style features into a logistic regression; :class:`FramingClassifier` adds
Platt calibration fitted on publisher-grouped out-of-fold scores, so the probabilities it gives
hold for publishers it never saw.

Models are code: a joblib file is a pickle and loading one runs code. :func:`load_model` only
unpickles a file whose sha256 matches the model card beside it, and refuses a card written by
another scikit-learn or framing version (see the README).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import platform
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
from framing.errors import FramingError
from framing.evaluation import (  # noqa: F401  (re-exported: the metrics' old home)
    calibration_table,
    expected_calibration_error,
    metrics,
)
from framing.features import MarkerCounts, StyleFeatures
from framing.ingest import Article

MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
#: Targets of the shipped default model, with what a probability of 1 means.
TARGETS = {
    "unreliable_source": "the article comes from an unreliable outlet",
    "pro_kremlin_framing": "the article carries pro-Kremlin war narratives",
}
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


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
        )))
    if config.chars:
        parts.append(("chars", TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=3,
            max_features=config.max_char_features, dtype=np.float32,
        )))
    if config.markers:
        # Counts are already on a log scale; MaxAbs keeps them sparse and at most 1.
        parts.append(("markers", Pipeline([("counts", MarkerCounts()),
                                           ("scale", MaxAbsScaler())])))
    if config.style:
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

    def fit(self, X, y, groups=None):
        X = list(X)
        y = np.asarray(y, dtype=int)
        groups = np.asarray(groups if groups is not None else np.arange(len(X)), dtype=object)
        _check_labels(y)
        weights = publisher_weights(groups) if self.weight_publishers else np.ones(len(X))
        folds = min(self.calibration_folds, len(set(groups)))
        scores = np.zeros(len(X))
        for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
            if len(set(y[train])) < 2:
                raise ModelError("a calibration fold has one label only: too few publishers")
            inner = _fit_pipeline(self.config, [X[i] for i in train], y[train], weights[train])
            scores[test] = inner.decision_function([X[i] for i in test])
        self.calibrator_ = LogisticRegression(C=1e6).fit(scores.reshape(-1, 1), y)
        self.pipeline_ = _fit_pipeline(self.config, X, y, weights)
        self.classes_ = self.pipeline_.classes_
        return self

    def decision_function(self, X):
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.decision_function(list(X))

    def predict_proba(self, X):
        scores = self.decision_function(X).reshape(-1, 1)
        return self.calibrator_.predict_proba(scores)

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def explain(self, text: str, top: int = 5) -> dict:
        """Features pushing this text's score up and down, and the marker evidence in it."""
        check_is_fitted(self, "pipeline_")
        union = self.pipeline_.named_steps["features"]
        clf = self.pipeline_.named_steps["clf"]
        row = sparse.csr_matrix(union.transform([text]))
        names = union.get_feature_names_out()
        coef = clf.coef_.ravel()
        contributions = [
            (names[j], float(v * coef[j])) for j, v in zip(row.indices, row.data, strict=True)
        ]
        contributions.sort(key=lambda item: item[1])
        up = [{"feature": n, "weight": round(w, 4)} for n, w in reversed(contributions) if w > 0]
        down = [{"feature": n, "weight": round(w, 4)} for n, w in contributions if w < 0]
        evidence = []
        for name, step in union.transformer_list:
            if name == "markers":
                evidence = [e.to_dict() for e in step.named_steps["counts"].evidence(text)]
        return {"up": up[:top], "down": down[:top], "evidence": evidence}


def _fit_pipeline(config, X, y, weights) -> Pipeline:
    pipeline = build_pipeline(config).fit(X, y, clf__sample_weight=weights)
    # Two attributes made identical trainings pickle to different bytes (and sha256s):
    # stop_words_, a set of dropped terms stored in this process's string-hash order (documented
    # as safe to drop; it also bloats the file), and _stop_words_id, a memory address cached to
    # skip re-validating stop words.
    for _, step in pipeline.named_steps["features"].transformer_list:
        if isinstance(step, TfidfVectorizer):
            step.stop_words_ = None
            step.__dict__.pop("_stop_words_id", None)
    return pipeline


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
    def from_articles(cls, articles: Iterable[Article], target: str) -> Dataset:
        """Articles labelled for ``target``; others are counted in ``skipped``.

        The group of an article is its source; an article without one is its own group, so
        it can never share a side of a split with a twin it does not know it has.
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
            groups.append(article.source or f"article:{article.id}")
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
) -> np.ndarray:
    """Out-of-fold probabilities with whole publishers held out in each fold."""
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
        if isinstance(estimator, FramingClassifier):
            estimator.fit(x_train, data.labels[train], groups=data.groups[train])
        else:
            estimator.fit(x_train, data.labels[train])
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
    """Write ``model.joblib`` then ``card.json`` (with the joblib's sha256), each atomically."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    joblib_path = directory / MODEL_FILE
    with atomic_write(joblib_path, "wb") as handle:
        joblib.dump(model.classifier, handle, compress=3)
    card = dict(model.card)
    card["model_file"] = MODEL_FILE
    card["sha256"] = file_sha256(joblib_path)
    with atomic_write(directory / CARD_FILE) as handle:
        json.dump(card, handle, indent=2, sort_keys=False)
        handle.write("\n")
    model.card = card
    return directory


def load_model(directory: str | Path) -> Model:
    """Load a model directory, checking the card before anything is unpickled.

    Refuses (with :class:`ModelError`) a missing card, a joblib file whose sha256 differs from
    the card's, or a card written by another scikit-learn or framing version.
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
    joblib_path = directory / card.get("model_file", MODEL_FILE)
    if not joblib_path.is_file():
        raise ModelError(f"{joblib_path}: model file missing")
    actual = file_sha256(joblib_path)
    if actual != card.get("sha256"):
        raise ModelError(
            f"{joblib_path}: sha256 {actual[:12]}… does not match the card's "
            f"{str(card.get('sha256'))[:12]}…; the file was changed or replaced, "
            "refusing to load it"
        )
    versions = card.get("versions", {})
    for name, have in (("scikit-learn", sklearn.__version__), ("framing", __version__)):
        if versions.get(name) != have:
            raise ModelError(
                f"{directory}: model made with {name} {versions.get(name)}, this is {have}; "
                "retrain it (make model) or install the matching version"
            )
    classifier = joblib.load(joblib_path)
    return Model(classifier, card)


def discover_models(directory: str | Path = MODELS_DIR) -> list[Path]:
    """Model directories (holding a card) directly under ``directory``, sorted by name."""
    directory = Path(directory)
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
) -> tuple[Model, dict]:
    """Cross-validate by publisher, then fit on everything; returns the model and the report.

    The report holds the grouped cross-validation metrics of the model and, with
    ``baseline``, of the plain TF-IDF + logistic regression under the same splits.
    """
    _check_labels(data.labels)
    make = lambda: FramingClassifier(config)  # noqa: E731
    p_model = grouped_cross_validation(data, make, folds, progress)
    report = {"model": detailed_report(data, p_model)}
    if baseline:
        p_base = grouped_cross_validation(data, baseline_pipeline, folds, progress)
        report["baseline"] = {"metrics": metrics(data.labels, p_base)}
    classifier = FramingClassifier(config).fit(data.texts, data.labels, groups=data.groups)
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
        },
        "evaluation": {
            "method": f"GroupKFold({min(folds, len(set(data.groups)))}) by source: no source "
                      "in both training and test",
            "model": report["model"]["metrics"],
            **({"baseline_tfidf_lr": report["baseline"]["metrics"]} if baseline else {}),
        },
    }
    return Model(classifier, card), report


def steps(folds: int, baseline: bool) -> int:
    """Progress steps :func:`train` reports: one per fold and model, one for the final fit."""
    return folds * (2 if baseline else 1) + 1
