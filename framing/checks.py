"""Markers that need code rather than phrases: hidden characters and page structure.

Each entry of :data:`CHECKS` has the same fields as a catalogue entry in ``data/markers.toml``
plus ``check``, a plain function ``check(text, *, published=None)`` yielding
``(start, end, message)`` for every finding. Nothing registers itself: this list is the registry.

Every check first rules out ordinary text cheaply, so that the catalogue stays fast on clean
news: one cp1252 encoding pass, shared by the three hygiene checks, tells whether any Cyrillic,
Greek, invisible or bidi character occurs at all; the repeated-body check hashes whole-text line
skeletons; the date check reads the first lines for a page date, then only looks at clock
times, stamp words and datelines. Per-word or per-line work only happens on texts that pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from framing.dates import WEEKDAY, date_pattern, readings
from framing.sources import DATELINE_DATE_GROUPS, DATELINE_RE

Finding = tuple[int, int, str]

# --------------------------------------------------------------------------- scripts

_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_CYRILLIC = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
_GREEK = "\u0370-\u03ff\u1f00-\u1fff"
# Invisible characters that can sit inside a word without showing: zero-width space, (non-)
# joiners, word joiner, invisible operators, BOM used as a zero-width no-break space, soft hyphen
# and the Mongolian vowel separator (formerly a zero-width space). LRM/RLM are left out: they
# are common and harmless in pages that mix right-to-left text.
_INVISIBLE_NAMES = {
    "\u00ad": "soft hyphen",
    "\u180e": "Mongolian vowel separator",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u2060": "word joiner",
    "\u2061": "invisible function application",
    "\u2062": "invisible times",
    "\u2063": "invisible separator",
    "\u2064": "invisible plus",
    "\ufeff": "zero-width no-break space (BOM)",
}
_INVISIBLE = "".join(_INVISIBLE_NAMES)
# Combining marks belong to the word they decorate (a decomposed Cyrillic "й" is two code points).
_MARKS = "\u0300-\u036f\u0483-\u0489\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_RE = re.compile(f"(?:[^\\W\\d_]|[{_MARKS}{_INVISIBLE}])+")
_WORD_CHAR_RE = re.compile(f"[^\\W\\d_]|[{_MARKS}{_INVISIBLE}]")


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``text[start:end]`` to the whole word containing it."""
    while start > 0 and _WORD_CHAR_RE.match(text, start - 1):
        start -= 1
    match = _WORD_RE.match(text, end)
    return start, match.end() if match else end


def _named(chars: list[str], names: dict[str, str]) -> str:
    """``zero-width space (U+200B) x2, soft hyphen (U+00AD)``: invisible characters spelt out."""
    out = []
    for char in dict.fromkeys(chars):
        count = chars.count(char)
        out.append(f"{names[char]} (U+{ord(char):04X})" + (f" x{count}" if count > 1 else ""))
    return ", ".join(out)


def _codepoints(chars: list[str]) -> str:
    seen = list(dict.fromkeys(chars))
    return ", ".join(f"'{c}' (U+{ord(c):04X})" for c in seen)


# Bidi embedding, override and isolate controls (LRM/RLM marks are not: they reorder nothing).
_BIDI_NAMES = {
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}
_BIDI_RE = re.compile(f"[{''.join(_BIDI_NAMES)}]+")
_SUSPECT_RES = {
    "script": re.compile(f"[{_CYRILLIC}{_GREEK}]"),
    "invisible": re.compile(f"[{_INVISIBLE}]"),
    "bidi": _BIDI_RE,
}
# The extractor runs the three hygiene checks on the same text one after the other: the last
# text's prefilter result is kept (with the text itself, so its identity cannot be reused).
_last_suspects: tuple[str, frozenset[str]] = ("", frozenset())


