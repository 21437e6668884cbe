"""Framing markers: the catalogue, its validation, and the extractor that finds them.

Markers are data. Phrase and pattern markers live in ``framing/data/markers.toml``; markers that
need code (homoglyphs, repeated bodies, contradicting dates) are plain functions listed in
:data:`framing.checks.CHECKS` with the same fields. Both are validated by :func:`validate_entries`,
which collects every problem and raises one :class:`~framing.errors.MarkerDataError`.

All phrases of the catalogue are compiled into one trie-shaped regular expression, so a text is
scanned once whatever the number of phrases. Phrases match regardless of case, of the whitespace
or hyphens between words and of straight or typographic quotes; offsets always refer to the
original text. The trie is compiled on an extractor's first scan, once per process; a text that
encodes to cp1252 (most English-language news) is matched as bytes by the same trie in bytes,
which the regex engine scans faster.

Every finding also says who speaks it (:mod:`framing.voice`): ``voice`` is ``"own"`` (the
article's own voice), ``"quoted"`` (inside quotation marks) or ``"attributed"`` (reported or
distanced in the same sentence: "so-called", "what the Kremlin calls", "Putin said"), and
``rebutted`` is true when the sentence rejects the claim ("without evidence", "false claim") or
the next sentence of the paragraph opens with a rebuttal ("There is no evidence for this.").
Attribution applies to narrative and loaded findings only; syndication findings change voice only
when quoted, and hygiene, structure and ai findings are the page's own unless quoted (never
rebutted).

Markers flagged ``english_only`` are about English spelling or usage ("Kiev", "Donbass",
"Anglo-Saxons" are ordinary words in other languages); :meth:`Extractor.scan` keeps them quiet
when it is told the text is in another language.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from framing import checks
from framing.errors import MarkerCodeError, MarkerDataError
from framing.voice import VoiceContext

#: Families, in the order reports list them, with a one-line meaning.
FAMILIES: dict[str, str] = {
    "narrative": "war euphemisms and Kremlin narrative formulas",
    "loaded": "loaded or contested wording and contrastive spellings (weak, stylistic)",
    "syndication": "state-media syndication and attribution",
    "ai": "AI-generated content: disclosures and chatbot leftovers",
    "hygiene": "hidden characters: mixed-script words, zero-width and bidi controls",
    "structure": "page structure: repeated bodies, contradicting dates, web-page residue",
}
STRENGTHS = ("strong", "weak")
_ID_RE = re.compile(r"^[A-Z]{2}\d{3}$")
_FIELDS_REQUIRED = ("id", "family", "name", "description", "examples")
_FIELDS_KNOWN = set(_FIELDS_REQUIRED) | {
    "phrases", "pattern", "case_sensitive", "requires_any", "strength", "check", "english_only",
}
_EXAMPLE_KINDS = ("match", "no_match", "quoted", "attributed", "rebutted")
#: Families whose entries must show their wording quoted and attributed too (examples.quoted,
#: examples.attributed), so that the voice rules are tested on each of them.
VOICED_FAMILIES = ("narrative", "loaded")

#: Per family, whether attribution cues and rebuttals apply: ``(cues, rebuttals)``. Only
#: narrative and loaded wording can be borrowed from a speaker; a syndication finding is itself an
#: attribution ("RIA Novosti reported", a credit line), so only quotes and rebuttals change it;
#: hidden characters, page structure and AI leftovers are the page's own unless quoted.
_VOICE_RULES: dict[str, tuple[bool, bool]] = {
    **{family: (True, True) for family in VOICED_FAMILIES},
    "syndication": (False, True),
}

# Characters that may stand between two words of a phrase, and the quote variants.
_SEP = r"[\s\u00ad\-\u2010-\u2015\u2212]"
_APOS = "['\u2018\u2019\u201b\u02bc`\u00b4\u2032]"
_DQUOTE = "[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]"
_SEP_STRIP = re.compile(_SEP + "+")
_APOS_RE = re.compile(_APOS)
_DQUOTE_RE = re.compile(_DQUOTE)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One marker found in one text: where, what, and why it matters.

    ``start``/``end`` are character offsets into the scanned text; ``line`` and ``col`` are
    1-based and count characters (code points), like most editors. ``voice`` is ``"own"``,
    ``"quoted"`` or ``"attributed"`` and ``rebutted`` tells whether the sentence rejects the claim
    (see :mod:`framing.voice`); both have defaults so that records stored before they existed
    still load with ``Evidence(**record)``.
    """

    marker_id: str
    family: str
    start: int
    end: int
    line: int
    col: int
    text: str
    message: str
    voice: str = "own"
    rebutted: bool = False

    @property
    def borrowed(self) -> bool:
        """Whether the wording is someone else's or rejected: quoted, attributed or rebutted.

        Such findings count apart from the article's own voice in the model features.
        """
        return self.voice != "own" or self.rebutted

    def to_dict(self) -> dict:
        """A JSON-ready mapping of the record."""
        return {
            "marker_id": self.marker_id,
            "family": self.family,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "col": self.col,
            "text": self.text,
            "message": self.message,
            "voice": self.voice,
            "rebutted": self.rebutted,
        }


