"""Who speaks a finding: the article itself, a quotation, or someone the article reports.

:func:`voice_of` (or :class:`VoiceContext`, which caches its work for one text) tells, for a
span of a text, its **voice** and whether the sentence **rebuts** it:

``"quoted"``
    The span lies inside quotation marks: straight ``"..."``, curly ``“...”``, single ``'...'``
    and ``‘...’``, guillemets ``«...»``, ``»...«``, ``‹...›``, low-high ``„...“``/``„...”`` and
    ``‚...‘``. Scare quotes around a short phrase (the "denazification") are quotes like any
    other. Quotes pair within a paragraph (a paragraph ends at a line break), nested quotes
    included. An apostrophe between two letters or digits (don't, Russia's, Russia’s) is never
    a quote, and a closing single quote with no opener (the Russians' claims) is ignored. An
    unclosed double quote or guillemet counts up to the end of its paragraph, never further; an
    unclosed single quote counts for nothing (it is too often an apostrophe: '90s, rock 'n').
``"attributed"``
    Outside quotes, but the same sentence reports or distances the wording: "so-called" up to
    three words before the span; a speaker's possessive just before it ("the Kremlin's",
    "Putin's", "Lavrov's", "state media's"; not "Russia's" or "Moscow's", which name the actor,
    not a speaker); "what Moscow / the Kremlin / Putin calls (terms, describes as, dubs) ..."
    before it; "..., as Russian state media call it" (puts it, describes it) after it; or a
    reporting verb anywhere in the sentence: says, said, claims, insists, alleges, argues,
    told, wrote, declared, announced, called, described, accused, demanded, warned, vowed,
    "according to", ... ("Russia says ...", "Putin said ...", "Moscow insists ...", "according
    to TASS, ..."). Cues inside quotes or inside the span itself do not count.
``"own"``
    Neither: the article's own voice. A span that opens its paragraph and is followed by a dash,
    a colon or the end of the line (a dateline such as ``MOSCOW (Sputnik) -``, a heading) is
    always own. Callers may also switch the attribution cues off (``cues=False``) for findings
    that are themselves attributions (a credit line, "RIA Novosti reported") or whose wording
    no speaker lends (a hidden character, page residue), and the rebuttals too
    (``rebuttals=False``); :class:`framing.markers.Extractor` does so per family.

**rebutted** is true when the sentence, outside quotes and outside the span, rejects the claim:
"without evidence", "no evidence", "false claim" (not a bare "false": "false flag" is itself a
narrative), "falsely", "debunked", "baseless",
"unfounded", "groundless", "unsubstantiated", "propaganda", "disinformation", "misinformation",
"pretext", "fabricated", "bogus", "myth", ... It is also true when the **next sentence** of the
same paragraph opens (outside quotes) with a rebuttal pointing back at the claim: "There is no
evidence (for this).", "No evidence was given.", "That claim is false.", "This is not true.",
"It's a myth.", "The Kremlin's allegations are baseless.", "Fact-checkers have debunked the
claim.", "None of this is true.", "Verdict: false." (optionally after "But", "However", "In
fact"). Bare words in the next sentence ("The EU banned disinformation outlets.") and anything
further away or in another paragraph do not count. It is independent of the voice.

Sentences are found by a cheap splitter of our own: a sentence ends at ``.``, ``!``, ``?`` or
``…`` (and any closing quotes or brackets) followed by white space and a character that is not
a lower-case letter, except after a common abbreviation (Mr., Gen., Jan., e.g.) or an initial
(V. Putin, U.S.); also with no white space when a lower-case letter or digit comes before and
a capitalised word after ("danger.In response", "in 2020.The"; not "U.S.Army", "3.5",
"ASP.NET", "www.DearAbby.com", "HealthWatch.Org"), as in text scraped from glued paragraphs;
and at every line break.

Speed: nothing is computed for a text without findings. A :class:`VoiceContext` analyses only
the paragraphs that hold findings, each once (quote regions, sentence ends), so the cost is
proportional to the findings, not to the text.
"""

from __future__ import annotations

import bisect
import re

__all__ = ["VOICES", "VoiceContext", "voice_of"]

#: The voices, in the order outputs list them.
VOICES = ("own", "quoted", "attributed")

# --------------------------------------------------------------------------- quotes

