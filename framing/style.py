"""Dense style measures of articles: VADER sentiment, readability, quoting, punctuation.

:class:`StyleFeatures` is a scikit-learn transformer in the conventions of
:mod:`framing.features` (raw texts in, ``fit``/``transform``/``get_feature_names_out``), and
:func:`split_sentences` the sentence heuristic it counts with.

No shipped model uses it. Added to the shipped configurations and measured out of fold on
unseen publishers (``framing train``, five publisher-grouped folds), it lowered every target:
ROC-AUC 0.843 -> 0.793 for ``unreliable_source`` (words), 0.832 -> 0.802 with markers, and
0.747 -> 0.567 for ``pro_kremlin_framing``; it also doubles the feature time of a words-only
model (VADER is pure Python). Scoring uses only its sentence splitter (:func:`sentence_spans`,
the techniques model's evidence) and never computes the features; ``framing train --features
style`` does, and its sentiment columns need the
optional ``vaderSentiment`` (``pip install 'framing[style]'``). Without it,
``StyleFeatures(sentiment=False)`` still works, and asking for sentiment raises
:class:`StyleDependencyError` naming the extra.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import string

import numpy as np
from sklearn.utils.validation import check_is_fitted

from framing.errors import FramingError
from framing.features import _texts, _TextTransformer

__all__ = ["StyleDependencyError", "StyleFeatures", "sentence_spans", "split_sentences"]

#: How to install what the sentiment columns need.
EXTRA = "pip install 'framing[style]'"


class StyleDependencyError(FramingError):
    """The style features were asked for with sentiment, and vaderSentiment is not installed."""


# --------------------------------------------------------------------------- tokens

# Style measures are sums over the whitespace-separated tokens of a text. Python's regex engine
# costs some 30 ns per character, so a dozen regex passes over each article would cost more than
# the whole marker extractor; instead each distinct token is analysed once (the analysis is
# cached) into a profile of small counts, and a text's counts are the sum of its tokens'.
#
# A profile packs its counts into one integer, _BITS bits per field, so that the profiles of a
# text add up in one C-level ``sum(map(...))`` without Python code per token: the sum of packed
# integers is the packed sum as long as no field overflows, and no count of a text gets near
# 2**32.
_FIELDS = (
    "words",  # runs of letters, joined by apostrophes, hyphens or dots ("don't", "U.S")
    "letters",  # characters of those words
    "syllables",
    "caps_words",  # words of two letters or more in capitals
    "first_singular",
    "first_plural",
    "second_person",
    "attributions",
    "distancing",
    "quotes",  # double quotation marks, straight and typographic
    "digits",
    "exclamations",  # '!' characters
    "questions",  # '?' characters
    "ends",  # sentence ends in the token
    "exclamatory_ends",
    "question_ends",
    # Flags of one token, meaningless once summed (they come last, see _COUNTS_MASK):
    "open_alnum",  # a letter or digit after the token's last sentence end (or anywhere)
    "trail_exclamation",  # the token's trailing terminators include '!'
    "trail_question",
)
_BITS = 32
_MASK = (1 << _BITS) - 1
_SHIFT = {name: _BITS * i for i, name in enumerate(_FIELDS)}
_SUMMED = _FIELDS[: _FIELDS.index("open_alnum")]
_COUNTS_MASK = (1 << _SHIFT["open_alnum"]) - 1

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019.\-][^\W\d_]+)*")
_APOSTROPHE = re.compile("['\u2019]")
_HAS_ALNUM = re.compile(r"[^\W_]")
# Syllables: vowel groups (Latin with accents, and Cyrillic, where each vowel is a syllable),
# less one for a silent ending ("make", "called", "makes"; not "table", "wanted", "boxes"), at
# least one a word.
_VOWEL_RUN = re.compile(
    "[aeiouy\u00e0-\u00e6\u00e8-\u00ef\u00f2-\u00f6\u00f9-\u00fd\u00ff\u0153"
    "\u0430\u0435\u0451\u0438\u043e\u0443\u044b\u044d\u044e\u044f]+"
)
_SILENT_ENDING = re.compile(r"(?:[^aeiouyl]e|[^aeiouytd]ed|[^aeiouysxzcgh]es)$")

_QUOTE_CHARS = "\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u300c\u300d"
_DIGIT = re.compile("[0-9]")
_CLOSERS = "\"'\u2019\u201d\u00bb)]\u300d\u300f"
_TERMINATORS = ".!?\u2026\u3002\uff01\uff1f"
_CJK_STOPS = "\u3002\uff01\uff1f"
_CJK_STOP = re.compile(f"[{_CJK_STOPS}]")
_QUOTE = re.compile(f"[{_QUOTE_CHARS}]")
# Punctuation that may stand around a word in a token; what is left may still hold more.
_EDGES = "".join(
    sorted(set(string.punctuation + _QUOTE_CHARS + _CLOSERS + _TERMINATORS + "\u2018\u2013\u2014"))
)
# CJK text puts no space after a full stop: such tokens are cut after each stop.
_CJK_PIECE = re.compile(
    "[^\u3002\uff01\uff1f]*[\u3002\uff01\uff1f]+[\u300d\u300f\u201d]*|[^\u3002\uff01\uff1f]+"
)
# A '.' after these, or after initials ("U.S.", "J."), ends no sentence. A sentence that really
# ends on one is merged with the next, which costs little in averages.
_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof St Jr Sr Lt Col Gen Sgt Capt Gov Sen Rep Rev Mt vs No "
    "Jan Feb Aug Sep Sept Oct Nov Dec".split()
)
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")

# Pronouns by the part of a word before any apostrophe ("we're", "I'm"). "I" only as a capital;
# "us" not in capitals, which is the country.
_FIRST_SINGULAR = frozenset({"me", "my", "mine", "myself"})
_FIRST_PLURAL = frozenset({"we", "our", "ours", "ourselves"})
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves"})
# Neutral attribution marks sourced reporting; distancing attribution a writer keeping their
# distance from what they report. "according" stands for "according to".
_ATTRIBUTION = frozenset(
    "said says told tells according reported stated added noted explained announced wrote "
    "writes confirmed declared".split()
)
_DISTANCING = frozenset(
    "claim claims claimed claiming alleged allegedly allegation allegations purported "
    "purportedly supposed supposedly so-called reportedly".split()
)


def _one(name: str) -> int:
    return 1 << _SHIFT[name]


_WORD_ONE = _one("words")
_OPEN_ONE = _one("open_alnum")
_CATEGORY_ONE = {
    **dict.fromkeys(_ATTRIBUTION, _one("attributions")),
    **dict.fromkeys(_DISTANCING, _one("distancing")),
}
_PRONOUN_ONE = {
    **dict.fromkeys(_FIRST_SINGULAR, _one("first_singular")),
    **dict.fromkeys(_FIRST_PLURAL, _one("first_plural")),
    **dict.fromkeys(_SECOND_PERSON, _one("second_person")),
}


def _field(packed: int, name: str) -> int:
    return (packed >> _SHIFT[name]) & _MASK


def _syllables(word: str) -> int:
    """Syllables of a lower-case word, by a heuristic; a word without vowels counts one."""
    count = len(_VOWEL_RUN.findall(word))
    if count > 1 and word[-1] in "eds" and _SILENT_ENDING.search(word):
        count -= 1
    return max(count, 1)


# Words recur in many tokens ("said", "said,", "said."): cached on their own.
@functools.lru_cache(maxsize=1 << 16)
def _word_profile(word: str) -> int:
    """The packed counts of one word (a match of :data:`_WORD`)."""
    lower = word.lower()
    packed = (
        _WORD_ONE
        + (len(word) << _SHIFT["letters"])
        + (_syllables(lower) << _SHIFT["syllables"])
        + _CATEGORY_ONE.get(lower, 0)
    )
    if len(word) > 1 and word.isupper():
        packed += _one("caps_words")
    base = _APOSTROPHE.split(word, 1)[0] if "'" in word or "\u2019" in word else word
    if base == "I":
        packed += _one("first_singular")
    elif base in ("us", "Us"):
        packed += _one("first_plural")
    elif base != "US":
        packed += _PRONOUN_ONE.get(base.lower(), 0)
    return packed


def _analyse(token: str) -> int:
    """The packed counts of one whitespace-free token (see :data:`_FIELDS`), uncached."""
    if token.isalpha():
        # Most tokens are one plain word: no digits, quotes or sentence end.
        return _word_profile(token) + _OPEN_ONE
    if token.isascii():
        quotes = token.count('"')
    else:
        if _CJK_STOP.search(token):
            pieces = _CJK_PIECE.findall(token)
            if len(pieces) > 1:
                # Counts of all pieces, flags of the last one, as split_sentences sees them.
                head = sum(map(_analyse, pieces[:-1])) & _COUNTS_MASK
                return head + _analyse(pieces[-1])
        quotes = len(_QUOTE.findall(token))
    # Next most common: a word with punctuation around it ("said,", "(AP)", "“We").
    word = token.strip(_EDGES)
    if word.isalpha():
        packed = _word_profile(word)
    else:
        packed = sum(map(_word_profile, _WORD.findall(token)))
        packed += len(_DIGIT.findall(token)) << _SHIFT["digits"]
    packed += quotes << _SHIFT["quotes"]
    packed += (token.count("!") + token.count("\uff01")) << _SHIFT["exclamations"]
    packed += (token.count("?") + token.count("\uff1f")) << _SHIFT["questions"]
    body = token.rstrip(_CLOSERS)
    core = body.rstrip(_TERMINATORS)
    trailing = body[len(core) :]
    ends = False
    if trailing:
        exclamation = "!" in trailing or "\uff01" in trailing
        question = "?" in trailing or "\uff1f" in trailing
        packed += exclamation << _SHIFT["trail_exclamation"]
        packed += question << _SHIFT["trail_question"]
        ends = _HAS_ALNUM.search(core) is not None and not (
            trailing == "." and _abbreviation(core)
        )
        if ends:
            packed += _one("ends")
            packed += exclamation << _SHIFT["exclamatory_ends"]
            packed += question << _SHIFT["question_ends"]
    if not ends and _HAS_ALNUM.search(token):
        packed += _OPEN_ONE
    return packed


# Token profiles by token. A plain dict rather than functools.lru_cache: a hit is a C-level
# dict lookup, about three times cheaper, and hits are most of the cost of StyleFeatures. Once
# full, the older half is dropped. Sized for a corpus (the 1,641 ReCOVery articles have 97,000
# distinct tokens): full, it and the word cache take about 25 MB; equal profiles are stored once.
_CACHE: dict[str, int] = {}
_CACHE_SIZE = 1 << 17
_INTERNED: dict[int, int] = {}


def _profile(token: str) -> int:
    """The packed counts of one token, from the cache or analysed and cached."""
    profile = _CACHE.get(token)
    if profile is None:
        profile = _analyse(token)
        profile = _INTERNED.setdefault(profile, profile)
        if len(_CACHE) >= _CACHE_SIZE:
            # list() first: the dict must not change while islice walks it.
            for old in list(itertools.islice(_CACHE, _CACHE_SIZE // 2)):
                _CACHE.pop(old, None)
            if len(_INTERNED) > _CACHE_SIZE:
                _INTERNED.clear()
        _CACHE[token] = profile
    return profile


def _total(tokens: list[str]) -> int:
    """The sum of the profiles of ``tokens``."""
    try:
        return sum(map(_CACHE.__getitem__, tokens))
    except KeyError:
        for token in set(tokens).difference(_CACHE):
            _profile(token)
    try:
        return sum(map(_CACHE.__getitem__, tokens))
    except KeyError:
        # The cache overflowed while this text's tokens were added and dropped some of them.
        return sum(map(_profile, tokens))


def _abbreviation(core: str) -> bool:
    core = core.lstrip("\"'(\u201c\u2018[")
    return core in _ABBREVIATIONS or _INITIALS.fullmatch(core) is not None


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences by a documented heuristic; no trained data needed.

    Every line break ends a sentence: scraped news keeps one paragraph per line, and headlines,
    bylines and captions often have no full stop. Within a line a sentence ends with a
    whitespace-separated token that ends in ``.``, ``!``, ``?`` or ``…`` (then any closing
    quotes or brackets) after a letter or digit, unless that is a lone ``.`` after a common
    abbreviation (``Mr.``, ``Jan.``) or initials (``U.S.``); CJK text also ends one at each
    ``。！？``. Sentences without a letter or digit are dropped, so empty text or bare
    punctuation has none. Tokens are rejoined with single spaces.
    """
    cjk = any(stop in text for stop in _CJK_STOPS)
    sentences = []
    for line in text.splitlines():
        tokens = line.split()
        if cjk:
            tokens = [piece for token in tokens for piece in _CJK_PIECE.findall(token)]
        sentences.extend(" ".join(tokens[i:j]) for i, j in _sentence_bounds(tokens))
    return sentences