@dataclass(frozen=True)
class Marker:
    """One catalogue entry: phrases, a pattern or a check function, with its own examples."""

    id: str
    family: str
    name: str
    description: str
    strength: str = "strong"
    phrases: tuple[str, ...] = ()
    pattern: str | None = None
    case_sensitive: bool = False
    requires_any: tuple[str, ...] = ()
    check: Callable | None = field(default=None, compare=False, repr=False)
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    #: Quiet on text declared in another language than English (see :meth:`Extractor.scan`).
    english_only: bool = False
    examples_quoted: tuple[str, ...] = ()
    examples_attributed: tuple[str, ...] = ()
    examples_rebutted: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``phrases``, ``pattern`` or ``check``: how the marker is matched."""
        if self.check is not None:
            return "check"
        return "pattern" if self.pattern else "phrases"

    def to_dict(self) -> dict:
        """A JSON-ready mapping of the catalogue entry (the check function by name)."""
        out = {
            "id": self.id,
            "family": self.family,
            "name": self.name,
            "description": self.description,
            "strength": self.strength,
            "kind": self.kind,
            "english_only": self.english_only,
        }
        if self.phrases:
            out["phrases"] = list(self.phrases)
        if self.pattern:
            out["pattern"] = self.pattern
        if self.requires_any:
            out["requires_any"] = list(self.requires_any)
        if self.check is not None:
            out["check"] = self.check.__name__
        out["examples"] = {
            "match": list(self.examples_match),
            "no_match": list(self.examples_no_match),
        }
        for kind in ("quoted", "attributed", "rebutted"):
            examples = getattr(self, f"examples_{kind}")
            if examples:
                out["examples"][kind] = list(examples)
        return out


# --------------------------------------------------------------------------- loading


def resolve_codes(codes: Iterable[str], markers: Sequence[Marker] | None = None, *,
                  allow_any: bool = False) -> list[str]:
    """Marker codes as the extractor takes them, checked against the catalogue.

    Each of ``codes`` may hold several, comma-separated. A code is a family name, a marker id or
    an id prefix (``KN1``) that matches at least one marker of ``markers`` (default: the shipped
    catalogue with the code markers), in any case (``kn101`` is ``KN101``); with ``allow_any``,
    also ``any``. Anything else raises :class:`~framing.errors.MarkerCodeError` naming the code
    and the closest valid ones: a typo must not silently select nothing.
    """
    import difflib

    markers = load_markers() if markers is None else markers
    families = {m.family.lower(): m.family for m in markers}
    ids = sorted({m.id for m in markers})
    resolved = []
    for code in (c.strip() for value in codes for c in value.split(",") if c.strip()):
        if allow_any and code.lower() == "any":
            resolved.append("any")
        elif code.lower() in families:
            resolved.append(families[code.lower()])
        elif any(i.startswith(code.upper()) for i in ids):
            resolved.append(code.upper())
        else:
            words = sorted(families.values()) + (["any"] if allow_any else [])
            close = (difflib.get_close_matches(code.upper(), ids, n=3, cutoff=0.6)
                     + difflib.get_close_matches(code.lower(), words, n=2, cutoff=0.6))
            hint = (f"; did you mean {', '.join(close)}?" if close
                    else f"; give marker ids or id prefixes (e.g. {ids[0]}) or one of "
                    f"{', '.join(words)} (see framing markers)")
            raise MarkerCodeError(f"unknown marker id or family {code!r}{hint}")
    return resolved


def default_catalogue_path() -> Path:
    """Path of the catalogue shipped with the package."""
    return Path(str(resources.files("framing") / "data" / "markers.toml"))


def load_markers(path: str | Path | None = None, *, with_checks: bool = True) -> list[Marker]:
    """Load and validate the marker catalogue (the shipped one unless ``path`` is given).

    The code markers of :data:`framing.checks.CHECKS` are appended unless ``with_checks`` is
    false. Raises :class:`MarkerDataError` listing every problem at once.
    """
    path = Path(path) if path is not None else default_catalogue_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise MarkerDataError(f"{path}: cannot read marker catalogue: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise MarkerDataError(f"{path}: invalid TOML: {exc}") from exc
    entries = raw.get("marker", [])
    if not isinstance(entries, list):
        raise MarkerDataError(f"{path}: expected [[marker]] tables")
    entries = list(entries)
    if with_checks:
        entries += checks.CHECKS
    return validate_entries(entries, source=str(path))


def validate_entries(entries: Sequence[dict], source: str = "<markers>") -> list[Marker]:
    """Turn raw entries into :class:`Marker` objects, or raise one error listing every problem."""
    problems: list[str] = []
    markers: list[Marker] = []
    seen_ids: dict[str, int] = {}
    seen_phrases: dict[str, str] = {}
    for index, entry in enumerate(entries, 1):
        where = f"marker #{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a table, got {type(entry).__name__}")
            continue
        mid = entry.get("id")
        if isinstance(mid, str):
            where = f"marker #{index} ({mid})"
        errs = _entry_problems(entry)
        if isinstance(mid, str) and _ID_RE.match(mid):
            if mid in seen_ids:
                errs.append(f"duplicate id, first used by marker #{seen_ids[mid]}")
            seen_ids.setdefault(mid, index)
        for phrase in entry.get("phrases", ()) if isinstance(entry.get("phrases"), list) else ():
            if not isinstance(phrase, str):
                continue
            key = phrase_key(phrase)
            other = seen_phrases.get(key)
            if other is not None and other != mid:
                errs.append(f"phrase {phrase!r} is also a phrase of {other}")
            seen_phrases.setdefault(key, mid)
        if errs:
            problems.extend(f"{where}: {e}" for e in errs)
            continue
        examples = entry["examples"]
        markers.append(
            Marker(
                id=mid,
                family=entry["family"],
                name=entry["name"],
                description=entry["description"],
                strength=entry.get("strength", "strong"),
                phrases=tuple(entry.get("phrases") or ()),
                pattern=entry.get("pattern"),
                case_sensitive=bool(entry.get("case_sensitive", False)),
                requires_any=tuple(x.lower() for x in entry.get("requires_any") or ()),
                check=entry.get("check"),
                examples_match=tuple(examples.get("match", ())),
                examples_no_match=tuple(examples.get("no_match", ())),
                english_only=bool(entry.get("english_only", False)),
                examples_quoted=tuple(examples.get("quoted", ())),
                examples_attributed=tuple(examples.get("attributed", ())),
                examples_rebutted=tuple(examples.get("rebutted", ())),
            )
        )
    if problems:
        raise MarkerDataError(
            f"{source}: {len(problems)} problem(s) in the marker catalogue:\n  "
            + "\n  ".join(problems)
        )
    return markers


def _entry_problems(entry: dict) -> list[str]:
    errs = [f"missing field {name!r}" for name in _FIELDS_REQUIRED if name not in entry]
    errs += [f"unknown field {name!r}" for name in sorted(set(entry) - _FIELDS_KNOWN)]
    mid = entry.get("id")
    if "id" in entry and not (isinstance(mid, str) and _ID_RE.match(mid)):
        errs.append(f"id {mid!r} must be two capital letters and three digits, e.g. KN101")
    if "family" in entry and entry["family"] not in FAMILIES:
        errs.append(f"family {entry['family']!r} is not one of {', '.join(FAMILIES)}")
    for name in ("name", "description"):
        if name in entry and not (isinstance(entry[name], str) and entry[name].strip()):
            errs.append(f"{name!r} must be a non-empty string")
    if entry.get("strength", "strong") not in STRENGTHS:
        errs.append(f"strength must be one of {', '.join(STRENGTHS)}")
    kinds = [k for k in ("phrases", "pattern", "check") if entry.get(k)]
    if len(kinds) != 1:
        errs.append("needs exactly one of 'phrases', 'pattern' or 'check'")
    phrases = entry.get("phrases")
    if phrases is not None and not (
        isinstance(phrases, list) and all(isinstance(p, str) and p.strip() for p in phrases)
    ):
        errs.append("'phrases' must be a list of non-empty strings")
    elif phrases:
        # A '*' anywhere but the very end would compile yet never resolve to its marker.
        errs += [
            f"phrase {p!r}: '*' may only end a phrase"
            for p in phrases
            if isinstance(p, str) and "*" in p.rstrip().rstrip("*")
        ]
    pattern = entry.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str):
            errs.append("'pattern' must be a string")
        else:
            try:
                # Compiled as the extractor will use it, so that it is compiled once: re caches it.
                compiled = re.compile(
                    *_pattern_source(pattern, bool(entry.get("case_sensitive", False)))[:2]
                )
            except re.error as exc:
                errs.append(f"pattern does not compile: {exc}")
            else:
                if compiled.groupindex:
                    errs.append("pattern must not use named groups (use (?:...))")
    requires = entry.get("requires_any")
    if requires is not None:
        if pattern is None:
            errs.append("'requires_any' only goes with 'pattern'")
        elif not (isinstance(requires, list) and requires
                  and all(isinstance(x, str) and x for x in requires)):
            errs.append("'requires_any' must be a list of non-empty strings")
        elif isinstance(entry.get("examples"), dict):
            for example in entry["examples"].get("match") or ():
                if isinstance(example, str) and not any(
                    x.lower() in example.lower() for x in requires
                ):
                    errs.append(f"match example {example!r} contains none of 'requires_any'")
    if "check" in entry and not callable(entry["check"]):
        errs.append("'check' must be a function")
    if not isinstance(entry.get("english_only", False), bool):
        errs.append("'english_only' must be true or false")
    examples = entry.get("examples")
    if "examples" in entry:
        if not isinstance(examples, dict):
            errs.append("'examples' must be a table with 'match' and 'no_match' lists")
        else:
            errs += [
                f"unknown examples.{kind} (known: {', '.join(_EXAMPLE_KINDS)})"
                for kind in sorted(set(examples) - set(_EXAMPLE_KINDS))
            ]
            match = examples.get("match")
            no_match = examples.get("no_match")
            if not (isinstance(match, list) and match and all(isinstance(x, str) for x in match)):
                errs.append("examples.match must list at least one text")
            if not (
                isinstance(no_match, list)
                and no_match
                and all(isinstance(x, str) for x in no_match)
            ):
                errs.append("examples.no_match must list at least one text")
            voiced = entry.get("family") in VOICED_FAMILIES
            for kind in ("quoted", "attributed", "rebutted"):
                texts = examples.get(kind)
                if texts is None:
                    if voiced and kind != "rebutted":
                        errs.append(
                            f"examples.{kind} must list at least one text "
                            f"({entry.get('family')} markers show their wording {kind})"
                        )
                elif not (
                    isinstance(texts, list) and texts and all(isinstance(x, str) for x in texts)
                ):
                    errs.append(f"examples.{kind} must list at least one text")
    return errs


# --------------------------------------------------------------------------- phrases


def phrase_key(text: str) -> str:
    """Canonical form of a phrase or matched span: case, separators and quote style removed."""
    text = _SEP_STRIP.sub("", text.lower())
    text = _APOS_RE.sub("'", text)
    return _DQUOTE_RE.sub('"', text).rstrip("*")


def _phrase_units(phrase: str) -> list[str]:
    """Split a phrase into regex units: one per character, separators and quotes as classes."""
    units: list[str] = []
    words = phrase.strip().split()
    for w_index, word in enumerate(words):
        if w_index:
            units.append(_SEP + "+")
        for c_index, ch in enumerate(word):
            if ch == "*" and c_index == len(word) - 1:
                units.append(r"\w*")
            elif ch == "-":
                units.append(_SEP + "*")
            elif _APOS_RE.fullmatch(ch):
                units.append(_APOS)
            elif _DQUOTE_RE.fullmatch(ch):
                units.append(_DQUOTE)
            else:
                units.append(re.escape(ch.lower()))
    return units


def _trie_sources(phrases: Iterable[str]) -> tuple[str, bytes | None]:
    """One regex matching any of ``phrases``, factored as a trie (shared prefixes are tried
    once), and the same trie for lower-cased text encoded to cp1252 (``None`` if no phrase can
    match such text).

    The bytes regex has the same branches in the same order, less those needing a character
    that cp1252 lacks; each unit matches a byte exactly when the str unit matches its character
    (:func:`_cp1252_unit`), so both find the same matches at the same offsets.
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for unit in _phrase_units(phrase):
            node = node.setdefault(unit, {})
        node[""] = {}

    def emit(node: dict) -> tuple[str, bytes | None]:
        ends = "" in node
        items = []
        for unit, child in node.items():
            if unit:
                text_child, bytes_child = emit(child)
                bytes_unit = _cp1252_unit(unit)
                if bytes_unit is not None and bytes_child is not None:
                    bytes_child = bytes_unit + bytes_child
                else:
                    bytes_child = None
                items.append((unit + text_child, bytes_child))
        if not items:  # a leaf: the end of a phrase
            return "", b""
        if len(items) == 1:
            text_body, bytes_body = items[0]
        else:
            # Longest alternatives first: Python's regex takes the first alternative that
            # matches.
            items.sort(key=lambda item: len(item[0]), reverse=True)
            text_body = "(?:" + "|".join([t for t, _ in items]) + ")"
            possible = [b for _, b in items if b is not None]
            if len(possible) > 1:
                bytes_body = b"(?:" + b"|".join(possible) + b")"
            else:
                bytes_body = possible[0] if possible else None
        if ends:
            text_body = "(?:" + text_body + ")?"
            bytes_body = b"" if bytes_body is None else b"(?:" + bytes_body + b")?"
        return text_body, bytes_body

    return emit(trie)


