"""Ukraine-war narratives: the taxonomy, a multi-label classifier and the paragraphs behind it.

The narratives are the eleven coarse ``URW:`` narratives of the SemEval-2025 Task 10 taxonomy
(subtask 2), listed with a one-line description of ours in ``framing/data/narratives.toml``
(:func:`load_taxonomy`). An article carrying none of them is ``Other``. The taxonomy's
climate-change (``CC:``) narratives are not war narratives: the war model ignores them (an
article whose only labels are ``CC:`` ones counts as ``Other``).

:class:`NarrativeClassifier` gives every article a probability per narrative (one logistic
regression per narrative over sublinear TF-IDF word n-grams, Platt-calibrated on out-of-fold
scores of an inner grouped cross-validation), asserts the narratives whose probability passes
a threshold chosen on those same inner out-of-fold scores, and predicts ``Other`` when none
passes. Each paragraph of the article is scored by the same per-narrative model, all paragraphs
of a batch in one vectorisation; the best one to three paragraphs are the evidence of an
asserted narrative.

:func:`predict` (the shipped model in ``models/narratives``) and
:meth:`NarrativeClassifier.predict` return, for each text, a list of dicts::

    [
      {"narrative": "URW: Discrediting Ukraine", "probability": 0.81, "asserted": true,
       "paragraphs": [{"line": 7, "probability": 0.9, "text": "..."}]},
      {"narrative": "URW: Praise of Russia", "probability": 0.12, "asserted": false,
       "paragraphs": []},
      ...
    ]

- one entry per taxonomy narrative, asserted ones first, then by probability (descending);
- when none is asserted, a first entry ``{"narrative": "Other", "probability": 1 - the highest
  narrative probability, "asserted": true, "paragraphs": []}``;
- ``paragraphs`` (asserted narratives only): up to three paragraphs, best first, each with
  ``line`` (the 1-based line of the paragraph in the text as given: pass ``article.text`` for
  lines that match the flags' lines), its ``probability`` for that narrative and its ``text``
  trimmed to about 300 characters at a word boundary. A paragraph is a non-blank line.

Measure: the task's own, F1 samples (:func:`f1_samples`): per article the F1 between the gold
and the predicted narrative sets, ``{"Other"}`` standing for an empty set, averaged over the
articles. :func:`cross_validate` measures it under grouped 5-fold CV (group: the article's
source when it has one, else the article) over several shuffled seeds, beside a plain TF-IDF
one-vs-rest logistic regression and predicting ``Other`` for everything.

Command line (see ``python -m framing.narratives --help``)::

    python -m framing.narratives evaluate build/corpus/semeval2025.jsonl
    python -m framing.narratives train build/corpus/semeval2025.jsonl -o models/narratives
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from framing import __version__
from framing.errors import FramingError

# The taxonomy and the label tables live in framing.labels (no numpy or scikit-learn import);
# their old names stay importable from here.
from framing.labels import NARRATIVES_PATH as TAXONOMY_PATH  # noqa: F401
from framing.labels import (  # noqa: F401
    OTHER,
    URW_PREFIX,
    Narrative,
    NarrativeError,
    check_label_table,
    narrative_set,
    read_label_table,
)
from framing.labels import narrative_labels as taxonomy_labels
from framing.labels import narrative_taxonomy as load_taxonomy  # noqa: F401
from framing.labels import read_narratives_file as read_taxonomy_file  # noqa: F401
from framing.text import clip

MODEL_NAME = "narratives"
#: Paragraph evidence: at most this many paragraphs per narrative, trimmed to about this length.
MAX_PARAGRAPHS = 3
PARAGRAPH_CHARS = 300
#: A paragraph needs this many words to count as evidence (a dateline or a caption does not).
MIN_PARAGRAPH_WORDS = 6


# --------------------------------------------------------------------------- measure


def _as_set(labels: Iterable[str]) -> frozenset[str]:
    found = frozenset(labels) - {OTHER}
    return found or frozenset({OTHER})


def per_article_f1(true_sets: Sequence[Iterable[str]],
                   pred_sets: Sequence[Iterable[str]]) -> np.ndarray:
    """Per article the F1 between gold and predicted label sets; empty sets are ``{"Other"}``."""
    if len(true_sets) != len(pred_sets):
        raise ValueError(f"{len(true_sets)} gold sets but {len(pred_sets)} predicted ones")
    out = np.zeros(len(true_sets))
    for i, (gold, pred) in enumerate(zip(true_sets, pred_sets, strict=True)):
        gold, pred = _as_set(gold), _as_set(pred)
        both = len(gold & pred)
        out[i] = 2 * both / (len(gold) + len(pred))
    return out


def f1_samples(true_sets: Sequence[Iterable[str]], pred_sets: Sequence[Iterable[str]]) -> float:
    """F1 samples, the SemEval-2025 Task 10 subtask 2 measure (coarse narratives).

    Per article F1 = 2|G & P| / (|G| + |P|), averaged over articles; an empty set (or one
    holding only ``Other``) is ``{"Other"}``, so Other against Other scores 1. Computed by
    :func:`framing.evaluation.f1_samples` on the sets made explicit.
    """
    from framing.evaluation import f1_samples as shared_f1_samples

    return shared_f1_samples([_as_set(s) for s in true_sets], [_as_set(s) for s in pred_sets])


def _interval(values: np.ndarray, groups) -> list[float] | None:
    """95% bootstrap interval (:func:`framing.evaluation.bootstrap_interval`, over groups) of
    the mean of per-article ``values``."""
    from framing.evaluation import bootstrap_interval

    found = bootstrap_interval(lambda rows: float(values[rows].mean()), groups)
    return list(found) if found else None


# --------------------------------------------------------------------------- paragraphs


def paragraphs(text: str) -> list[tuple[int, str]]:
    """The paragraphs of a text: ``(1-based line, stripped text)`` of each non-blank line."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
            if line.strip()]


# An e-mail address apart: "\S+@" backtracks from every character, so it is only tried on
# paragraphs holding an "@".
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_RESIDUE = re.compile(r"https?://|www\.|\+?\d[\d ()-]{7,}\d")
_PUNCTUATION = ".,;:!?\"'()[]‘’“”«»-–—"


def _evidence_paragraphs(text: str) -> list[tuple[int, str]]:
    """Paragraphs that can be shown as evidence: prose, not page residue.

    A paragraph needs :data:`MIN_PARAGRAPH_WORDS` words, no e-mail address, web address or
    phone number, and at least 70% of its tokens plain words: footers, contact lines and
    link lists (a state outlet's imprint, say) carry its vocabulary but are not what the
    article says.
    """
    return list(_evidence_paragraphs_of(text))


