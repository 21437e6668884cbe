"""Persuasion techniques per paragraph: the taxonomy, the SemEval-2023 reader, a classifier.

The techniques are the 23 of SemEval-2023 Task 3 subtask 3, named as in the organisers' label
files, each with a stable id ``PT01``..``PT23`` and a one-line description of ours in
``framing/data/techniques.toml`` (:func:`load_taxonomy`).

:func:`read_subtask3` reads a subtask-3 folder (``*-articles-subtask-3/articleID.txt`` and
``*-labels-subtask-3.txt``, one ``id<TAB>line<TAB>Tech1,Tech2`` line per paragraph, the line
1-based in the article file, an empty list meaning none) into :class:`Paragraph` records,
reporting each bad line through a :class:`framing.article.ProblemLog`.

:class:`TechniqueClassifier` gives each paragraph a probability per technique (one logistic
regression per technique over sublinear TF-IDF word and character n-grams) and asserts those
passing per-technique thresholds chosen on out-of-fold scores of an inner article-grouped
cross-validation, to maximise micro-F1. :meth:`~TechniqueClassifier.find` lists an article's
asserted techniques per paragraph, each with the sentence of the paragraph that scores highest
for it.

Measure: the task's own, micro-F1 over ``(article, line, technique)`` triples
(:func:`framing.evaluation.micro_f1`). :func:`cross_validate` measures it under
article-grouped 5-fold CV beside :class:`TfidfOneVsRest`, a plain TF-IDF one-vs-rest logistic
regression asserting at 0.5, under the same folds. ``bench/techniques.py`` prints the table.
"""

from __future__ import annotations

import datetime
import functools
import platform
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from framing import __version__
from framing.article import ProblemLog
from framing.evaluation import choose_thresholds, f1_from_counts, micro_counts

# The taxonomy lives in framing.labels (no numpy or scikit-learn import); its old names stay.
from framing.labels import TECHNIQUES_PATH as TAXONOMY_PATH  # noqa: F401
from framing.labels import Technique, TechniqueError, technique_labels  # noqa: F401
from framing.labels import technique_taxonomy as load_taxonomy
from framing.labels import validate_techniques as validate_taxonomy  # noqa: F401
from framing.narratives import _texts, label_indicators, page_residue

MODEL_NAME = "techniques"
KIND = "techniques"
#: Words a line needs for :meth:`TechniqueClassifier.find` to read it.
MIN_WORDS = 3


# --------------------------------------------------------------------------- reader


@dataclass(frozen=True)
class Paragraph:
    """One labelled paragraph: its article, 1-based line, text, techniques and where it starts
    in the article text (``start``, a character offset) so that evidence can point there."""

    article: str
    line: int
    text: str
    techniques: frozenset[str]
    start: int = 0


def _decode(path: Path, log: ProblemLog) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        log.report(path, None, f"cannot read: {exc.strerror or exc}")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = 1 + raw.count(b"\n", 0, exc.start)
        log.report(path, line, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); decoded as "
                   "cp1252", "warning")
        return raw.decode("cp1252", errors="replace")