# ----------------------------------------------------------------------- cp1252

# cp1252 is the one-byte code page of ordinary English-language news: Latin-1 letters, curly
# quotes, dashes, euro, bullet (nine in ten ReCOVery texts encode to it; Cyrillic, the Unicode
# hyphen and minus do not). The phrase trie matches the bytes of such a text about 1.5 times as
# fast as its characters, as byte classes are bitmaps where character classes test categories.
class _Cp1252:
    """cp1252 as the phrase trie reads it; built on first use (:func:`_cp1252`), as loading the
    codec costs the command line's ``--help`` a few ms."""

    def __init__(self):
        #: byte -> character (five bytes are unassigned: an encoded text never holds them).
        self.chars: dict[int, str] = {}
        for byte in range(256):
            try:
                self.chars[byte] = bytes([byte]).decode("cp1252")
            except UnicodeDecodeError:
                pass
        self.char_set = frozenset(self.chars.values())
        #: Lower-cases cp1252 bytes as ``str.lower`` does their characters (one for one).
        self.lower = bytes(
            self.chars[b].lower().encode("cp1252")[0] if b in self.chars else b
            for b in range(256)
        )
        self.word, self.non_word = self.byte_class(r"\w"), self.byte_class(r"\W")
        self.units = {
            _SEP + "+": self.byte_class(_SEP) + b"+",
            _SEP + "*": self.byte_class(_SEP) + b"*",
            r"\w*": self.word + b"*",
            _APOS: self.byte_class(_APOS),
            _DQUOTE: self.byte_class(_DQUOTE),
        }

    def byte_class(self, regex: str) -> bytes | None:
        """A byte class of the bytes whose character ``regex`` (one character) matches."""
        compiled = re.compile(regex)
        found = [b for b, char in self.chars.items() if compiled.fullmatch(char)]
        return (b"[" + b"".join(re.escape(bytes([b])) for b in found) + b"]") if found else None