# Frames and narratives look for evidence in the same articles of a batch.
@functools.lru_cache(maxsize=256)
def _evidence_paragraphs_of(text: str) -> tuple[tuple[int, str], ...]:
    return tuple((number, paragraph) for number, paragraph in paragraphs(text)
                 if len(paragraph.split()) >= MIN_PARAGRAPH_WORDS
                 and not page_residue(paragraph))


def page_residue(paragraph: str) -> bool:
    """Whether a paragraph looks like page residue rather than prose: an e-mail address, web
    address or phone number, or under 70% of its tokens plain words (link lists, menus)."""
    if _RESIDUE.search(paragraph) or ("@" in paragraph and _EMAIL.search(paragraph)):
        return True
    tokens = paragraph.split()
    # C-level maps: this runs on every line of every article scored.
    words = sum(map(str.isalpha, map(str.strip, tokens, repeat(_PUNCTUATION))))
    return words < 0.7 * len(tokens)


# --------------------------------------------------------------------------- classifier

_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)
_RATIOS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: How assertions are made from the probabilities (see :func:`choose_rule`).
DECISIONS = ("per_label", "global", "relative", "any_top", "any_relative")
POOLINGS = ("article", "max", "mix")


def _texts(X) -> list[str]:
    if isinstance(X, (str, bytes)):
        raise ValueError("expected a sequence of texts, got a single string; wrap it in a list")
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text #{i} is {type(text).__name__}, expected str")
    return texts


def label_indicators(y, classes: Sequence[str], n: int, *, skip: frozenset | set = frozenset(),
                     error: type[Exception] = ValueError, what: str = "labels") -> np.ndarray:
    """The ``n x len(classes)`` boolean matrix of ``y``: a matrix already, or one label set (or
    single label) per text; labels in ``skip`` are ignored, any other unknown label raises
    ``error``. The one reading of multi-label targets for narratives, frames and techniques."""
    if hasattr(y, "shape") and len(getattr(y, "shape", ())) == 2:
        Y = np.asarray(y).astype(bool)
        if Y.shape != (n, len(classes)):
            raise ValueError(f"y has shape {Y.shape}, expected {(n, len(classes))}")
        return Y
    rows = list(y)
    if len(rows) != n:
        raise ValueError(f"{n} texts but {len(rows)} label sets")
    index = {c: j for j, c in enumerate(classes)}
    Y = np.zeros((n, len(classes)), dtype=bool)
    for i, row in enumerate(rows):
        for label in [row] if isinstance(row, str) else row:
            if label in skip:
                continue
            if label not in index:
                raise error(f"label {label!r} is not one of the {what}")
            Y[i, index[label]] = True
    return Y


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def apply_rule(P: np.ndarray, p_any: np.ndarray, rule: dict) -> np.ndarray:
    """Which narratives probabilities ``P`` (and ``p_any``, any narrative at all) assert.

    ``rule``: ``thresholds`` (per narrative), ``any`` (a gate on ``p_any``, or None) and
    ``ratio``/``floor`` (assert those within ``ratio`` of the article's top probability, when
    the top is at least ``floor``; None to use the thresholds). With the ``any`` gate open
    and no ratio, the top narrative is asserted even below its threshold.
    """
    if P.shape[1] == 0:
        return np.zeros(P.shape, dtype=bool)
    top = P.max(axis=1, keepdims=True)
    if rule.get("ratio") is not None:
        A = P >= rule["ratio"] * top
        if rule.get("any") is None:
            return A & (top >= rule["floor"])
    else:
        A = P >= np.asarray(rule["thresholds"])
        if rule.get("any") is None:
            return A
        A |= P >= top
    return A & (p_any >= rule["any"]).reshape(-1, 1)


def _f1_indicator(Y: np.ndarray, A: np.ndarray) -> float:
    """F1 samples on indicator matrices (an empty row is Other)."""
    y_other, a_other = ~Y.any(axis=1), ~A.any(axis=1)
    both = (Y & A).sum(axis=1) + (y_other & a_other)
    size = Y.sum(axis=1) + y_other + A.sum(axis=1) + a_other
    return float((2 * both / size).mean())


def _ascend(P, p_any, Y, rule, start) -> dict:
    """Two rounds of coordinate ascent on the per-narrative thresholds (ties: nearer start)."""
    thresholds = np.asarray(rule["thresholds"], dtype=float).copy()
    for _ in range(2):
        for j in range(P.shape[1]):
            best_score, best_t = -1.0, thresholds[j]
            for t in _GRID:
                thresholds[j] = t
                score = _f1_indicator(Y, apply_rule(P, p_any, {**rule,
                                                             "thresholds": thresholds}))
                closer = abs(t - start) < abs(best_t - start)
                if score > best_score + 1e-12 or (abs(score - best_score) <= 1e-12 and closer):
                    best_score, best_t = score, t
            thresholds[j] = best_t
    return {**rule, "thresholds": thresholds}


def _best(candidates, P, p_any, Y) -> dict:
    best, best_score = None, -1.0
    for rule in candidates:
        score = _f1_indicator(Y, apply_rule(P, p_any, rule))
        if score > best_score + 1e-12:
            best, best_score = rule, score
    return best