def _subtask3_files(folder: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for labels in sorted(folder.glob("*-labels-subtask-3.txt")):
        split = labels.name.removesuffix("-labels-subtask-3.txt")
        pairs.append((labels, folder / f"{split}-articles-subtask-3"))
    return pairs


def read_subtask3(folder: str | Path, log: ProblemLog | None = None, *,
                  labels: Sequence[str] | None = None) -> list[Paragraph]:
    """The labelled paragraphs of a SemEval-2023 Task 3 language folder (e.g. ``.../en``).

    Every ``*-labels-subtask-3.txt`` is read with its ``*-articles-subtask-3`` folder. A label
    line needs three tab-separated fields (article id, a positive line number, techniques
    separated by commas, possibly none); a technique outside ``labels`` (default: the
    taxonomy), a line past the article's end or on a blank line, a missing article file or a
    line labelled twice is reported to ``log`` (file and line) and skipped.
    """
    folder = Path(folder)
    log = log if log is not None else ProblemLog()
    known = set(labels if labels is not None else technique_labels())
    pairs = _subtask3_files(folder)
    if not pairs:
        raise TechniqueError(f"{folder}: no *-labels-subtask-3.txt file")
    out: list[Paragraph] = []
    for label_file, articles in pairs:
        text = _decode(label_file, log)
        if text is None:
            continue
        cache: dict[str, tuple[list[str], list[int]] | None] = {}
        seen: dict[tuple[str, int], int] = {}
        for number, raw in enumerate(text.split("\n"), 1):
            raw = raw.rstrip("\r")
            if not raw.strip():
                continue
            fields = raw.split("\t")
            if len(fields) != 3 or not fields[0].strip():
                log.report(label_file, number, "expected 3 tab-separated fields: article_id, "
                           "line, techniques")
                continue
            article_id, line_field, names = (f.strip() for f in fields)
            if not line_field.isdigit() or int(line_field) < 1:
                log.report(label_file, number, f"line {line_field!r} is not a positive number")
                continue
            line = int(line_field)
            techniques = [n.strip() for n in names.split(",") if n.strip()]
            unknown = [n for n in techniques if n not in known]
            if unknown:
                log.report(label_file, number, f"unknown technique(s) {', '.join(unknown)}")
                continue
            if (article_id, line) in seen:
                log.report(label_file, number, f"article {article_id} line {line} already "
                           f"labelled on line {seen[article_id, line]}")
                continue
            if article_id not in cache:
                cache[article_id] = _article_lines(articles, article_id, label_file, number,
                                                   log)
            found = cache[article_id]
            if found is None:
                continue
            lines, starts = found
            if line > len(lines) or not lines[line - 1].strip():
                log.report(label_file, number, f"article {article_id} has no paragraph on "
                           f"line {line}")
                continue
            seen[article_id, line] = number
            out.append(Paragraph(article_id, line, lines[line - 1], frozenset(techniques),
                                 starts[line - 1]))
    return out


def _article_lines(articles: Path, article_id: str, label_file: Path, number: int,
                   log: ProblemLog) -> tuple[list[str], list[int]] | None:
    file = articles / f"article{article_id}.txt"
    if "/" in article_id or "\\" in article_id or not file.is_file():
        log.report(label_file, number, f"article file {file} not found")
        return None
    text = _decode(file, log)
    if text is None:
        return None
    # Split on newlines only: the label files count lines as an editor does.
    lines = text.split("\n")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return [line.rstrip("\r") for line in lines], starts


def gold_pairs(paragraphs: Iterable[Paragraph]) -> set[tuple[str, int, str]]:
    """The ``(article, line, technique)`` triples of labelled paragraphs."""
    return {(p.article, p.line, t) for p in paragraphs for t in p.techniques}


def pairs_of(paragraphs: Sequence[Paragraph], sets: Sequence[Iterable[str]]
             ) -> set[tuple[str, int, str]]:
    """The triples of predicted technique ``sets``, one per paragraph."""
    return {(p.article, p.line, t) for p, s in zip(paragraphs, sets, strict=True) for t in s}


def micro_f1(gold: Iterable, pred: Iterable) -> float:
    """Micro-F1 over ``(article, line, technique)`` triples, the subtask-3 measure
    (:func:`framing.evaluation.micro_f1`)."""
    from framing.evaluation import micro_f1 as shared

    return shared(gold, pred)


# --------------------------------------------------------------------------- classifier

#: Threshold grid of :func:`framing.evaluation.choose_thresholds` for the techniques (finer
#: than the frames': thousands of paragraphs, not hundreds of articles).
THRESHOLD_GRID = np.round(np.arange(0.02, 0.951, 0.01), 3)


def _indicators(y, classes: Sequence[str], n: int) -> np.ndarray:
    return label_indicators(y, classes, n, error=TechniqueError, what="techniques")


class TechniqueClassifier(BaseEstimator):
    """Multi-label persuasion-technique classifier over paragraph texts.

    scikit-learn conventions: ``__init__`` stores the parameters, :meth:`fit` sets the
    attributes ending in ``_``; ``clone`` works.

    Parameters
    ----------
    labels : sequence of str or None
        The techniques, in column order; ``None`` for the taxonomy's 23.
    word_ngrams : int
        Word n-grams from 1 to this.
    chars : bool
        Add character 2-5-grams (``char_wb``): the techniques hang on short cue words and
        their inflections ("so-called", "regime", "!").
    C : float
        Inverse regularisation of each technique's logistic regression.
    class_weight : "balanced" or None
    inner_folds : int
        Grouped folds of the inner CV whose out-of-fold probabilities choose the thresholds.
    max_features : int
        Vocabulary cap of each text block.

    The paragraph alone is the input: context did not help on one article-grouped EN fold
    (words only, micro-F1 0.395 alone, 0.384 with the neighbouring paragraphs' words, 0.382
    with the title's, as separate tagged vocabularies); character n-grams did (0.412).

    Attributes
    ----------
    classes_ : ndarray of str
    features_ : FeatureUnion
    coef_, intercept_ : ndarray, ``(n_labels, n_features)`` and ``(n_labels,)``
    thresholds_ : ndarray, ``(n_labels,)``
        Chosen on inner out-of-fold probabilities to maximise micro-F1.
    """

    def __init__(self, labels: Sequence[str] | None = None, word_ngrams: int = 2,
                 chars: bool = True, C: float = 1.0, class_weight: str | None = "balanced",
                 inner_folds: int = 3, max_features: int = 50_000):
        self.labels = labels
        self.word_ngrams = word_ngrams
        self.chars = chars
        self.C = C
        self.class_weight = class_weight
        self.inner_folds = inner_folds
        self.max_features = max_features

    def _build_features(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        parts = [("words", TfidfVectorizer(
            ngram_range=(1, self.word_ngrams), sublinear_tf=True, min_df=2, max_df=0.9,
            max_features=self.max_features, dtype=np.float32))]
        if self.chars:
            parts.append(("chars", TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=3,
                max_features=self.max_features, dtype=np.float32)))
        return FeatureUnion(parts)

    def _fit_linear(self, A, Y):
        from sklearn.linear_model import LogisticRegression

        coef = np.zeros((Y.shape[1], A.shape[1]))
        intercept = np.full(Y.shape[1], -10.0)  # never seen: probability ~0
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.all():
                intercept[j] = 10.0
            elif y.any():
                clf = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                         solver="liblinear", max_iter=2000, random_state=0)
                clf.fit(A, y)
                coef[j], intercept[j] = clf.coef_[0], clf.intercept_[0]
        return coef, intercept

    def fit(self, X, y, groups=None):
        """Fit on paragraph texts ``X`` and technique sets ``y`` (or an indicator matrix);
        ``groups`` (the article of each paragraph) keep an article on one side of the inner
        splits. Returns ``self``."""
        from sklearn.model_selection import GroupKFold

        from framing.model import drop_volatile_state

        texts = _texts(X)
        classes = list(self.labels) if self.labels is not None else technique_labels()
        Y = _indicators(y, classes, len(texts))
        groups = np.asarray(groups if groups is not None else np.arange(len(texts)),
                            dtype=object).astype(str)
        folds = min(self.inner_folds, len(set(groups)))
        if folds < 2:
            raise TechniqueError("need at least 2 articles (groups) to fit")
        self.classes_ = np.asarray(classes, dtype=object)
        self.features_ = self._build_features().fit(texts)
        A = self._transform(texts)
        # Inner grouped CV: the thresholds are chosen on probabilities of unseen articles,
        # never on the ones the linear models were fitted on (vocabulary shared).
        P = np.zeros(Y.shape)
        for train, test in GroupKFold(n_splits=folds).split(texts, groups=groups):
            coef, intercept = self._fit_linear(A[train], Y[train])
            P[test] = _sigmoid(np.asarray(A[test] @ coef.T) + intercept)
        self.thresholds_ = choose_thresholds(P, Y, THRESHOLD_GRID)
        self.oof_micro_f1_ = round(f1_from_counts(*micro_counts(Y, P >= self.thresholds_)), 4)
        coef, self.intercept_ = self._fit_linear(A, Y)
        # float32 halves the shipped file; probabilities move by about 1e-8 (measured).
        self.coef_ = coef.astype(np.float32)
        # Same training, same bytes (see drop_volatile_state).
        drop_volatile_state(step for _, step in self.features_.transformer_list)
        return self

    def _transform(self, texts: list[str], counts=None):
        from scipy import sparse

        from framing.counting import transform_union

        width = self.coef_.shape[1] if hasattr(self, "coef_") else 0
        if not texts:
            return sparse.csr_matrix((0, width))
        return sparse.csr_matrix(transform_union(self.features_, texts, counts),
                                 dtype=np.float64)

    def _check(self):
        from sklearn.exceptions import NotFittedError

        if not hasattr(self, "coef_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit")

    def decision_function(self, X, counts=None) -> np.ndarray:
        """Linear score per paragraph and technique, ``(n_texts, n_labels)``."""
        self._check()
        texts = _texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return np.asarray(self._transform(texts, counts) @ self.coef_.T) + self.intercept_

    def predict_proba(self, X, counts=None) -> np.ndarray:
        """Probability per paragraph and technique, columns :attr:`classes_`."""
        return _sigmoid(self.decision_function(X, counts))

    def predict(self, X) -> np.ndarray:
        """Indicator matrix of the asserted techniques, ``(n_texts, n_labels)``."""
        return self.predict_proba(X) >= self.thresholds_

    def predict_sets(self, X) -> list[list[str]]:
        """The asserted techniques of each paragraph."""
        return [[str(c) for c, a in zip(self.classes_, row, strict=True) if a]
                for row in self.predict(X)]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        self._check()
        return self.features_.get_feature_names_out()

    def find(self, texts: Sequence[str], counts=None) -> list[list[dict]]:
        """The asserted techniques of each article text, paragraph by paragraph.

        A paragraph is a non-blank line; ``line`` is its 1-based number in the text (as the
        SemEval-2023 label files count). Page residue (:func:`framing.narratives.page_residue`:
        contact lines, link lists, menus) and lines of fewer than :data:`MIN_WORDS` words
        ("Our Network", "Read more") are not read: on web pages the model took such lines for
        slogans and flag-waving, and in the training articles they carry 39 of the 5,853 gold
        technique pairs (530 of 9,498 paragraphs, mostly embedded tweets and links).
        Per text, a list of findings in line order (within a line, most probable first)::

            {"line": 7, "id": "PT15", "technique": "Loaded_Language", "probability": 0.81,
             "start": 412, "end": 498, "text": "..."}

        ``start``/``end`` (character offsets in the text) and ``text`` are the sentence of the
        paragraph scoring highest for the technique; absent when the paragraph has no sentence
        (no letter or digit). All paragraphs are scored in one call, then the sentences of the
        paragraphs with findings in one more. ``counts``: the batch's
        :class:`~framing.counting.TextCounts`, shared with the other models that read it.
        """
        self._check()
        texts = _texts(texts)
        ids = {t.label: t.id for t in load_taxonomy()}
        rows = []  # (text index, line number, offset of the line, line)
        for i, text in enumerate(texts):
            offset = 0
            for number, line in enumerate(text.split("\n"), 1):
                if len(line.split()) >= MIN_WORDS and not page_residue(line):
                    rows.append((i, number, offset, line))
                offset += len(line) + 1
        out: list[list[dict]] = [[] for _ in texts]
        if not rows:
            return out
        asserted = self.predict_proba([line for *_, line in rows], counts)
        hits = [(k, j) for k, j in zip(*np.nonzero(asserted >= self.thresholds_), strict=True)]
        if not hits:
            return out
        # Sentences of the paragraphs with findings, vectorised once for all techniques.
        from framing.style import sentence_spans

        spans = {k: sentence_spans(rows[k][3]) for k in sorted({k for k, _ in hits})}
        flat = [(k, s, e) for k, found in spans.items() for s, e in found]
        # A paragraph of one sentence is its own evidence: only the others need scoring.
        several = [n for n, (k, _, _) in enumerate(flat) if len(spans[k]) > 1]
        S = np.zeros((len(flat), len(self.classes_)))
        if several:
            S[several] = self.predict_proba([rows[flat[n][0]][3][flat[n][1]:flat[n][2]]
                                             for n in several], counts)
        where: dict[int, list[int]] = {}
        for n, (k, _, _) in enumerate(flat):
            where.setdefault(k, []).append(n)
        for k, j in hits:
            i, number, offset, line = rows[k]
            label = str(self.classes_[j])
            finding = {"line": number, "id": ids.get(label), "technique": label,
                       "probability": round(float(asserted[k, j]), 4)}
            candidates = where.get(k)
            if candidates:
                best = max(candidates, key=lambda n: (S[n, j], -n))
                _, s, e = flat[best]
                finding.update(start=offset + s, end=offset + e, text=line[s:e])
            out[i].append(finding)
        for found in out:
            found.sort(key=lambda f: (f["line"], -f["probability"], f["technique"]))
        return out

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


