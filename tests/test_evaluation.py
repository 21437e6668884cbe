import numpy as np
import pytest

from framing.evaluation import (
    bootstrap_interval,
    brier,
    choose_thresholds,
    evaluation_report,
    f1_from_counts,
    f1_samples,
    macro_f1,
    metrics_with_intervals,
    micro_counts,
    micro_f1,
    micro_prf,
    micro_report,
    roc_auc,
)


def test_f1_samples_against_a_hand_computed_example():
    gold = [{"A", "B"}, {"Other"}, {"A"}, {"C"}]
    pred = [{"A"}, {"Other"}, {"A", "C"}, {"Other"}]
    # 2*1/3, 1, 2*1/3, 0  ->  (0.6667 + 1 + 0.6667 + 0) / 4
    assert f1_samples(gold, pred) == pytest.approx((2 / 3 + 1 + 2 / 3 + 0) / 4)


def test_f1_samples_empty_sets():
    assert f1_samples([set()], [set()]) == 1.0
    assert f1_samples([{"A"}], [set()]) == 0.0
    with pytest.raises(ValueError):
        f1_samples([{"A"}], [])


def test_binary_metrics():
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([1, 1], [0.1, 0.2]) is None
    assert macro_f1(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert brier(y, [0.0, 0.0, 1.0, 0.5]) == pytest.approx(0.0625)


def test_bootstrap_resamples_whole_groups():
    # Two groups, each all one label: about half the resamples draw one group only, have one
    # class and no AUC; with fewer than half defined there is no interval.
    y = np.array([0, 0, 1, 1])
    p = np.array([0.2, 0.3, 0.6, 0.7])
    groups = ["a", "a", "b", "b"]
    auc = lambda rows: roc_auc(y[rows], p[rows])  # noqa: E731
    assert bootstrap_interval(auc, groups, rounds=200, seed=3) is None
    # Six groups of one label each, perfectly ranked: every defined resample gives 1.
    y6 = np.repeat([0, 1, 0, 1, 0, 1], 2)
    p6 = np.where(y6 == 1, 0.9, 0.1)
    groups6 = np.repeat(list("abcdef"), 2)
    assert bootstrap_interval(lambda rows: roc_auc(y6[rows], p6[rows]), groups6) == (1.0, 1.0)
    # Row-level resampling of the mean label would vary; group-level with 2 groups gives
    # means of 0, 0.5 or 1 only.
    means = bootstrap_interval(lambda rows: float(y[rows].mean()), groups, rounds=400)
    assert means == (0.0, 1.0)


def test_interval_brackets_the_point_estimate():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    p = np.clip(y * 0.6 + rng.normal(0.2, 0.2, 300), 0, 1)
    groups = np.arange(300) // 3
    out = metrics_with_intervals(y, p, groups)
    for name in ("roc_auc", "macro_f1", "brier", "ece"):
        low, high = out["ci95"][name]
        assert low <= out[name] <= high, name
        assert high - low < 0.25
    report = evaluation_report(y, p, groups)
    assert len(report["reliability"]) == 10
    assert sum(row["n"] for row in report["reliability"]) == 300


def test_fast_metrics_agree_with_scikit_learn():
    from sklearn.metrics import f1_score, roc_auc_score

    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 200)
    p = np.round(rng.random(200), 1)  # ties on purpose
    assert roc_auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert macro_f1(y, p) == pytest.approx(f1_score(y, p >= 0.5, average="macro"))
    assert macro_f1([1, 1], [0.9, 0.8]) == pytest.approx(0.5)  # the absent class scores 0


# --------------------------------------------------------------------------- micro-F1, thresholds


def test_micro_f1_over_triples_against_a_hand_computed_example():
    gold = {("a1", 3, "Doubt"), ("a1", 3, "Slogans"), ("a1", 5, "Doubt"), ("a2", 1, "Doubt")}
    pred = {("a1", 3, "Doubt"), ("a1", 5, "Slogans"), ("a2", 1, "Doubt")}
    # 2 hits; precision 2/3, recall 2/4, F1 = 2*2 / (4 + 3)
    assert micro_prf(gold, pred) == pytest.approx((2 / 3, 1 / 2, 4 / 7))
    assert micro_f1(gold, pred) == pytest.approx(4 / 7)


def test_micro_counts_and_report_match_the_pairs():
    Y = np.array([[1, 0], [1, 1]], dtype=bool)
    A = np.array([[1, 1], [0, 1]], dtype=bool)
    assert micro_counts(Y, A) == (2, 3, 3)
    assert f1_from_counts(2, 3, 3) == pytest.approx(4 / 6)
    assert f1_from_counts(0, 0, 0) == 0.0
    assert f1_from_counts(np.array([1, 1]), np.array([1, 2]), np.array([2, 1])) == (
        pytest.approx(4 / 6))
    report = micro_report(Y, A, ["X", "Z"], groups=["g1", "g2"])
    pairs = {(i, j) for i, j in zip(*np.nonzero(Y), strict=True)}
    guessed = {(i, j) for i, j in zip(*np.nonzero(A), strict=True)}
    assert report["micro_f1"] == round(micro_f1(pairs, guessed), 4) == 0.6667
    assert (report["precision"], report["recall"]) == (0.6667, 0.6667)
    assert report["per_label"] == {"X": {"f1": 0.6667, "support": 2, "predicted": 1},
                                   "Z": {"f1": 0.6667, "support": 1, "predicted": 2}}
    assert report["predicted_pairs"] == 3
    none = micro_report(np.zeros((2, 1), bool), np.zeros((2, 1), bool), ["X"], ["g1", "g2"])
    assert none["per_label"]["X"]["f1"] is None and none["micro_f1"] == 0.0


def test_choose_thresholds_against_a_hand_computed_example():
    grid = [0.25, 0.5, 0.75]
    # Label 0 wants 0.75 (0.6 is a negative), label 1 wants 0.25, label 2 is never gold nor
    # reached. Common thresholds: 0.25 -> 3 hits of 4 predicted, 3 gold, F1 6/7; 0.5 -> 2/5;
    # 0.75 -> 1/2. Ascent: label 0 to 0.75 (3 hits, 3 predicted: F1 1); label 1 stays at
    # 0.25; label 2 ties everywhere and keeps the common one.
    P = np.array([[0.9, 0.3, 0.1], [0.6, 0.1, 0.1], [0.2, 0.4, 0.1]])
    Y = np.array([[1, 1, 0], [0, 0, 0], [0, 1, 0]], dtype=bool)
    assert choose_thresholds(P, Y, grid).tolist() == [0.75, 0.25, 0.25]
    assert choose_thresholds(P, Y, grid, rounds=0).tolist() == [0.25, 0.25, 0.25]


def test_choose_thresholds_ties_and_empty_input():
    # Every grid point separates: the common threshold nearest 0.5.
    assert choose_thresholds(np.array([[0.9], [0.1]]), np.array([[1], [0]]),
                             [0.25, 0.5, 0.75]).tolist() == [0.5]
    assert choose_thresholds(np.zeros((0, 2)), np.zeros((0, 2)), [0.5]).tolist() == [0.5, 0.5]
    assert choose_thresholds(np.zeros((3, 0)), np.zeros((3, 0)), [0.5]).shape == (0,)
