"""Media frames: the taxonomy, a multi-label classifier per article and the paragraphs behind it.

The frames are the 14 of SemEval-2023 Task 3 subtask 2 (the Media Frames Corpus frames), listed
with a one-line description of ours in ``framing/data/frames.toml`` (:func:`load_taxonomy`). An
article carries any number of them, none included.

:func:`read_articles` reads a SemEval-2023 Task 3 language folder (``en/``, ``ru/``): the
subtask-2 label file (``id<TAB>Frame1,Frame2,...``, parsed by :mod:`framing.datasets`) and the
article text of each labelled id, from ``train-articles-subtask-1/`` or, when the article is not
there (36 of the Russian ones are in ``train-articles-subtask-3/`` only), ``-subtask-3/``.

:class:`FrameClassifier` gives every article a probability per frame (one logistic regression per
frame over sublinear TF-IDF word n-grams, Platt-calibrated on the out-of-fold scores of an inner
grouped cross-validation, or not), asserts the frames whose probability passes a per-frame
threshold chosen on those same inner out-of-fold probabilities to maximise micro-F1, and finds
the paragraphs behind each asserted frame by scoring every paragraph with the same per-frame
model. :meth:`FrameClassifier.predict` returns, per text, one entry per frame::

    [{"frame": "Security_and_defense", "probability": 0.91, "asserted": true,
      "paragraphs": [{"line": 5, "probability": 0.88, "text": "..."}]},
     {"frame": "Economic", "probability": 0.07, "asserted": false, "paragraphs": []}, ...]

asserted frames first, then by probability (descending); ``paragraphs`` (asserted frames only):
one to three paragraphs, best first, with their 1-based ``line`` in the text as given, their
probability for the frame and their text trimmed to about 300 characters. A paragraph is a
non-blank line; page residue (contact lines, link lists, datelines) is left out as in
:mod:`framing.narratives`, unless the text has nothing else.

Measure: the task's own, micro-F1 over (article, frame) pairs
(:func:`framing.evaluation.micro_prf`). :func:`cross_validate` measures it under 5 grouped folds,
each article its own group, with a 95% bootstrap interval over articles, beside a plain TF-IDF
one-vs-rest logistic regression asserting at probability 0.5, under the same folds.
``python bench/frames.py --seeds 0 1 2`` prints the table. Measured there (shared training
articles, three fold shuffles): English 433 articles, micro-F1 0.686 (95% interval about
0.67-0.70) against the baseline's 0.618; Russian 143 articles, 0.472 (about 0.43-0.52) against
0.009 (the baseline's probabilities never reach 0.5 on so few articles).
"""

from __future__ import annotations

import datetime
import functools
import platform
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from framing import __version__
from framing.evaluation import choose_thresholds

# The taxonomy lives in framing.labels (no numpy or scikit-learn import); its old names stay.
from framing.labels import FRAMES_PATH as TAXONOMY_PATH  # noqa: F401
from framing.labels import Frame, FrameError  # noqa: F401
from framing.labels import frame_labels as taxonomy_labels
from framing.labels import frame_taxonomy as load_taxonomy  # noqa: F401
from framing.narratives import (
    MAX_PARAGRAPHS,
    _evidence_paragraphs,
    _platt,
    _sigmoid,
    _texts,
    best_paragraphs,
    label_indicators,
    paragraphs,
)

MODEL_NAME = "frames"
#: The probability at which the plain baseline asserts a frame.
BASELINE_THRESHOLD = 0.5
FOLDS = 5
SEED = 0
#: Threshold grid of :func:`framing.evaluation.choose_thresholds` for the frames.
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class FrameArticle:
    """An article of a subtask-2 label file: its text and gold frame set."""

    id: str
    language: str
    text: str
    frames: frozenset[str]
    path: str


def _article_file(folder: Path, split: str, article_id: str) -> Path | None:
    if "/" in article_id or "\\" in article_id:
        return None
    for subtask in (1, 3):
        file = folder / f"{split}-articles-subtask-{subtask}" / f"article{article_id}.txt"
        if file.is_file():
            return file
    return None


