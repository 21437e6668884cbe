"""Shared counting gives each vectorizer exactly its own transform's output."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from framing import counting
from framing.counting import TextCounts, clear_caches, transform_union

TRAIN = [
    "The special military operation went on.\nKiev regime officials said so.",
    "Collective West supplies weapons; the proxy war goes on and on.",
    "Officials in Kyiv said the strikes hit power stations overnight.",
    "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ: Ο ΠΡΟΕΔΡΟΣ ΕΙΠΕ.\nΣΟΣ σας ΣΑΣ",
    "Москва заявила о специальной военной операции. Київ відповів.",
    "東京で会議 talks in Tokyo, tokyo TOKYO\tTokyo",
    "war war war peace peace war-torn war\r\ntorn",
]

TEXTS = TRAIN + [
    "",
    "   ",
    "\n\n",
    "a",
    "Kiev Kiev kiev KIEV\n  Kiev regime  \n\nKiev regime",
    "ΣΑΣ\nΣΑΣ ΣΑΣ",  # final sigma: lowercased by line and by text alike
    "line one\x0cpage two\u2028and three\r\nfour\x85five",
    "e\u0301cole naïve cafe\u0301 😀 proxy war",
    "The special military operation went on.",  # a line of a training text, alone
    "  Kiev regime officials said so.  ",
    "proxy war",
]

VECTORIZERS = {
    "words 1-1": dict(sublinear_tf=True, use_idf=False),
    "words 1-2 idf": dict(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32),
    "words binary": dict(binary=True, norm=None, use_idf=False),
    "chars 2-5": dict(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                      dtype=np.float32),
    "chars 3-5": dict(analyzer="char_wb", ngram_range=(3, 5), min_df=1),
    "chars 1-1": dict(analyzer="char_wb", ngram_range=(1, 1)),
}


@pytest.fixture(autouse=True)
def cold():
    clear_caches()
    yield
    clear_caches()


def same(got, expected):
    got, expected = sparse.csr_matrix(got), sparse.csr_matrix(expected)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)  # to the bit, not approximately


@pytest.mark.parametrize("name", list(VECTORIZERS))
def test_each_vectorizer_gets_exactly_its_own_transform(name):
    vectorizer = TfidfVectorizer(**VECTORIZERS[name]).fit(TRAIN)
    counts = TextCounts()
    same(counts.transform(vectorizer, TEXTS), vectorizer.transform(TEXTS))
    # Again from the same counts (every text already tokenised), in another order, repeated.
    order = TEXTS[::-1] + TEXTS[:3]
    same(counts.transform(vectorizer, order), vectorizer.transform(order))


def test_vectorizers_share_one_pass_in_any_order():
    vectorizers = [TfidfVectorizer(**options).fit(TRAIN) for options in VECTORIZERS.values()]
    counts = TextCounts()
    lines = [line for text in TEXTS for line in text.split("\n")]
    for vectorizer in vectorizers + vectorizers[::-1]:
        for texts in (lines, TEXTS):
            same(counts.transform(vectorizer, texts), vectorizer.transform(texts))


def test_a_vocabulary_seen_after_the_texts_were_counted_still_counts_its_words():
    first = TfidfVectorizer().fit(TRAIN[:2])
    later = TfidfVectorizer(ngram_range=(1, 2)).fit(TRAIN[2:])
    counts = TextCounts()
    same(counts.transform(first, TEXTS), first.transform(TEXTS))
    same(counts.transform(later, TEXTS), later.transform(TEXTS))


@pytest.mark.parametrize("options", [
    dict(stop_words="english"),
    dict(ngram_range=(1, 3)),
    dict(ngram_range=(2, 2)),
    dict(analyzer="char", ngram_range=(2, 4)),
    dict(lowercase=False),
    dict(strip_accents="unicode"),
    dict(token_pattern=r"(?u)\b\w+\b"),
])
def test_analyses_it_does_not_reproduce_go_through_the_vectorizer(options):
    vectorizer = TfidfVectorizer(**options).fit(TRAIN)
    same(TextCounts().transform(vectorizer, TEXTS), vectorizer.transform(TEXTS))


def test_no_texts_give_an_empty_matrix_of_the_vocabulary_width():
    vectorizer = TfidfVectorizer().fit(TRAIN)
    got = TextCounts().transform(vectorizer, [])
    assert got.shape == (0, len(vectorizer.vocabulary_))


def test_the_token_cache_starts_again_when_full_and_stays_exact(monkeypatch):
    monkeypatch.setattr(counting, "TOKEN_CACHE_SIZE", 5)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(TRAIN)
    for start in range(0, len(TEXTS), 3):
        texts = TEXTS[start:start + 3]
        same(TextCounts().transform(vectorizer, texts), vectorizer.transform(texts))
    kept = counting._TOKEN_ROWS[vectorizer]
    assert len(kept.index) <= max(5, max(len(set(" ".join(TEXTS[s:s + 3]).lower().split()))
                                         for s in range(0, len(TEXTS), 3)))


def test_ids_given_out_before_the_cache_started_again_are_not_used(monkeypatch):
    monkeypatch.setattr(counting, "TOKEN_CACHE_SIZE", 30)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(TRAIN)
    counts = TextCounts()
    for texts in (TEXTS[:4], TEXTS[4:], TEXTS[:4], TEXTS):
        same(counts.transform(vectorizer, texts), vectorizer.transform(texts))
    assert counting._TOKEN_ROWS[vectorizer].generation >= 1


def test_transform_union_matches_the_union_with_its_weights():
    union = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2))),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3))),
        ("other", TfidfVectorizer(stop_words="english")),
    ], transformer_weights={"chars": 0.5}).fit(TRAIN)
    expected = sparse.csr_matrix(union.transform(TEXTS))
    got = transform_union(union, TEXTS, TextCounts())
    assert abs(got - expected).max() == 0
    assert abs(transform_union(union, TEXTS, None) - expected).max() == 0


def test_kept_rows_are_found_by_owner_and_text_only():
    counts, owner, other = TextCounts(), object(), object()
    matrix = sparse.csr_matrix(np.eye(2))
    counts.keep(owner, ["a", "b"], matrix)
    assert (counts.kept(owner, "b") != matrix[1]).nnz == 0
    assert counts.kept(owner, "c") is None
    assert counts.kept(other, "a") is None


def test_rows_kept_over_many_batches_stay_exact():
    # One batch per text: more chunks of token rows than are kept apart before a merge.
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit(TRAIN)
    texts = TEXTS + [f"token{k} and word{k}" for k in range(20)]
    for text in texts:
        same(TextCounts().transform(vectorizer, [text]), vectorizer.transform([text]))
    same(TextCounts().transform(vectorizer, texts), vectorizer.transform(texts))
