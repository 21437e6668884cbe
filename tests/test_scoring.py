"""Scoring with the shipped models: the seed acceptance of the classifier issue."""

import pytest

from framing.ingest import iter_articles
from framing.markers import Extractor
from framing.model import MODELS_DIR, load_model
from framing.scoring import score_articles

from .conftest import SEEDS


@pytest.fixture(scope="module")
def scored():
    model = load_model(MODELS_DIR / "pro_kremlin_framing")
    articles = iter_articles([str(SEEDS)])
    rows = score_articles(articles, [model], Extractor(), explain=True, top=5)
    return {row.article.path.rsplit("/", 1)[-1][:3]: row for row in rows}


def test_shipped_model_ranks_state_media_pieces_above_the_control(scored):
    p = {seed: row.scores["pro_kremlin_framing"] for seed, row in scored.items()}
    for seed in ("000", "002", "004"):  # Sputnik, UrduPoint republishing Sputnik, ZeroHedge
        assert p[seed] > p["001"], p


def test_explanation_names_marker_evidence(scored):
    for seed in ("000", "002", "004"):
        up = scored[seed].explanations["pro_kremlin_framing"]["up"]
        with_evidence = [e for e in up if "marker__" in e["feature"] or "family__" in e["feature"]]
        assert with_evidence and all(e["evidence"] for e in with_evidence), up


def test_rows_carry_scores_flags_and_keep_input_order(scored):
    assert list(scored) == ["000", "001", "002", "003", "004"]
    row = scored["000"].to_dict()
    assert set(row["scores"]) == {"pro_kremlin_framing"}
    assert any(f["marker_id"].startswith("SM") for f in row["flags"])
    assert "explanations" in row


def test_batches_do_not_change_results():
    model = load_model(MODELS_DIR / "pro_kremlin_framing")
    one = [r.scores for r in score_articles(iter_articles([str(SEEDS)]), [model], Extractor(),
                                            batch_size=1)]
    big = [r.scores for r in score_articles(iter_articles([str(SEEDS)]), [model], Extractor())]
    assert [s["pro_kremlin_framing"] for s in one] == pytest.approx(
        [s["pro_kremlin_framing"] for s in big]
    )