def choose_rule(P: np.ndarray, p_any: np.ndarray, Y: np.ndarray,
                decision: str = "per_label") -> dict:
    """The decision rule maximising F1 samples of ``P`` against indicators ``Y``.

    Grids: thresholds 0.05-0.95 by 0.025, ratios 0.5-1.0 by 0.1.

    - ``global``: one threshold for every narrative;
    - ``per_label``: from the global one, coordinate ascent per narrative;
    - ``relative``: narratives within ``ratio`` of the article's top one, if that passes
      ``floor``;
    - ``any_top``: Other unless the any-narrative probability passes ``any``; then the top
      narrative and those passing their own thresholds (coordinate ascent);
    - ``any_relative``: Other unless ``any`` passes; then those within ``ratio`` of the top.
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    Y = Y.astype(bool)
    n = P.shape[1]
    none = np.full(n, 1.01)  # above any probability: the thresholds assert nothing
    if decision in ("global", "per_label"):
        rule = _best([{"thresholds": np.full(n, t), "any": None, "ratio": None, "floor": None}
                      for t in _GRID], P, p_any, Y)
        if decision == "per_label":
            rule = _ascend(P, p_any, Y, rule, float(rule["thresholds"][0]))
    elif decision == "relative":
        rule = _best([{"thresholds": none, "any": None, "ratio": r, "floor": float(f)}
                      for f in _GRID for r in _RATIOS], P, p_any, Y)
    elif decision == "any_relative":
        rule = _best([{"thresholds": none, "any": float(a), "ratio": r, "floor": None}
                      for a in _GRID for r in _RATIOS], P, p_any, Y)
    else:  # any_top
        rule = _best([{"thresholds": none, "any": float(a), "ratio": None, "floor": None}
                      for a in _GRID], P, p_any, Y)
        rule = _ascend(P, p_any, Y, rule, 1.01)
        rule = _best([{**rule, "any": float(a)} for a in _GRID], P, p_any, Y)
    rule["thresholds"] = np.round(np.asarray(rule["thresholds"], dtype=float), 4)
    return rule


class NarrativeClassifier(BaseEstimator):
    """Multi-label narrative classifier: a probability per narrative, a rule, evidence.

    scikit-learn conventions: ``__init__`` stores the parameters, :meth:`fit` sets the
    attributes ending in ``_``; ``get_params``, ``set_params`` and ``clone`` work.

    Parameters
    ----------
    labels : sequence of str or None
        The narratives, in column order; ``None`` for the shipped taxonomy.
    word_ngrams : int
        Word n-grams from 1 to this.
    use_idf : bool
        Inverse document frequency on the text blocks (off: sublinear tf, l2-normalised).
    chars : bool
        Add character 3-5-grams (``char_wb``).
    markers : bool
        Add the framing marker counts (:class:`framing.features.MarkerCounts`).
    C : float
        Inverse regularisation of each narrative's logistic regression.
    class_weight : "balanced" or None
    pooling : "article", "max" or "mix"
        The article's score for a narrative: the whole text's, the maximum over its
        paragraphs, or the mean of the two.
    decision : one of :data:`DECISIONS`
        How assertions are made from probabilities (see :func:`choose_rule`).
    inner_folds : int
        Grouped folds of the inner cross-validation whose out-of-fold scores fit the
        calibration and choose the rule.
    max_features : int
        Vocabulary cap of each text block.
    marker_voice : str
        ``voice`` of :class:`~framing.features.MarkerCounts`. ``any`` (a marker counts
        whoever speaks) by default: for "any narrative at all" it measured ROC-AUC 0.78
        against 0.74 with ``split`` (own voice apart from quoted), 0.72 without markers
        (grouped 5-fold CV, 3 seeds, unigrams, C=3): the annotators' narratives are carried
        by quoted Kremlin wording too.
    conditional : bool
        Fit and calibrate each narrative on the articles that carry some narrative only, so
        that its probability is given that the article carries one (for the ``any_*``
        decisions, where the any-narrative model decides Other).

    Attributes
    ----------
    classes_ : ndarray of str
        The narratives (columns of :meth:`predict_proba`).
    features_ : FeatureUnion
        The fitted text features.
    coef_, intercept_ : ndarray
        One linear model per narrative, then one for "any narrative" (last row):
        ``(n_labels + 1, n_features)``, ``(n_labels + 1,)``.
    calibration_ : ndarray
        Platt slope and intercept of each row of ``coef_``, ``(n_labels + 1, 2)``.
    rule_ : dict
        The decision rule (:func:`apply_rule`) chosen on the inner out-of-fold scores.
    thresholds_ : ndarray
        ``rule_["thresholds"]``: the probability a narrative needs on its own.
    """

    def __init__(self, labels: Sequence[str] | None = None, word_ngrams: int = 1,
                 use_idf: bool = False, chars: bool = False, markers: bool = False,
                 C: float = 10.0, class_weight: str | None = "balanced",
                 pooling: str = "article", decision: str = "per_label", inner_folds: int = 5,
                 max_features: int = 20_000, marker_voice: str = "any",
                 conditional: bool = False):
        self.labels = labels
        self.word_ngrams = word_ngrams
        self.use_idf = use_idf
        self.chars = chars
        self.markers = markers
        self.C = C
        self.class_weight = class_weight
        self.pooling = pooling
        self.decision = decision
        self.inner_folds = inner_folds
        self.max_features = max_features
        self.marker_voice = marker_voice
        self.conditional = conditional

    # -- features

    def _build_features(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, Pipeline
        from sklearn.preprocessing import MaxAbsScaler

        parts = [("words", TfidfVectorizer(
            ngram_range=(1, self.word_ngrams), sublinear_tf=True, min_df=2, max_df=0.9,
            max_features=self.max_features, use_idf=self.use_idf, dtype=np.float32,
        ))]
        if self.chars:
            parts.append(("chars", TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=3,
                max_features=self.max_features, use_idf=self.use_idf, dtype=np.float32,
            )))
        if self.markers:
            from framing.features import MarkerCounts

            parts.append(("markers", Pipeline([("counts", MarkerCounts(voice=self.marker_voice)),
                                               ("scale", MaxAbsScaler())])))
        return FeatureUnion(parts)

    def _transform(self, texts: list[str], counts=None):
        from scipy import sparse

        from framing.counting import transform_union

        if not texts:
            return sparse.csr_matrix((0, self.coef_.shape[1] if hasattr(self, "coef_") else 0))
        return sparse.csr_matrix(transform_union(self.features_, texts, counts),
                                 dtype=np.float64)

    # -- fit

    def fit(self, X, y, groups=None):
        """Fit on texts ``X`` and narrative sets ``y`` (iterables of labels, or an indicator
        matrix with one column per narrative); ``groups`` keep related articles (one source)
        on one side of the inner splits. Returns ``self``."""
        from sklearn.model_selection import GroupKFold

        from framing.model import drop_volatile_state

        texts = _texts(X)
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}")
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
        classes = list(self.labels) if self.labels is not None else taxonomy_labels()
        Y = self._indicators(y, classes, len(texts))
        groups = np.asarray(groups if groups is not None else np.arange(len(texts)),
                            dtype=object).astype(str)
        folds = min(self.inner_folds, len(set(groups)))
        if folds < 2:
            raise NarrativeError("need at least 2 articles (groups) to fit")
        Y_all = np.column_stack([Y, Y.any(axis=1)])  # the last column: any narrative
        self.classes_ = np.asarray(classes, dtype=object)
        self.features_ = self._build_features().fit(texts)
        A = self._transform(texts)
        par_rows, par_owner = self._paragraph_matrix(texts)
        # Inner grouped CV: out-of-fold scores fit the Platt calibration and choose the rule.
        # (The vocabulary is the whole training set's; only the linear models are refitted.)
        S = np.zeros(Y_all.shape)
        for train, test in GroupKFold(n_splits=folds).split(texts, groups=groups):
            coef, intercept = self._fit_linear(A[train], Y_all[train])
            S[test] = self._pool(A[test], par_rows, par_owner, test, coef, intercept)
        self.coef_, self.intercept_ = self._fit_linear(A, Y_all)
        # conditional: a narrative's probability is given that the article carries one.
        rows = Y_all[:, -1] if self.conditional else np.ones(len(texts), dtype=bool)
        self.calibration_ = np.array(
            [_platt(S[rows, j], Y_all[rows, j]) for j in range(Y.shape[1])]
            + [_platt(S[:, -1], Y_all[:, -1])])
        P = self._calibrate(S)
        self.rule_ = choose_rule(P[:, :-1], P[:, -1], Y, self.decision)
        self.thresholds_ = self.rule_["thresholds"]
        # Same training, same bytes (see drop_volatile_state).
        drop_volatile_state(step for _, step in self.features_.transformer_list)
        return self

    @staticmethod
    def _indicators(y, classes: list[str], n: int) -> np.ndarray:
        return label_indicators(y, classes, n, skip={OTHER}, error=NarrativeError,
                                what="narratives")

    def _fit_linear(self, A, Y):
        """One model per column of ``Y`` (the last: any narrative); with ``conditional``, the
        narrative columns are fitted on the articles carrying some narrative only."""
        from sklearn.linear_model import LogisticRegression

        coef = np.zeros((Y.shape[1], A.shape[1]))
        intercept = np.full(Y.shape[1], -10.0)
        narrative_rows = Y[:, -1].astype(bool)
        for j in range(Y.shape[1]):
            A_j, y_j = A, Y[:, j]
            if self.conditional and j < Y.shape[1] - 1 and narrative_rows.sum() >= 2:
                A_j, y_j = A[narrative_rows], y_j[narrative_rows]
            if y_j.all():
                intercept[j] = 10.0
            elif y_j.any():
                # The dual liblinear solver: far fewer articles than features.
                clf = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                         solver="liblinear", dual=True, max_iter=5000,
                                         random_state=0)
                clf.fit(A_j, y_j)
                coef[j] = clf.coef_[0]
                intercept[j] = clf.intercept_[0]
        return coef, intercept

    def _paragraph_matrix(self, texts: list[str]):
        """All paragraphs of ``texts`` vectorised in one call, and the text each belongs to."""
        if self.pooling == "article":
            return None, None
        pars, owner = [], []
        for i, text in enumerate(texts):
            found = [p for _, p in _evidence_paragraphs(text)] or [text]
            pars.extend(found)
            owner.extend([i] * len(found))
        return self._transform(pars), np.asarray(owner)

    def _pool(self, A_rows, par_rows, par_owner, which, coef, intercept):
        """Decision scores of the texts ``which`` (rows ``A_rows``) under ``pooling``."""
        scores = np.asarray(A_rows @ coef.T) + intercept
        if self.pooling == "article":
            return scores
        which = np.asarray(which)
        position = {int(t): k for k, t in enumerate(which)}
        mask = np.isin(par_owner, which)
        par_scores = np.asarray(par_rows[mask] @ coef.T) + intercept
        owners = np.array([position[int(o)] for o in par_owner[mask]], dtype=int)
        best = _max_by(par_scores, owners, len(which), fallback=scores)
        return best if self.pooling == "max" else (scores + best) / 2

    # -- predict

    def _check(self):
        from sklearn.exceptions import NotFittedError

        if not hasattr(self, "coef_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit")

    def _scores(self, texts: list[str], evidence_for=None, counts=None):
        """Article scores (all rows of ``coef_``), and each paragraph's for the evidence.

        ``evidence_for`` (indices) limits the paragraph scores to those texts once the article
        scores are known; it only applies with ``pooling="article"``, where paragraphs do
        not change the article scores.
        """
        width = self.coef_.shape[0]
        if not texts:
            return np.zeros((0, width)), np.zeros((0, width)), np.zeros(0, int), [], []
        S = np.asarray(self._transform(texts, counts) @ self.coef_.T) + self.intercept_
        if self.pooling != "article":
            evidence_for = None
        Sp, owner, lines, pars = self._paragraph_scores(
            texts, range(len(texts)) if evidence_for is None else evidence_for, counts)
        if self.pooling != "article":
            best = _max_by(Sp, owner, len(texts), fallback=S)
            S = best if self.pooling == "max" else (S + best) / 2
        return S, Sp, owner, lines, pars

    def _paragraph_scores(self, texts: list[str], which, counts=None):
        pars, owner, lines = [], [], []
        for i in which:
            for line, par in _evidence_paragraphs(texts[i]):
                pars.append(par)
                owner.append(i)
                lines.append(line)
        width = self.coef_.shape[0]
        Sp = (np.asarray(self._transform(pars, counts) @ self.coef_.T) + self.intercept_
              if pars else np.zeros((0, width)))
        return Sp, np.asarray(owner, dtype=int), lines, pars

    def _calibrate(self, S):
        return _sigmoid(S * self.calibration_[:, 0] + self.calibration_[:, 1])

    def decision_function(self, X) -> np.ndarray:
        """Uncalibrated score per text and narrative, ``(n_texts, n_labels)``."""
        self._check()
        return self._scores(_texts(X))[0][:, :-1]

    def predict_proba(self, X) -> np.ndarray:
        """Probability per text and narrative, ``(n_texts, n_labels)``, columns ``classes_``."""
        self._check()
        return self._calibrate(self._scores(_texts(X))[0])[:, :-1]

    def predict_any_proba(self, X) -> np.ndarray:
        """Probability that each text carries any narrative at all (1 minus that of Other)."""
        self._check()
        return self._calibrate(self._scores(_texts(X))[0])[:, -1]

    def _assert(self, P_all: np.ndarray) -> np.ndarray:
        return apply_rule(P_all[:, :-1], P_all[:, -1], self.rule_)

    def predict_sets(self, X) -> list[list[str]]:
        """The asserted narratives of each text, or ``["Other"]`` when none is."""
        self._check()
        A = self._assert(self._calibrate(self._scores(_texts(X))[0]))
        return [[c for c, a in zip(self.classes_, row, strict=True) if a] or [OTHER]
                for row in A]

    def score(self, X, y) -> float:
        """F1 samples of :meth:`predict_sets` against the narrative sets ``y``."""
        return f1_samples([list(r) for r in y], self.predict_sets(X))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the features the per-narrative linear models weigh (``words__...``)."""
        self._check()
        return self.features_.get_feature_names_out()

    def top_features(self, label: str, top: int = 10) -> list[tuple[str, float]]:
        """The features pushing ``label``'s score up most, with their weights."""
        j = list(self.classes_).index(label)
        names = self.get_feature_names_out()
        order = np.argsort(-self.coef_[j])[:top]
        return [(str(names[k]), round(float(self.coef_[j, k]), 4)) for k in order]

    def predict(self, X, max_paragraphs: int = MAX_PARAGRAPHS, counts=None
                ) -> list[list[dict]]:
        """Per text the list of narrative dicts described in the module docstring (use
        :meth:`predict_sets` for the label sets alone). ``counts``: the batch's
        :class:`~framing.counting.TextCounts`, shared with the other models that read it."""
        self._check()
        texts = _texts(X)
        if self.pooling == "article":
            # Paragraphs are scored only where a narrative is asserted: most articles of a
            # general stream carry none, and paragraphs are most of the work.
            S = self._scores(texts, evidence_for=(), counts=counts)[0]
            P_all = self._calibrate(S)
            A = self._assert(P_all)
            Sp, owner, lines, pars = self._paragraph_scores(
                texts, [i for i in range(len(texts)) if A[i].any()], counts)
        else:
            S, Sp, owner, lines, pars = self._scores(texts, counts=counts)
            P_all = self._calibrate(S)
            A = self._assert(P_all)
        P = P_all[:, :-1]
        Pp = self._calibrate(Sp)[:, :-1]
        by_text: dict[int, list[int]] = {}
        for k, i in enumerate(owner.tolist()):
            by_text.setdefault(i, []).append(k)
        out = []
        for i in range(len(texts)):
            entries = []
            rows = by_text.get(i, [])
            for j, label in enumerate(self.classes_):
                entry = {"narrative": str(label), "probability": round(float(P[i, j]), 4),
                         "asserted": bool(A[i, j]), "paragraphs": []}
                if A[i, j] and rows:
                    entry["paragraphs"] = self._evidence(rows, j, Pp, lines, pars,
                                                         max_paragraphs)
                entries.append(entry)
            entries.sort(key=lambda e: (not e["asserted"], -e["probability"]))
            if not A[i].any():
                entries.insert(0, {"narrative": OTHER,
                                   "probability": round(1 - float(P_all[i, -1]), 4),
                                   "asserted": True, "paragraphs": []})
            out.append(entries)
        return out

    def _evidence(self, rows, j, Pp, lines, pars, max_paragraphs) -> list[dict]:
        return best_paragraphs(rows, Pp[:, j], lines, pars, float(self.thresholds_[j]),
                               max_paragraphs)