class TfidfOneVsRest(BaseEstimator):
    """The baseline: plain TF-IDF word unigrams, one logistic regression per technique,
    asserted at probability 0.5."""

    def __init__(self, labels: Sequence[str] | None = None):
        self.labels = labels

    def fit(self, X, y, groups=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        texts = _texts(X)
        classes = list(self.labels) if self.labels is not None else technique_labels()
        Y = _indicators(y, classes, len(texts))
        self.classes_ = np.asarray(classes, dtype=object)
        self.vectorizer_ = TfidfVectorizer().fit(texts)
        self.present_ = Y.any(axis=0)
        self.model_ = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(
            self.vectorizer_.transform(texts), Y[:, self.present_])
        return self

    def predict_proba(self, X) -> np.ndarray:
        texts = _texts(X)
        P = np.zeros((len(texts), len(self.classes_)))
        if texts:
            P[:, self.present_] = self.model_.predict_proba(self.vectorizer_.transform(texts))
        return P

    def predict(self, X) -> np.ndarray:
        return self.predict_proba(X) >= 0.5

    def predict_sets(self, X) -> list[list[str]]:
        return [[str(c) for c, a in zip(self.classes_, row, strict=True) if a]
                for row in self.predict(X)]


# --------------------------------------------------------------------------- measure


def _report(paragraphs: Sequence[Paragraph], A: np.ndarray, classes: Sequence[str],
            seconds: float) -> dict:
    from framing.evaluation import micro_report

    Y = _indicators([p.techniques for p in paragraphs], classes, len(paragraphs))
    # One row per (article, line): the counts are those of the task's triples.
    report = micro_report(Y, A, classes, [p.article for p in paragraphs])
    return {**report, "seconds": round(seconds, 1)}


def cross_validate(paragraphs: Sequence[Paragraph], make_estimators: dict[str, Callable],
                   *, folds: int = 5, seed: int = 0, fold_limit: int | None = None,
                   labels: Sequence[str] | None = None) -> dict[str, dict]:
    """Article-grouped ``folds``-fold CV of each estimator factory on the same folds.

    Per name: micro-F1 over ``(article, line, technique)`` triples with a 95% bootstrap
    interval over articles, micro precision and recall, per-technique F1, seconds.
    ``fold_limit`` runs the first folds only (to time a run); the figures are then over the
    paragraphs those folds tested.
    """
    from sklearn.model_selection import GroupKFold

    classes = list(labels) if labels is not None else technique_labels()
    texts = [p.text for p in paragraphs]
    groups = np.array([p.article for p in paragraphs], dtype=object)
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))), shuffle=True,
                          random_state=seed)
    splits = list(splitter.split(texts, groups=groups))[:fold_limit]
    tested = np.concatenate([test for _, test in splits])
    out = {}
    for name, make in make_estimators.items():
        A = np.zeros((len(texts), len(classes)), dtype=bool)
        start = time.perf_counter()
        for train, test in splits:
            estimator = make(labels=classes).fit([texts[i] for i in train],
                                                 [paragraphs[i].techniques for i in train],
                                                 groups=groups[train])
            A[test] = estimator.predict([texts[i] for i in test])
        out[name] = _report([paragraphs[i] for i in tested], A[tested], classes,
                            time.perf_counter() - start)
    return out