def _profiles(tokens: list[str]) -> list[int]:
    found = list(map(_CACHE.get, tokens))  # a C-level look-up per token when all are cached
    if None in found:
        found = [_profile(t) if p is None else p for p, t in zip(found, tokens, strict=True)]
    return found


_ENDS, _OPEN = _SHIFT["ends"], _SHIFT["open_alnum"]


def _sentence_bounds(tokens: list[str]) -> list[tuple[int, int]]:
    """Token ranges ``[i, j)`` of one line's sentences (see :func:`split_sentences`)."""
    profiles = _profiles(tokens)
    bounds, start = [], 0
    for end in [i for i, p in enumerate(profiles) if (p >> _ENDS) & _MASK]:
        bounds.append((start, end + 1))
        start = end + 1
    # The rest of the line is a sentence if a letter or digit is open after the last end.
    if any((p >> _OPEN) & _MASK for p in profiles[start:]):
        bounds.append((start, len(profiles)))
    return bounds


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets in ``text`` of the sentences of :func:`split_sentences`: from
    the first character of a sentence's first token to the last of its last."""
    # split_sentences rejoins the tokens (and cuts CJK ones): each is found again in turn.
    spans, cursor = [], 0
    for sentence in split_sentences(text):
        start = end = None
        for token in sentence.split(" "):
            found = text.find(token, cursor)
            if found < 0:
                break
            start = found if start is None else start
            end = cursor = found + len(token)
        if start is not None:
            spans.append((start, end))
    return spans