@functools.cache
def _cp1252() -> _Cp1252:
    return _Cp1252()


@functools.lru_cache(maxsize=1024)
def _cp1252_unit(unit: str) -> bytes | None:
    """The bytes form of a unit of :func:`_phrase_units` (``None``: its character is not in
    cp1252); a unit that is no class is an escaped literal."""
    units = _cp1252().units
    if unit in units:
        return units[unit]
    literal = re.sub(r"\\(.)", r"\1", unit, flags=re.DOTALL)  # re.escape undone
    try:
        return re.escape(literal.encode("cp1252"))
    except UnicodeEncodeError:
        return None


def _cp1252_or_none(text: str) -> bytes | None:
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return None


# A text with a few characters outside cp1252 (a Cyrillic letter in a Latin word, a Unicode
# minus) is matched as cp1252 bytes too, each such character standing in for what it is to the
# phrase trie once lower-cased: itself when that is in cp1252 (the Kelvin sign lower-cases to
# "k"), else a separator, an apostrophe, a double quote, a word character or none of these. A
# catalogue whose phrases use none of the stand-ins but as such (all of the shipped one) is
# matched the same; the text's lower-cased form must keep its length, as for the text route.
_STAND_IN_WORD, _STAND_IN_OTHER = "\u00aa", "\x00"
_MAX_STAND_INS = 64  # more, and the error handler's calls cost more than the text route
_WORD_RE = re.compile(r"\w")
_SEP_RE = re.compile(_SEP)