# --------------------------------------------------------------------------- model


FOLDS = 5
SEED = 0


def default_estimators(**params) -> dict[str, Callable]:
    """The model (with ``params``) and the plain baseline, as :func:`cross_validate` takes
    them (the names the cards and reports use)."""
    return {"model": functools.partial(TechniqueClassifier, **params),
            "baseline_tfidf_ovr": TfidfOneVsRest}


def read_folders(folders: Sequence[str | Path], log: ProblemLog | None = None
                 ) -> tuple[list[Paragraph], list[Path]]:
    """The labelled paragraphs of every SemEval-2023 language folder (:func:`read_subtask3`,
    article ids prefixed with the folder name so that two languages never share one) and the
    label files read."""
    paragraphs, files = [], []
    for folder in map(Path, folders):
        prefix = f"{folder.name}:" if len(folders) > 1 else ""
        for p in read_subtask3(folder, log):
            paragraphs.append(Paragraph(prefix + p.article, p.line, p.text, p.techniques,
                                        p.start))
        files.extend(labels for labels, _ in _subtask3_files(folder))
    if not paragraphs:
        raise TechniqueError(f"no labelled paragraph in {', '.join(map(str, folders))}")
    return paragraphs, files


def train_folders(folders: Sequence[str | Path], *, evaluate: bool = True, folds: int = FOLDS,
                  seed: int = SEED, strict: bool = True, **params):
    """Cross-validate the model and the baseline under the same article-grouped folds, then
    fit on every paragraph of ``folders`` (:func:`read_folders`); :func:`train` makes the card.

    ``strict`` (the default) refuses folders with a bad label line, so that a shipped model
    never silently lacks paragraphs.
    """
    log = ProblemLog(strict=strict)
    paragraphs, files = read_folders(folders, log)
    evaluation: dict = {}
    if evaluate:
        evaluation = {
            "measure": "micro-F1 over (article, line, technique) triples (SemEval-2023 Task 3 "
                       "subtask 3)",
            "method": f"GroupKFold({folds}, shuffled, seed {seed}) over articles; the model's "
                      "thresholds chosen on inner out-of-fold scores of its training folds "
                      "only; interval: 95% bootstrap over articles; baseline (TF-IDF "
                      "unigrams, one-vs-rest logistic regression, 0.5) under the same folds",
            "folds": folds, "seed": seed,
            **cross_validate(paragraphs, default_estimators(**params), folds=folds, seed=seed),
        }
    languages = sorted({Path(f).name.lower() for f in folders})
    return train(paragraphs, data_files=files, evaluation=evaluation,
                 language="+".join(languages), **params)