def _suspects(text: str) -> frozenset[str]:
    """Which kinds of suspicious characters (``script``, ``invisible``, ``bidi``) occur."""
    global _last_suspects
    last_text, kinds = _last_suspects
    if last_text is text:
        return kinds
    if text.isascii():  # O(1): CPython keeps a flag
        kinds = frozenset()
    else:
        # Python's regex engine needs ~7 ms/MB merely to look for a character class; encoding
        # to cp1252 takes 3 and fails on none of ordinary news (Latin-1, curly quotes, dashes,
        # euro, bullet) but on every character looked for except the soft hyphen.
        noted, error = _noted_cp1252
        if noted is not text:
            try:
                text.encode("cp1252")
            except UnicodeEncodeError as exc:
                error = exc
            else:
                error = None
        if error is None:
            kinds = frozenset({"invisible"}) if "\u00ad" in text else frozenset()
        else:
            kinds = frozenset(
                kind for kind, regex in _SUSPECT_RES.items() if regex.search(text, error.start)
            )
    _last_suspects = (text, kinds)
    return kinds


# The last text whose cp1252 encoding a caller noted (note_cp1252), with the encoding's error.
_noted_cp1252: tuple[str, UnicodeEncodeError | None] = ("", None)


def note_cp1252(text: str, error: UnicodeEncodeError | None) -> None:
    """Tell the hygiene checks how ``text`` encoded to cp1252: ``error`` is the encoding's
    error, ``None`` if it encoded. For a caller that encodes the text anyway (the extractor
    matches phrases in its cp1252 bytes), so that the checks do not encode it again."""
    global _noted_cp1252
    _noted_cp1252 = (text, error)


# --------------------------------------------------------------------------- TH501

# Where a Latin letter meets a Cyrillic or Greek one inside a word: one regex pass finds every
# mixed word, so Russian or Greek text costs no per-word work.
_SCRIPT_SEAM_RE = re.compile(
    f"[{_LATIN}][{_MARKS}{_INVISIBLE}]*[{_CYRILLIC}{_GREEK}]"
    f"|[{_CYRILLIC}{_GREEK}][{_MARKS}{_INVISIBLE}]*[{_LATIN}]"
)
_LATIN_RE = re.compile(f"[{_LATIN}]")
_CYRILLIC_RE = re.compile(f"[{_CYRILLIC}]")
_GREEK_RE = re.compile(f"[{_GREEK}]")
# Greek letters that pass for Latin ones (lunate sigma and yot look exactly like c and j).
_GREEK_LOOKALIKE_LOWER = frozenset("οανρικτυχεϲϳ")
_GREEK_LOOKALIKE_UPPER = frozenset("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹͿ")
# UTF-8 punctuation and no-break spaces decoded as cp1251 come out as "вЂ™", "вЂњ" or "В\xa0":
# Cyrillic letters glued to Latin words, but mojibake rather than a disguised word.
_MOJIBAKE_RE = re.compile("\u0432\u0402.?|\u0412(?=\u00a0)")


def mixed_script_words(text: str, *, published: date | None = None) -> Iterator[Finding]:
    """Words mixing Latin letters with Cyrillic letters or with Latin-looking Greek letters.

    Any Cyrillic letter in a word that also has Latin letters counts. Greek counts only for
    letters that look Latin, in a word without other Greek letters, and, for lowercase ones, next
    to lowercase Latin: "TNFα", "NF-κB", "IL-1β" and "μg" are notation, "Ukrαine" is a disguise.
    """
    if "script" not in _suspects(text):
        return
    last_end = 0
    for seam in _SCRIPT_SEAM_RE.finditer(text):
        if seam.start() < last_end:
            continue
        start, end = _word_around(text, seam.start(), seam.end())
        last_end = end
        # One character more, for the lookahead of "\u0412\u00a0"; it is no letter anyway.
        word = _MOJIBAKE_RE.sub("", text[start : end + 1])
        latin = _LATIN_RE.findall(word)
        if not latin:
            continue
        cyrillic = _CYRILLIC_RE.findall(word)
        greek = _greek_lookalikes(word, latin)
        if not cyrillic and not greek:
            continue
        foreign = len(cyrillic) + len(greek)
        if len(latin) >= foreign:
            parts = []
            if cyrillic:
                parts.append("Cyrillic " + _codepoints(cyrillic))
            if greek:
                parts.append("Greek " + _codepoints(greek))
            message = "Latin word with " + " and ".join(parts)
        else:
            script = "Cyrillic" if len(cyrillic) >= len(greek) else "Greek"
            message = f"{script} word with Latin {_codepoints(latin)}"
        yield start, end, message