def best_paragraphs(rows, scores, lines, pars, threshold: float,
                    max_paragraphs: int = MAX_PARAGRAPHS) -> list[dict]:
    """The paragraphs behind an asserted label (narrative, frame): of the candidate ``rows``
    (indices into ``scores``, ``lines`` and ``pars``), at most ``max_paragraphs`` of those at
    or above ``min(threshold, 0.5)``, best first, each text once, and at least the best one
    (the label is asserted): ``{"line", "probability", "text"}`` with the text clipped."""
    ranked, seen = [], set()
    for k in sorted(rows, key=lambda k: (-scores[k], lines[k])):
        # A page that repeats its body would show the same paragraph twice.
        key = " ".join(re.findall(r"\w+", pars[k].lower()))
        if key not in seen:
            seen.add(key)
            ranked.append(k)
            if len(ranked) == max_paragraphs:
                break  # no later one is shown
    level = min(threshold, 0.5)
    keep = [k for k in ranked[:max_paragraphs] if scores[k] >= level] or ranked[:1]
    return [{"line": int(lines[k]), "probability": round(float(scores[k]), 4),
             "text": clip(pars[k], PARAGRAPH_CHARS)} for k in keep]


def _max_by(scores: np.ndarray, owners: np.ndarray, n: int, fallback: np.ndarray):
    """Row-wise maximum of ``scores`` per owner (0..n-1); ``fallback`` rows for no rows."""
    best = np.full((n, scores.shape[1]), -np.inf)
    if len(scores):
        np.maximum.at(best, owners, scores)
    return np.where(np.isfinite(best), best, fallback)


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept mapping decision scores to probabilities (Platt scaling)."""
    from sklearn.linear_model import LogisticRegression

    if y.all() or not y.any():
        return 0.0, (10.0 if y.all() else -10.0)
    fitted = LogisticRegression(C=1.0).fit(scores.reshape(-1, 1), y)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


# --------------------------------------------------------------------------- data


@dataclass
class NarrativeData:
    """Texts, gold narrative sets and CV groups of the annotated articles of a corpus."""

    texts: list[str]
    sets: list[frozenset[str]]
    groups: np.ndarray
    ids: list[str]

    @classmethod
    def from_corpus(cls, paths: Sequence[str | Path],
                    labels: Sequence[str] | None = None) -> NarrativeData:
        """Articles whose ``meta`` carries SemEval-2025 ``narratives`` (the semeval2025 import).

        The group of an article is its source when it has one, else the article itself.
        """
        from framing.corpus import read_corpus
        from framing.model import model_text

        labels = list(labels) if labels is not None else taxonomy_labels()
        texts, sets, groups, ids = [], [], [], []
        for article in read_corpus(list(paths), strict=True):
            names = (article.meta or {}).get("narratives")
            if not names:
                continue
            texts.append(model_text(article))
            sets.append(narrative_set(names, labels))
            groups.append(article.source or f"article:{article.id}")
            ids.append(article.id)
        if not texts:
            raise NarrativeError("no article of the corpus carries narratives (meta.narratives); "
                                 "import a SemEval-2025 Task 10 corpus (framing.datasets)")
        return cls(texts, sets, np.asarray(groups, dtype=object), ids)


# --------------------------------------------------------------------------- evaluation


class TfidfOneVsRest(BaseEstimator):
    """The baseline: default TF-IDF, one default logistic regression per narrative, asserted
    at probability 0.5, ``Other`` when none is."""

    def __init__(self, labels: Sequence[str] | None = None):
        self.labels = labels

    def fit(self, X, y, groups=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        classes = list(self.labels) if self.labels is not None else taxonomy_labels()
        texts = _texts(X)
        Y = NarrativeClassifier._indicators(y, classes, len(texts))
        self.classes_ = np.asarray(classes, dtype=object)
        self.vectorizer_ = TfidfVectorizer().fit(texts)
        A = self.vectorizer_.transform(texts)
        self.models_ = [LogisticRegression(max_iter=1000).fit(A, Y[:, j]) if Y[:, j].any()
                        else None for j in range(len(classes))]
        return self

    def predict_proba(self, X):
        A = self.vectorizer_.transform(_texts(X))
        cols = [m.predict_proba(A)[:, 1] if m is not None else np.zeros(A.shape[0])
                for m in self.models_]
        return np.column_stack(cols)

    def predict_sets(self, X) -> list[list[str]]:
        P = self.predict_proba(X)
        return [[c for c, p in zip(self.classes_, row, strict=True) if p >= 0.5] or [OTHER]
                for row in P]


#: The pre-declared grid of :func:`cross_validate` variants (``evaluate --variant``). Every
#: threshold and calibration inside a variant is chosen by its own inner CV.
VARIANTS: dict[str, dict] = {
    "words1_idf_C10": {"word_ngrams": 1, "use_idf": True},
    "words1_tf_C10": {"word_ngrams": 1},
    "words12_tf_C10": {"word_ngrams": 2},
    "words12_tf_C1": {"word_ngrams": 2, "C": 1.0},
    "words12_tf_C100": {"word_ngrams": 2, "C": 100.0},
    "words12_tf_global": {"word_ngrams": 2, "decision": "global"},
    "words12_tf_relative": {"word_ngrams": 2, "decision": "relative"},
    "words12_tf_any_top": {"word_ngrams": 2, "decision": "any_top"},
    "words12_tf_any_relative": {"word_ngrams": 2, "decision": "any_relative"},
    "words12_chars_tf": {"word_ngrams": 2, "chars": True},
    "words12_markers_tf": {"word_ngrams": 2, "markers": True},
    "words12_tf_maxpool": {"word_ngrams": 2, "pooling": "max"},
    "words12_tf_mixpool": {"word_ngrams": 2, "pooling": "mix"},
    "words12_tf_unweighted": {"word_ngrams": 2, "class_weight": None},
    "words1_markers_any_top": {"markers": True, "decision": "any_top"},
    "words1_markers_any_relative": {"markers": True, "decision": "any_relative"},
    "words12_markers_any_top": {"word_ngrams": 2, "markers": True, "decision": "any_top"},
    "words12_markers_any_relative": {"word_ngrams": 2, "markers": True,
                                     "decision": "any_relative"},
    "words1_markers_C3_any_relative": {"markers": True, "C": 3.0, "decision": "any_relative"},
    "words1_markers_C3_any_top": {"markers": True, "C": 3.0, "decision": "any_top"},
    "words1_markers_C1_any_relative": {"markers": True, "C": 1.0, "decision": "any_relative"},
    "words1_markers_C1_any_top": {"markers": True, "C": 1.0, "decision": "any_top"},
    "words1_markers_C3_any_relative_mix": {"markers": True, "C": 3.0,
                                           "decision": "any_relative", "pooling": "mix"},
    "words1_markers_C3_any_relative_max": {"markers": True, "C": 3.0,
                                           "decision": "any_relative", "pooling": "max"},
    "words1_markers_C3_any_relative_idf": {"markers": True, "C": 3.0, "use_idf": True,
                                           "decision": "any_relative"},
    "words1_markers_split_C3_any_relative": {"markers": True, "C": 3.0,
                                             "decision": "any_relative",
                                             "marker_voice": "split"},
    "words1_markers_C3_any_relative_conditional": {"markers": True, "C": 3.0,
                                                   "decision": "any_relative",
                                                   "conditional": True},
    "words1_markers_C3_any_top_conditional": {"markers": True, "C": 3.0,
                                              "decision": "any_top", "conditional": True},
    "words1_markers_C3_any_relative_inner10": {"markers": True, "C": 3.0,
                                               "decision": "any_relative", "inner_folds": 10},
    "words1_markers_C3_any_top_inner10": {"markers": True, "C": 3.0, "decision": "any_top",
                                          "inner_folds": 10},
    "words1_markers_C1_any_relative_inner10": {"markers": True, "C": 1.0,
                                               "decision": "any_relative", "inner_folds": 10},
    "words1_markers_C1_any_top_inner10": {"markers": True, "C": 1.0, "decision": "any_top",
                                          "inner_folds": 10},
    "words1_chars_markers_C3_any_relative": {"markers": True, "chars": True, "C": 3.0,
                                             "decision": "any_relative"},
}
#: The variant that ships.
DEFAULT_VARIANT = "words1_markers_C3_any_relative_inner10"
#: The grid :class:`GridSelected` chooses from by inner CV (``evaluate --variant nested``): an
#: honest figure for the whole selection, which the figures of single variants are not.
NESTED_GRID = ("words1_markers_C1_any_relative", "words1_markers_C3_any_relative",
               "words1_markers_C1_any_top", "words1_markers_C3_any_top",
               "words1_markers_C1_any_relative_inner10", "words1_markers_C3_any_relative_inner10",
               "words1_markers_C1_any_top_inner10", "words1_markers_C3_any_top_inner10")
SEEDS = (0, 1, 2)
FOLDS = 5


def cross_validate(data: NarrativeData, make_estimator, *, seeds: Sequence[int] = SEEDS,
                   folds: int = FOLDS) -> dict:
    """Grouped ``folds``-fold CV repeated over shuffled ``seeds``: F1 samples and more.

    Returns ``f1_samples`` (mean and standard deviation over seeds, each seed's figure and a
    95% bootstrap interval over groups of the seed-averaged per-article F1), F1 on the
    articles with one gold narrative, with several and with none (Other), and, when the
    estimator gives probabilities, the per-narrative out-of-fold ROC-AUC.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    labels = taxonomy_labels()
    n = len(data.texts)
    per_seed, f1_rows = [], []
    P_sum = np.zeros((n, len(labels)))
    any_sum = np.zeros(n)
    has_proba = has_any = True
    for seed in seeds:
        preds: list[list[str]] = [[] for _ in range(n)]
        splitter = GroupKFold(n_splits=min(folds, len(set(data.groups))), shuffle=True,
                              random_state=seed)
        for train, test in splitter.split(data.texts, groups=data.groups):
            estimator = make_estimator()
            estimator.fit([data.texts[i] for i in train], [data.sets[i] for i in train],
                          groups=data.groups[train])
            test_texts = [data.texts[i] for i in test]
            for i, pred in zip(test, estimator.predict_sets(test_texts), strict=True):
                preds[i] = pred
            if hasattr(estimator, "predict_proba"):
                P_sum[test] += estimator.predict_proba(test_texts)
            else:
                has_proba = False
            if hasattr(estimator, "predict_any_proba"):
                any_sum[test] += estimator.predict_any_proba(test_texts)
            else:
                has_any = False
        rows = per_article_f1(data.sets, preds)
        f1_rows.append(rows)
        per_seed.append(float(rows.mean()))
    mean_rows = np.mean(f1_rows, axis=0)
    sizes = np.array([len(s) for s in data.sets])
    report = {
        "f1_samples": {
            "mean": round(float(np.mean(per_seed)), 4),
            "sd": round(float(np.std(per_seed)), 4),
            "per_seed": [round(v, 4) for v in per_seed],
            "interval95": _interval(mean_rows, data.groups),
        },
        "f1_by_gold_size": {
            name: round(float(mean_rows[mask].mean()), 4)
            for name, mask in (("other", sizes == 0), ("single", sizes == 1),
                               ("several", sizes > 1)) if mask.any()
        },
    }
    if has_proba:
        P = P_sum / len(seeds)
        aucs = {}
        for j, label in enumerate(labels):
            y = np.array([label in s for s in data.sets])
            aucs[label] = (round(float(roc_auc_score(y, P[:, j])), 4)
                           if 0 < y.sum() < n else None)
            aucs[label + " (positives)"] = int(y.sum())
        report["roc_auc"] = {k: v for k, v in aucs.items() if not k.endswith("(positives)")}
        report["positives"] = {k[: -len(" (positives)")]: v for k, v in aucs.items()
                               if k.endswith("(positives)")}
        valid = [v for v in report["roc_auc"].values() if v is not None]
        report["roc_auc_macro"] = round(float(np.mean(valid)), 4) if valid else None
    if has_any:
        y = np.array([bool(s) for s in data.sets])
        report["roc_auc_any_narrative"] = round(float(roc_auc_score(y, any_sum)), 4)
    return report


