"""How well a model does: the metrics of the model cards, with intervals over sources.

Every figure framing reports is computed here, out of fold: ROC-AUC, macro-F1, Brier score,
expected calibration error and a reliability table for a binary target; F1 samples for the
multi-label narratives. Intervals come from a bootstrap over *groups* (publishers, or articles
where the publisher is unknown): articles of one outlet share style and labels, so resampling
single articles would give intervals that are too narrow.

Only numpy and scikit-learn's metric functions are used, so this imports quickly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

#: Bootstrap resamples behind every interval; 1,000 keeps the 2.5/97.5 percentiles within
#: about 0.005 of their limit on the corpora here and takes well under a second per metric.
BOOTSTRAP_ROUNDS = 1000


def expected_calibration_error(y, p, bins: int = 10) -> float:
    """Weighted mean gap between predicted probability and observed rate over equal-width bins."""
    y, p = np.asarray(y), np.asarray(p)
    if not len(y):
        return 0.0
    which = _bins(p, bins)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.sum() * abs(p[mask].mean() - y[mask].mean())
    return float(total / len(y))


def calibration_table(y, p, bins: int = 10) -> list[dict]:
    """Per probability bin: count, mean predicted probability, observed share of label 1."""
    y, p = np.asarray(y), np.asarray(p)
    edges = np.linspace(0, 1, bins + 1)
    which = _bins(p, bins)
    rows = []
    for b in range(bins):
        mask = which == b
        rows.append({
            "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
            "n": int(mask.sum()),
            "predicted": round(float(p[mask].mean()), 4) if mask.any() else None,
            "observed": round(float(y[mask].mean()), 4) if mask.any() else None,
        })
    return rows


def _bins(p: np.ndarray, bins: int) -> np.ndarray:
    edges = np.linspace(0, 1, bins + 1)
    return np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)


def roc_auc(y, p) -> float | None:
    """ROC-AUC, or ``None`` when ``y`` holds one class only."""
    from scipy.stats import rankdata

    # The Mann-Whitney form (ties count half), as scikit-learn's roc_auc_score computes it but
    # without its input checks: the bootstrap calls this thousands of times.
    y = np.asarray(y).astype(bool)
    positives = int(y.sum())
    negatives = len(y) - positives
    if not positives or not negatives:
        return None
    ranks = rankdata(np.asarray(p, dtype=float))
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def macro_f1(y, p, threshold: float = 0.5) -> float:
    """Macro-averaged F1 of the two classes at ``threshold``."""
    y = np.asarray(y).astype(bool)
    predicted = np.asarray(p) >= threshold
    scores = []
    for truth, guess in ((y, predicted), (~y, ~predicted)):
        tp = np.sum(truth & guess)
        denominator = truth.sum() + guess.sum()
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores))


def brier(y, p) -> float:
    """Mean squared gap between probability and label."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(np.mean((p - y) ** 2)) if len(y) else 0.0


#: The binary metrics of a card, by name.
BINARY_METRICS: dict[str, Callable] = {
    "roc_auc": roc_auc,
    "macro_f1": macro_f1,
    "brier": brier,
    "ece": expected_calibration_error,
}


def metrics(y, p, threshold: float = 0.5) -> dict:
    """ROC-AUC, macro-F1 at ``threshold``, Brier score and expected calibration error."""
    y, p = np.asarray(y), np.asarray(p)
    out: dict = {"n": int(len(y)), "positives": int(y.sum())}
    for name, fn in BINARY_METRICS.items():
        value = fn(y, p, threshold) if name == "macro_f1" else fn(y, p)
        out[name] = None if value is None else round(float(value), 4)
    return out


def bootstrap_interval(
    statistic: Callable[[np.ndarray], float | None],
    groups: Sequence,
    *,
    rounds: int = BOOTSTRAP_ROUNDS,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float] | None:
    """Percentile interval of ``statistic(indices)`` over resamples of whole groups.

    ``statistic`` takes an array of row indices (with repeats) and returns a number, or
    ``None`` for a resample where it is undefined (e.g. one class only); such resamples are
    dropped. Returns ``None`` when fewer than half the resamples give a number.
    """
    groups = np.asarray(list(groups), dtype=object)
    if not len(groups):
        return None
    _, codes = np.unique(groups.astype(str), return_inverse=True)
    members = [np.flatnonzero(codes == g) for g in range(codes.max() + 1)]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(rounds):
        picked = rng.integers(0, len(members), len(members))
        rows = np.concatenate([members[g] for g in picked])
        value = statistic(rows)
        if value is not None and np.isfinite(value):
            values.append(float(value))
    if len(values) < rounds / 2:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return round(float(low), 4), round(float(high), 4)


