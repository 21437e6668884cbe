"""Which language an article is in, offline, with no dependency and no model file.

The classifiers are English-only, so scoring needs to know when an article is not in English.
:func:`identify` tells the language of a text in two steps:

1. **Script.** Letters are counted per writing system (Latin, Cyrillic, Greek, Arabic, Hebrew,
   Han, kana, Hangul, Devanagari, Thai, ...); the script with most letters decides, a Han or
   Hangul character counting as three letters (it stands for a syllable or a word). A script
   used by one language gives it at once (Greek -> ``el``, Hangul -> ``ko``, Thai -> ``th``;
   Han with kana -> ``ja``, Han alone -> ``zh``).
2. **Function words.** For scripts shared by several languages (Latin, Cyrillic, Arabic,
   Devanagari), the words of that script are matched against short lists of each language's
   most common function words (``framing/data/function_words.toml``), with a small bonus for
   letters only some languages use (``ñ``, ``ł``, ``ř``, ``ы``, ``ї``, ...). The language with
   most hits wins; its confidence grows with its lead over the runner-up and with the share of
   words it covers.

Only the first :data:`IDENTIFY_CHARS` characters are read, after removing markup residue
(tags, entities), URLs and e-mail addresses; digits and punctuation never count. An English
article quoting a Russian phrase stays English, because the Latin letters outnumber the Cyrillic
ones. Text without letters, or Latin text that matches no list, is ``"und"``.

:func:`article_language` combines this with the language an article *declares*
(:attr:`framing.article.Article.language`); see its docstring for the rule.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from framing.ingest import normalize_language

#: How many characters of a text :func:`identify` reads. 1,000 gave the same language as 2,000
#: on all 110 saved web pages and 1,641 ReCOVery articles, at 1.8 times the speed.
IDENTIFY_CHARS = 1000
#: :func:`article_language` trusts the text over the declared language from this confidence...
TRUST_SCORE = 0.8
#: ... and only for texts of at least this many characters (stripped).
TRUST_CHARS = 200
#: The code of an undecidable text.
UNDETERMINED = "und"

METHODS = ("empty", "script", "function-words")


@dataclass(frozen=True)
class Identified:
    """The language of a text: ``code`` (ISO 639-1 such as ``"en"``, or ``"und"``), a 0-1
    confidence ``score`` and the ``method`` that decided (one of :data:`METHODS`)."""

    code: str
    score: float
    method: str


# --------------------------------------------------------------------------- scripts

# (first code point, script) of each block; a code point belongs to the block starting at or
# before it, up to the next entry. None marks code points that are no script's letters.
_BLOCKS: tuple[tuple[int, str | None], ...] = (
    (0x0000, None), (0x0041, "latin"), (0x005B, None), (0x0061, "latin"), (0x007B, None),
    (0x00C0, "latin"), (0x0250, None), (0x0370, "greek"), (0x0400, "cyrillic"),
    (0x0530, "armenian"), (0x0590, "hebrew"), (0x0600, "arabic"), (0x0700, None),
    (0x0750, "arabic"), (0x0780, None), (0x0900, "devanagari"), (0x0980, "bengali"),
    (0x0A00, "gurmukhi"), (0x0A80, "gujarati"), (0x0B00, None), (0x0B80, "tamil"),
    (0x0C00, "telugu"), (0x0C80, "kannada"), (0x0D00, "malayalam"), (0x0D80, "sinhala"),
    (0x0E00, "thai"), (0x0E80, "lao"), (0x0F00, None), (0x1000, "myanmar"), (0x10A0, "georgian"),
    (0x1100, "hangul"), (0x1200, "ethiopic"), (0x1380, None), (0x1780, "khmer"), (0x1800, None),
    (0x1E00, "latin"), (0x1F00, "greek"), (0x2000, None), (0x3040, "kana"), (0x3100, None),
    (0x3130, "hangul"), (0x3190, None), (0x31F0, "kana"), (0x3200, None), (0x3400, "han"),
    (0x4DC0, None), (0x4E00, "han"), (0xA000, None), (0xAC00, "hangul"), (0xD7B0, None),
    (0xF900, "han"), (0xFB00, None), (0xFB1D, "hebrew"), (0xFB50, "arabic"), (0xFE00, None),
    (0xFE70, "arabic"), (0xFF00, None), (0xFF66, "kana"), (0xFFA0, None), (0x20000, "han"),
    (0x30000, None),
)
_BLOCK_STARTS = [start for start, _ in _BLOCKS]

#: Scripts written by one language here, and that language.
SCRIPT_LANGUAGES: dict[str, str] = {
    "greek": "el", "armenian": "hy", "hebrew": "he", "bengali": "bn", "gurmukhi": "pa",
    "gujarati": "gu", "tamil": "ta", "telugu": "te", "kannada": "kn", "malayalam": "ml",
    "sinhala": "si", "thai": "th", "lao": "lo", "myanmar": "my", "georgian": "ka",
    "hangul": "ko", "ethiopic": "am", "khmer": "km",
}
# A Han, kana or Hangul character stands for a syllable or a word, not a letter.
_SCRIPT_WEIGHT = {"han": 3.0, "kana": 3.0, "hangul": 3.0}
# Japanese text mixes kana into Han; Chinese has none.
_KANA_SHARE_JA = 0.1

#: Letters that only some languages of a script use, and the bonus (in word hits) of each.
_LETTER_HINTS: dict[str, dict[str, str]] = {
    "latin": {
        "pt": "ãõ", "es": "ñ", "cs": "řůě", "sk": "ľĺŕôä", "pl": "łąęśźżń", "ro": "ășțşţ",
        "tr": "ğış", "hu": "őű", "da": "æø", "no": "æø", "de": "ß", "hr": "đć", "lt": "ėįųū",
        "lv": "āēīķļņģ", "vi": "ơưđ", "ca": "ŀ", "fr": "œ",
    },
    "cyrillic": {"ru": "ыэё", "uk": "іїєґ", "sr": "ђћџ", "mk": "ѓќѕ", "bg": "ъ"},
    "arabic": {"fa": "پچژگ", "ur": "ٹڈڑےں"},
}
_HINT_WEIGHT = 0.5

# Below this share of the letters a second script is not considered.
_SECOND_SCRIPT = 0.2
# A text whose best language covers fewer of its words is undetermined.
_MIN_COVERAGE = 0.1
# Stripped from both ends of a word; apostrophes split words ("l'homme" -> "l", "homme").
_PUNCT = "".join(chr(c) for c in range(0x21, 0x80) if not chr(c).isalnum()) + (
    "\u00a1\u00ab\u00bb\u00bf\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201c"
    "\u201d\u201e\u2026\u3001\u3002\uff0c\uff01\uff1f\uff1a\uff1b\u300c\u300d\u00b7\u060c\u061f"
    "\u0964\u0965"
)
_APOSTROPHES = str.maketrans({"'": " ", "\u2019": " ", "\u02bc": " "})
_RESIDUE_RES = (
    ("<", re.compile(r"<[^<>]{0,300}>")),
    ("&", re.compile(r"&#?\w{1,10};")),
    ("://", re.compile(r"\b\w+://\S+")),
    ("www.", re.compile(r"\bwww\.\S+")),
    ("@", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
)


@functools.lru_cache(maxsize=8192)
def _script_of(char: str) -> str | None:
    return _BLOCKS[bisect.bisect_right(_BLOCK_STARTS, ord(char)) - 1][1]


@functools.lru_cache(maxsize=1)
def _profiles() -> dict[str, tuple[tuple[str, ...], dict[str, tuple[int, ...]]]]:
    """Per script, its languages (in file order) and each function word's languages, as
    indexes into them (from ``data/function_words.toml``)."""
    path = resources.files("framing") / "data" / "function_words.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    profiles = {}
    for script, langs in raw.items():
        codes = tuple(langs)
        index: dict[str, list[int]] = {}
        for i, words in enumerate(langs.values()):
            for word in dict.fromkeys(words.split()):
                index.setdefault(word, []).append(i)
        profiles[script] = (codes, {w: tuple(ix) for w, ix in index.items()})
    return profiles


def _clean(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text`` without tags, entities, URLs and e-mails."""
    # Read a little more than the limit: cleaning removes some of it.
    sample = text[: limit * 2]
    for marker, pattern in _RESIDUE_RES:
        if marker in sample:
            sample = pattern.sub(" ", sample)
    return sample[:limit]


