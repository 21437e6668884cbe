"""One tokenising and counting pass per text, shared by every text model that reads it.

Each shipped model has its own word (and character) vocabulary and weighting, but all of them
read the same articles and paragraphs with the same analysis: lowercase, the default token
pattern, no stop words. :class:`TextCounts` tokenises each text of a batch once, line by line
(an article's paragraphs are its lines, so a paragraph is a slice of its article's tokens), and
gives each :class:`~sklearn.feature_extraction.text.TfidfVectorizer` what its own
``transform`` would give:

- Words: every token is looked up once in a union vocabulary, the words of all the
  vectorizers seen (a word in none of them cannot make a column of any); each vectorizer maps
  union ids to its unigram columns with one array, and its bigrams (two union ids packed in an
  integer) with one sorted array. Counting is then array work, not a Python loop per token.
- Characters (``analyzer="char_wb"``): n-grams are made within whitespace tokens, so a text's
  n-gram counts are the sum of its tokens' rows; each distinct token's row is computed once per
  vectorizer and kept (up to :data:`TOKEN_CACHE_SIZE` tokens) across batches, and a batch's
  counts are one sparse product of token counts and those rows.

Then each vectorizer's own weighting (``_tfidf``) applies. The outputs are the vectorizer's
own, to the bit (``tests/test_counting.py`` compares them on texts in several scripts); a
vectorizer whose analysis this does not reproduce (a custom analyzer, preprocessor or
tokenizer, stop words, accents stripped, n-grams beyond 2, ``analyzer="char"``) is
transformed by its own ``transform``.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from itertools import accumulate, chain, repeat
from operator import itemgetter

import numpy as np
from scipy import sparse

#: Distinct whitespace tokens whose character n-gram rows a vectorizer keeps between batches
#: (some 25 n-grams each, about 250 bytes with the index; the 1,641 ReCOVery articles hold
#: 80,000); past that the cache starts again, so memory stays flat on any stream.
TOKEN_CACHE_SIZE = 100_000

#: The token pattern shared counting reproduces (CountVectorizer's default).
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_FIND_WORDS = re.compile(TOKEN_PATTERN).findall
# Two union ids in one integer: ids stay below 2**31, so the pair fits in an int64.
_SHIFT = np.int64(1 << 32)


def _shared_analysis(vectorizer) -> str | None:
    """``"words"`` or ``"chars"`` when :class:`TextCounts` reproduces this vectorizer's
    analysis, else None."""
    if (getattr(vectorizer, "input", None) != "content" or vectorizer.preprocessor is not None
            or vectorizer.tokenizer is not None or vectorizer.stop_words is not None
            or vectorizer.strip_accents is not None or not vectorizer.lowercase
            or not hasattr(vectorizer, "vocabulary_")):
        return None
    low, high = vectorizer.ngram_range
    if (vectorizer.analyzer == "word" and vectorizer.token_pattern == TOKEN_PATTERN
            and low == 1 and high in (1, 2)):
        return "words"
    if (vectorizer.analyzer == "char_wb" and hasattr(vectorizer, "_char_wb_ngrams")
            and 1 <= low <= high):
        return "chars"
    return None


# --------------------------------------------------------------------------- words


class _WordMap:
    """One vectorizer's columns by union id: unigrams by index, bigrams by packed pair."""

    def __init__(self, vectorizer, index: dict[str, int]):
        # Built once per vectorizer and process, before its first batch: C-level maps over
        # the (up to 50,000-term) vocabulary rather than a loop per term.
        vocabulary = vectorizer.vocabulary_
        terms = list(vocabulary)
        unigrams = [t for t in terms if " " not in t]
        pairs = [t.split(" ") for t in terms if " " in t]
        # Any other term (three words, an empty word) cannot come out of the default token
        # pattern: never counted.
        bigrams = [p for p in pairs if len(p) == 2 and p[0] and p[1]]
        words = dict.fromkeys(chain(unigrams, chain.from_iterable(bigrams)))
        new = [w for w in words if w not in index]
        index.update(zip(new, range(len(index), len(index) + len(new)), strict=True))
        get = index.__getitem__
        self._unigram_ids = np.fromiter(map(get, unigrams), np.int64, len(unigrams))
        self._unigram_cols = np.fromiter(map(vocabulary.__getitem__, unigrams), np.int64,
                                         len(unigrams))
        self._unigram = np.zeros(0, dtype=np.int64)
        first = np.fromiter(map(get, map(itemgetter(0), bigrams)), np.int64, len(bigrams))
        second = np.fromiter(map(get, map(itemgetter(1), bigrams)), np.int64, len(bigrams))
        codes = first * _SHIFT + second
        columns = np.fromiter(map(vocabulary.__getitem__, map(" ".join, bigrams)), np.int64,
                              len(bigrams))
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.bigram_cols = columns[order]
        self.bigrams = vectorizer.ngram_range[1] == 2
        self.width = len(vectorizer.vocabulary_)

    def unigram(self, size: int) -> np.ndarray:
        """Column of each union id below ``size`` (-1: not one of this vocabulary's words)."""
        if len(self._unigram) != size:
            table = np.full(size, -1, dtype=np.int64)
            table[self._unigram_ids] = self._unigram_cols
            self._unigram = table
        return self._unigram


