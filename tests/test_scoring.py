"""Scoring: scope (language, length, war topic gate), training-domain confidence, explanations.

Tiny models trained here, not the shipped ones (tests/test_judgments.py checks those).
"""

import numpy as np
import pytest

from framing.article import Article, ScoredArticle
from framing.markers import Extractor
from framing.model import FeatureConfig, FramingClassifier, Model
from framing.scope import MIN_WORDS, word_count
from framing.scoring import reported_targets, score_articles

FAST = FeatureConfig(C=1.0)

WAR = [
    "Russian forces shelled Kharkiv overnight and Ukrainian troops held the line near Bakhmut.",
    "The Kremlin said the special military operation in Ukraine would continue until its aims "
    "were met, while Kyiv asked its allies for more air defence systems.",
    "Ukraine's army reported heavy fighting in the Donbas as Russian artillery hit Avdiivka.",
    "Drone attacks on Odesa damaged the port and grain exports from Ukraine were halted again.",
]
PRO = [
    "The special military operation liberates Donbass from the Kiev regime and its Western "
    "masters, and the denazification of Ukraine continues.",
    "The collective West keeps arming the Kiev regime, prolonging a proxy war against Russia.",
]
CON = [
    "Russia's full-scale invasion of Ukraine entered its third year as Kyiv counted its dead.",
    "Ukrainian soldiers pushed back the invading Russian troops near Kharkiv, officials said.",
]
OFF = [
    "The city council approved new bus lanes after a long debate about traffic and parking.",
    "Doctors urged people to wash their hands and stay at home as the flu season peaked.",
    "The football club signed a new striker for the season after a week of negotiations.",
    "Shares rose on the stock exchange as the central bank held interest rates steady.",
]
FILLER = ("Reporters gathered more details during the day and officials promised further "
          "statements later in the week as the situation developed. ")


def _long(text: str, n: int) -> str:
    return text + " " + FILLER * 4 + f"Item {n}."


def _fit(texts, labels, groups):
    return FramingClassifier(FAST, calibration_folds=3).fit(texts, np.array(labels),
                                                            groups=np.array(groups))


@pytest.fixture(scope="module")
def models():
    war_texts, war_y, war_g = [], [], []
    for i in range(24):
        war_texts.append(_long(WAR[i % 4] + " " + WAR[(i + 1) % 4], i))
        war_y.append(1)
        war_g.append(f"war{i % 6}")
        war_texts.append(_long(OFF[i % 4] + " " + OFF[(i + 2) % 4], i))
        war_y.append(0)
        war_g.append(f"off{i % 6}")
    pk_texts, pk_y, pk_g = [], [], []
    for i in range(24):
        pk_texts.append(_long(PRO[i % 2] + " " + WAR[i % 4], i))
        pk_y.append(1)
        pk_g.append(f"pro{i % 6}")
        pk_texts.append(_long(CON[i % 2] + " " + WAR[(i + 1) % 4], i))
        pk_y.append(0)
        pk_g.append(f"con{i % 6}")
    war = Model(_fit(war_texts, war_y, war_g), {"target": "war_topic"})
    pro = Model(_fit(pk_texts, pk_y, pk_g), {"target": "pro_kremlin_framing", "gate": "war_topic"})
    return [war, pro]


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def _one(models, extractor, text, **options) -> ScoredArticle:
    (scored,) = score_articles([Article(id="a", text=text)], models, extractor, **options)
    return scored


def test_war_topic_goes_to_scope_not_scores(models):
    assert reported_targets(models) == ["pro_kremlin_framing"]


def test_gate_multiplies_the_war_target_by_the_war_topic(models, extractor):
    war_text = _long(PRO[0] + " " + WAR[0], 1)
    off_text = _long(OFF[0] + " " + OFF[1], 2)
    on, off = (_one(models, extractor, t) for t in (war_text, off_text))
    assert on.scope["war_topic"] > 0.5 > off.scope["war_topic"]
    assert on.scores["pro_kremlin_framing"] > off.scores["pro_kremlin_framing"]
    # The gated score is the product: P(war) times the conditional model's probability.
    conditional = models[1].classifier.predict_proba([off_text])[0, 1]
    assert off.scores["pro_kremlin_framing"] == pytest.approx(
        off.scope["war_topic"] * conditional, abs=1e-3)
    assert off.exclusion("pro_kremlin_framing") == "off_topic"
    assert on.exclusion("pro_kremlin_framing") is None
    row = off.to_dict()
    assert row["scope"]["war_topic"] == off.scope["war_topic"]
    assert row["scope"]["language"] == "en"


def test_non_english_articles_get_no_scores(models, extractor):
    german = ("Die russischen Truppen haben in der Nacht die Stadt Charkiw beschossen, und die "
              "ukrainische Armee hat nach eigenen Angaben mehrere Angriffe abgewehrt. Die "
              "Regierung in Kiew bat die Verbündeten erneut um mehr Luftabwehr, während in der "
              "Hauptstadt die Sirenen heulten. Nach Angaben der Behörden wurden dabei mehrere "
              "Menschen verletzt, und die Stromversorgung fiel in einigen Bezirken aus. ") * 2
    scored = _one(models, extractor, german)
    assert scored.scores is None
    assert scored.scope["reason"] == "not_english" and scored.scope["language"] == "de"
    assert scored.exclusion("pro_kremlin_framing") == "not_english"
    assert scored.to_dict()["scores"] is None