_QUOTE_CHARS = "\"'\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u2018\u2019\u201a\u201b"
_QUOTE_RE = re.compile("[" + re.escape(_QUOTE_CHARS) + "]")
# Opening character -> the characters that close it.
_CLOSERS = {
    '"': '"',
    "\u201c": "\u201d",  # “ ”
    "\u201d": "\u201d",  # ” ” (Swedish, Finnish)
    "\u201e": "\u201c\u201d",  # „ “ (German) and „ ” (Polish, Hungarian)
    "\u201f": "\u201d",
    "\u00ab": "\u00bb",  # « »
    "\u00bb": "\u00ab",  # » « (German, Danish)
    "\u2039": "\u203a",  # ‹ ›
    "\u203a": "\u2039",
    "\u2018": "\u2019",  # ‘ ’
    "'": "'\u2019",
    "\u201a": "\u2018\u2019",  # ‚ ‘ (German)
    "\u201b": "\u2019",
}
_SINGLE = set("'\u2018\u2019\u201a\u201b")
# Characters after which a quote may open, besides white space and other quotes.
_OPEN_AFTER = set("([{/\u2014\u2013-:")
_GUILLEMETS = set("\u00ab\u00bb\u2039\u203a")


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def quote_regions(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Quoted regions of ``text[start:end]`` (one paragraph), as ``(open, close)`` offsets.

    ``open`` is the offset of the opening mark, ``close`` the offset just after the closing
    mark (or ``end`` for an unclosed double quote). Nested regions are all listed.
    """
    end = len(text) if end is None else end
    stack: list[tuple[str, int]] = []  # (opening char, offset)
    regions: list[tuple[int, int]] = []
    for match in _QUOTE_RE.finditer(text, start, end):
        i = match.start()
        ch = match.group()
        prev = text[i - 1] if i > start else ""
        nxt = text[i + 1] if i + 1 < end else ""
        if ch in _SINGLE and prev.isalnum() and nxt.isalnum():
            continue  # an apostrophe: don't, Russia's
        can_open = (_is_space(prev) or prev in _OPEN_AFTER or prev in _QUOTE_CHARS) and not (
            _is_space(nxt)
        )
        can_close = not _is_space(prev) or ch in _GUILLEMETS
        # Innermost open quote that this character can close.
        closes = None
        if can_close:
            for k in range(len(stack) - 1, -1, -1):
                if ch in _CLOSERS[stack[k][0]]:
                    closes = k
                    break
        if closes is not None:
            regions.append((stack[closes][1], i + 1))
            del stack[closes:]
        elif ch == "\u2019":
            continue  # a closing single quote with nothing to close
        elif can_open or ch in _GUILLEMETS or ch in "\u201c\u201e\u201a\u201b\u2018":
            if ch in "\u00bb\u203a" and not can_open:
                continue  # a closing guillemet with nothing to close
            stack.append((ch, i))
    for ch, i in stack:
        if ch not in _SINGLE:
            regions.append((i, end))  # unclosed: up to the paragraph end, no further
            break  # the outermost unclosed one covers the others
    regions.sort()
    return regions


# --------------------------------------------------------------------------- sentences

# A sentence end: the mark, any closing quotes or brackets, then white space, or no white space
# but a letter (only a capitalised word after a lower-case letter or a digit counts; see below).
_SENTENCE_END = re.compile("([.!?\u2026])[\"'\u201d\u2019\u00bb\u203a)\\]]*(?:\\s+|(?=[^\\W\\d_]))")
_WORD_BEFORE = re.compile(r"(\w+)$")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen lt col sgt capt cmdr adm gov sen rep prof jr sr vs etc no nos vol fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx dept est inc corp ltd co "
    "e g i e al".split()
)


# A dot inside a web address: "HealthWatch.Org", "www.DearAbby.com" (seen from the dot).
_ADDRESS_AFTER = re.compile(
    r"\.(?:(?i:com|org|net|gov|edu|info|io|ru|ua|uk|de|fr|eu|news|tv)(?![^\W\d_])"
    r"|[^\W\d_]+\.[a-z]{2,}(?![^\W\d_]))"
)


def _is_address(text: str, dot: int, start: int) -> bool:
    """Whether the dot at ``dot`` lies in a web address (looking 80 characters back at most)."""
    if _ADDRESS_AFTER.match(text, dot) is not None:
        return True
    lo = max(start, dot - 80)
    token = text[text.rfind(" ", lo, dot) + 1 or lo : dot]
    return "www." in token or "://" in token


def sentence_ends(text: str, start: int, end: int) -> list[int]:
    """Offsets where a sentence of ``text[start:end]`` (one paragraph) begins, after the first."""
    out = []
    for match in _SENTENCE_END.finditer(text, start, end):
        after = match.end()
        if after < end and text[after].islower():
            continue
        if not text[after - 1].isspace():
            # No space: "danger.In response" ends a sentence; "U.S.", "e.g.", "3.5", "RT.com",
            # "ASP.NET", "www.DearAbby.com", "Review.Org" do not (a lower-case letter or a digit
            # before, a capitalised word after, and no web address).
            before = text[match.start() - 1] if match.start() > start else ""
            if not (
                (before.islower() or before.isdigit())
                and after + 1 < end
                and text[after].isupper()
                and text[after + 1].islower()
            ) or _is_address(text, match.start(), start):
                continue
        if match.group(1) == ".":
            word = _WORD_BEFORE.search(text, max(start, match.start() - 12), match.start())
            if word is not None:
                w = word.group(1)
                if (len(w) == 1 and w.isupper()) or w.lower() in _ABBREVIATIONS:
                    continue
        out.append(after)
    return out


# --------------------------------------------------------------------------- cues

_I = re.IGNORECASE
_SO_CALLED = re.compile(r"\bso[\s\-\u2010\u2011]*called\s+(?:\S+\s+){0,3}$", _I)
_SPEAKERS = (
    r"kremlin|putin|lavrov|peskov|zakharova|shoigu|medvedev|nebenzia|kadyrov|propagandists?"
    r"|(?:russian\s+)?(?:state\s+)?(?:media|tv|television|propaganda)|tass|ria(?:\s+novosti)?"
    r"|rt|sputnik|(?:russian\s+)?(?:defen[cs]e|foreign)\s+ministry|ministry|spokes(?:man|woman)"
)
_POSSESSIVE = re.compile(
    rf"\b(?:{_SPEAKERS})['\u2019]s\s+(?:own\s+|so[\s\-]called\s+)?(?:\S+\s+)?$", _I
)
_NAMING_VERB = (
    r"(?:call(?:s|ed)?|term(?:s|ed)?|describ(?:e|es|ed)\s+as|dub(?:s|bed)?|label(?:s|l?ed)?"
    r"|brand(?:s|ed)?|refer(?:s|red)?\s+to\s+as|style[sd]?)"
)
_WHAT_CALLS = re.compile(rf"\bwhat\s+(?:[\w'\u2019.\-]+\s+){{1,5}}?{_NAMING_VERB}\b", _I)
_AS_CALLS = re.compile(
    r"\bas\s+(?:[\w'\u2019.\-]+\s+){0,5}?"
    r"(?:call(?:s|ed)?|term(?:s|ed)?|describ(?:e|es|ed)|dub(?:s|bed)?|puts?|label(?:s|l?ed)?"
    r"|brand(?:s|ed)?|refer(?:s|red)?\s+to)\s+(?:it|them|this|that|him|her)\b",
    _I,
)
_REPORTING = re.compile(
    r"\b(?:says?|said|saying|claim(?:s|ed|ing)?|insist(?:s|ed|ing)?|alleg(?:e|es|ed|ing)"
    r"|assert(?:s|ed|ing)?|argu(?:e|es|ed|ing)|contend(?:s|ed|ing)?|maintain(?:s|ed)"
    r"|told|tells|wr(?:ote|ites)|declar(?:e|es|ed)|announc(?:e|es|ed)|stated|stress(?:es|ed)"
    r"|noted|added|reported|according\s+to|accus(?:e|es|ed|ing)|describ(?:e|es|ed|ing)"
    r"|(?<!so-)(?<!so )(?<!so\u2010)(?<!so\u2011)call(?:s|ed|ing)"  # not "so-called"
    r"|dub(?:s|bed)|termed|brand(?:s|ed)|label(?:s|l?ed)|portray(?:s|ed)"
    r"|justif(?:y|ies|ied)|quot(?:ed|ing)|tweeted|urg(?:es|ed)|warn(?:s|ed)|vow(?:s|ed)"
    r"|pledg(?:es|ed)|promis(?:es|ed)|demand(?:s|ed)|repeat(?:s|ed)|echo(?:es|ed)"
    r"|blam(?:es|ed)|denie[sd]|threaten(?:s|ed)|spokes(?:man|woman|person))\b",
    _I,
)
_REBUTTAL = re.compile(
    r"\b(?:without\s+(?:any\s+|providing\s+(?:any\s+)?|offering\s+(?:any\s+)?)?evidence"
    r"|no\s+evidence|falsely|falsehoods?|false\s+(?:claims?|narratives?|pretext|story|stories"
    r"|reports?|allegations?|accusations?)|debunk\w*|baseless|unfounded|groundless|unsubstantiated"
    r"|propaganda|disinformation|misinformation|pretext|fabricat\w*|bogus|spurious|myths?"
    r"|disproven|conspiracy\s+theor\w*)\b",
    _I,
)
# A rebuttal at the start of the next sentence, pointing back at the claim ("There is no
# evidence for this.", "That claim is false.", "It is not true."): words such as "false" or
# "disinformation" alone say nothing about the previous sentence, so only these clauses count.
_CLAIM_NOUNS = (
    r"(?:claims?|allegations?|assertions?|accusations?|charges?|narratives?|stor(?:y|ies)"
    r"|reports?|version|theor(?:y|ies)|argument|statements?|rumou?rs?|suggestions?)"
)
_BACK = (  # what points back at the claim: "this", "that claim", "the Kremlin's allegations"
    r"(?:(?:the|this|that|these|those|such|both|either|its|their|his|her|[\w.\-]+['\u2019]s"
    rf"|all\s+(?:of\s+)?(?:the|these|those))\s+(?:[\w'\u2019\-]+\s+){{0,2}}?{_CLAIM_NOUNS}"
    r"|this|that|it|these|those|any\s+of\s+(?:this|that|it|these|those|them))"
)
_ADVERB = (
    r"(?:(?:also|simply|entirely|completely|totally|patently|demonstrably|plainly|clearly"
    r"|utterly|widely|repeatedly|long\s+since|since|already|thoroughly|categorically"
    r"|absolutely)\s+)?"
)
_FOLLOWING_REBUTTAL = re.compile(
    r"(?:(?:but|however|yet|and|in\s+fact|in\s+reality|in\s+truth|actually|of\s+course)"
    r"\s*,?\s+)?"
    r"(?:"
    # That claim is false. / This is not true. / It's a myth. / The allegation has been debunked.
    rf"{_BACK}(?:\s+(?:is|was|are|were|remains?|proved(?:\s+to\s+be)?|turned\s+out\s+to\s+be"
    rf"|(?:has|have|had)\s+{_ADVERB}been)|['\u2019]s(?:\s+{_ADVERB}been)?)\s+{_ADVERB}"
    r"(?:false(?![\s\-\u2010\u2011]*flags?\b)|untrue|not\s+true|baseless|unfounded|groundless"
    r"|unsubstantiated|fabricated|bogus|spurious|debunked|disproven|disproved|refuted"
    r"|discredited|incorrect|nonsense|a\s+(?:lie|myth|fabrication|falsehood|hoax|pretext)"
    r"|(?:(?:russian|kremlin|state|pure|more|yet\s+more)\s+)?(?:propaganda|disinformation"
    r"|misinformation))\b"
    # There is no evidence. / There is no evidence for this. / No evidence was given for it.
    r"|(?:there\s+(?:is|was|has\s+been)|there['\u2019]s)\s+(?:no|not\s+(?:any|a\s+shred\s+of))"
    r"\s+(?:(?:credible|independent|verifiable|such|real|public)\s+)?evidence"
    r"(?:\s*(?:[.!?\u2026;]|$)|\s+(?:for|of|to\s+(?:support|back(?:\s+up)?|confirm|substantiate)"
    rf"|supporting|backing|behind)\s+{_BACK}\b)"
    r"|no\s+evidence\s+(?:has|have|had|was|were)\s+(?:been\s+)?(?:presented|provided|offered"
    rf"|given|produced|found)(?:\s*(?:[.!?\u2026;]|$)|\s+(?:for|of|to\s+support)\s+{_BACK}\b)"
    # None of this is true. / Fact-checkers have debunked the claim.
    r"|(?:none\s+of\s+(?:this|that|it|these|those|them)|neither\s+claim)\s+(?:is|was|are|were)"
    r"\s+true\b"
    r"|(?:[\w\-]+\s+){1,3}?(?:has|have)\s+" + _ADVERB + r"(?:debunked|disproven|disproved"
    rf"|refuted|discredited)\s+{_BACK}\b"
    # Verdict: false.
    r"|(?:fact[\s\-]*check|verdict|rating|reality\s+check)\s*:\s*(?:false|untrue|not\s+true|fake"
    r"|baseless|unfounded)\b"
    r")",
    _I,
)
_DATELINE_AFTER = re.compile(r"[ \t]*(?:[-\u2013\u2014:]|$)", re.M)


class _Paragraph:
    __slots__ = ("start", "end", "regions", "opens", "sentences")

    def __init__(self, text: str, start: int, end: int):
        self.start, self.end = start, end
        # Nested regions merge into disjoint ones: a position is quoted if one holds it.
        merged: list[list[int]] = []
        for o, c in quote_regions(text, start, end):
            if merged and o < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], c)
            else:
                merged.append([o, c])
        self.regions = merged
        self.opens = [r[0] for r in merged]
        self.sentences = sentence_ends(text, start, end)

    def quoted(self, pos: int) -> bool:
        k = bisect.bisect_right(self.opens, pos)
        return k > 0 and pos < self.regions[k - 1][1]

    def sentence(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.sentences, pos)
        start = self.sentences[k - 1] if k else self.start
        end = self.sentences[k] if k < len(self.sentences) else self.end
        return start, end


class VoiceContext:
    """Voice analysis of one text; paragraphs are analysed on first use and cached.

    Build one per text and ask :meth:`voice` for each finding; building it costs nothing.
    """

    __slots__ = ("text", "_paragraphs")

    def __init__(self, text: str):
        self.text = text
        self._paragraphs: dict[int, _Paragraph] = {}

    def _paragraph(self, pos: int) -> _Paragraph:
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        para = self._paragraphs.get(start)
        if para is None:
            end = text.find("\n", pos)
            para = _Paragraph(text, start, len(text) if end < 0 else end)
            self._paragraphs[start] = para
        return para

    def voice(
        self, start: int, end: int, *, cues: bool = True, rebuttals: bool = True
    ) -> tuple[str, bool]:
        """``(voice, rebutted)`` of ``text[start:end]``; see the module documentation.

        ``cues=False`` skips the attribution cues (for findings that are attributions
        themselves, or whose wording cannot be borrowed); quotes still count, and rebuttals
        unless ``rebuttals=False`` (then ``rebutted`` is always false).
        """
        text = self.text
        if not text or start >= len(text):
            return "own", False
        para = self._paragraph(start)
        if para.quoted(start):
            voice = "quoted"
        elif (
            not text[para.start : start].strip()
            and end > start
            and _DATELINE_AFTER.match(text, min(end, para.end), para.end) is not None
        ):
            return "own", False  # a dateline or a heading
        else:
            voice = "own"
        s_start, s_end = para.sentence(start)
        span_end = min(end, s_end)
        if voice == "own" and cues and self._attributed(para, s_start, s_end, start, span_end):
            voice = "attributed"
        if not rebuttals:
            return voice, False
        rebutted = self._cue(_REBUTTAL, para, s_start, s_end, start, span_end) or (
            self._rebutted_next(para, s_end)
        )
        return voice, rebutted

    def _rebutted_next(self, para: _Paragraph, s_end: int) -> bool:
        """Whether the next sentence of the paragraph opens with a rebuttal outside quotes."""
        if s_end >= para.end or para.quoted(s_end):
            return False
        n_end = para.sentence(s_end)[1]
        return _FOLLOWING_REBUTTAL.match(self.text, s_end, n_end) is not None

    def _attributed(self, para, s_start, s_end, start, end) -> bool:
        text = self.text
        window = max(s_start, start - 60)
        if _SO_CALLED.search(text, window, start) or _POSSESSIVE.search(text, window, start):
            return True
        for match in _WHAT_CALLS.finditer(text, s_start, start):
            if not para.quoted(match.start()):
                return True
        for match in _AS_CALLS.finditer(text, end, s_end):
            if not para.quoted(match.start()):
                return True
        return self._cue(_REPORTING, para, s_start, s_end, start, end)

    def _cue(self, regex, para, s_start, s_end, start, end) -> bool:
        """Whether ``regex`` matches in the sentence, outside quotes and outside the span."""
        for lo, hi in ((s_start, start), (end, s_end)):
            if lo < hi:
                for match in regex.finditer(self.text, lo, hi):
                    if not para.quoted(match.start()):
                        return True
        return False


def voice_of(
    text: str, start: int, end: int, *, cues: bool = True, rebuttals: bool = True
) -> tuple[str, bool]:
    """``(voice, rebutted)`` of ``text[start:end]``: one-off form of :meth:`VoiceContext.voice`."""
    return VoiceContext(text).voice(start, end, cues=cues, rebuttals=rebuttals)