class _Union:
    """The words of every vectorizer seen in this process, each with an id."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.maps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def map_for(self, vectorizer) -> _WordMap:
        found = self.maps.get(vectorizer)
        if found is None:
            found = self.maps[vectorizer] = _WordMap(vectorizer, self.index)
        return found


_UNION = _Union()


# --------------------------------------------------------------------------- characters


def _ngram_counts(lengths: np.ndarray, low: int, high: int) -> np.ndarray:
    """How many n-grams CountVectorizer's char_wb makes of each padded token of ``lengths``
    characters: every offset for each n, but a token no longer than n only once, and then no
    longer n-grams (the ``if offset == 0: break`` of ``_char_wb_ngrams``)."""
    total = np.zeros(len(lengths), dtype=np.int64)
    alive = np.ones(len(lengths), dtype=bool)
    for n in range(low, high + 1):
        longer = alive & (lengths > n)
        total += np.where(longer, lengths - n + 1, 0) + (alive & ~longer)
        alive = longer
    return total


class _TokenRows:
    """A char_wb vectorizer's n-gram counts of single tokens, kept between batches."""

    def __init__(self, vectorizer):
        self.index: dict[str, int] = {}
        self._chunks: list[sparse.csr_matrix] = []  # rows of tokens, in id order
        self._starts: list[int] = []  # id of each chunk's first row
        self._width = len(vectorizer.vocabulary_)
        self.generation = 0  # rises each time the cache starts again: ids given out are void

    def ids(self, vectorizer, tokens: list[str]) -> np.ndarray:
        """The row of each token, computing the rows of tokens not seen yet."""
        get = self.index.get
        ids = np.fromiter(map(get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        if (ids < 0).any():
            new = list(dict.fromkeys(t for t, i in zip(tokens, ids, strict=True) if i < 0))
            if len(self.index) + len(new) > TOKEN_CACHE_SIZE:
                self.index.clear()
                self._chunks, self._starts = [], []
                self.generation += 1
                new = list(dict.fromkeys(tokens))
            self._add(vectorizer, new)
            ids = np.fromiter(map(self.index.__getitem__, tokens), dtype=np.int64,
                              count=len(tokens))
        return ids

    def _add(self, vectorizer, new: list[str]) -> None:
        low, high = vectorizer.ngram_range
        # One call for all new tokens: whitespace-free, so the analyzer splits them back.
        grams = vectorizer._char_wb_ngrams(" ".join(new))
        lengths = _ngram_counts(np.fromiter(map(len, new), np.int64, len(new)) + 2, low, high)
        columns = np.fromiter(map(vectorizer.vocabulary_.get, grams, repeat(-1)), np.int64,
                              len(grams))
        rows = np.repeat(np.arange(len(new), dtype=np.int64), lengths)
        keep = columns >= 0
        # int32: counts within one token, and half the memory of the rows kept.
        chunk = sparse.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.int32), (rows[keep], columns[keep])),
            shape=(len(new), self._width))
        chunk.sum_duplicates()
        self._starts.append(len(self.index))
        self.index.update(zip(new, range(len(self.index), len(self.index) + len(new)),
                              strict=True))
        self._chunks.append(chunk)
        if len(self._chunks) > 16:  # one chunk per batch with new tokens: merged now and then
            self._chunks = [sparse.csr_matrix(sparse.vstack(self._chunks, format="csr"))]
            self._starts = [0]

    def rows(self, ids: np.ndarray) -> sparse.csr_matrix:
        """The rows of ``ids`` (sorted, distinct), from the chunks that hold them: a batch's
        tokens, without copying every row kept."""
        parts = []
        bounds = self._starts[1:] + [len(self.index)]
        for chunk, start, end in zip(self._chunks, self._starts, bounds, strict=True):
            lo, hi = np.searchsorted(ids, [start, end])
            if hi > lo:
                parts.append(chunk[ids[lo:hi] - start])
        if not parts:
            return sparse.csr_matrix((0, self._width), dtype=np.int32)
        return sparse.csr_matrix(sparse.vstack(parts, format="csr"))