def _text_counts(text: str) -> dict[str, int]:
    """The summed token counts of ``text``, with ``sentences`` as :func:`split_sentences`."""
    total = _total(text.split())
    counts = {name: _field(total, name) for name in _SUMMED}
    # A line's last sentence counts without an end token if it has a letter or digit: look back
    # from the line's last token to the last end token (almost always the last token itself).
    sentences = counts["ends"]
    for line in text.splitlines():
        tail = line.rsplit(None, 1)
        if not tail:
            continue
        last = _profile(tail[-1])
        if _field(last, "open_alnum") or (
            not _field(last, "ends") and _open_before_end(line.split())
        ):
            sentences += 1
            counts["exclamatory_ends"] += _field(last, "trail_exclamation")
            counts["question_ends"] += _field(last, "trail_question")
    counts["sentences"] = sentences
    return counts


def _open_before_end(tokens: list[str]) -> bool:
    """Whether a letter or digit follows the last sentence end among ``tokens``."""
    for token in reversed(tokens):
        profile = _profile(token)
        if _field(profile, "open_alnum"):
            return True
        if _field(profile, "ends"):
            return False
    return False


# --------------------------------------------------------------------------- style features

# Flesch reading ease is 121.22 at most (one-syllable one-word sentences) but unbounded below
# (a page with no full stop reads as one huge sentence): clipped so that a few such pages
# cannot dominate a linear model.
_FLESCH_MIN, _FLESCH_MAX = -100.0, 121.22