def metrics_with_intervals(y, p, groups, threshold: float = 0.5, *, seed: int = 0) -> dict:
    """:func:`metrics` plus ``ci95``: a 95% interval per metric from a bootstrap over groups."""
    y, p = np.asarray(y), np.asarray(p)
    out = metrics(y, p, threshold)
    intervals = {}
    for name, fn in BINARY_METRICS.items():
        if name == "macro_f1":
            def stat(rows, fn=fn):
                return fn(y[rows], p[rows], threshold)
        else:
            def stat(rows, fn=fn):
                return fn(y[rows], p[rows])
        intervals[name] = bootstrap_interval(stat, groups, seed=seed)
    out["ci95"] = intervals
    return out


def evaluation_report(y, p, groups, threshold: float = 0.5) -> dict:
    """What a card says of one target: metrics with intervals and the reliability table."""
    return {
        **metrics_with_intervals(y, p, groups, threshold),
        "reliability": calibration_table(y, p),
    }


# --------------------------------------------------------------------------- multi-label


def f1_samples(true_sets: Iterable[Iterable[str]], pred_sets: Iterable[Iterable[str]]) -> float:
    """Mean over articles of the F1 between the gold and the predicted label sets.

    The SemEval-2025 Task 10 subtask 2 measure: an article whose gold set is ``{"Other"}`` and
    whose predicted set is ``{"Other"}`` scores 1. Two empty sets score 1 as well; one empty
    set against a non-empty one scores 0.
    """
    scores = []
    for gold, pred in zip(true_sets, pred_sets, strict=True):
        gold, pred = set(gold), set(pred)
        if not gold and not pred:
            scores.append(1.0)
            continue
        hits = len(gold & pred)
        scores.append(2 * hits / (len(gold) + len(pred)))
    return float(np.mean(scores)) if scores else 0.0