_TOKEN_ROWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def clear_caches() -> None:
    """Forget the token rows kept between batches (benchmarks time a cold start with it)."""
    _TOKEN_ROWS.clear()


# --------------------------------------------------------------------------- the batch


class _Tokens:
    """The tokens of every line counted so far, in one list; each text is a list of slices
    of it (its lines' slices, in order)."""

    def __init__(self, split):
        self._split = split  # lowercased line -> its tokens
        self.tokens: list[str] = []
        self._lines: dict[str, tuple[int, int]] = {}
        self._texts: dict[str, list[tuple[int, int]]] = {}

    def spans(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Per text, the slices of :attr:`tokens` that make its tokens, in order."""
        found = list(map(self._texts.get, texts))
        if None in found:
            missing = [t for t, f in zip(texts, found, strict=True) if f is None]
            lines = [t for t in dict.fromkeys(missing) if "\n" not in t]
            known = list(map(self._lines.get, lines))
            new = [t for t, k in zip(lines, known, strict=True) if k is None]
            self._texts.update((t, [k]) for t, k in zip(lines, known, strict=True)
                               if k is not None)
            if new:  # paragraphs and sentences: all tokenised in one go
                spans = self._add_lines(new, list(map(str.lower, new)))
                self._texts.update(zip(new, ([span] for span in spans), strict=True))
            for text in missing:
                if text not in self._texts:
                    self._texts[text] = self._add_lines(text.split("\n"),
                                                        text.lower().split("\n"))
            found = list(map(self._texts.__getitem__, texts))
        return found

    def _add_lines(self, lines: list[str], lowered: list[str]) -> list[tuple[int, int]]:
        # Tokens never cross a line break (it is neither a word character nor inside a
        # whitespace token), and lowercasing a text lowercases each line as alone: a text's
        # tokens are its lines' tokens in order, and each line (as found, and stripped, as
        # paragraphs are) is a slice of them. All in C-level maps: this runs on every line.
        tokens = list(map(self._split, lowered))
        ends = list(accumulate(map(len, tokens), initial=len(self.tokens)))
        spans = list(zip(ends[:-1], ends[1:], strict=True))
        self.tokens.extend(chain.from_iterable(tokens))
        self._lines.update(zip(map(str.strip, lines), spans, strict=True))
        self._lines.update(zip(lines, spans, strict=True))
        return spans


def _positions(texts: list[list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray]:
    """Token positions of the texts' slices, concatenated, and the text of each position."""
    segments = [span for spans in texts for span in spans]
    starts = np.fromiter((s for s, _ in segments), np.int64, len(segments))
    lengths = np.fromiter((e for _, e in segments), np.int64, len(segments)) - starts
    per_text = np.fromiter(map(len, texts), np.int64, len(texts))
    segment_owner = np.repeat(np.arange(len(texts), dtype=np.int64), per_text)
    owner = np.repeat(segment_owner, lengths)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    positions = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - first, lengths)
    return positions, owner


