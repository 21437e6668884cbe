"""When a score applies: language, length, topic and distance from the training data.

The shipped models read English news; ``pro_kremlin_framing`` is defined for coverage of the
Russia-Ukraine war. Before an article is scored, :func:`assess` decides whether any score
applies to it:

- a text that is not in English gets no score (``reason: not_english``), with the language and
  where it came from (declared by the page, or identified from the text);
- a text of fewer than :data:`MIN_WORDS` words gets no score (``reason: too_short``): a
  headline or a teaser says too little, and a bag-of-words model is at its least reliable there.

Once scored, two more rules say how far a score can be trusted (see
:meth:`framing.article.ScoredArticle.exclusion`):

- the ``war_topic`` model's probability goes into ``scope``; a war target is multiplied by it
  (the gate, :func:`gate`), so an article about something else gets a low score and the output
  says why; reports leave articles under :data:`WAR_LEVEL` out of war targets' means, and the
  war narratives are only looked for in articles at or above it;
- each model measures the article's similarity to its nearest training article (cosine of the
  word vectors); below the level on the model's card the score is marked ``low_confidence``.
"""

from __future__ import annotations

import itertools
import re

from framing.article import Article

#: Fewer words than this and no score applies (``too_short``).
MIN_WORDS = 50
#: Below this probability of being about the war, war targets do not apply (``off_topic``).
WAR_LEVEL = 0.5
#: Name of the scope model's target.
WAR_TOPIC = "war_topic"

_WORD = re.compile(r"\w+")


def word_count(text: str, most: int | None = None) -> int:
    """Words (runs of letters and digits) in ``text``, counting up to ``most`` if given."""
    return sum(1 for _ in itertools.islice(_WORD.finditer(text), most))


def assess(article: Article, text: str | None = None) -> dict:
    """The scope of an article before scoring: ``language``, ``language_from``, ``reason``.

    ``reason`` is ``None`` when the article can be scored, else ``not_english`` or
    ``too_short``. ``text`` is what the models read (:func:`framing.model.model_text`), when
    the caller has it already.
    """
    from framing.language import UNDETERMINED, article_language

    language, source = article_language(article)
    scope = {"language": language, "language_from": source, "reason": None}
    # An undecidable text ("und": no letters to go by) is scored, as it always was; one
    # identified or declared as another language is not.
    if language not in ("en", UNDETERMINED):
        scope["reason"] = "not_english"
    elif word_count(article.text if text is None else text, MIN_WORDS) < MIN_WORDS:
        scope["reason"] = "too_short"
    return scope


def gate(p_war, p_target):
    """P(target) = P(war) x P(target | war): a war target is 0 where the article is not on the war.

    Chosen over training with off-topic negatives by out-of-fold measurement (README, Scope):
    the conditional model keeps all its capacity for the distinctions within war coverage.
    """
    return p_war * p_target