def read_articles(folder: str | Path, *, labels: Sequence[str] | None = None,
                  on_problem=None, strict: bool = False) -> list[FrameArticle]:
    """The articles of every ``*-labels-subtask-2.txt`` of a SemEval-2023 language folder.

    A malformed label line, a frame outside ``labels`` (default: the taxonomy) or a missing
    article file is reported (an :class:`~framing.article.Problem` to ``on_problem``, with the
    file and, where known, the line) and the article skipped; with ``strict`` the first
    problem raises :class:`~framing.errors.InputError`.
    """
    from framing.article import ProblemLog
    from framing.datasets import _read_text_article, _semeval2023_frames

    folder = Path(folder)
    label_files = sorted(folder.glob("*-labels-subtask-2.txt"))
    if not label_files:
        raise FrameError(f"{folder}: no *-labels-subtask-2.txt; pass a SemEval-2023 Task 3 "
                         "language folder such as semeval2023-task3/en")
    known = set(labels if labels is not None else taxonomy_labels())
    reporter = ProblemLog(on_problem, strict=strict)
    language = folder.name.lower()
    out = []
    for label_file in label_files:
        split = label_file.name.removesuffix("-labels-subtask-2.txt")
        for article_id, names in _semeval2023_frames(label_file, reporter).items():
            unknown = sorted(set(names) - known)
            if unknown:
                reporter.report(label_file, None, f"article {article_id}: frame(s) "
                                f"{', '.join(map(repr, unknown))} not in the taxonomy; skipped")
                continue
            file = _article_file(folder, split, article_id)
            if file is None:
                reporter.report(label_file, None, f"article {article_id}: no article file "
                                f"article{article_id}.txt in {split}-articles-subtask-1 or -3")
                continue
            article = _read_text_article(file, reporter)
            if article is None:
                continue
            out.append(FrameArticle(article_id, language, article.text, frozenset(names),
                                    str(file)))
    return out


@dataclass
class FrameData:
    """Texts, gold frame sets and CV groups (each article its own) of labelled articles."""

    texts: list[str]
    sets: list[frozenset[str]]
    groups: np.ndarray
    ids: list[str]
    files: list[Path]

    @classmethod
    def from_folders(cls, folders: Sequence[str | Path], **kwargs) -> FrameData:
        """The articles of :func:`read_articles` of each folder (``kwargs`` passed on)."""
        texts, sets, ids, files = [], [], [], []
        for folder in folders:
            for article in read_articles(folder, **kwargs):
                texts.append(article.text)
                sets.append(article.frames)
                ids.append(f"{article.language}:{article.id}")
            files.extend(sorted(Path(folder).glob("*-labels-subtask-2.txt")))
        if not texts:
            raise FrameError(f"no frame-labelled article in {', '.join(map(str, folders))}")
        # Each article its own group: the articles carry no source to group by, and the frames
        # are annotated per article.
        return cls(texts, sets, np.asarray(ids, dtype=object), ids, files)


# --------------------------------------------------------------------------- measure


def frame_pairs(ids: Sequence[str], sets: Sequence[Iterable[str]]) -> set[tuple[str, str]]:
    """The (article, frame) pairs of per-article frame sets."""
    return {(i, f) for i, s in zip(ids, sets, strict=True) for f in s}