def micro_prf(gold: Iterable, pred: Iterable) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over two collections of hashable items (label pairs).

    Items are compared as sets: for SemEval-2023 Task 3 subtask 3 they are
    ``(article, line, technique)`` triples, for a per-article multi-label task
    ``(article, label)`` pairs. Precision is 0 when nothing is predicted, recall 0 when
    nothing is gold, F1 = 2|G & P| / (|G| + |P|) and 0 when both are empty.
    """
    gold, pred = set(gold), set(pred)
    hits = len(gold & pred)
    precision = hits / len(pred) if pred else 0.0
    recall = hits / len(gold) if gold else 0.0
    denominator = len(gold) + len(pred)
    return precision, recall, (2 * hits / denominator if denominator else 0.0)


def micro_f1(gold: Iterable, pred: Iterable) -> float:
    """Micro-F1 over label pairs (see :func:`micro_prf`): the subtask-3 measure of SemEval-2023
    Task 3 when the items are ``(article, line, technique)`` triples."""
    return micro_prf(gold, pred)[2]


def micro_counts(Y, A) -> tuple[int, int, int]:
    """Hits, gold and predicted counts of indicator matrices ``Y`` (gold) and ``A`` (asserted),
    one row per item (article, or paragraph), one column per label: the three numbers micro-F1
    over ``(item, label)`` pairs is made of (:func:`f1_from_counts`)."""
    Y, A = np.asarray(Y, dtype=bool), np.asarray(A, dtype=bool)
    return int((Y & A).sum()), int(Y.sum()), int(A.sum())


def f1_from_counts(hits, gold, predicted) -> float:
    """Micro-F1 ``2 hits / (gold + predicted)`` (0 when both are 0); with arrays, of their sums,
    so that a bootstrap can pool the per-row counts of the rows it drew."""
    hits, gold, predicted = (np.sum(x) for x in (hits, gold, predicted))
    denominator = gold + predicted
    return float(2 * hits / denominator) if denominator else 0.0


def choose_thresholds(P, Y, grid, *, rounds: int = 2) -> np.ndarray:
    """Per-label thresholds on ``grid`` maximising micro-F1 of ``P >= thresholds`` against ``Y``.

    ``P`` holds probabilities and ``Y`` gold indicators, ``(n_items, n_labels)``. Micro-F1 pools
    every label's pairs, so the thresholds interact: first the best common threshold (ties: the
    one nearest 0.5), then ``rounds`` of coordinate ascent label by label, each label's hits and
    predictions at every grid point counted once beforehand (ties: the threshold nearest the
    common one, so that a label with no evidence either way keeps it). Returns the thresholds
    rounded to 4 decimals.
    """
    P = np.asarray(P, dtype=float)
    Y = np.asarray(Y, dtype=bool)
    grid = np.asarray(grid, dtype=float)
    n_labels = P.shape[1] if P.ndim == 2 else 0
    if not n_labels or not len(P):
        return np.full(n_labels, 0.5)
    gold = int(Y.sum())
    # hits[j, g], preds[j, g]: label j's hits and predictions at threshold grid[g].
    hits = np.empty((n_labels, len(grid)), dtype=np.int64)
    preds = np.empty((n_labels, len(grid)), dtype=np.int64)
    for j in range(n_labels):
        above = P[:, j][:, None] >= grid[None, :]
        hits[j] = (above & Y[:, j][:, None]).sum(axis=0)
        preds[j] = above.sum(axis=0)

    def f1(h, p):
        total = gold + p
        return np.where(total > 0, 2 * h / np.maximum(total, 1), 0.0)

    common = f1(hits.sum(axis=0), preds.sum(axis=0))
    tied = np.flatnonzero(common >= common.max() - 1e-12)
    start = int(tied[np.argmin(np.abs(grid[tied] - 0.5))])
    current = np.full(n_labels, start)
    rows = np.arange(n_labels)
    for _ in range(rounds):
        for j in range(n_labels):
            hits_rest = hits[rows, current].sum() - hits[j, current[j]]
            preds_rest = preds[rows, current].sum() - preds[j, current[j]]
            scores = f1(hits_rest + hits[j], preds_rest + preds[j])
            best = np.flatnonzero(scores >= scores.max() - 1e-12)
            current[j] = best[np.argmin(np.abs(best - start))]
    return np.round(grid[current], 4)


def micro_report(Y, A, labels: Sequence[str], groups: Sequence) -> dict:
    """What a card says of a multi-label model measured out of fold: micro-F1 over ``(row,
    label)`` pairs with a 95% bootstrap interval over ``groups`` (a group's rows drawn
    together), micro precision and recall, predicted pairs, and per label its F1 (``None``
    when it is neither gold nor predicted), support and predictions.

    ``Y`` and ``A`` are the gold and asserted indicators, one row per item (an article for
    subtask 2, a paragraph for subtask 3, each once), so the counts are those of
    :func:`micro_prf` over the pairs.
    """
    Y, A = np.asarray(Y, dtype=bool), np.asarray(A, dtype=bool)
    hits, gold, predicted = micro_counts(Y, A)
    # Per-row counts: a bootstrap resample repeats rows, which a set of pairs cannot.
    row_hits, row_gold, row_pred = (Y & A).sum(axis=1), Y.sum(axis=1), A.sum(axis=1)
    interval = bootstrap_interval(
        lambda rows: f1_from_counts(row_hits[rows], row_gold[rows], row_pred[rows]), groups)
    per_label = {}
    for j, label in enumerate(labels):
        support, guessed = int(Y[:, j].sum()), int(A[:, j].sum())
        per_label[str(label)] = {
            "f1": (round(f1_from_counts((Y[:, j] & A[:, j]).sum(), support, guessed), 4)
                   if support + guessed else None),
            "support": support, "predicted": guessed}
    return {
        "micro_f1": round(f1_from_counts(hits, gold, predicted), 4),
        "interval95": list(interval) if interval else None,
        "precision": round(hits / predicted, 4) if predicted else 0.0,
        "recall": round(hits / gold, 4) if gold else 0.0,
        "predicted_pairs": predicted,
        "per_label": per_label,
    }