@functools.lru_cache(maxsize=4096)
def _stand_in(char: str) -> str:
    """What the phrase trie reads for a character outside cp1252 (see above)."""
    lower = char.lower()
    if len(lower) != 1:
        return ""  # the text route reads such a text (it folds case instead)
    if lower in _cp1252().char_set:
        return lower
    # The classes the trie tests it with: a stand-in must be in the same ones (the modifier
    # letter apostrophe is both a word character and an apostrophe: no stand-in is).
    classes = tuple(bool(regex.match(lower)) for regex in (_WORD_RE, _SEP_RE, _APOS_RE, _DQUOTE_RE))
    return _STAND_INS.get(classes, "")


_STAND_INS = {
    (True, False, False, False): _STAND_IN_WORD,
    (False, True, False, False): " ",
    (False, False, True, False): "'",
    (False, False, False, True): '"',
    (False, False, False, False): _STAND_IN_OTHER,
}


def _stand_ins(error: UnicodeEncodeError) -> tuple[str, int]:
    out = "".join(_stand_in(char) for char in error.object[error.start : error.end])
    if len(out) != error.end - error.start:
        raise error
    return out, error.end


codecs.register_error("framing-stand-in", _stand_ins)


def _encode_cp1252(text: str, *, stand_ins: bool = False) -> tuple[bytes | None, bool]:
    """``text`` in cp1252, or ``None``, and whether that holds every character; with
    ``stand_ins``, a text with a few characters outside cp1252 comes with stand-ins for them
    (see above). The hygiene checks are told how the text encodes (they encode it too)."""
    if text.isascii():  # O(1); the checks know it at once too
        return text.encode("ascii"), True
    try:
        encoded = text.encode("cp1252")
    except UnicodeEncodeError as exc:
        checks.note_cp1252(text, exc)
        if not stand_ins or len(text) - len(text.encode("cp1252", "ignore")) > _MAX_STAND_INS:
            return None, False
        try:
            return text.encode("cp1252", "framing-stand-in"), False
        except UnicodeEncodeError:
            return None, False
    checks.note_cp1252(text, None)
    return encoded, True