def all_other_report(data: NarrativeData) -> dict:
    """F1 samples of predicting ``Other`` for every article (the same for every split)."""
    rows = per_article_f1(data.sets, [[OTHER]] * len(data.texts))
    sizes = np.array([len(s) for s in data.sets])
    return {"f1_samples": {"mean": round(float(rows.mean()), 4), "sd": 0.0,
                           "interval95": _interval(rows, data.groups)},
            "f1_by_gold_size": {"other": 1.0, "single": 0.0, "several": 0.0}
            if (sizes == 0).any() and (sizes == 1).any() and (sizes > 1).any() else {}}


class GridSelected(BaseEstimator):
    """Picks the :data:`NESTED_GRID` variant with the best inner grouped-CV F1 samples, then
    fits it on all its training data (model selection inside the outer CV)."""

    def __init__(self, grid: Sequence[str] = NESTED_GRID, folds: int = 5, seed: int = 0):
        self.grid = grid
        self.folds = folds
        self.seed = seed

    def fit(self, X, y, groups=None):
        from sklearn.model_selection import GroupKFold

        texts, sets = _texts(X), list(y)
        groups = np.asarray(groups if groups is not None else np.arange(len(texts)),
                            dtype=object).astype(str)
        splitter = GroupKFold(n_splits=min(self.folds, len(set(groups))), shuffle=True,
                              random_state=self.seed)
        splits = list(splitter.split(texts, groups=groups))
        scores = {}
        for name in self.grid:
            preds: list[list[str]] = [[] for _ in texts]
            for train, test in splits:
                model = make_variant(name)().fit([texts[i] for i in train],
                                                 [sets[i] for i in train], groups=groups[train])
                for i, pred in zip(test, model.predict_sets([texts[i] for i in test]),
                                   strict=True):
                    preds[i] = pred
            scores[name] = f1_samples(sets, preds)
        self.scores_ = scores
        self.selected_ = max(self.grid, key=lambda n: (scores[n], -list(self.grid).index(n)))
        self.estimator_ = make_variant(self.selected_)().fit(texts, sets, groups=groups)
        return self

    def predict_sets(self, X):
        return self.estimator_.predict_sets(X)

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def predict_any_proba(self, X):
        return self.estimator_.predict_any_proba(X)


