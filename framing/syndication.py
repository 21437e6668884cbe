"""Syndication and narrative reuse: passages of text that one source shares with another.

:func:`find_shared_passages` finds passages (a sentence or more, at least ``min_words`` words)
that articles of different sources share, near-verbatim: "urdupoint.com republishes
sputniknews.com text". :func:`link_sources` turns them into one :class:`SourceLink` per pair of
sources, with who copied whom where publication dates or credit lines tell.

How, in three steps, so that 100k articles never meet all pairs:

1. **Normalise.** Case, quotes, dashes, no-break spaces, invisible characters and Latin words
   disguised with Cyrillic or Greek look-alike letters ("Lu\u043fansk", "Defen\u0441e") are
   mapped to one form, character for character, so offsets still point into the original text;
   URLs are blanked (two articles linking the same page share no text). Words are then hashed
   in bulk by numpy over the UTF-8 bytes.
2. **Index.** Every article's word 4-grams are hashed and winnowed (the smallest hash of every
   window of four 4-grams is kept, Schleimer et al., SIGMOD 2003): any run of seven or more words
   two articles share gives both the same fingerprint. Sorting the fingerprints groups the
   articles that share each one; two articles of different sources sharing two fingerprints
   (weighted, see below) are a candidate pair.
3. **Verify.** A candidate pair is compared sentence by sentence (long sentences cut into windows
   of at most 40 words) on word 3-grams: two sentences match when the share of the shorter one's
   3-grams found in the other (containment, Broder 1997) reaches ``threshold``, which tolerates
   sentences split or joined differently. Matching sentences that follow each other in both
   articles, allowing one sentence inserted or dropped, merge into one passage, kept if the
   Dice coefficient of its two sides' 3-gram sets reaches ``threshold`` and if both sides hold
   ``min_words`` words outside quotation marks: outlets quote the same statement word for word
   without copying one another, so quotes do not count towards a passage's size.

Boilerplate is kept out in three ways. A fingerprint in more than ``max_sources`` sources, or
on most pages of two sources or more (a comment form, a newsletter box: furniture of the same
software), proves nothing: its words take no part in matching and sentences made mostly of such
fingerprints are dropped. Lines repeated three times or more in one article (page furniture such
as Sputnik's "feedback@sputniknews.com ... MIA Rosiya Segodnya" line) are dropped too. And a
fingerprint weighs 1/(k-1) when k sources share it, so that phrases many outlets happen to use
do not make candidates.

Direction: an article whose dateline or credit line names the other article's source ("WASHINGTON
(UrduPoint News / Sputnik - ...)", "Source: CNN") took its text from it; otherwise the article
published later copied the earlier one. The credit comes first because dates can mislead: a
republisher's article can be older than the source article that repeats the same background
paragraph.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from framing.sources import credit_lines, datelines, outlet_domain

__all__ = ["SharedPassage", "SourceLink", "find_shared_passages", "link_sources", "normalize"]


@dataclass(frozen=True)
class SharedPassage:
    """A passage two articles of different sources share.

    ``start_a:end_a`` and ``start_b:end_b`` are character offsets into the two articles' texts
    (``text_a == text[start_a:end_a]``); the two sides may differ in quotes, whitespace, a few
    words or look-alike letters. ``similarity`` is the Dice coefficient of the two sides' sets
    of word 3-grams (0..1, 1 for the same words in the same order). ``origin`` is the source
    (``source_a`` or ``source_b``) the text came from when a credit line or the publication
    dates tell, else ``None``.
    """

    source_a: str
    article_a: str
    start_a: int
    end_a: int
    source_b: str
    article_b: str
    start_b: int
    end_b: int
    text_a: str
    text_b: str
    similarity: float
    origin: str | None = None

    def swapped(self) -> SharedPassage:
        """The same passage with sides a and b exchanged."""
        return replace(
            self,
            source_a=self.source_b, article_a=self.article_b,
            start_a=self.start_b, end_a=self.end_b,
            source_b=self.source_a, article_b=self.article_a,
            start_b=self.start_a, end_b=self.end_a,
            text_a=self.text_b, text_b=self.text_a,
        )


@dataclass(frozen=True)
class SourceLink:
    """One source reusing another's text: ``source`` republishes text of ``origin``.

    ``source`` is the later or republishing source when credit lines or publication dates tell
    (``direction_known``), else by convention the one with fewer articles sharing text in this
    link (ties: the name sorting last). ``passages`` counts distinct shared passages (one
    span of an article found in several articles of the other source counts once),
    ``articles`` the article pairs involved; ``examples`` are the longest distinct passages,
    side a being ``source``.
    """

    source: str
    origin: str
    passages: int
    articles: int
    examples: tuple[SharedPassage, ...]
    direction_known: bool


# --------------------------------------------------------------------------- normalisation

# Every substitution maps one character to one character, so that offsets in the normalised
# text are offsets in the original. "'" doubles as the in-word joiner: the tokenizer drops it
# between two letters, so "Russia's" is one word and "Ukr<ZWSP>aine" is "ukraine".
_SPECIAL = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u02b9", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a\u02ba", '"'),
    **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u202f\u205f\u3000\u2028\u2029\u0085", " "),
    **dict.fromkeys("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
_FREQUENT = "\u2019\u201c\u201d\u2018\u2014\u2013\u00a0"
# Non-ASCII characters that are not word characters: mapped above, combining marks join the
# word they sit in (decomposed accents), anything else (bullets, ellipses, symbols) is a space.
_NON_WORD_RE = re.compile(r"[^\x00-\x7f\w]")
_MARKS_RE = re.compile("[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

_FOREIGN = "\u0370-\u03ff\u0400-\u052f"
_FOREIGN_RE = re.compile(f"[{_FOREIGN}]")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
# Cyrillic and Greek lowercase letters that pass for Latin ones (the text is lowercased first).
# Only words that also hold Latin letters are mapped: Russian or Greek text stays as it is.
_CONFUSABLES = str.maketrans({
    "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u0451": "e", "\u043a": "k", "\u043c": "m",
    "\u043d": "h", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0442": "t", "\u0443": "y",
    "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0457": "i", "\u0458": "j", "\u0501": "d",
    "\u04bb": "h", "\u051b": "q", "\u051d": "w", "\u043f": "n", "\u0433": "r", "\u0461": "w",
    "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b9": "i", "\u03ba": "k", "\u03bd": "v",
    "\u03bf": "o", "\u03c1": "p", "\u03c4": "t", "\u03c5": "u", "\u03c7": "x", "\u03f2": "c",
    "\u03f3": "j", "\u03b7": "n", "\u03bc": "u", "\u03b3": "y",
})


def _special(match: re.Match[str]) -> str:
    char = match.group()
    mapped = _SPECIAL.get(char)
    if mapped is not None:
        return mapped
    return "'" if _MARKS_RE.match(char) else " "


_LATIN_LETTERS = "a-z\u00e0-\u024f"
# Where a Latin letter meets a Cyrillic or Greek one: one regex pass finds every mixed word,
# so Russian or Greek text costs no per-word work.
_SEAM_RE = re.compile(f"[{_LATIN_LETTERS}][{_FOREIGN}]|[{_FOREIGN}][{_LATIN_LETTERS}]")


def _unconfuse(text: str) -> str:
    """Lowercase ``text`` with the look-alike letters of mixed-script words made Latin."""
    pieces = []
    done = 0
    for seam in _SEAM_RE.finditer(text):
        if seam.start() < done:
            continue
        start = seam.start()
        while start > done and text[start - 1].isalpha():
            start -= 1
        end = _LETTERS_RE.match(text, seam.start()).end()
        pieces.append(text[done:start])
        pieces.append(text[start:end].translate(_CONFUSABLES))
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


# A run of non-space characters holding one of these is a URL or a web path.
_URL_RE = re.compile(r"://|www\.|\.[a-z]{2,6}/", re.I)
_NON_SPACE_RE = re.compile(r"\S*")


def _blank_urls(text: str) -> str:
    """``text`` with URLs and web paths turned into spaces.

    Their slugs ("trump-coronavirus-churches-reopen") would otherwise read as a dozen words that
    two articles share just by linking the same page.
    """
    spans = []
    # Every URL has a slash or "www.": str.find looks for those far faster than a regex could.
    for needle in ("/", "www."):
        pos = text.find(needle)
        while pos != -1:
            start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos),
                        text.rfind("\t", 0, pos)) + 1
            end = _NON_SPACE_RE.match(text, pos).end()
            if _URL_RE.search(text, start, end):
                spans.append((start, end))
            pos = text.find(needle, max(end, pos + 1))
    if not spans:
        return text
    pieces = []
    done = 0
    for start, end in sorted(spans):
        start = max(start, done)
        if end > start:
            pieces.append(text[done:start])
            pieces.append(" " * (end - start))
            done = end
    pieces.append(text[done:])
    return "".join(pieces)


def normalize(text: str) -> str:
    """The text as words are compared: same length, one character for each of ``text``.

    Lowercase; URLs blanked; typographic quotes, dashes and spaces made ASCII; invisible
    characters and combining marks turned into in-word joiners; Cyrillic and Greek look-alike
    letters inside Latin words made Latin; other non-word symbols made spaces.
    """
    text = _blank_urls(text)
    if text.isascii():
        return text.lower()
    # The usual typographic characters by plain replacement (a fast scan each), the rest one
    # by one.
    for char in _FREQUENT:
        if char in text:
            text = text.replace(char, _SPECIAL[char])
    if text.isascii():
        return text.lower()
    text = _NON_WORD_RE.sub(_special, text)
    # "\u0130" is the only character whose lowercase is two characters long.
    lowered = text.replace("\u0130", "i").lower()
    if _FOREIGN_RE.search(lowered):
        lowered = _unconfuse(lowered)
    return lowered


# --------------------------------------------------------------------------- hashing

_M64 = (1 << 64) - 1
# Fixed constants, so that hashes and results never depend on the run: an odd multiplier for
# the byte polynomial, and multipliers for the words of a k-gram (digits of pi).
_P = 0x100000001B3
_KGRAM_MULT = np.array(
    [0x243F6A8885A308D3, 0x13198A2E03707345, 0xA4093822299F31D1, 0x082EFA98EC4E6C89,
     0x452821E638D01377, 0xBE5466CF34E90C6D],
    dtype=np.uint64,
) | np.uint64(1)
# P**i modulo 2**64 (the cumulative product wraps around), the weight of a word's i-th byte.
_BYTE_WEIGHTS = np.cumprod(np.r_[1, np.full(255, _P)].astype(np.uint64), dtype=np.uint64)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the whole 64-bit hash."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # Sorting and dropping repeats beats np.unique's hash table on these 64-bit keys.
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _tokenize(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Byte offsets of the words of normalised UTF-8 text and a hash of each word.

    A word is a run of ASCII letters and digits and non-ASCII characters (normalisation left
    only letters and digits among those), joined across single apostrophes, which the hash
    skips. The hash is a polynomial over the word's bytes: the same word hashes the same
    wherever it occurs.
    """
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(b)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.uint64)
    word = (b >= 0x80) | ((b >= 0x61) & (b <= 0x7A)) | ((b >= 0x30) & (b <= 0x39))
    join = np.zeros(n, dtype=bool)
    if n > 2:
        join[1:-1] = (b[1:-1] == 0x27) & word[:-2] & word[2:]
    inword = (word | join).view(np.int8)
    edge = np.diff(inword, prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)
    # Offset of each byte in its word, joiners not counted: word bytes so far, minus those
    # before the word's first byte (carried forward from each start).
    rank = np.cumsum(word, dtype=np.int32)
    before = np.zeros(n, dtype=np.int32)
    before[starts] = rank[starts] - 1
    offset = rank - 1
    offset -= np.maximum.accumulate(before)
    offset &= 255
    values = (b * word) * _BYTE_WEIGHTS[offset]
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(values, dtype=np.uint64, out=prefix[1:])
    return starts, ends, _mix(prefix[ends] - prefix[starts])