class TextCounts:
    """Texts tokenised and counted once, for every vectorizer of every model of a batch.

    Make one per batch and pass it to each model scoring that batch. Texts (articles,
    paragraphs, sentences) are keyed by their content: a paragraph that two models read, or
    that is a line of an article already read, is not tokenised again. :meth:`transform`
    gives exactly what ``vectorizer.transform(texts)`` gives.
    """

    def __init__(self):
        self._words = _Tokens(_FIND_WORDS)
        self._chars = _Tokens(str.split)
        self._ids: np.ndarray = np.zeros(0, dtype=np.int64)
        self._ids_index_size = 0
        # Per token store (one per char_wb vectorizer): its generation and the batch's ids.
        self._char_ids: dict[_TokenRows, tuple[int, np.ndarray]] = {}
        self._kept: dict[int, tuple[object, dict[str, int], sparse.csr_matrix]] = {}

    def keep(self, owner, texts: Sequence[str], matrix) -> None:
        """Keep ``owner``'s feature rows of ``texts`` (a model's whole input matrix), so that
        a later look at one of them (an explanation) is not computed again."""
        self._kept[id(owner)] = (owner, {t: i for i, t in enumerate(texts)}, matrix)

    def kept(self, owner, text: str):
        """The row :meth:`keep` kept for ``owner`` and ``text``, or None."""
        held = self._kept.get(id(owner))
        if held is None or held[0] is not owner or text not in held[1]:
            return None
        return held[2][held[1][text]]

    def transform(self, vectorizer, texts: Sequence[str]) -> sparse.csr_matrix:
        """``vectorizer.transform(texts)``, from the shared counts when its analysis is the
        shared one; a CSR matrix either way."""
        texts = list(texts)
        analysis = _shared_analysis(vectorizer)
        if analysis is None:
            return sparse.csr_matrix(vectorizer.transform(texts))
        if not texts:
            return sparse.csr_matrix((0, len(vectorizer.vocabulary_)), dtype=vectorizer.dtype)
        if analysis == "words":
            counts = self._word_counts(vectorizer, texts)
        else:
            counts = self._char_counts(vectorizer, texts)
        counts = sparse.csr_matrix(counts, dtype=vectorizer.dtype)
        # Sorted as CountVectorizer sorts them, so that every sum over a row adds in the
        # same order as the vectorizer's own transform: the same bits.
        counts.sort_indices()
        if vectorizer.binary:
            counts.data.fill(1)
        return vectorizer._tfidf.transform(counts, copy=False)

    def _word_ids(self) -> np.ndarray:
        """Union id of every word token (-1: in no vocabulary), for the union as it is now."""
        index = _UNION.index
        tokens = self._words.tokens
        if self._ids_index_size != len(index):
            self._ids = np.zeros(0, dtype=np.int64)  # a vocabulary joined: look all up again
            self._ids_index_size = len(index)
        done = len(self._ids)
        if done < len(tokens):
            self._ids = np.concatenate([self._ids, np.fromiter(
                map(index.get, tokens[done:], repeat(-1)), np.int64, len(tokens) - done)])
        return self._ids

    def _word_counts(self, vectorizer, texts: list[str]) -> sparse.csr_matrix:
        words = _UNION.map_for(vectorizer)
        positions, owner = _positions(self._words.spans(texts))
        ids = self._word_ids()[positions]
        unigram = words.unigram(len(_UNION.index))
        columns = np.where(ids >= 0, unigram[np.maximum(ids, 0)], -1)
        found = columns >= 0
        rows, cols = [owner[found]], [columns[found]]
        if words.bigrams and len(ids) > 1 and len(words.codes):
            pair = (owner[:-1] == owner[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0)
            codes = ids[:-1][pair] * _SHIFT + ids[1:][pair]
            at = np.searchsorted(words.codes, codes)
            at[at == len(words.codes)] = 0
            hit = words.codes[at] == codes
            rows.append(owner[:-1][pair][hit])
            cols.append(words.bigram_cols[at[hit]])
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        counts = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)),
                                   shape=(len(texts), words.width))
        counts.sum_duplicates()
        return counts

    def _token_ids(self, vectorizer, store: _TokenRows) -> np.ndarray:
        """The store's row of every whitespace token of the batch, looked up once."""
        tokens = self._chars.tokens
        held = self._char_ids.get(store)
        ids = held[1] if held and held[0] == store.generation else np.zeros(0, dtype=np.int64)
        if len(ids) < len(tokens):
            generation = store.generation
            ids = np.concatenate([ids, store.ids(vectorizer, tokens[len(ids):])])
            if store.generation != generation:  # the cache started again: all ids anew
                ids = store.ids(vectorizer, tokens)
            self._char_ids[store] = (store.generation, ids)
        return ids

    def _char_counts(self, vectorizer, texts: list[str]) -> sparse.csr_matrix:
        store = _TOKEN_ROWS.get(vectorizer)
        if store is None:
            store = _TOKEN_ROWS[vectorizer] = _TokenRows(vectorizer)
        positions, owner = _positions(self._chars.spans(texts))
        distinct, column = np.unique(self._token_ids(vectorizer, store)[positions],
                                     return_inverse=True)
        per_token = sparse.csr_matrix((np.ones(len(column), dtype=np.int32), (owner, column)),
                                      shape=(len(texts), len(distinct)))
        per_token.sum_duplicates()
        return per_token @ store.rows(distinct)


def transform_union(union, texts: Sequence[str], counts: TextCounts | None):
    """``union.transform(texts)`` for a :class:`~sklearn.pipeline.FeatureUnion`, its vectorizer
    blocks from ``counts`` (``None``: the union's own transform). A CSR matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = list(texts)
    if counts is None:
        return sparse.csr_matrix(union.transform(texts))
    weights = union.transformer_weights or {}
    blocks = []
    for name, step in union.transformer_list:
        if step == "drop":
            continue
        if isinstance(step, TfidfVectorizer):
            block = counts.transform(step, texts)
        else:
            block = sparse.csr_matrix(step.transform(texts))
        if weights.get(name) is not None:
            block = block * weights[name]
        blocks.append(sparse.csr_matrix(block))
    return sparse.hstack(blocks, format="csr")