def micro_scores(true_sets: Sequence[Iterable[str]],
                 pred_sets: Sequence[Iterable[str]]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over (article, frame) pairs: the subtask-2 measure,
    computed by :func:`framing.evaluation.micro_prf` (articles are told apart by position)."""
    from framing.evaluation import micro_prf

    if len(true_sets) != len(pred_sets):
        raise ValueError(f"{len(true_sets)} gold sets but {len(pred_sets)} predicted ones")
    ids = [str(i) for i in range(len(true_sets))]
    return micro_prf(frame_pairs(ids, true_sets), frame_pairs(ids, pred_sets))


def _indicators(y, classes: Sequence[str], n: int) -> np.ndarray:
    return label_indicators(y, classes, n, error=FrameError, what="frames")


# --------------------------------------------------------------------------- classifier


class FrameClassifier(BaseEstimator):
    """Multi-label frame classifier: a probability per frame, per-frame thresholds, evidence.

    scikit-learn conventions: ``__init__`` stores the parameters, :meth:`fit` sets the
    attributes ending in ``_``; ``get_params``, ``set_params`` and ``clone`` work.

    Parameters
    ----------
    labels : sequence of str or None
        The frames, in column order; ``None`` for the shipped taxonomy.
    word_ngrams : int
        Word n-grams from 1 to this.
    use_idf : bool
        Inverse document frequency (the term frequency is sublinear either way).
    C : float
        Inverse regularisation of each frame's logistic regression.
    class_weight : "balanced" or None
    calibrate : bool
        Platt-scale each frame's scores on the inner out-of-fold scores; off, the
        probability is the logistic regression's own. Micro-F1 is the same either way
        (0.686 against 0.683 in English, 0.472 against 0.474 in Russian, bench/frames.py):
        the thresholds absorb the scale. On by default: the probabilities shown are then
        fitted to out-of-fold outcomes (their calibration is not measured yet).
    inner_folds : int
        Grouped folds of the inner cross-validation whose out-of-fold probabilities fit the
        calibration and choose the thresholds.
    min_df, max_df, max_features
        Vocabulary limits of the TF-IDF.

    Attributes
    ----------
    classes_ : ndarray of str
        The frames (columns of :meth:`predict_proba`).
    vectorizer_ : TfidfVectorizer
    coef_, intercept_ : ndarray
        One linear model per frame, ``(n_frames, n_features)`` and ``(n_frames,)``.
    calibration_ : ndarray
        Slope and intercept applied to each frame's score before the sigmoid, ``(n_frames, 2)``
        (``(1, 0)`` uncalibrated).
    thresholds_ : ndarray
        The probability each frame needs to be asserted.
    """

    def __init__(self, labels: Sequence[str] | None = None, word_ngrams: int = 2,
                 use_idf: bool = True, C: float = 10.0, class_weight: str | None = "balanced",
                 calibrate: bool = True, inner_folds: int = 5, min_df: int = 2,
                 max_df: float = 0.9, max_features: int = 50_000):
        self.labels = labels
        self.word_ngrams = word_ngrams
        self.use_idf = use_idf
        self.C = C
        self.class_weight = class_weight
        self.calibrate = calibrate
        self.inner_folds = inner_folds
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features

    def fit(self, X, y, groups=None):
        """Fit on texts ``X`` and frame sets ``y`` (iterables of labels, or an indicator matrix
        with one column per frame); ``groups`` keep related articles on one side of the inner
        splits (default: each article its own). Returns ``self``."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.model_selection import GroupKFold

        from framing.model import drop_volatile_state

        texts = _texts(X)
        classes = list(self.labels) if self.labels is not None else taxonomy_labels()
        Y = _indicators(y, classes, len(texts))
        groups = np.asarray(groups if groups is not None else np.arange(len(texts)),
                            dtype=object).astype(str)
        folds = min(self.inner_folds, len(set(groups)))
        if folds < 2:
            raise FrameError("need at least 2 articles (groups) to fit")
        self.classes_ = np.asarray(classes, dtype=object)
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=(1, self.word_ngrams), sublinear_tf=True, min_df=self.min_df,
            max_df=self.max_df, max_features=self.max_features, use_idf=self.use_idf,
            dtype=np.float32,
        ).fit(texts)
        A = self._transform(texts)
        # Inner grouped CV: out-of-fold scores fit the calibration and choose the thresholds.
        # (The vocabulary is the whole training set's; only the linear models are refitted.)
        S = np.zeros(Y.shape)
        for train, test in GroupKFold(n_splits=folds).split(texts, groups=groups):
            coef, intercept = self._fit_linear(A[train], Y[train])
            S[test] = np.asarray(A[test] @ coef.T) + intercept
        coef, self.intercept_ = self._fit_linear(A, Y)
        # float32 halves the shipped file; probabilities move by about 1e-8 (measured).
        self.coef_ = coef.astype(np.float32)
        if self.calibrate:
            self.calibration_ = np.array([_platt(S[:, j], Y[:, j]) for j in range(Y.shape[1])])
        else:
            self.calibration_ = np.tile([1.0, 0.0], (Y.shape[1], 1))
        self.thresholds_ = choose_thresholds(self._calibrated(S), Y, THRESHOLD_GRID)
        # Same training, same bytes (see drop_volatile_state).
        drop_volatile_state([self.vectorizer_])
        return self

    def _fit_linear(self, A, Y):
        from sklearn.linear_model import LogisticRegression

        coef = np.zeros((Y.shape[1], A.shape[1]))
        intercept = np.full(Y.shape[1], -10.0)
        for j in range(Y.shape[1]):
            y_j = Y[:, j]
            if y_j.all():
                intercept[j] = 10.0
            elif y_j.any():
                # The dual liblinear solver: far fewer articles than features.
                clf = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                         solver="liblinear", dual=True, max_iter=5000,
                                         random_state=0).fit(A, y_j)
                coef[j], intercept[j] = clf.coef_[0], clf.intercept_[0]
        return coef, intercept

    def _transform(self, texts: list[str], counts=None):
        from scipy import sparse

        if counts is not None:
            return sparse.csr_matrix(counts.transform(self.vectorizer_, texts), dtype=np.float64)
        return sparse.csr_matrix(self.vectorizer_.transform(texts), dtype=np.float64)

    def _calibrated(self, S: np.ndarray) -> np.ndarray:
        return _sigmoid(S * self.calibration_[:, 0] + self.calibration_[:, 1])

    def _check(self):
        from sklearn.exceptions import NotFittedError

        if not hasattr(self, "coef_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit")

    def decision_function(self, X, counts=None) -> np.ndarray:
        """Uncalibrated score per text and frame, ``(n_texts, n_frames)``."""
        self._check()
        texts = _texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return np.asarray(self._transform(texts, counts) @ self.coef_.T) + self.intercept_

    def predict_proba(self, X, counts=None) -> np.ndarray:
        """Probability per text and frame, ``(n_texts, n_frames)``, columns ``classes_``."""
        return self._calibrated(self.decision_function(X, counts))

    def predict_sets(self, X) -> list[list[str]]:
        """The asserted frames of each text (possibly none)."""
        A = self.predict_proba(X) >= self.thresholds_
        return [[str(c) for c, a in zip(self.classes_, row, strict=True) if a] for row in A]

    def score(self, X, y) -> float:
        """Micro-F1 over (article, frame) pairs of :meth:`predict_sets` against ``y``."""
        return micro_scores([list(r) for r in y], self.predict_sets(X))[2]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The TF-IDF terms the per-frame linear models weigh."""
        self._check()
        return self.vectorizer_.get_feature_names_out()

    def predict(self, X, max_paragraphs: int = MAX_PARAGRAPHS, counts=None
                ) -> list[list[dict]]:
        """Per text the frame entries described in the module docstring (use
        :meth:`predict_sets` for the frame sets alone). ``counts``: the batch's
        :class:`~framing.counting.TextCounts`, shared with the other models that read it."""
        texts = _texts(X)
        P = self.predict_proba(texts, counts)
        A = P >= self.thresholds_
        # Paragraphs of the texts with an asserted frame only, vectorised in one call.
        pars, owner, lines = [], [], []
        for i, text in enumerate(texts):
            if A[i].any():
                found = _evidence_paragraphs(text) or paragraphs(text)
                for line, par in found:
                    pars.append(par)
                    owner.append(i)
                    lines.append(line)
        Pp = self.predict_proba(pars, counts) if pars else np.zeros((0, len(self.classes_)))
        by_text: dict[int, list[int]] = {}
        for k, i in enumerate(owner):
            by_text.setdefault(i, []).append(k)
        out = []
        for i in range(len(texts)):
            rows = by_text.get(i, [])
            entries = []
            for j, label in enumerate(self.classes_):
                entry = {"frame": str(label), "probability": round(float(P[i, j]), 4),
                         "asserted": bool(A[i, j]), "paragraphs": []}
                if A[i, j] and rows:
                    entry["paragraphs"] = self._evidence(rows, j, Pp, lines, pars,
                                                         max_paragraphs)
                entries.append(entry)
            entries.sort(key=lambda e: (not e["asserted"], -e["probability"]))
            out.append(entries)
        return out

    def _evidence(self, rows, j, Pp, lines, pars, max_paragraphs) -> list[dict]:
        return best_paragraphs(rows, Pp[:, j], lines, pars, float(self.thresholds_[j]),
                               max_paragraphs)


def baseline(labels: Sequence[str] | None = None):
    """The plain baseline: default TF-IDF, one default logistic regression per frame,
    asserted at probability 0.5 (:class:`framing.narratives.TfidfOneVsRest` over the frames)."""
    from framing.narratives import TfidfOneVsRest

    return TfidfOneVsRest(labels=list(labels) if labels is not None else taxonomy_labels())


# --------------------------------------------------------------------------- evaluation


def _report(data: FrameData, Y: np.ndarray, A: np.ndarray, classes: Sequence[str],
            seconds: float) -> dict:
    from framing.evaluation import micro_report

    # One row per article: the counts are those of the task's (article, frame) pairs.
    return {**micro_report(Y, A, classes, data.groups), "seconds": round(seconds, 1)}


def cross_validate(data: FrameData, estimators: Mapping[str, Callable[[], object]], *,
                   folds: int = FOLDS, seed: int = SEED) -> dict:
    """Grouped ``folds``-fold CV (shuffled by ``seed``), the same folds for every estimator.

    ``estimators`` maps a name to a factory of an unfitted estimator with ``fit(texts, sets,
    groups=...)`` and ``predict_proba``; a frame is asserted at the estimator's
    ``thresholds_`` when it has them, else at :data:`BASELINE_THRESHOLD`. Returns per name
    micro-F1 over (article, frame) pairs with a 95% bootstrap interval over groups, micro
    precision and recall, per-frame F1, and the seconds the CV took; plus ``folds``, ``seed``,
    ``articles``, ``pairs`` and ``positives`` (gold articles per frame).
    """
    from sklearn.model_selection import GroupKFold

    classes = taxonomy_labels()
    Y = _indicators(data.sets, classes, len(data.texts))
    splitter = GroupKFold(n_splits=min(folds, len(set(data.groups))), shuffle=True,
                          random_state=seed)
    splits = list(splitter.split(data.texts, groups=data.groups))
    out: dict = {"folds": len(splits), "seed": seed, "articles": len(data.texts),
                 "pairs": int(Y.sum()),
                 "positives": {c: int(Y[:, j].sum()) for j, c in enumerate(classes)}}
    for name, make in estimators.items():
        start = time.perf_counter()
        A = np.zeros(Y.shape, dtype=bool)
        for train, test in splits:
            estimator = make()
            estimator.fit([data.texts[i] for i in train], [data.sets[i] for i in train],
                          groups=data.groups[train])
            cols = [str(c) for c in estimator.classes_]
            if cols != classes:
                raise FrameError(f"{name}: columns {cols} are not the taxonomy's frames")
            P = estimator.predict_proba([data.texts[i] for i in test])
            A[test] = P >= getattr(estimator, "thresholds_", BASELINE_THRESHOLD)
        out[name] = _report(data, Y, A, classes, time.perf_counter() - start)
    return out


def default_estimators(**params) -> dict[str, Callable[[], object]]:
    """The model (with ``params``) and the plain baseline, as :func:`cross_validate` takes
    them."""
    return {"model": functools.partial(FrameClassifier, **params),
            "baseline_tfidf_ovr": baseline}


# --------------------------------------------------------------------------- model


def train(folders: Sequence[str | Path], *, evaluate: bool = True, folds: int = FOLDS,
          seed: int = SEED, strict: bool = True, on_problem=None, **params):
    """Cross-validate (model and baseline, same folds), then fit on every article.

    ``folders``: SemEval-2023 Task 3 language folders (:func:`read_articles`; ``strict`` by
    default, so that a shipped model never silently lacks articles); ``params`` go to
    :class:`FrameClassifier`. Returns a :class:`framing.model.Model` whose card has ``kind``
    and ``target`` ``frames``, the labels, thresholds, the CV figures beside the baseline, the
    label files' sha256 and the versions; save it with :func:`framing.model.save_model`.
    """
    import sklearn

    from framing.model import Model, file_sha256

    data = FrameData.from_folders(folders, strict=strict, on_problem=on_problem)
    evaluation: dict = {}
    if evaluate:
        evaluation = {
            "measure": "micro-F1 over (article, frame) pairs (SemEval-2023 Task 3 subtask 2)",
            "method": f"GroupKFold({folds}, shuffled, seed {seed}), each article its own group; "
                      "interval: 95% bootstrap over articles; baseline under the same folds",
            **cross_validate(data, default_estimators(**params), folds=folds, seed=seed),
        }
    classifier = FrameClassifier(**params).fit(data.texts, data.sets, groups=data.groups)
    counts = Counter(label for s in data.sets for label in s)
    card = {
        "kind": "frames",
        "target": "frames",
        "meaning": "probability per media frame (SemEval-2023 Task 3 subtask 2, the 14 Media "
                   "Frames Corpus frames), the asserted ones, with the paragraphs behind them",
        "created": datetime.date.today().isoformat(),
        "versions": {"framing": __version__, "scikit-learn": sklearn.__version__,
                     "python": platform.python_version()},
        "labels": [str(c) for c in classifier.classes_],
        "parameters": {k: v for k, v in classifier.get_params().items() if k != "labels"},
        "thresholds": {str(c): float(t) for c, t in
                       zip(classifier.classes_, classifier.thresholds_, strict=True)},
        "corpus": {
            "files": [{"name": f"{f.parent.name}/{f.name}", "sha256": file_sha256(f)}
                      for f in data.files],
            "articles": len(data.texts),
            "frames": {c: int(counts.get(c, 0)) for c in classifier.classes_},
        },
        "evaluation": evaluation,
    }
    return Model(classifier, card)


def default_model_dir() -> Path:
    from framing.model import MODELS_DIR

    return MODELS_DIR / MODEL_NAME


@functools.lru_cache(maxsize=4)
def _load(directory: str):
    from framing.model import load_kind

    return load_kind(directory, "frames", FrameError)


def load(directory: str | Path | None = None):
    """The frames model in ``directory`` (default ``models/frames``), loaded once through
    :func:`framing.model.load_model` (sha256-checked card)."""
    return _load(str(Path(directory) if directory else default_model_dir()))


def predict(texts: Sequence[str], model_dir: str | Path | None = None) -> list[list[dict]]:
    """Frames of each text by the shipped model (see the module docstring for the shape)."""
    return load(model_dir).classifier.predict(list(texts))


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m framing.frames train FOLDER... -o DIR``: cross-validate, fit, save
    (:func:`framing.narratives.train_command`)."""
    from framing.narratives import train_command

    return train_command(argv, name="frames", what="media-frames", default_out=default_model_dir(),
                         train_folders=train, folds=FOLDS, seed=SEED)


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: a model pickled from here must
    # name framing.frames.FrameClassifier, or no other program could load it.
    import sys

    from framing.frames import main as _main

    sys.exit(_main())