def _greek_lookalikes(word: str, latin: list[str]) -> list[str]:
    greek = _GREEK_RE.findall(word)
    if not greek:
        return []
    if any(c not in _GREEK_LOOKALIKE_LOWER and c not in _GREEK_LOOKALIKE_UPPER for c in greek):
        return []
    has_lower_latin = any(c.islower() for c in latin)
    return [c for c in greek if c in _GREEK_LOOKALIKE_UPPER or has_lower_latin]


# --------------------------------------------------------------------------- TH502

_ALPHABETIC = f"{_LATIN}{_CYRILLIC}{_GREEK}"
# Only between letters of alphabetic scripts: Persian and Indic spelling needs ZWNJ/ZWJ, Thai
# marks word breaks with zero-width spaces, and emoji sequences are joined with ZWJ.
_HIDDEN_IN_WORD_RE = re.compile(f"(?<=[{_ALPHABETIC}{_MARKS}])[{_INVISIBLE}]+(?=[{_ALPHABETIC}])")


def zero_width_in_word(text: str, *, published: date | None = None) -> Iterator[Finding]:
    """Invisible characters (zero-width space, joiners, soft hyphen, ...) between two letters.

    Such characters split a word for search and matching while it still reads normally.
    Emoji ZWJ sequences and scripts whose spelling uses joiners are not concerned.
    """
    if "invisible" not in _suspects(text):
        return
    last_end = 0
    for hidden in _HIDDEN_IN_WORD_RE.finditer(text):
        if hidden.start() < last_end:
            continue
        start, end = _word_around(text, hidden.start(), hidden.end())
        last_end = end
        word = text[start:end]
        chars = [c for c in word if c in _INVISIBLE_NAMES]
        names = _named(chars, _INVISIBLE_NAMES)
        visible = "".join(c for c in word if c not in _INVISIBLE_NAMES)
        yield start, end, f"{names} hidden inside '{visible}'"


# --------------------------------------------------------------------------- TH503

# Which openers each pop closes.
_BIDI_CLOSER = {"\u202c": "\u202a\u202b\u202d\u202e", "\u2069": "\u2066\u2067\u2068"}


def bidi_controls(text: str, *, published: date | None = None) -> Iterator[Finding]:
    """Bidi embedding, override and isolate controls, which can reorder how text displays.

    Every control is reported; a pop that closes nothing is said to be one, as such strays are
    usually left over from copying text out of social-media pages rather than planted.
    """
    if "bidi" not in _suspects(text):
        return
    open_controls: list[str] = []
    last = 0
    for run in _BIDI_RE.finditer(text):
        if text.find("\n", last, run.start()) != -1:
            open_controls.clear()  # a paragraph end closes every embedding and isolate
        last = run.end()
        stray = []
        for char in run.group():
            openers = _BIDI_CLOSER.get(char)
            if openers is None:
                open_controls.append(char)
            elif open_controls and open_controls[-1] in openers:
                open_controls.pop()
            else:
                stray.append(char)
        message = "hidden bidi control: " + _named(list(run.group()), _BIDI_NAMES)
        if stray and len(stray) == len(run.group()):
            message += ", closing nothing (likely a copy-paste leftover)"
        yield run.start(), run.end(), message


# --------------------------------------------------------------------------- ST601

#: A paragraph (line) counts towards a repeated body from this many characters: below it are
#: titles (seed 000's is 96), credit lines (90) and headline lists.
REPEAT_MIN_PARAGRAPH = 100
#: A repeated body has at least this many distinct long paragraphs given twice...
REPEAT_MIN_PARAGRAPHS = 2
#: ...totalling at least this many characters (second copies): a standfirst echoing the lead
#: paragraph, or a pull quote, is one paragraph and stays under it.
REPEAT_MIN_CHARS = 400

# Every ASCII byte but letters and digits: what the comparison key drops.
_ASCII_NOISE = bytes(b for b in range(128) if not chr(b).isalnum())
_ASCII_NOISE_BUT_NEWLINE = _ASCII_NOISE.replace(b"\n", b"")
# Lower-cases while it drops the noise: one pass over the bytes instead of two.
_ASCII_LOWER = bytes.maketrans(bytes(range(65, 91)), bytes(range(97, 123)))
_NON_WORD_RE = re.compile(r"[\W_]+")