def make_variant(name: str):
    """A factory of the :data:`VARIANTS` entry ``name`` (or the baseline, or ``nested``)."""
    if name == "baseline_tfidf_ovr":
        return TfidfOneVsRest
    if name == "nested":
        return GridSelected
    if name not in VARIANTS:
        raise NarrativeError(f"unknown variant {name!r}; one of {', '.join(VARIANTS)}")
    return functools.partial(NarrativeClassifier, **VARIANTS[name])


# --------------------------------------------------------------------------- model


def train(corpus_paths: Sequence[str | Path], *, variant: str = DEFAULT_VARIANT,
          seeds: Sequence[int] = SEEDS, folds: int = FOLDS, evaluate: bool = True):
    """Cross-validate (model and both baselines), then fit on everything.

    Returns a :class:`framing.model.Model` whose card has ``kind`` and ``target``
    ``narratives``, the labels, thresholds, the CV figures beside the baselines, the corpus
    files' sha256 and the versions.
    """
    import sklearn

    from framing.model import Model, file_sha256

    data = NarrativeData.from_corpus(corpus_paths)
    make = make_variant(variant)
    evaluation: dict = {}
    if evaluate:
        evaluation = {
            "measure": "F1 samples over coarse narratives, Other when none (SemEval-2025 "
                       "Task 10 subtask 2 scorer)",
            "method": f"GroupKFold({folds}, shuffled) by source, or by article when it has "
                      f"none; seeds {list(seeds)}; interval: 95% bootstrap over groups of the "
                      "seed-averaged per-article F1",
            "selection": f"{variant} was picked from the documented grid (VARIANTS) on these "
                         "same folds, so its figure is optimistic; `python -m "
                         "framing.narratives evaluate CORPUS --variant nested` measures the "
                         "whole selection inside the CV (see the README's Narratives section)",
            "model": cross_validate(data, make, seeds=seeds, folds=folds),
            "baseline_tfidf_ovr": cross_validate(data, TfidfOneVsRest, seeds=seeds,
                                                 folds=folds),
            "baseline_all_other": all_other_report(data),
        }
    classifier = make().fit(data.texts, data.sets, groups=data.groups)
    counts = Counter(label for s in data.sets for label in s)
    card = {
        "kind": "narratives",
        "target": "narratives",
        "meaning": "probability per coarse Ukraine-war narrative (SemEval-2025 Task 10 "
                   "taxonomy), the asserted ones, Other when none, with paragraph evidence",
        "created": datetime.date.today().isoformat(),
        "versions": {
            "framing": __version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "labels": [str(c) for c in classifier.classes_],
        "other": OTHER,
        "ignored": "the taxonomy's CC (climate) narratives: not war narratives; an article "
                   "with CC labels only counts as Other",
        "variant": variant,
        "parameters": {k: v for k, v in classifier.get_params().items() if k != "labels"},
        "thresholds": (None if classifier.rule_["ratio"] is not None else
                       {str(c): round(float(t), 4)
                        for c, t in zip(classifier.classes_, classifier.thresholds_,
                                        strict=True)}),
        "rule": {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                 for k, v in classifier.rule_.items()},
        "decision_rule": describe_rule(classifier.rule_),
        "corpus": {
            "files": [{"name": Path(f).name, "sha256": file_sha256(Path(f))}
                      for f in corpus_paths],
            "articles": len(data.texts),
            "groups": len(set(data.groups)),
            "narratives": {c: int(counts.get(c, 0)) for c in classifier.classes_},
            "other": int(sum(1 for s in data.sets if not s)),
        },
        "evaluation": evaluation,
    }
    return Model(classifier, card)


def describe_rule(rule: dict) -> str:
    """The decision rule in words, for the card."""
    gate = (f"Other unless P(any narrative) >= {rule['any']:g}; then "
            if rule.get("any") is not None else "")
    if rule.get("ratio") is not None:
        what = f"the narratives with probability >= {rule['ratio']:g} x the article's highest"
        if rule.get("any") is None:
            what += f", when the highest is >= {rule['floor']:g}"
    else:
        what = "each narrative whose probability passes its own threshold (thresholds)"
        if rule.get("any") is not None:
            what += ", and the top narrative"
    return gate + what + ("" if gate else "; Other when none")


def default_model_dir() -> Path:
    from framing.model import MODELS_DIR

    return MODELS_DIR / MODEL_NAME


@functools.lru_cache(maxsize=4)
def _load(directory: str):
    from framing.model import load_kind

    return load_kind(directory, "narratives", NarrativeError)


def load(directory: str | Path | None = None):
    """The narratives model in ``directory`` (default ``models/narratives``), loaded once
    through :func:`framing.model.load_model` (sha256-checked card)."""
    return _load(str(Path(directory) if directory else default_model_dir()))


def predict(texts: Sequence[str], model_dir: str | Path | None = None) -> list[list[dict]]:
    """Narratives of each text by the shipped model (see the module docstring for the shape)."""
    return load(model_dir).classifier.predict(list(texts))


# --------------------------------------------------------------------------- command line


def _table_row(name: str, report: dict) -> str:
    f1 = report["f1_samples"]
    low, high = f1["interval95"]
    auc = report.get("roc_auc_macro")
    any_auc = report.get("roc_auc_any_narrative")
    sizes = report.get("f1_by_gold_size", {})
    return (f"{name:<24} {f1['mean']:.3f} ±{f1['sd']:.3f}  [{low:.3f}, {high:.3f}]"
            f"  {'' if auc is None else f'{auc:.3f}':>6}"
            f"  {sizes.get('other', float('nan')):.3f} {sizes.get('single', float('nan')):.3f}"
            f" {sizes.get('several', float('nan')):.3f}"
            f"  {'' if any_auc is None else f'{any_auc:.3f}':>6}")


_HEADER = (f"{'variant':<24} F1-samp  ±sd     95% interval     AUC"
           "    F1 other/single/several  AUC any")


def _cmd_evaluate(args) -> int:
    data = NarrativeData.from_corpus(args.corpus)
    print(f"{len(data.texts)} articles, {len(set(data.groups))} groups; seeds {args.seeds}, "
          f"{args.folds} grouped folds")
    print(_HEADER)
    print(_table_row("all Other", all_other_report(data)))
    results = {}
    for name in args.variant or ["baseline_tfidf_ovr", DEFAULT_VARIANT]:
        start = time.perf_counter()
        report = cross_validate(data, make_variant(name), seeds=args.seeds, folds=args.folds)
        results[name] = report
        print(_table_row(name, report) + f"  ({time.perf_counter() - start:.0f}s)",
              flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _cmd_train(args) -> int:
    from framing.model import save_model

    model = train(args.corpus, variant=args.variant, seeds=args.seeds, folds=args.folds)
    save_model(model, args.out)
    ev = model.card["evaluation"]
    print(_HEADER)
    print(_table_row("all Other", ev["baseline_all_other"]))
    print(_table_row("baseline TF-IDF OvR", ev["baseline_tfidf_ovr"]))
    print(_table_row(args.variant, ev["model"]))
    print(f"wrote {args.out}")
    return 0


def train_command(argv, *, name: str, what: str, default_out: Path, train_folders,
                  folds: int, seed: int) -> int:
    """``python -m framing.NAME train FOLDER... -o DIR`` of the SemEval-2023 Task 3 models
    (frames, techniques): ``train_folders(folders, evaluate=, folds=, seed=)`` cross-validates
    and fits; the model is saved and its figures beside the baseline's printed. A
    :class:`FramingError` is an error message and exit status 2, as are bad arguments."""
    from framing.model import save_model

    parser = argparse.ArgumentParser(
        prog=f"python -m framing.{name}",
        description=f"Train the {what} model on SemEval-2023 Task 3 language folders "
                    f"(python bench/{name}.py prints the cross-validation table).",
        epilog=f"example: python -m framing.{name} train ../shared/data/semeval2023-task3/en "
               f"-o models/{name}",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="cross-validate, fit on everything, write the model")
    tr.add_argument("folders", nargs="+", help="language folders such as semeval2023-task3/en")
    tr.add_argument("-o", "--out", default=str(default_out))
    tr.add_argument("--folds", type=int, default=folds)
    tr.add_argument("--seed", type=int, default=seed)
    tr.add_argument("--no-evaluate", action="store_true", help="skip the cross-validation")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    try:
        model = train_folders(args.folders, evaluate=not args.no_evaluate, folds=args.folds,
                              seed=args.seed)
    except FramingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    save_model(model, args.out)
    for label in ("model", "baseline_tfidf_ovr"):
        report = model.card["evaluation"].get(label)
        if report:
            print(f"{label:<20} micro-F1 {report['micro_f1']:.3f} {report['interval95']}  "
                  f"P {report['precision']:.3f}  R {report['recall']:.3f}")
    print(f"wrote {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m framing.narratives",
        description="Train or cross-validate the Ukraine-war narratives model.",
        epilog="example: python -m framing.narratives train build/corpus/semeval2025.jsonl "
               "-o models/narratives",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (("evaluate", "grouped CV figures of variants and baselines"),
                        ("train", "cross-validate, fit on everything, write the model")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("corpus", nargs="+", help="corpus JSONL (framing corpus import "
                       "--format semeval2025)")
        p.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
        p.add_argument("--folds", type=int, default=FOLDS)
    ev = sub.choices["evaluate"]
    ev.add_argument("--variant", action="append",
                    help=f"repeatable: baseline_tfidf_ovr, nested, {', '.join(VARIANTS)}")
    ev.add_argument("--json", help="also write the reports here")
    tr = sub.choices["train"]
    tr.add_argument("--variant", default=DEFAULT_VARIANT, choices=sorted(VARIANTS))
    tr.add_argument("-o", "--out", default=str(default_model_dir()))
    args = parser.parse_args(argv)
    try:
        return _cmd_evaluate(args) if args.command == "evaluate" else _cmd_train(args)
    except FramingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: a model pickled from here must
    # name framing.narratives.NarrativeClassifier, or no other program could load it.
    from framing.narratives import main as _main

    sys.exit(_main())