def _kgrams(hashes: np.ndarray, k: int) -> np.ndarray:
    """Hash of every run of ``k`` consecutive word hashes (``len - k + 1`` of them)."""
    n = len(hashes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = hashes[:n] * _KGRAM_MULT[0]
    for j in range(1, k):
        acc = acc + hashes[j : j + n] * _KGRAM_MULT[j]
    return _mix(acc)


def _winnow(kgrams: np.ndarray, window: int) -> np.ndarray:
    """Positions of the smallest hash of every window of ``window`` consecutive k-grams."""
    n = len(kgrams)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= window:
        return np.array([int(np.argmin(kgrams))])
    views = np.lib.stride_tricks.sliding_window_view(kgrams, window)
    # The leftmost minimum of a sliding window never moves back: drop repeats, no sort needed.
    picked = np.argmin(views, axis=1) + np.arange(n - window + 1)
    return picked[np.concatenate(([True], picked[1:] != picked[:-1]))]


# --------------------------------------------------------------------------- index

_INDEX_K = 4  # words per indexed shingle
_WINDOW = 4  # winnowing window: a shared run of _INDEX_K + _WINDOW - 1 = 7 words is always seen
_MIN_SHARED = 2  # weighted fingerprints two articles must share to be compared
_CLIQUE = 32  # up to this many articles per fingerprint, every pair is compared
_REPRESENTATIVES = 2  # beyond it, each article is compared with this many per other source
_TEMPLATE_DOCS = 3  # text in this many articles and half those of a source is its furniture
_DOC_BITS = 25  # a fingerprint key is (39-bit hash, 25-bit article number)
_DOC_MASK = np.uint64((1 << _DOC_BITS) - 1)
_PART_BITS = 6  # fingerprints are grouped in 64 partitions by hash, to bound temporary arrays
_PARTS = 1 << _PART_BITS
_PART_PIECES = 32  # a partition's pieces are joined when there are more: big arrays give
# their memory back to the system when freed, a heap full of small ones does not
# Candidate pairs are packed in one uint64: (a * articles + b) << 13 | evidence, the evidence of
# a fingerprint k sources share being 2520 / (k - 1) (2520 = lcm(1..10), so exact up to 11).
_WEIGHT_BITS = 13
_WEIGHT_MASK = np.uint64((1 << _WEIGHT_BITS) - 1)
_WEIGHT_UNIT = 2520
_CHUNK_BYTES = 1 << 19  # texts are tokenized in batches of about 512 KB


class _Index:
    """Winnowed fingerprints of every article, grouped by hash partition."""

    def __init__(self) -> None:
        self.parts: list[list[np.ndarray]] = [[] for _ in range(_PARTS)]
        self.batch: list[bytes] = []
        self.batch_docs: list[int] = []
        self.batch_size = 0

    def add(self, doc: int, normalised: str) -> None:
        data = normalised.encode("utf-8")
        self.batch.append(data)
        self.batch_docs.append(doc)
        self.batch_size += len(data) + 1
        if self.batch_size >= _CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        # One tokenizer call for the whole batch; the newline between texts ends any word.
        data = b"\n".join(self.batch)
        offsets = np.cumsum([0] + [len(d) + 1 for d in self.batch[:-1]])
        starts, _, hashes = _tokenize(data)
        owner = np.searchsorted(offsets, starts, side="right") - 1
        kg = _kgrams(hashes, _INDEX_K)
        if len(kg):
            # A k-gram or window straddling two texts would be no shingle of either.
            same = owner[: len(kg)] == owner[_INDEX_K - 1 :]
            kg = np.where(same, kg, np.uint64(_M64))
            picked = _winnow(kg, _WINDOW)
            picked = picked[kg[picked] != np.uint64(_M64)]
            docs = np.asarray(self.batch_docs, dtype=np.uint64)[owner[picked]]
            keys = _sorted_unique(
                ((kg[picked] >> np.uint64(_DOC_BITS)) << np.uint64(_DOC_BITS)) | docs
            )
            # The keys are sorted, and the partition is the top bits of the hash.
            part = (keys >> np.uint64(64 - _PART_BITS)).astype(np.int64)
            bounds = np.searchsorted(part, np.arange(_PARTS + 1))
            for p in range(_PARTS):
                if bounds[p + 1] > bounds[p]:
                    pieces = self.parts[p]
                    pieces.append(keys[bounds[p] : bounds[p + 1]].copy())
                    if len(pieces) > _PART_PIECES:
                        self.parts[p] = [np.concatenate(pieces)]
        self.batch, self.batch_docs, self.batch_size = [], [], 0

    def candidates(
        self, sources: np.ndarray, max_sources: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate article pairs ``(a, b)``, a < b, and the boilerplate fingerprint hashes."""
        self.flush()
        n_docs = len(sources)
        source_docs = np.bincount(sources)
        reduced: list[np.ndarray] = []
        boiler: list[np.ndarray] = []
        for p in range(_PARTS):
            chunks, self.parts[p] = self.parts[p], []
            if not chunks:
                continue
            keys = np.concatenate(chunks)
            del chunks
            keys.sort()
            pairs, bp = _group_pairs(keys, sources, source_docs, max_sources)
            del keys
            boiler.append(bp)
            reduced.append(_sum_evidence(pairs))
        boiler_hashes = np.unique(np.concatenate(boiler)) if boiler else np.zeros(0, np.uint64)
        # Merge the partitions' sums range by range of first article, so that no array of all
        # pairs is ever built.
        chosen = []
        bounds = np.linspace(0, n_docs, _PARTS + 1).astype(np.uint64) * np.uint64(n_docs)
        bounds <<= np.uint64(_WEIGHT_BITS)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            pieces = [r[np.searchsorted(r, lo) : np.searchsorted(r, hi)] for r in reduced]
            merged = _sum_evidence(np.concatenate(pieces)) if pieces else np.zeros(0, np.uint64)
            enough = (merged & _WEIGHT_MASK) >= np.uint64(_MIN_SHARED * _WEIGHT_UNIT)
            chosen.append((merged[enough] >> np.uint64(_WEIGHT_BITS)).astype(np.int64))
        pair_ids = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
        return pair_ids // n_docs, pair_ids % n_docs, boiler_hashes


def _sum_evidence(packed: np.ndarray) -> np.ndarray:
    """Packed pairs sorted, one per pair, with the evidence summed (capped at the field's max)."""
    if len(packed) < 2:
        return packed
    packed.sort()
    new = np.empty(len(packed), dtype=bool)
    new[0] = True
    np.greater_equal(np.bitwise_xor(packed[1:], packed[:-1]), np.uint64(1 << _WEIGHT_BITS),
                     out=new[1:])
    starts = np.flatnonzero(new)
    if len(starts) == len(packed):
        return packed
    sums = np.add.reduceat(packed & _WEIGHT_MASK, starts)
    return (packed[starts] & ~_WEIGHT_MASK) | np.minimum(sums, _WEIGHT_MASK)


def _group_pairs(
    keys: np.ndarray, sources: np.ndarray, source_docs: np.ndarray, max_sources: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cross-source article pairs sharing a fingerprint (packed), and boilerplate hashes.

    ``keys`` is sorted, so each fingerprint's articles are contiguous and ascending.
    ``source_docs`` is the number of articles of each source.
    """
    n_docs = len(sources)
    h = keys >> np.uint64(_DOC_BITS)
    docs = (keys & _DOC_MASK).astype(np.int64)
    new = np.empty(len(h), dtype=bool)
    new[0] = True
    new[1:] = h[1:] != h[:-1]
    gid = np.cumsum(new) - 1
    sizes = np.bincount(gid)
    shared = sizes[gid] >= 2
    h, docs = h[shared], docs[shared]
    if not len(h):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint64)
    new = new[shared]
    gid = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, len(h)))
    src = sources[docs]
    # Distinct sources per fingerprint: count source changes after sorting by (group, source).
    order = np.lexsort((src, gid))
    g_sorted, s_sorted = gid[order], src[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (g_sorted[1:] != g_sorted[:-1]) | (s_sorted[1:] != s_sorted[:-1])
    n_sources = np.bincount(g_sorted[first], minlength=len(starts))
    # Template: text on most pages of two sources or more (a comment form, a newsletter box)
    # is page furniture they got from the same software or network, not from each other.
    run_starts = np.flatnonzero(first)
    run_docs = np.diff(np.append(run_starts, len(order)))
    run_total = source_docs[s_sorted[run_starts]]
    furniture = (run_docs >= _TEMPLATE_DOCS) & (run_docs * 2 >= run_total)
    templated = np.bincount(g_sorted[run_starts], weights=furniture, minlength=len(starts))
    template = templated >= 2
    boiler = h[starts[(n_sources > max_sources) | template]]
    useful = (n_sources >= 2) & (n_sources <= max_sources) & ~template
    out: list[np.ndarray] = []
    # A fingerprint shared by k sources counts 1/(k-1) towards each pair's evidence: two
    # fingerprints only two sources have make a candidate, two phrases that five sources
    # happen to use do not.
    weight = np.rint(_WEIGHT_UNIT / np.maximum(n_sources - 1, 1)).astype(np.uint64)

    def packed(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
        pair = (np.minimum(a, b) * n_docs + np.maximum(a, b)).astype(np.uint64)
        return (pair << np.uint64(_WEIGHT_BITS)) | w

    small = useful & (sizes <= _CLIQUE)
    for size in np.unique(sizes[small]):
        rows = small & (sizes == size)
        members = docs[starts[rows][:, None] + np.arange(size)]
        i, j = np.triu_indices(int(size), 1)
        a, b = members[:, i].ravel(), members[:, j].ravel()
        cross = sources[a] != sources[b]
        out.append(packed(a[cross], b[cross], np.repeat(weight[rows], len(i))[cross]))
    for g in np.flatnonzero(useful & (sizes > _CLIQUE)):
        # A passage in hundreds of articles (a source's standard background paragraph): compare
        # each article with the first few articles of every other source, not all pairs.
        members = docs[starts[g] : starts[g] + sizes[g]]
        msrc = sources[members]
        order = np.lexsort((members, msrc))
        m_sorted, s_sorted = members[order], msrc[order]
        run_start = np.r_[True, s_sorted[1:] != s_sorted[:-1]]
        run_index = np.maximum.accumulate(np.where(run_start, np.arange(len(order)), 0))
        reps = np.arange(len(order)) - run_index < _REPRESENTATIVES
        r_docs, r_src = m_sorted[reps], s_sorted[reps]
        a = np.repeat(members, len(r_docs))
        b = np.tile(r_docs, len(members))
        cross = np.repeat(msrc, len(r_docs)) != np.tile(r_src, len(members))
        out.append(packed(a[cross], b[cross], np.full(int(cross.sum()), weight[g])))
    return (np.concatenate(out) if out else np.zeros(0, dtype=np.uint64)), boiler


# --------------------------------------------------------------------------- documents

_NGRAM = 3  # words per shingle when comparing sentences
_MAX_UNIT = 60  # sentences longer than this many words are cut into windows ...
_WINDOW_WORDS = 40  # ... of at most this many
_FURNITURE = 3  # a unit repeated this many times in one article is page furniture
_QUOTE_RE = re.compile(rb'"[^"\n]{1,2000}"')
_OPENERS = "\"'(\u201c\u2018\u00ab\u201e["
_CLOSERS = ".!?\"')\u201d\u2019\u00bb]\u2026"

_CREDIT_SPLIT_RE = re.compile(r"\s*[/;&,|]\s*|\s+(?:and|via)\s+|\s+[-\u2013\u2014]\s+")


def _compact(name: str) -> str:
    compact = re.sub(r"[^a-z0-9]", "", name.casefold())
    return compact.removeprefix("the") if len(compact) > 6 else compact


def _source_keys(source: str) -> set[str]:
    """Compact forms a source may be credited by: ``sputniknews.com`` -> ``sputniknews``."""
    keys = {_compact(source)}
    if "." in source and " " not in source:
        keys.add(_compact(source.rsplit(".", 1)[0].rsplit(".", 1)[-1]))
    return {k for k in keys if k}


def _credits(text: str) -> tuple[str, ...]:
    """Outlet names the article credits for its text: its dateline credits and credit lines, as
    :mod:`framing.sources` reads them."""
    found: list[str] = []
    for match in datelines(text):
        found.extend(_CREDIT_SPLIT_RE.split(match["credit"]))
    for credit in credit_lines(text):
        found.extend(_CREDIT_SPLIT_RE.split(credit))
    names = []
    for name in found:
        name = name.strip(" .:")
        if 2 <= len(name) <= 60 and not name[:1].isdigit():
            names.append(name)
    return tuple(dict.fromkeys(names))


def _credits_source(credits: tuple[str, ...], source: str) -> bool:
    """Whether one of the credited names is ``source`` (a domain or an outlet name)."""
    keys = _source_keys(source)
    for name in credits:
        if outlet_domain(name) == source:
            return True
        compact = _compact(name)
        if len(compact) < 3:
            continue
        for key in keys:
            if compact == key or (len(compact) >= 4 and key.startswith(compact)) or (
                len(key) >= 4 and compact.startswith(key)
            ):
                return True
    return False


@dataclass
class _Doc:
    """One article prepared for comparison: words, sentence units and their 3-grams."""

    index: int
    id: str
    source: str
    text: str
    starts: np.ndarray  # character offsets of each word
    ends: np.ndarray
    unit_first: np.ndarray  # first word of each unit, plus the word count at the end
    counted: np.ndarray  # cumulative count of words outside quotes in usable units
    gram_hash: np.ndarray  # distinct (3-gram, unit) pairs of usable units, sorted by hash
    gram_unit: np.ndarray
    unit_grams: np.ndarray  # distinct 3-grams per unit
    _credits: tuple[str, ...] | None = None

    @property
    def credits(self) -> tuple[str, ...]:
        # Only articles that share a passage need them: found on first use.
        if self._credits is None:
            self._credits = _credits(self.text)
        return self._credits


_UNIT_BITS = 20  # units per article in a packed (3-gram, unit) key
_UNIT_MASK = np.uint64((1 << _UNIT_BITS) - 1)


# Bytes after which . ! ? end a sentence: white space, a closing quote or bracket, or a letter
# (so "initiative.On 24 February" is two sentences, "3.5" is not).
_AFTER_STOP = np.zeros(256, dtype=bool)
_AFTER_STOP[list(b" \t\r\n\"')]") + list(range(0x61, 0x7B)) + list(range(0x80, 0x100))] = True
_STOP = np.zeros(256, dtype=bool)
_STOP[list(b".!?")] = True


def _units(b: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Unit number of each word: sentences (a line break ends one too), the long ones cut into
    roughly equal windows. ``b`` is the normalised text's bytes, ``starts`` the words'."""
    n = len(starts)
    if not n:
        return np.zeros(0, dtype=np.int64)
    after = np.append(b[1:], np.uint8(0x20))
    breaks = np.flatnonzero((_STOP[b] & _AFTER_STOP[after]) | (b == 0x0A)) + 1
    unit = np.searchsorted(breaks, starts, side="right")
    # Renumber 0, 1, 2, ... (unit numbers only ever grow along the text).
    unit = np.cumsum(np.concatenate(([0], unit[1:] != unit[:-1])))
    sizes = np.bincount(unit)
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    pieces = np.where(sizes > _MAX_UNIT, -(-sizes // _WINDOW_WORDS), 1)
    sub = (np.arange(n) - first[unit]) * pieces[unit] // sizes[unit]
    key = unit * (_MAX_UNIT + 1) + sub
    return np.cumsum(np.concatenate(([0], key[1:] != key[:-1])))


def _repeats(values: np.ndarray) -> np.ndarray:
    """How many times each element's value occurs in ``values``."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    run = np.cumsum(new) - 1
    counts = np.bincount(run)
    out = np.empty(len(values), dtype=np.int64)
    out[order] = counts[run]
    return out


def _prepare(index: int, doc_id: str, source: str, text: str, boiler: np.ndarray) -> _Doc:
    data = normalize(text).encode("utf-8")
    starts, ends, hashes = _tokenize(data)
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(starts)
    unit = _units(b, starts)
    n_units = int(unit[-1]) + 1 if n else 0
    unit_first = np.searchsorted(unit, np.arange(n_units + 1))
    quoted = np.zeros(n, dtype=bool)
    spans = [m.span() for m in _QUOTE_RE.finditer(data)]
    if spans and n:
        q = np.array(spans, dtype=np.int64)
        at = np.searchsorted(q[:, 0], starts, side="right") - 1
        quoted = (at >= 0) & (starts < q[np.maximum(at, 0), 1])
    if len(data) != len(text):
        # Byte offsets to character offsets: count the bytes that start a character.
        char_at = np.concatenate(([0], np.cumsum((b & 0xC0) != 0x80)))
        starts, ends = char_at[starts], char_at[ends]
    usable = np.ones(n_units, dtype=bool)
    if n_units:
        # Furniture: a unit repeated in the same article (order-sensitive sum of word hashes).
        position = np.arange(n) - unit_first[unit]
        unit_hash = np.add.reduceat(_mix(hashes + position.astype(np.uint64)), unit_first[:-1])
        usable &= _repeats(unit_hash) < _FURNITURE
    common = np.zeros(n, dtype=bool)
    if len(boiler) and n >= _INDEX_K:
        kg = _kgrams(hashes, _INDEX_K)
        fp = kg >> np.uint64(_DOC_BITS)
        at = np.minimum(np.searchsorted(boiler, fp), len(boiler) - 1)
        is_boiler = boiler[at] == fp
        # Words of boilerplate 4-grams ("wash your hands with soap and water for at least 20
        # seconds" in COVID news) are common: no evidence of copying, so no 3-gram with one.
        cover = np.zeros(n + 1, dtype=np.int64)
        cover[: len(kg)] += is_boiler
        cover[_INDEX_K : _INDEX_K + len(kg)] -= is_boiler
        common = np.cumsum(cover[:n]) > 0
        # A unit most of whose fingerprints are boilerplate is left out altogether.
        picked = _winnow(kg, _WINDOW)
        per_unit = np.bincount(unit[picked], minlength=n_units)
        boiler_unit = np.bincount(unit[picked], weights=is_boiler[picked], minlength=n_units)
        usable &= ~((per_unit > 0) & (boiler_unit * 2 >= per_unit))
    counted = np.concatenate(([0], np.cumsum(~quoted & usable[unit]))) if n else np.zeros(1)
    grams = _kgrams(hashes, _NGRAM)
    g_unit = unit[: len(grams)]
    inside = (g_unit == unit[_NGRAM - 1 :]) & usable[g_unit] & (g_unit <= int(_UNIT_MASK))
    for j in range(_NGRAM):
        inside &= ~common[j : j + len(grams)]
    # One sort dedupes (3-gram, unit) pairs and orders them by 3-gram: the unit number takes
    # the low bits of the hash, 44 bits of which are plenty to tell 3-grams apart.
    keys = _sorted_unique((grams[inside] & ~_UNIT_MASK) | g_unit[inside].astype(np.uint64))
    gram_hash = keys & ~_UNIT_MASK
    gram_unit = (keys & _UNIT_MASK).astype(np.int64)
    unit_grams = np.bincount(gram_unit, minlength=n_units)
    return _Doc(index, doc_id, source, text, starts, ends, unit_first, counted,
                gram_hash, gram_unit, unit_grams)


# --------------------------------------------------------------------------- comparing


def _unit_matches(a: _Doc, b: _Doc, threshold: float) -> list[tuple[int, int, int]]:
    """``(unit_a, unit_b, shared 3-grams)`` for every pair of matching units."""
    if not len(a.gram_hash) or not len(b.gram_hash):
        return []
    lo = np.searchsorted(b.gram_hash, a.gram_hash, side="left")
    hi = np.searchsorted(b.gram_hash, a.gram_hash, side="right")
    width = hi - lo
    total = int(width.sum())
    if total < 2:
        return []
    ia = np.repeat(np.arange(len(a.gram_hash)), width)
    ib = np.repeat(lo - np.cumsum(width) + width, width) + np.arange(total)
    n_b = len(b.unit_grams)
    keys, shared = np.unique(a.gram_unit[ia] * n_b + b.gram_unit[ib], return_counts=True)
    ua, ub = keys // n_b, keys % n_b
    smaller = np.minimum(a.unit_grams[ua], b.unit_grams[ub])
    ok = (shared >= 2) & (shared >= threshold * smaller)
    return list(zip(ua[ok].tolist(), ub[ok].tolist(), shared[ok].tolist(), strict=True))


def _chains(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int, int]]:
    """Merge unit matches that follow each other in both articles into passages.

    Two matches join when each side moves forward by at most two units (one inserted or
    dropped sentence) and neither moves back. Returns ``(a_first, a_last, b_first, b_last,
    shared)``, one passage per group.
    """
    parent = list(range(len(matches)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    where = {(ua, ub): i for i, (ua, ub, _) in enumerate(matches)}
    for i, (ua, ub, _) in enumerate(matches):
        for da in range(3):
            for db in range(3):
                j = where.get((ua - da, ub - db))
                if j is not None and j != i:
                    parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(matches)):
        groups[root(i)].append(i)
    out = []
    for members in groups.values():
        uas = [matches[i][0] for i in members]
        ubs = [matches[i][1] for i in members]
        out.append((min(uas), max(uas), min(ubs), max(ubs), sum(matches[i][2] for i in members)))
    return out


def _grams_of(doc: _Doc, first: int, last: int) -> np.ndarray:
    """Distinct 3-grams of units ``first..last``."""
    mask = (doc.gram_unit >= first) & (doc.gram_unit <= last)
    return np.unique(doc.gram_hash[mask])


def _span(doc: _Doc, first: int, last: int) -> tuple[int, int]:
    """Character span of units ``first..last``, widened to opening and closing punctuation."""
    start = int(doc.starts[doc.unit_first[first]])
    end = int(doc.ends[doc.unit_first[last + 1] - 1])
    text = doc.text
    while start > 0 and text[start - 1] in _OPENERS:
        start -= 1
    while end < len(text) and text[end] in _CLOSERS:
        end += 1
    return start, end


def _credited_origin(a: _Doc, b: _Doc) -> str | None:
    """The source one article credits the other's for its text, if exactly one does."""
    a_credits_b = _credits_source(a.credits, b.source)
    b_credits_a = _credits_source(b.credits, a.source)
    if a_credits_b != b_credits_a:
        return b.source if a_credits_b else a.source
    return None


def _compare(a: _Doc, b: _Doc, min_words: int, threshold: float) -> list[SharedPassage]:
    """The passages two prepared articles share, best first."""
    matches = _unit_matches(a, b, threshold)
    if not matches:
        return []
    passages = []
    taken_a: list[tuple[int, int]] = []
    taken_b: list[tuple[int, int]] = []
    origin: str | None = None
    # Best passages first; one place in an article pairs with at most one place in the other.
    for a0, a1, b0, b1, _ in sorted(_chains(matches), key=lambda c: (-c[4], c[0], c[2])):
        if any(a0 <= y and x <= a1 for x, y in taken_a):
            continue
        if any(b0 <= y and x <= b1 for x, y in taken_b):
            continue
        words_a = int(a.counted[a.unit_first[a1 + 1]] - a.counted[a.unit_first[a0]])
        words_b = int(b.counted[b.unit_first[b1 + 1]] - b.counted[b.unit_first[b0]])
        if min(words_a, words_b) < min_words:
            continue
        grams_a, grams_b = _grams_of(a, a0, a1), _grams_of(b, b0, b1)
        shared = len(np.intersect1d(grams_a, grams_b, assume_unique=True))
        # Dice over the whole passage: symmetric, and what a unit match left out counts again.
        similarity = 2 * shared / max(1, len(grams_a) + len(grams_b))
        if similarity < threshold:
            continue
        if not passages:
            origin = _credited_origin(a, b)
        taken_a.append((a0, a1))
        taken_b.append((b0, b1))
        sa, ea = _span(a, a0, a1)
        sb, eb = _span(b, b0, b1)
        passages.append(SharedPassage(
            a.source, a.id, sa, ea, b.source, b.id, sb, eb,
            a.text[sa:ea], b.text[sb:eb], round(similarity, 4), origin,
        ))
    return passages


# --------------------------------------------------------------------------- public API


def find_shared_passages(
    docs: Iterable[tuple[str, str | None, str, datetime.date | None]],
    *,
    min_words: int = 25,
    threshold: float = 0.5,
    max_sources: int = 10,
    cache_size: int = 1024,
) -> list[SharedPassage]:
    """Passages that articles of different sources share, near-verbatim.

    ``docs`` yields ``(article_id, source, text, published)``. Articles without a source are
    skipped, and repeats within one source are not syndication: only articles of different
    sources are compared. A passage is one sentence or more of one article matching sentences
    of the other in the same order (one inserted or dropped sentence allowed; two sentences
    match when ``threshold`` of the shorter one's word 3-grams are in the other), with at least
    ``min_words`` words outside quotation marks on each side and a Dice coefficient of at least
    ``threshold`` between its two sides' 3-gram sets. Shingles in more than ``max_sources``
    sources, or on most pages of two sources or more, are boilerplate and link nothing.

    ``origin`` is set from credit lines ("(UrduPoint News / Sputnik") or, failing those, from
    the publication dates: the earlier article is the origin. Passages come sorted by sources,
    articles and position; side a is the article whose ``(source, id)`` sorts first. Article
    ids should be unique (ReCOVery's restart in every file: its articles' locations are).
    ``cache_size`` bounds how many prepared articles are kept while comparing.
    """
    if min_words < 1:
        raise ValueError("min_words must be at least 1")
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    if max_sources < 2:
        raise ValueError("max_sources must be at least 2")
    ids: list[str] = []
    texts: list[str] = []
    dates: list[datetime.date | None] = []
    source_ids: list[int] = []
    source_names: dict[str, int] = {}
    index = _Index()
    for doc_id, source, text, published in docs:
        if source is None or not text or not text.strip():
            continue
        if len(ids) > int(_DOC_MASK):
            raise ValueError(f"at most {int(_DOC_MASK) + 1} articles at a time")
        index.add(len(ids), normalize(text))
        ids.append(doc_id)
        texts.append(text)
        dates.append(published)
        source_ids.append(source_names.setdefault(source, len(source_names)))
    if len(source_names) < 2:
        return []
    names = list(source_names)
    sources = np.asarray(source_ids, dtype=np.int64)
    first, second, boiler = index.candidates(sources, max_sources)
    del index

    cache: OrderedDict[int, _Doc] = OrderedDict()

    def prepared(i: int) -> _Doc:
        doc = cache.get(i)
        if doc is None:
            doc = _prepare(i, ids[i], names[source_ids[i]], texts[i], boiler)
            cache[i] = doc
            if len(cache) > cache_size:
                cache.popitem(last=False)
        else:
            cache.move_to_end(i)
        return doc

    out: list[SharedPassage] = []
    for i, j in zip(first.tolist(), second.tolist(), strict=True):
        a, b = prepared(i), prepared(j)
        if (a.source, a.id, i) > (b.source, b.id, j):
            a, b = b, a
        found = _compare(a, b, min_words, threshold)
        if found and found[0].origin is None:
            da, db = dates[a.index], dates[b.index]
            if da is not None and db is not None and da != db:
                origin = a.source if da < db else b.source
                found = [replace(p, origin=origin) for p in found]
        out.extend(found)
    out.sort(key=lambda p: (p.source_a, p.source_b, p.article_a, p.article_b, p.start_a, p.start_b))
    return out


def link_sources(
    passages: Iterable[SharedPassage],
    published: Mapping[str, datetime.date | None] | None = None,
    max_examples: int = 3,
) -> list[SourceLink]:
    """One :class:`SourceLink` per pair of sources sharing passages, most passages first.

    ``passages`` counts distinct passages: the same span of one article found in several
    articles of the other source (a background paragraph its origin repeats, a story embedded
    in every page of a site) counts once, and ``articles`` counts the article pairs.

    Who copied whom is decided per article pair: the passage's ``origin`` (credit line or
    dates) if set, else ``published`` (article id -> date), the earlier article being the
    origin. The link goes the way most decided article pairs go; with none decided, or as many
    each way, ``direction_known`` is False and the source with fewer articles in the link is
    taken as the republisher.
    """
    published = published or {}
    by_sources: dict[tuple[str, str], list[SharedPassage]] = defaultdict(list)
    for p in passages:
        if p.source_a > p.source_b:
            p = p.swapped()
        by_sources[(p.source_a, p.source_b)].append(p)
    links = []
    for (s1, s2), group in by_sources.items():
        pair_origin: dict[tuple[str, str], set[str | None]] = defaultdict(set)
        for p in group:
            pair_origin[(p.article_a, p.article_b)].add(p.origin)
        votes: Counter[str] = Counter()
        for (a1, a2), origins in pair_origin.items():
            told = origins - {None}
            if len(told) == 1:
                votes[told.pop()] += 1
            elif not told:
                d1, d2 = published.get(a1), published.get(a2)
                if d1 is not None and d2 is not None and d1 != d2:
                    votes[s1 if d1 < d2 else s2] += 1
        if votes[s1] != votes[s2]:
            origin = s1 if votes[s1] > votes[s2] else s2
            known = True
        else:
            count1 = len({p.article_a for p in group})
            count2 = len({p.article_b for p in group})
            # Fewer articles: more likely the one picking passages from a larger output.
            source = s1 if (count1, s2) < (count2, s1) else s2
            origin = s2 if source == s1 else s1
            known = False
        source = s2 if origin == s1 else s1
        oriented = [p if p.source_a == source else p.swapped() for p in group]
        oriented.sort(key=lambda p: (-max(len(p.text_a), len(p.text_b)), -p.similarity,
                                     p.article_a, p.article_b, p.start_a))
        distinct = _distinct(oriented)
        links.append(SourceLink(
            source=source,
            origin=origin,
            passages=len(distinct),
            articles=len(pair_origin),
            examples=tuple(distinct[:max_examples]),
            direction_known=known,
        ))
    links.sort(key=lambda link: (-link.passages, -link.articles, link.source, link.origin))
    return links


def _distinct(passages: list[SharedPassage]) -> list[SharedPassage]:
    """One passage per group of passages sharing a span of an article on either side.

    Keeps the first of each group, in the given order.
    """
    parent = list(range(len(passages)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str, str, int, int], int] = {}
    for i, p in enumerate(passages):
        for key in (("a", p.source_a, p.article_a, p.start_a, p.end_a),
                    ("b", p.source_b, p.article_b, p.start_b, p.end_b)):
            j = seen.setdefault(key, i)
            if j != i:
                # The earliest passage of a group stays its root.
                low, high = sorted((root(i), root(j)))
                parent[high] = low
    return [p for i, p in enumerate(passages) if root(i) == i]