_SENTIMENT_NAMES = (
    "vader_compound",
    "vader_pos",
    "vader_neg",
    "vader_neu",
    "vader_intensity",
)
_STYLE_NAMES = (
    "flesch",
    "words_per_sentence",
    "chars_per_word",
    "log_words",
    "quotes_per_kchar",
    "attributions_per_sentence",
    "distancing_per_sentence",
    "exclamations_per_kchar",
    "questions_per_kchar",
    "exclamatory_sentence_share",
    "question_sentence_share",
    "allcaps_word_share",
    "digit_share",
    "first_singular_rate",
    "first_plural_rate",
    "second_person_rate",
)


class StyleFeatures(_TextTransformer):
    """Dense style measures of each article: sentiment, readability, quoting, punctuation.

    Parameters
    ----------
    sentiment : bool, default=True
        Include the five VADER sentiment columns.
    max_chars : int or None, default=500
        How many characters, from the start of the article, VADER reads. VADER is pure Python
        (about 0.5 ms per 1,000 characters, sentence by sentence), so scoring whole articles
        (5,200 characters on average in ReCOVery, 2.5 ms) would make it the slowest step of a
        model; the opening carries most of the framing anyway. The default covers the lede,
        about four sentences. ``None`` reads everything.

    Columns (``style__`` + name):

    - ``vader_compound``, ``vader_pos``, ``vader_neg``, ``vader_neu``: VADER scores averaged
      over the sentences of the opening ``max_chars`` (VADER is built for sentences: on a whole
      article its compound score saturates at +-1). ``vader_intensity``: mean absolute compound,
      emotional charge whatever its direction.
    - ``flesch``: Flesch reading ease with a syllable heuristic, clipped to [-100, 121.22];
      ``words_per_sentence``; ``chars_per_word``; ``log_words``: log(1 + number of words).
    - ``quotes_per_kchar``: double quotation marks, straight and typographic (“ ” „ « » 「 」),
      per 1,000 characters; single quotes are left out, being mostly apostrophes.
    - ``attributions_per_sentence``: "said", "told", "according (to)", "reported", ...;
      ``distancing_per_sentence``: "claimed", "alleged", "so-called", "reportedly", ...
    - ``exclamations_per_kchar``, ``questions_per_kchar``: ``!`` and ``?`` (also fullwidth) per
      1,000 characters; ``exclamatory_sentence_share``, ``question_sentence_share``: share of
      sentences ending with them.
    - ``allcaps_word_share``: words of two letters or more in capitals (acronyms included);
      ``digit_share``: ASCII digits per character.
    - ``first_singular_rate`` (I, me, my), ``first_plural_rate`` (we, us, our),
      ``second_person_rate`` (you, your): per word.

    Sentences are split by :func:`split_sentences`. Every value is finite for any text: a text
    without words or sentences gives 0 for the measures that need them.

    Attributes
    ----------
    columns_ : tuple of str
        The output column names, as :meth:`get_feature_names_out` gives them.

    Notes
    -----
    The output is a dense float64 array: nearly every column is non-zero for every article, so
    a sparse matrix would only cost more. It stacks with sparse output in a ``FeatureUnion``.
    The scales differ widely (``flesch`` vs shares): standardise before a linear model.

    VADER's lexicon is the installed ``vaderSentiment``'s (the ``framing[style]`` extra), loaded
    once per process and not pickled with the transformer (it would add 0.8 MB): pin the
    package to keep a saved model's sentiment columns identical.
    """

    def __init__(self, sentiment: bool = True, max_chars: int | None = 500):
        self.sentiment = sentiment
        self.max_chars = max_chars

    def fit(self, X, y=None):
        """Check the parameters and load VADER; nothing is learnt from ``X``.

        Returns ``self``. Raises ``ValueError`` if ``max_chars`` is not a positive integer or
        ``None``, :class:`StyleDependencyError` if ``sentiment`` is on and ``vaderSentiment``
        is not installed.
        """
        _texts(X)
        if self.max_chars is not None and not (
            isinstance(self.max_chars, (int, np.integer))
            and not isinstance(self.max_chars, bool)
            and self.max_chars > 0
        ):
            raise ValueError(
                f"max_chars must be a positive integer or None; got {self.max_chars!r}"
            )
        names = _STYLE_NAMES
        if self.sentiment:
            _vader()  # fail here, not at transform time, if vaderSentiment is missing
            names = _SENTIMENT_NAMES + names
        self.columns_ = tuple(f"style__{name}" for name in names)
        return self

    def transform(self, X):
        """Style measures of each text: a dense float64 array, one row per text."""
        check_is_fitted(self)
        texts = _texts(X)
        analyzer = _vader() if len(self.columns_) > len(_STYLE_NAMES) else None
        out = np.zeros((len(texts), len(self.columns_)), dtype=np.float64)
        for i, text in enumerate(texts):
            row = self._sentiment(analyzer, text) if analyzer is not None else []
            out[i] = row + _style(text)
        return out

    def get_feature_names_out(self, input_features=None):
        """Column names, ``style__vader_compound`` ... ``style__second_person_rate``.

        ``input_features`` is accepted for the scikit-learn API and ignored: the input is raw
        text, which has no feature names.
        """
        check_is_fitted(self)
        return np.asarray(self.columns_, dtype=object)

    def _sentiment(self, analyzer, text: str) -> list[float]:
        """Mean VADER scores over the sentences of the first ``max_chars`` characters."""
        opening = text if self.max_chars is None else text[: self.max_chars]
        sentences = split_sentences(opening)
        totals = [0.0] * len(_SENTIMENT_NAMES)
        for sentence in sentences:
            scores = analyzer.polarity_scores(sentence)
            totals[0] += scores["compound"]
            totals[1] += scores["pos"]
            totals[2] += scores["neg"]
            totals[3] += scores["neu"]
            totals[4] += abs(scores["compound"])
        return [t / len(sentences) for t in totals] if sentences else totals