def test_short_texts_get_no_scores_but_keep_their_flags(models, extractor):
    text = "The Kiev regime fell, Moscow says."
    assert word_count(text) < MIN_WORDS
    scored = _one(models, extractor, text)
    assert scored.scores is None and scored.scope["reason"] == "too_short"
    assert [(e.marker_id, e.text) for e in scored.flags] == [
        ("LF209", "Kiev"), ("KN104", "Kiev regime")]


def test_texts_unlike_the_training_data_are_low_confidence(models, extractor):
    # The tiny training texts repeat each other across sources, so only a text of the same
    # make-up is as close to them as they are to one another.
    like = _one(models, extractor, _long(CON[0] + " " + WAR[1], 0))
    unlike = _one(models, extractor, " ".join(
        ["Whisk the eggs with sugar, fold in the flour and bake the sponge for twenty minutes "
         "until golden; dust with icing sugar and serve with berries and cream."] * 4))
    assert like.confidence["pro_kremlin_framing"]["low_confidence"] is False
    assert unlike.confidence["pro_kremlin_framing"]["low_confidence"] is True
    assert (unlike.confidence["pro_kremlin_framing"]["similarity"]
            < like.confidence["pro_kremlin_framing"]["similarity"])
    assert unlike.exclusion("pro_kremlin_framing") in ("low_confidence", "off_topic")


def test_explanations_are_readable_net_per_marker_and_name_the_gate(models, extractor):
    scored = _one(models, extractor, _long(PRO[0] + " " + WAR[0], 4), explain=True, top=50)
    explanation = scored.explanations["pro_kremlin_framing"]
    entries = explanation["up"] + explanation["down"]
    features = [e["feature"] for e in entries]
    assert len(features) == len(set(features))
    # Family columns are folded into the markers behind them: one net weight per marker.
    assert not [f for f in features if f.startswith("family")]
    markers = [e for e in entries if e["feature"].startswith("marker")]
    assert markers and all(e["evidence"] and e["name"].startswith("marker ") for e in markers)
    assert any(e["name"].startswith("word '") for e in entries)
    assert explanation["gate"]["war_topic"] == scored.scope["war_topic"]


def test_batch_size_does_not_change_results(models, extractor):
    articles = [Article(id=str(i), text=_long(t, i)) for i, t in enumerate(PRO + CON + OFF)]
    one = [s.scores for s in score_articles(articles, models, extractor, batch_size=1)]
    big = [s.scores for s in score_articles(articles, models, extractor, batch_size=64)]
    assert [s["pro_kremlin_framing"] for s in one] == pytest.approx(
        [s["pro_kremlin_framing"] for s in big])


def test_frames_and_techniques_models_are_not_taken_for_scoring_targets():
    from framing.scoring import _roles

    judged = Model(None, {"target": "unreliable_source"})
    frames, techniques = (Model(None, {"target": kind, "kind": kind})
                          for kind in ("frames", "techniques"))
    others = [frames, techniques]
    narratives = Model(None, {"target": "narratives", "kind": "narratives"})
    assert _roles([*others, judged, narratives]) == (None, narratives, [judged], techniques,
                                                     frames)
    assert reported_targets([*others, judged]) == ["unreliable_source"]


# --------------------------------------------------------------------------- techniques, frames


@pytest.fixture(scope="module")
def full_models(tiny_full_models_dir):
    from framing.model import discover_models, load_model

    return [load_model(d) for d in discover_models(tiny_full_models_dir)]


def test_techniques_point_at_their_sentence_and_frames_mark_the_asserted(full_models,
                                                                        extractor):
    from tests.conftest import techniques_article

    article = Article(id="t", text=techniques_article())
    (scored,) = score_articles([article], full_models, extractor)
    found = {f["technique"]: f for f in scored.techniques}
    assert set(found) == {"Loaded_Language", "Doubt"}
    assert found["Loaded_Language"]["line"] == 1 and found["Doubt"]["line"] == 3
    assert found["Doubt"]["id"] == "PT10"
    for f in scored.techniques:
        assert article.text[f["start"]:f["end"]] == f["text"]
        assert article.text.split("\n")[f["line"] - 1].find(f["text"]) >= 0
    assert list(scored.frames)[0] == "Security_and_defense"
    security = scored.frames["Security_and_defense"]
    assert security["asserted"] and security["paragraphs"][0]["line"] == 5
    assert not scored.frames["Economic"]["asserted"] and "paragraphs" not in scored.frames[
        "Economic"]
    assert scored.to_dict()["techniques"] == scored.techniques
    assert reported_targets(full_models) == reported_targets(
        [m for m in full_models if m.card.get("kind") not in ("techniques", "frames")])


def test_switched_off_or_out_of_scope_articles_carry_none(full_models, extractor):
    from tests.conftest import techniques_article

    articles = [Article(id="t", text=techniques_article()), Article(id="s", text="Too short.")]
    off = list(score_articles(articles, full_models, extractor, techniques=False,
                              frames=False))
    assert off[0].techniques is None and off[0].frames is None
    assert "techniques" not in off[0].to_dict() and "frames" not in off[0].to_dict()
    on = list(score_articles(articles, full_models, extractor))
    assert on[1].scope["reason"] == "too_short"
    assert on[1].techniques is None and on[1].frames is None
    assert off[0].scores == on[0].scores


def test_a_plain_article_is_read_with_nothing_found(full_models, extractor):
    text = " ".join(f"The council met on day {k} in district {k % 4}." for k in range(12))
    (scored,) = score_articles([Article(text=text)], full_models, extractor)
    assert scored.techniques == []
    assert scored.frames and not any(v["asserted"] for v in scored.frames.values())