# --------------------------------------------------------------------------- extractor


class Extractor:
    """Finds every marker of a catalogue in a text.

    Build it once and call :meth:`scan` per text: compiling the phrase trie is the costly part,
    done on the first scan and shared by every extractor of the process with the same phrases.
    ``select`` and ``ignore`` take marker ids, id prefixes (``KN1``) or family names.
    """

    def __init__(
        self,
        markers: Sequence[Marker] | None = None,
        *,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
    ):
        markers = list(load_markers() if markers is None else markers)
        self.markers = [m for m in markers if _chosen(m, tuple(select), tuple(ignore))]
        self.by_id = {m.id: m for m in self.markers}
        self._phrase_owner: dict[str, Marker] = {}
        self._wild_owner: list[tuple[str, Marker]] = []
        for marker in self.markers:
            for phrase in marker.phrases:
                if phrase.rstrip().endswith("*"):
                    self._wild_owner.append((phrase_key(phrase), marker))
                else:
                    self._phrase_owner[phrase_key(phrase)] = marker
        self._wild_owner.sort(key=lambda item: len(item[0]), reverse=True)
        self._compile()

    def _compile(self, *, patterns: bool = True) -> None:
        """Set up the regexes of ``self.markers`` (the patterns too unless ``patterns`` is false).

        The phrase trie, whose compilation is most of the cost of building an extractor, is
        built and compiled on first use, once per process (:class:`_PhraseRegex`); its
        case-folding variant only for a text that needs it. An extractor unpickled with a model
        may never scan.
        """
        phrases = tuple(p for m in self.markers for p in m.phrases)
        # Phrases whose key has a character need one to match (see _PhraseRegex); the keys are
        # those of the owner tables.
        keys = [*self._phrase_owner, *(key for key, _ in self._wild_owner)]
        self._phrases = _PhraseRegex(phrases, padded=all(keys)) if phrases else None
        # Each pattern is its own regex: joined into one alternation they lose the literal-prefix
        # search that makes each of them fast alone.
        if patterns:
            self._patterns = [_compile_pattern(m) for m in self.markers if m.pattern]
            self._checks = [m for m in self.markers if m.check is not None]
        # requires_any as cp1252 bytes too, for texts read as such (None: cannot occur in them).
        self._needles = [
            tuple(_cp1252_or_none(x) for x in marker.requires_any)
            for _, marker, _ in self._patterns
        ]

    # Models pickle an extractor inside their marker features. The pickled form stays the one
    # extractors have always had (compiled regexes in the old form), so that models pickle to
    # the same bytes as before and pickles made before load unchanged.
    _PICKLED = ("markers", "by_id", "_phrase_owner", "_wild_owner")
    _KEPT = ("_patterns", "_checks")

    def __getstate__(self) -> dict:
        state = {name: self.__dict__[name] for name in self._PICKLED}
        state["_phrases_lower"] = state["_phrases_folded"] = None
        if self._phrases is not None:
            legacy = _phrase_sources(self._phrases.phrases, padded=False)[0]
            state["_phrases_lower"] = _regex(legacy)
            state["_phrases_folded"] = _regex(legacy, re.IGNORECASE)
        state.update({name: self.__dict__[name] for name in self._KEPT})
        return state

    def __setstate__(self, state: dict) -> None:
        # The patterns as unpickled (compiled by the unpickling already); the phrase trie anew,
        # as its scanning form is not the pickled one.
        self.__dict__.update({name: state[name] for name in self._PICKLED + self._KEPT})
        self._compile(patterns=False)

    def scan(
        self, text: str, *, published: date | None = None, language: str | None = None
    ) -> list[Evidence]:
        """All evidence in ``text``, sorted by position, each with its voice.

        ``published`` is the page's own date when the caller knows it (e.g. a JSONL field); the
        date check compares it with the dates the story gives. ``language`` is the language the
        text declares (``"en"``, ``"de"``, ``"en-GB"``): when given and not English, markers
        flagged ``english_only`` stay quiet. ``None`` (unknown) keeps every marker.
        """
        foreign = language is not None and _primary_subtag(language) != "en"
        hits: list[tuple[int, int, Marker, str]] = []
        # The text lower-cased after one space, as the padded phrase regexes read it: as cp1252
        # bytes when it encodes to them (most news does), else as text. Substring look-ups
        # (requires_any) skip that space.
        lower: str | bytes | None = None
        regex = None
        exact = True  # False: ``lower`` holds stand-ins for characters outside cp1252
        if self._phrases is None or self._phrases.padded:
            encoded, exact = _encode_cp1252(
                text, stand_ins=self._phrases is not None and self._phrases.stand_ins
            )
            if encoded is not None:
                lower = subject = b" " + encoded.translate(_cp1252().lower)
                if self._phrases is not None:
                    regex = self._phrases.bytes_regex()  # None: no phrase can match it
        if lower is None:
            lower = (" " + text).lower()
            if self._phrases is None:
                pass
            elif len(lower) == len(text) + 1:
                regex, subject = self._phrases.regex(), lower
            else:
                regex, subject = self._phrases.regex(folded=True), " " + text
        if regex is not None and self._phrases.padded:
            # A match is the non-word character and the phrase: offsets in ``subject`` are one
            # more than in ``text``, so the phrase starts where the match does. The search, not
            # finditer, so that the next match may take the last character of this one as its
            # preceding non-word character, as the lookbehind did.
            in_bytes = isinstance(subject, bytes)
            search = regex.search
            match = search(subject)
            while match is not None:
                start, end = match.span()
                span = text[start : end - 1] if in_bytes else subject[start + 1 : end]
                marker = self._phrase_owner_of(span)
                if marker is not None and not (foreign and marker.english_only):
                    hits.append((start, end - 1, marker, marker.description))
                match = search(subject, end - 1)
        elif regex is not None:
            for match in regex.finditer(subject, 1):
                marker = self._phrase_owner_of(match.group())
                if marker is not None and not (foreign and marker.english_only):
                    hits.append((match.start() - 1, match.end() - 1, marker, marker.description))
        newline_text = None
        in_bytes = isinstance(lower, bytes)
        for (regex, marker, line_start), needles in zip(self._patterns, self._needles, strict=True):
            if foreign and marker.english_only:
                continue
            if marker.requires_any:
                if in_bytes and not exact:  # stand-ins are no characters to look up
                    lower, in_bytes = (" " + text).lower(), False
                if not any(
                    x is not None and lower.find(x, 1) != -1
                    for x in (needles if in_bytes else marker.requires_any)
                ):
                    continue
            if line_start:
                # The regex starts with a literal "\n" in place of "^"; a leading "\n" makes
                # the first line a line like the others. Offsets shift back by that one char.
                if newline_text is None:
                    newline_text = "\n" + text
                for match in regex.finditer(newline_text):
                    hits.append((match.start(), match.end() - 1, marker, marker.description))
            else:
                for match in regex.finditer(text):
                    hits.append((match.start(), match.end(), marker, marker.description))
        for marker in self._checks:
            if foreign and marker.english_only:
                continue
            for start, end, message in marker.check(text, published=published):
                hits.append((start, end, marker, message))
        if not hits:
            return []
        hits.sort(key=lambda h: (h[0], h[1], h[2].id))
        line_starts = _LineIndex(text)
        # Built only for texts with findings; it analyses only the paragraphs holding them.
        voices = VoiceContext(text)
        out = []
        for start, end, marker, message in hits:
            line, col = line_starts.locate(start)
            cues, rebuttals = _VOICE_RULES.get(marker.family, (False, False))
            voice, rebutted = voices.voice(start, end, cues=cues, rebuttals=rebuttals)
            out.append(
                Evidence(
                    marker.id, marker.family, start, end, line, col, text[start:end], message,
                    voice, rebutted,
                )
            )
        return out

    def _phrase_owner_of(self, span: str) -> Marker | None:
        key = phrase_key(span)
        marker = self._phrase_owner.get(key)
        if marker is None:
            for prefix, owner in self._wild_owner:
                if key.startswith(prefix):
                    return owner
        return marker