def _paragraph_key(line: str) -> bytes | str:
    """A paragraph as compared for repetition: its letters and digits, lowercased.

    Copies of a body differ in quote and dash style, no-break spaces and spacing, so all of
    that is dropped. The fast path keeps ASCII letters and digits only (C-speed byte
    operations); a paragraph mostly in another alphabet is keyed on all its word characters.
    """
    key = line.encode("ascii", "ignore").translate(_ASCII_LOWER, _ASCII_NOISE)
    if len(key) * 2 >= len(line):
        return key
    return _NON_WORD_RE.sub("", line).casefold()


def repeated_body(text: str, *, published: date | None = None) -> Iterator[Finding]:
    """The article body given twice in one page, e.g. once as scraped and once as syndicated.

    Paragraphs (lines) are compared on their letters and digits, case aside. Only
    paragraphs given exactly twice count (photo-gallery captions recur many times), and only
    when one place in the page splits them into a first and a second copy: captions shown
    twice in a row, each pair apart from the others, are not a body. The evidence spans the
    second copy, from its first repeated paragraph to its last.
    """
    if len(text) < 2 * REPEAT_MIN_CHARS:
        return
    # Prefilter in a few C passes: the keys of all lines at once; most pages repeat none.
    skeleton = text.encode("ascii", "ignore").translate(_ASCII_LOWER, _ASCII_NOISE_BUT_NEWLINE)
    if len(skeleton) * 2 >= len(text):  # else mostly another alphabet: keys are not ASCII
        lines = [k for k in skeleton.split(b"\n") if len(k) >= REPEAT_MIN_PARAGRAPH // 2]
        if len(set(lines)) == len(lines):
            return
    seen: dict[bytes | str, list[tuple[int, int]]] = {}
    position = 0
    for line in text.split("\n"):
        if len(line) >= REPEAT_MIN_PARAGRAPH:
            seen.setdefault(_paragraph_key(line), []).append((position, position + len(line)))
        position += len(line) + 1
    pairs = [spans for spans in seen.values() if len(spans) == 2]
    if len(pairs) < REPEAT_MIN_PARAGRAPHS:
        return
    # Sweep for the split point covered by the most pairs (first copy before it, second at or
    # after it); it can always be taken at the start of some second copy.
    events = sorted(
        [(first[0], 1, second[1] - second[0]) for first, second in pairs]
        + [(second[0], 0, second[1] - second[0]) for first, second in pairs]
    )
    count = weight = 0
    best = (0, 0, 0)
    for position, is_first, size in events:
        if is_first:
            count, weight = count + 1, weight + size
        else:
            best = max(best, (count, weight, position))
            count, weight = count - 1, weight - size
    count, total, split = best
    if count < REPEAT_MIN_PARAGRAPHS or total < REPEAT_MIN_CHARS:
        return
    copies = [spans for spans in pairs if spans[0][0] < split <= spans[1][0]]
    start = min(second[0] for _, second in copies)
    end = max(second[1] for _, second in copies)
    opening = min(copies, key=lambda spans: spans[1][0])[0][0]
    line_no = text.count("\n", 0, opening) + 1
    yield start, end, (
        f"body repeated: {count} paragraphs ({total:,} chars) first seen at line {line_no}"
    )


# --------------------------------------------------------------------------- ST602

#: Story and page dates further apart than this contradict each other. Reposts, "Updated"
#: stamps, time zones and crawl lag stay within weeks; a month leaves room for all of them.
DATE_MAX_GAP_DAYS = 31
#: The page's own date is looked for on this many first non-empty lines.
DATE_HEADER_LINES = 3

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = r"[0-2]?\d:[0-5]\d"
_TIME_ZONE = r"(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?"
_CLOCK_AFTER = r"\s*(?:[-\u2013\u2014|,@]\s*)?" + _TIME


# Contexts where a date is the story's own (timestamp, byline stamp, dateline), not one the prose
# mentions. One regex of all of them costs ~300 ms/MB, so each is matched only where a cheap
# anchor found by ``str.find`` says it may be: a clock time, a keyword, a parenthesis after a year.
# A date followed by a clock time, ending at the time: 2022-05-31T08:17+0000, 2020-05-03 10:00,
# Tyler Durden Fri, 05/20/2022 - 15:20, March 24, 2022 | 08:12 PM.
_TIMED_DATE_RE = re.compile(
    r"(?:(?<!\d)(?P<ty>(?:19|20)\d\d)-(?P<tm>[01]\d)-(?P<td>[0-3]\d)[T ]" + _TIME
    + r"|(?:\b(?P<twd>" + WEEKDAY + r"),?\s+)?(?P<dt>" + date_pattern("t_") + ")" + _CLOCK_AFTER
    + r")$"
)
# Published March 24, 2022 | Updated: 10:03 EDT, 3 May 2020 | Posted on Fri, 05/20/2022
_STAMP_WORDS = (
    "Published", "Updated", "Posted", "Last updated", "First published",
    "PUBLISHED", "UPDATED", "POSTED",
)
_STAMPED_DATE_RE = re.compile(
    r"(?:" + "|".join(_STAMP_WORDS) + r")(?:\s+on)?:?\s*(?:" + _TIME + _TIME_ZONE + r",?\s+)?"
    r"(?:(?P<kwd>" + WEEKDAY + r"),?\s+)?(?P<kw>" + date_pattern("k_") + ")"
)
# A dateline (framing.sources.DATELINE_RE) opens its line and is short.
_DATELINE_MAX = 160
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
# Pages with comment threads carry a timestamp per comment; the story's own come first, and
# adversarial input must not make the check quadratic-looking.
_MAX_ATTEMPTS = 500
# A header line that is nothing but a date, or a "date 2022-05-31 <url>" record line.
_HEADER_DATE_RE = re.compile(
    r"\s*(?:(?i:date)[:=]?\s+(?P<hd>" + date_pattern("h_") + r")(?:\s+\S+)?"
    r"|(?:(?P<hwd>" + WEEKDAY + r"),?\s+)?(?P<only>" + date_pattern("o_") + r")"
    r"(?:\s*(?:[-\u2013\u2014|,@]|at)?\s*" + _TIME + _TIME_ZONE + r")?)\s*"
)


def _weekday_filter(days: list[date], weekday: str | None) -> list[date]:
    """Keep the readings that fall on the printed weekday, if any does."""
    if not weekday or len(days) < 2:
        return days
    index = _WEEKDAYS.index(weekday[:3].lower())
    matching = [d for d in days if d.weekday() == index]
    return matching or days


def _page_dates(text: str) -> tuple[list[date], int]:
    """The page's own date from its header lines, and where the header ends (0 if none)."""
    position = seen = 0
    while seen < DATE_HEADER_LINES and position < len(text):
        end = text.find("\n", position)
        end = len(text) if end == -1 else end
        # A header line is short (a date and perhaps a URL): longer ones need no copying.
        line = text[position : min(end, position + 1000)]
        if line.strip():
            seen += 1
            match = _HEADER_DATE_RE.fullmatch(line)
            if match is not None:
                groups = match.groupdict()
                days = readings(groups, "h_") if groups["hd"] else readings(groups, "o_")
                days = _weekday_filter(days, groups["hwd"])
                if days:
                    return days, end
        position = end + 1
    return [], 0


def _story_dates(text: str, skip_before: int) -> list[tuple[int, int, list[date]]]:
    """Story dates after ``skip_before`` as ``(start, end, readings)``, in text order."""
    found: list[tuple[int, int, list[date]]] = []
    attempts = 0
    colon = text.find(":", skip_before)
    while colon != -1 and attempts < _MAX_ATTEMPTS:
        if (
            text[colon + 1 : colon + 3].isdigit()
            and text[colon - 1 : colon].isdigit()
            and _YEAR_RE.search(text, max(skip_before, colon - 20), colon)
        ):
            attempts += 1
            match = _TIMED_DATE_RE.search(text, max(skip_before, colon - 50), colon + 3)
            if match and match["ty"]:
                days = readings({"iy": match["ty"], "im": match["tm"], "id": match["td"]})
                found.append((match.start(), match.end(), days))
            elif match:
                days = _weekday_filter(readings(match.groupdict(), "t_"), match["twd"])
                found.append((*match.span("dt"), days))
        colon = text.find(":", colon + 1)
    for word in _STAMP_WORDS:
        attempts = 0
        at = text.find(word, skip_before)
        while at != -1 and attempts < _MAX_ATTEMPTS:
            if not text[at - 1 : at].isalnum():
                attempts += 1
                match = _STAMPED_DATE_RE.match(text, at)
                if match:
                    days = _weekday_filter(readings(match.groupdict(), "k_"), match["kwd"])
                    found.append((*match.span("kw"), days))
            at = text.find(word, at + len(word))
    attempts = 0
    close = text.find(")", skip_before)
    while close != -1 and attempts < _MAX_ATTEMPTS:
        if text[close - 4 : close].isdigit():
            # A dateline opens its line and is short: no need to look further back.
            line_start = text.rfind("\n", max(skip_before, close - _DATELINE_MAX), close) + 1
            if line_start or close <= _DATELINE_MAX:
                attempts += 1
                # One dateline grammar for all (framing/sources.py): this one is the story's
                # when its date closes the parenthesis found.
                match = DATELINE_RE.match(text, max(line_start, skip_before))
                if match and match["date"] and match.end("date") == close:
                    days = readings(match.groupdict(), DATELINE_DATE_GROUPS)
                    found.append((*match.span("date"), days))
        close = text.find(")", close + 1)
    return sorted(item for item in found if item[2])


def date_contradiction(text: str, *, published: date | None = None) -> Iterator[Finding]:
    """The page's date and the story's own byline or timestamp dates disagree by over a month.

    The page date is ``published`` when given, else a date standing alone (or as a
    ``date YYYY-MM-DD`` record) on one of the first lines. Story dates are only taken from
    timestamps, "Published/Updated" stamps and datelines, never from dates the prose mentions.
    Nothing is flagged while any story date agrees with the page date, as "Published" and
    "Updated" stamps legitimately differ.
    """
    if isinstance(published, datetime):  # a date too, but one that cannot be subtracted from dates
        published = published.date()
    if published is not None:
        page, skip = [published], 0
    else:
        page, skip = _page_dates(text)  # only looks at the first lines: cheap
    if not page:
        return
    first: tuple[int, int, date, int] | None = None
    for start, end, days in _story_dates(text, skip):
        gap, story = min((abs((d - p).days), d) for d in days for p in page)
        if gap <= DATE_MAX_GAP_DAYS:
            return
        if first is None:
            first = (start, end, story, gap)
    if first is None:
        return
    start, end, story, gap = first
    page_day = min(page, key=lambda p: abs((story - p).days))
    yield start, end, (
        f"page dated {page_day.isoformat()} but story dated {story.isoformat()} "
        f"({gap:,} days apart)"
    )


# --------------------------------------------------------------------------- registry

_EXAMPLE_BODY = [
    "The first paragraph says what happened, who said it and when it happened in the capital on"
    " Monday morning.",
    "The second paragraph adds the context that readers need, with a quote from an \"official\""
    " who was there - and more.",
    "The third paragraph closes the story with what happens next and when the next meeting of"
    " the two sides will be held.",
    "A last paragraph recalls the background of the dispute and the earlier attempts to settle it"
    " through talks.",
]
# The same body as a second copy typically differs: typographic quotes, dashes, no-break spaces.
_EXAMPLE_BODY_RETYPED = [
    _EXAMPLE_BODY[0].upper(),
    _EXAMPLE_BODY[1].replace(' "', " \u201c").replace('" ', "\u201d ").replace(" - ", " \u2013 "),
    _EXAMPLE_BODY[2].replace("next meeting", "next\u00a0meeting"),
    "  " + _EXAMPLE_BODY[3].replace(" ", "  ") + " ",
]

CHECKS: list[dict] = [
    {
        "id": "TH501",
        "family": "hygiene",
        "name": "mixed-script-word",
        "description": "Latin word disguised with Cyrillic or Latin-looking Greek letters",
        "strength": "strong",
        "check": mixed_script_words,
        "examples": {
            "match": [
                "Fighting near Lu\u043fansk continued.",
                "the Ministry of Defen\u0441e said",
                "\u0421OVID vaccine",
                "support for Ukr\u03b1ine",
                "the \u039dATO summit",
                "\u041c\u043e\u0441\u043a\u0432a said",
            ],
            "no_match": [
                "Fighting near Luhansk continued.",
                "\u041c\u043e\u0441\u043a\u0432\u0430 \u2014 \u041a\u0438\u0457\u0432",
                "\u0391\u03b8\u03ae\u03bd\u03b1 and Athens",
                "levels of TNF\u03b1 and NF-\u03baB rose",
                "IL-1\u03b2 at 50 \u03bcg/ml",
                "Ukraine\u2019s army",
                "don\u0432\u0402\u2122t",
            ],
        },
    },
    {
        "id": "TH502",
        "family": "hygiene",
        "name": "zero-width-in-word",
        "description": "Invisible character (zero-width space, joiner, soft hyphen) inside a word",
        "strength": "strong",
        "check": zero_width_in_word,
        "examples": {
            "match": [
                "the Nazi\u200bs in Kyiv",
                "a special mili\u00adtary operation",
                "Ze\u200dlensky said",
                "\u041f\u0443\u2060\u0442\u0438\u043d said",
            ],
            "no_match": [
                "\ufeffThe start of a file",
                "chair of\u200b \u200bAcme Foods",
                "a coder \U0001f469\u200d\U0001f4bb (@example)",
                "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
                "Zelensky said",
            ],
        },
    },
    {
        "id": "TH503",
        "family": "hygiene",
        "name": "bidi-control",
        "description": "Bidi embedding, override or isolate control: reorders displayed text",
        "strength": "strong",
        "check": bidi_controls,
        "examples": {
            "match": [
                "invoice_\u202egnp.exe",
                "he said \u2067\u05e9\u05dc\u05d5\u05dd\u2069 twice",
                "the post reads \u201c\u202cplease share",
            ],
            "no_match": [
                "plain text",
                "he said \u200f\u05e9\u05dc\u05d5\u05dd\u200e twice",
            ],
        },
    },
    {
        "id": "ST601",
        "family": "structure",
        "name": "repeated-body",
        "description": "The article body appears twice in the same page",
        "strength": "strong",
        "check": repeated_body,
        "examples": {
            "match": [
                "Title\n\n" + "\n\n".join(_EXAMPLE_BODY) + "\n\nAuthor Fri, 05/20/2022 - 15:20\n\n"
                + "\n".join(_EXAMPLE_BODY_RETYPED),
            ],
            "no_match": [
                "A title that is repeated\n\nA title that is repeated\n\n"
                + "The lead paragraph is echoed as a standfirst, which many sites do on "
                "purpose above the article body.\n\n"
                + "The lead paragraph is echoed as a standfirst, which many sites do on "
                "purpose above the article body.\n\n"
                + "Then the story goes on with a second paragraph that is not repeated "
                "anywhere else on the page at all.\n",
                "Short line\nShort line\nShort line\n",
            ],
        },
    },
    {
        "id": "ST602",
        "family": "structure",
        "name": "date-contradiction",
        "description": "The page's date contradicts the story's own byline or timestamp date",
        "strength": "weak",
        "check": date_contradiction,
        "examples": {
            "match": [
                "December 22, 2024\nA headline\n\nTyler Durden Fri, 05/20/2022 - 15:20",
                " date 2022-05-31 https://example.com/a\n\nTitle\n\n2020-01-31T08:17+0000\n",
                "March 1, 2022\n\nWASHINGTON (UrduPoint News / Sputnik - 24th March, 2021) Text",
            ],
            "no_match": [
                " date 2022-05-31 https://example.com/a\n\nTitle\n\n2022-05-31T08:17+0000\n",
                "December 22, 2024\nA headline\n\nThe war began on February 24, 2022.",
                "Sumaira Published March 24, 2022 | 08:12 PM\n\nNo page date here.",
                "May 21, 2022\nTitle\n\nTyler Durden Fri, 05/20/2022 - 15:20",
                "March 1, 2020\nPublished January 3, 2020\nUpdated March 1, 2020",
            ],
        },
    },
]