def _words_by_script(sample: str) -> dict[str, list[str]]:
    """The lower-case words of ``sample`` by the script of their first letter."""
    by_script: dict[str, list[str]] = {}
    for token in sample.lower().translate(_APOSTROPHES).split():
        word = token.strip(_PUNCT)
        if not word:
            continue
        for char in word:
            if char.isalpha():
                script = _script_of(char)
                if script is not None:
                    by_script.setdefault(script, []).append(word)
                break
    return by_script


def _letters(words: list[str]) -> int:
    return sum(len(w) for w in words)


# --------------------------------------------------------------------------- identify


def identify(text: str | None, *, limit: int = IDENTIFY_CHARS) -> Identified:
    """The language of the first ``limit`` characters of ``text``.

    Deterministic and fast (thousands of texts a second). Returns
    ``Identified("und", 0.0, "empty")`` for text without letters.
    """
    if not text:
        return Identified(UNDETERMINED, 0.0, "empty")
    sample = _clean(text, limit)
    return _identify_words(_words_by_script(sample), sample.lower())


def _identify_words(by_script: dict[str, list[str]], lowered: str) -> Identified:
    if not by_script:
        return Identified(UNDETERMINED, 0.0, "empty")
    # Han and kana are one group: Japanese writes both, often in one run without spaces.
    cjk = by_script.get("han", []) + by_script.get("kana", [])
    weighted = {s: _letters(w) * _SCRIPT_WEIGHT.get(s, 1.0) for s, w in by_script.items()
                if s not in ("han", "kana")}
    if cjk:
        weighted["cjk"] = _letters(cjk) * _SCRIPT_WEIGHT["han"]
    total = sum(weighted.values())
    script = max(sorted(weighted), key=weighted.__getitem__)
    share = weighted[script] / total
    if script == "cjk":
        chars = [c for w in cjk for c in w if c.isalpha()]
        kana = sum(1 for c in chars if _script_of(c) == "kana")
        code = "ja" if kana >= _KANA_SHARE_JA * len(chars) else "zh"
        return Identified(code, _script_score(len(chars), share), "script")
    if script in SCRIPT_LANGUAGES:
        letters = _letters(by_script[script])
        return Identified(SCRIPT_LANGUAGES[script], _script_score(letters, share), "script")
    found = _by_function_words(by_script[script], lowered, script, share)
    if found.code == UNDETERMINED and total - weighted[script] >= _SECOND_SCRIPT * total:
        # Words of no listed language (a transliteration such as pinyin, code, names) beside
        # another script: that script tells the language.
        rest = {s: w for s, w in by_script.items() if s != script}
        return _identify_words(rest, lowered)
    return found


