"""Out-of-fold figures of the scope stack: war_topic, and pro_kremlin_framing gated or not.

Every article is scored by models that never saw it nor its source: the war articles
(SemEval-2025, one group per article) and the off-topic articles (ReCOVery by publisher, PTC by
article) are each cut into five grouped folds, and fold i of both is held out together. In each
fold a war_topic model is trained on the rest, and pro_kremlin_framing two ways:

- gate: trained on war articles only, its probability multiplied by P(war);
- negatives: trained on war and off-topic articles, the off-topic ones labelled 0.

As ``make model`` does, the written contrast articles (corpus/contrast) join every training side
of both models and are never scored.

Printed beside the plain TF-IDF + logistic regression baseline under the same folds: ROC-AUC,
macro-F1, Brier, ECE with 95% bootstrap intervals over sources, within war articles and on the
mixed stream, and the share of reliable ReCOVery articles at pro_kremlin_framing >= 0.5.

    python bench/judgments.py [--folds 5] [--json out.json]

Needs the corpora of ``make model`` in build/corpus (recovery, ptc, semeval2025 JSONL).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from framing.corpus import read_corpus
from framing.evaluation import metrics_with_intervals
from framing.model import FeatureConfig, FramingClassifier, baseline_pipeline, model_text

BUILD = Path(__file__).resolve().parents[1] / "build" / "corpus"


def load(name: str):
    texts, labels, groups, meta = [], [], [], []
    for article in read_corpus([str(BUILD / f"{name}.jsonl")]):
        texts.append(model_text(article))
        labels.append(article.labels)
        groups.append(article.source or f"article:{article.id}")
        meta.append(article.id)
    return texts, labels, np.array(groups, dtype=object), meta


def fold_ids(groups: np.ndarray, folds: int) -> np.ndarray:
    out = np.zeros(len(groups), dtype=int)
    for i, (_, test) in enumerate(GroupKFold(n_splits=folds).split(groups, groups=groups)):
        out[test] = i
    return out


def fit(config: FeatureConfig, texts, y, groups, always=None, folds=5):
    return FramingClassifier(config, calibration_folds=folds).fit(
        texts, np.asarray(y), groups=np.asarray(groups, dtype=object), always_train=always)


def proba(model, texts) -> np.ndarray:
    return model.predict_proba(texts)[:, 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--pro-kremlin-features", default="words,markers")
    parser.add_argument("--C", type=float, default=3.0)
    parser.add_argument("--reuse-war-topic", action="store_true",
                        help="take war_topic's out-of-fold scores from the last run (same folds)")
    parser.add_argument("--skip-negatives", action="store_true")
    parser.add_argument("--calibration-folds", type=int, default=5)
    parser.add_argument("--marker-weight", type=float, default=0.5)
    parser.add_argument("--word-ngrams", type=int, default=1)
    parser.add_argument("--contrast", action="append", default=None,
                        help="train-only corpus (JSONL) added to every training side of "
                        "war_topic and pro_kremlin_framing (default: corpus/contrast/*.jsonl, "
                        "as make model does; --contrast none for none)")
    args = parser.parse_args(argv)
    missing = [n for n in ("recovery", "ptc", "semeval2025") if not (BUILD / f"{n}.jsonl").exists()]
    if missing:
        print(f"judgments: build/corpus lacks {', '.join(missing)}; run make model first",
              file=sys.stderr)
        return 2
    started = time.time()
    w_texts, w_labels, w_groups, _ = load("semeval2025")
    r_texts, r_labels, r_groups, _ = load("recovery")
    p_texts, _, p_groups, _ = load("ptc")
    o_texts = r_texts + p_texts
    o_groups = np.concatenate([r_groups, p_groups])
    o_reliable = np.array([lab.get("unreliable_source") == 0 for lab in r_labels]
                          + [False] * len(p_texts))
    y_pk = np.array([int(lab["pro_kremlin_framing"]) for lab in w_labels])
    if args.contrast is None:
        args.contrast = sorted(str(p) for p in (BUILD.parents[1] / "corpus" / "contrast")
                               .glob("*.jsonl"))
    args.contrast = [c for c in args.contrast if c != "none"]
    c_texts, c_y, c_groups = [], [], []
    for article in read_corpus(args.contrast):
        c_texts.append(model_text(article))
        c_y.append(int(article.labels["pro_kremlin_framing"]))
        c_groups.append(f"article:{article.id}")
    c_y = np.array(c_y, dtype=int)
    w_fold = fold_ids(w_groups, args.folds)
    o_fold = fold_ids(o_groups, args.folds)

    feats = set(args.pro_kremlin_features.split(","))
    pk_config = FeatureConfig(words="words" in feats, markers="markers" in feats, C=args.C,
                              marker_weight=args.marker_weight, word_ngrams=args.word_ngrams)
    # As shipped (Makefile): idf-weighted words.
    war_config = FeatureConfig(word_idf=True, markers=False)

    n_w, n_o = len(w_texts), len(o_texts)
    cache_path = BUILD.parent / f"judgments-war-topic-{args.folds}.npy"
    war_cache = None
    if args.reuse_war_topic and cache_path.exists():
        war_cache = np.load(cache_path)
    out = {name: np.zeros(n_w + n_o) for name in
           ("war_topic", "cond", "gate", "negatives", "base_war", "base_negatives", "sim")}
    for i in range(args.folds):
        wtr, wte = np.flatnonzero(w_fold != i), np.flatnonzero(w_fold == i)
        otr, ote = np.flatnonzero(o_fold != i), np.flatnonzero(o_fold == i)
        tr_texts = [w_texts[j] for j in wtr] + [o_texts[j] for j in otr]
        tr_groups = list(w_groups[wtr]) + list(o_groups[otr])
        te_texts = [w_texts[j] for j in wte] + [o_texts[j] for j in ote]
        te_index = np.concatenate([wte, n_w + ote])
        war_y = [1] * len(wtr) + [0] * len(otr)
        if war_cache is not None:
            out["war_topic"][te_index] = war_cache[te_index]
        else:
            war = fit(war_config, tr_texts + c_texts, war_y + [1] * len(c_texts),
                      tr_groups + c_groups,
                      always=np.r_[np.zeros(len(tr_texts), bool), np.ones(len(c_texts), bool)],
                      folds=args.calibration_folds)
            out["war_topic"][te_index] = proba(war, te_texts)
        cond = fit(pk_config, [w_texts[j] for j in wtr] + c_texts,
                   np.r_[y_pk[wtr], c_y], list(w_groups[wtr]) + c_groups,
                   always=np.r_[np.zeros(len(wtr), bool), np.ones(len(c_texts), bool)],
                   folds=args.calibration_folds)
        p_cond, sim = cond.predict_with_similarity(te_texts)
        out["cond"][te_index] = p_cond
        out["sim"][te_index] = sim
        out["gate"][te_index] = out["war_topic"][te_index] * p_cond
        neg_y = list(y_pk[wtr]) + [0] * len(otr)
        if not args.skip_negatives:
            neg = fit(pk_config, tr_texts + c_texts, neg_y + list(c_y), tr_groups + c_groups,
                      always=np.r_[np.zeros(len(tr_texts), bool), np.ones(len(c_texts), bool)],
                      folds=args.calibration_folds)
            out["negatives"][te_index] = proba(neg, te_texts)
        base = baseline_pipeline().fit([w_texts[j] for j in wtr], y_pk[wtr])
        out["base_war"][te_index] = base.predict_proba(te_texts)[:, 1]
        base_n = baseline_pipeline().fit(tr_texts, neg_y)
        out["base_negatives"][te_index] = base_n.predict_proba(te_texts)[:, 1]
        print(f"fold {i + 1}/{args.folds} done ({time.time() - started:.0f} s)", file=sys.stderr)

    np.save(cache_path, out["war_topic"])
    is_war = np.r_[np.ones(n_w, bool), np.zeros(n_o, bool)]
    y_war = is_war.astype(int)
    y_mixed = np.r_[y_pk, np.zeros(n_o, int)]
    groups_all = np.concatenate([w_groups, o_groups])
    reliable = np.r_[np.zeros(n_w, bool), o_reliable]
    figures: dict = {
        "war_topic": metrics_with_intervals(y_war, out["war_topic"], groups_all),
        "war_topic_baseline": None,
    }
    for name in ("gate", "negatives", "cond", "base_war", "base_negatives"):
        p = out[name]
        figures[name] = {
            "within_war": metrics_with_intervals(y_pk, p[:n_w], w_groups),
            "mixed": metrics_with_intervals(y_mixed, p, groups_all),
            "reliable_recovery_share_at_0.5": round(float((p[reliable] >= 0.5).mean()), 4),
            "offtopic_median": round(float(np.median(p[~is_war])), 4),
        }
    figures["similarity"] = {
        "war_median": round(float(np.median(out["sim"][:n_w])), 4),
        "offtopic_median": round(float(np.median(out["sim"][n_w:])), 4),
    }
    figures["seconds"] = round(time.time() - started, 1)
    print(f"war_topic ROC-AUC {fmt(figures['war_topic'], 'roc_auc')}  "
          f"ECE {fmt(figures['war_topic'], 'ece')}")
    for name in ("gate", "negatives", "cond", "base_war", "base_negatives"):
        f = figures[name]
        print(f"{name:15} war AUC {fmt(f['within_war'], 'roc_auc')} ECE "
              f"{fmt(f['within_war'], 'ece')} | mixed AUC {fmt(f['mixed'], 'roc_auc')} ECE "
              f"{fmt(f['mixed'], 'ece')} | reliable>=0.5 "
              f"{f['reliable_recovery_share_at_0.5']:.2%} off median {f['offtopic_median']}")
    print(f"similarity to nearest training article: {figures['similarity']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def fmt(m: dict, key: str) -> str:
    ci = m["ci95"].get(key)
    value = m[key]
    if value is None:
        return "n/a"
    return f"{value:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


if __name__ == "__main__":
    sys.exit(main())