def train(paragraphs: Sequence[Paragraph], *, data_files: Sequence[str | Path] = (),
          evaluation: dict | None = None, language: str = "en", **params):
    """Fit a :class:`TechniqueClassifier` on all ``paragraphs``; returns a
    :class:`framing.model.Model` whose card (kind ``techniques``) holds the labels with ids,
    thresholds, the inner out-of-fold micro-F1, the data files' sha256 and ``evaluation``
    (e.g. :func:`cross_validate`'s report)."""
    import sklearn

    from framing.model import Model, file_sha256

    classifier = TechniqueClassifier(**params).fit(
        [p.text for p in paragraphs], [p.techniques for p in paragraphs],
        groups=[p.article for p in paragraphs])
    ids = {t.label: t.id for t in load_taxonomy()}
    card = {
        "kind": KIND,
        "target": "techniques",
        "meaning": "probability per paragraph of each SemEval-2023 Task 3 persuasion "
                   "technique, the asserted ones, and the sentence carrying each",
        "language": language,
        "created": datetime.date.today().isoformat(),
        "versions": {"framing": __version__, "scikit-learn": sklearn.__version__,
                     "python": platform.python_version()},
        "labels": [{"id": ids.get(str(c)), "technique": str(c)} for c in classifier.classes_],
        "parameters": {k: v for k, v in classifier.get_params().items() if k != "labels"},
        "thresholds": {str(c): float(t) for c, t in zip(classifier.classes_,
                                                        classifier.thresholds_, strict=True)},
        "inner_oof_micro_f1": classifier.oof_micro_f1_,
        "corpus": {
            "files": [{"name": f"{Path(f).parent.name}/{Path(f).name}",
                       "sha256": file_sha256(Path(f))} for f in data_files],
            "articles": len({p.article for p in paragraphs}),
            "paragraphs": len(paragraphs),
        },
        "evaluation": evaluation or {},
    }
    return Model(classifier, card)


def save(model, directory: str | Path) -> Path:
    """Write the model and its card (:func:`framing.model.save_model`)."""
    from framing.model import save_model

    return save_model(model, directory)


def load(directory: str | Path):
    """A techniques model, loaded through :func:`framing.model.load_model` (the file's
    sha256 checked against the card before unpickling)."""
    from framing.model import load_kind

    return load_kind(directory, KIND, TechniqueError)


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m framing.techniques train FOLDER... -o DIR``: cross-validate, fit, save
    (:func:`framing.narratives.train_command`)."""
    from framing.model import MODELS_DIR
    from framing.narratives import train_command

    return train_command(argv, name="techniques", what="persuasion-techniques",
                         default_out=MODELS_DIR / MODEL_NAME, train_folders=train_folders,
                         folds=FOLDS, seed=SEED)


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: a model pickled from here must
    # name framing.techniques.TechniqueClassifier, or no other program could load it.
    import sys

    from framing.techniques import main as _main

    sys.exit(_main())