def _script_score(letters: int, share: float) -> float:
    return round(share * (1.0 - math.exp(-letters / 15.0)), 3)


def _by_function_words(words: list[str], lowered: str, script: str, share: float) -> Identified:
    if script not in _profiles() or not words:
        return Identified(UNDETERMINED, 0.0, "function-words")
    codes, index = _profiles()[script]
    counts = [0.0] * len(codes)
    for word in words:
        for i in index.get(word, ()):
            counts[i] += 1
    hits = dict(zip(codes, counts, strict=True))
    for lang, hint in _LETTER_HINTS.get(script, {}).items():
        if lang in hits:
            hits[lang] += _HINT_WEIGHT * sum(lowered.count(c) for c in hint)
    # Ties go to the language listed first (English first), so the result is deterministic.
    ranked = sorted(codes, key=lambda lang: -hits[lang])
    best, second = ranked[0], ranked[1] if len(ranked) > 1 else None
    top = hits[best]
    if top <= 0:
        return Identified(UNDETERMINED, 0.0, "function-words")
    lead = top - (hits[second] if second else 0.0)
    coverage = min(top, len(words)) / len(words)
    score = share * min(1.0, coverage / 0.2) * (1.0 - math.exp(-lead / 3.0))
    if coverage < _MIN_COVERAGE:
        return Identified(UNDETERMINED, round(score, 3), "function-words")
    return Identified(best, round(score, 3), "function-words")


# --------------------------------------------------------------------------- articles


def article_language(article: Any) -> tuple[str, str]:
    """The language to use for an article and where it came from: ``"declared"`` or
    ``"identified"``.

    Rule: the text wins when it is long enough to be sure of (at least :data:`TRUST_CHARS`
    characters) and identified with confidence :data:`TRUST_SCORE` or more, whatever the page
    declares: page templates often say ``lang="en"`` on pages in other languages. Otherwise the
    declared language (:attr:`~framing.article.Article.language`) is used when there is one, as a
    short text says too little to overrule it. Without a declared language the identified one
    is used however weak, and ``"und"`` when the text is undecidable.

    ``article`` is an :class:`~framing.article.Article` or anything with ``text`` and
    ``language`` attributes.
    """
    text = getattr(article, "text", "") or ""
    declared = normalize_language(getattr(article, "language", None))
    found = identify(text)
    if (
        found.code != UNDETERMINED
        and found.score >= TRUST_SCORE
        and len(text.strip()) >= TRUST_CHARS
    ):
        return found.code, "identified"
    if declared:
        return declared, "declared"
    return found.code, "identified"


def is_english(article_or_text: Any, *, undetermined: bool = True) -> bool:
    """Whether an article (by :func:`article_language`) or a text (by :func:`identify`) is in
    English. An undecidable one (no letters, no declared language) counts as English unless
    ``undetermined=False``: the models then score it as they always did."""
    if isinstance(article_or_text, str):
        code = identify(article_or_text).code
    else:
        code = article_language(article_or_text)[0]
    if code == UNDETERMINED:
        return undetermined
    return code == "en"