@functools.cache
def _vader():
    """The process's VADER analyzer: building one reads its lexicon files (about 25 ms).

    Raises :class:`StyleDependencyError` when ``vaderSentiment`` is not installed.
    """
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as exc:
        raise StyleDependencyError(
            f"the style features need vaderSentiment for their sentiment columns, and it is "
            f"not installed: {EXTRA}"
        ) from exc
    return SentimentIntensityAnalyzer()


def _style(text: str) -> list[float]:
    """The style columns of :data:`_STYLE_NAMES` for one text."""
    c = _text_counts(text)
    words = c["words"]
    per_word = 1.0 / max(words, 1)
    per_sentence = 1.0 / max(c["sentences"], 1)
    per_char = 1.0 / max(len(text), 1)
    if words:
        words_per_sentence = words * per_sentence
        flesch = 206.835 - 1.015 * words_per_sentence - 84.6 * c["syllables"] * per_word
        flesch = min(max(flesch, _FLESCH_MIN), _FLESCH_MAX)
        chars_per_word = c["letters"] * per_word
    else:
        flesch = words_per_sentence = chars_per_word = 0.0
    return [
        flesch,
        words_per_sentence,
        chars_per_word,
        math.log1p(words),
        1000.0 * c["quotes"] * per_char,
        c["attributions"] * per_sentence,
        c["distancing"] * per_sentence,
        1000.0 * c["exclamations"] * per_char,
        1000.0 * c["questions"] * per_char,
        c["exclamatory_ends"] * per_sentence,
        c["question_ends"] * per_sentence,
        c["caps_words"] * per_word,
        c["digits"] * per_char,
        c["first_singular"] * per_word,
        c["first_plural"] * per_word,
        c["second_person"] * per_word,
    ]