def _primary_subtag(language: str) -> str:
    """``"en"`` for ``"en"``, ``"EN-gb"``, ``"en_US"``."""
    return language.strip().lower().replace("_", "-").split("-", 1)[0]


@functools.lru_cache(maxsize=256)
def _regex(source: str | bytes, flags: int = 0) -> re.Pattern:
    """``source`` compiled, once per process for every extractor that needs it.

    The flags of a str pattern include ``re.UNICODE``, as ``Pattern.flags`` reports them and as
    a pickled pattern is compiled again: an extractor built here and one unpickled with a model
    then share re's own cache too, where ``re.compile(source)`` and the pickle's ``(source,
    re.UNICODE)`` are two keys and so two compilations.
    """
    return re.compile(source, flags | (re.UNICODE if isinstance(source, str) else 0))


@functools.lru_cache(maxsize=64)
def _phrase_sources(phrases: tuple[str, ...], *, padded: bool) -> tuple[str, bytes | None]:
    """The phrase trie as regex source, for text and (``padded`` only) for cp1252 bytes; built
    once per process for each set of phrases.

    A pattern that opens with a lookbehind is tried at every position of the text; one that
    opens with a consumed non-word character (``padded``) only after those, which the engine
    finds in C: some 20% faster. Its matches start one character before the phrase, and the text
    needs one character before its start (:meth:`Extractor.scan` reads it after a space).
    """
    trie, trie_bytes = _trie_sources(phrases)
    text_source = (r"\W" if padded else r"(?<!\w)") + trie + r"(?!\w)"
    if not padded or trie_bytes is None:
        return text_source, None
    cp1252 = _cp1252()
    return text_source, cp1252.non_word + trie_bytes + b"(?!" + cp1252.word + b")"


class _PhraseRegex:
    """An extractor's phrase regexes, built and compiled on first use.

    ``padded`` (:func:`_phrase_sources`) unless a phrase may match no character at all (a lone
    ``*``, which would stall the search that reads a padded match after another); such phrases
    have empty keys. Matching lower-cased text without IGNORECASE is about twice as fast; the
    folded variant serves the rare text whose lower-casing changes its length (offsets). A
    padded trie also comes in bytes, for text that encodes to cp1252 (:meth:`bytes_regex`).
    """

    __slots__ = ("phrases", "padded", "stand_ins", "_compiled")

    def __init__(self, phrases: tuple[str, ...], *, padded: bool):
        self.phrases, self.padded = phrases, padded
        # Whether texts with a few characters outside cp1252 may be read with stand-ins for
        # them (see _stand_in): not if a phrase holds such a character or a stand-in.
        chars = {char for phrase in phrases for char in phrase.lower()}
        self.stand_ins = chars <= _cp1252().char_set and not (
            chars & {_STAND_IN_WORD, _STAND_IN_OTHER}
        )
        self._compiled: dict[str, re.Pattern | None] = {}

    def regex(self, *, folded: bool = False) -> re.Pattern:
        """The regex for lower-cased text, or ``folded`` for text as it is (IGNORECASE)."""
        key = "folded" if folded else "lower"
        regex = self._compiled.get(key)
        if regex is None:
            source = _phrase_sources(self.phrases, padded=self.padded)[0]
            regex = self._compiled[key] = _regex(source, re.IGNORECASE if folded else 0)
        return regex

    def bytes_regex(self) -> re.Pattern | None:
        """The padded regex for lower-cased cp1252 bytes; ``None`` when the trie is not padded
        or no phrase can match such text."""
        if "bytes" not in self._compiled:
            source = _phrase_sources(self.phrases, padded=self.padded)[1]
            self._compiled["bytes"] = None if source is None else _regex(source)
        return self._compiled["bytes"]


def _compile_pattern(marker: Marker) -> tuple[re.Pattern, Marker, bool]:
    """Compile a pattern marker; a pattern opening with ``^`` becomes a newline-led one.

    Python's regex engine tries a pattern at every position unless it starts with a literal,
    which it finds with a fast scan: a line-anchored pattern is some five times faster when its
    ``^`` is spelt as the newline that precedes the line. Only a pattern without top-level
    alternation can be rewritten that way.
    """
    source, flags, line_start = _pattern_source(marker.pattern, marker.case_sensitive)
    return re.compile(source, flags), marker, line_start


def _pattern_source(pattern: str, case_sensitive: bool) -> tuple[str, int, bool]:
    """``(source, flags, line_start)`` of a pattern as :func:`_compile_pattern` compiles it."""
    flags = re.MULTILINE | (0 if case_sensitive else re.IGNORECASE)
    if pattern.startswith("^") and not _has_top_level_bar(pattern):
        return "\n" + pattern[1:], flags, True
    return pattern, flags, False


def _has_top_level_bar(pattern: str) -> bool:
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


class _LineIndex:
    """Maps character offsets to 1-based (line, column) pairs."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def locate(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _chosen(marker: Marker, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    def hit(codes: tuple[str, ...]) -> bool:
        return any(marker.id.startswith(c) or marker.family == c for c in codes)

    return (not select or hit(select)) and not hit(ignore)
