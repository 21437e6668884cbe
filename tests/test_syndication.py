"""Shared passages between sources: the seeds acceptance of the syndication issue, and the
rules (different sources only, boilerplate, quotes, typography, direction, offsets)."""

import datetime
import random

import pytest

from framing.ingest import iter_articles
from framing.syndication import (
    SharedPassage,
    _credits,
    find_shared_passages,
    link_sources,
    normalize,
)

from .conftest import SEEDS

SYLLABLES = ["ka", "lo", "mi", "ret", "su", "van", "do", "rel", "pi", "nor", "ta", "gem",
             "bu", "sil", "ko", "ran", "te", "mos", "li", "dar", "fe", "zun", "ha", "pol"]


def prose(seed: int, sentences: int = 8) -> str:
    """Made-up text no other seed shares: sentences of 12 to 20 invented words."""
    rnd = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = ["".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3)))
                 for _ in range(rnd.randint(12, 20))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


# A 33-word narrative passage (invented, so that no real text is needed).
SHARED = (
    "The regional council confirmed on Tuesday that the northern bridge will stay closed "
    "until the engineers finish their survey of the damaged pillars, which could take "
    "several weeks according to the transport office."
)


def doc(doc_id, source, text, published=None):
    return (doc_id, source, text, published)


def article(seed: int, middle: str = "") -> str:
    """Unique text around an optional shared passage."""
    return f"{prose(seed, 4)}\n\n{middle}\n\n{prose(seed + 1000, 4)}" if middle else prose(seed)


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_docs():
    articles = {a.path.rsplit("/", 1)[-1][:3]: a for a in iter_articles([str(SEEDS)])}
    docs = [doc(a.id, a.source, a.text, a.published) for a in articles.values()]
    return articles, docs


def test_seeds_sputnik_and_urdupoint_share_the_background_paragraph(seed_docs):
    articles, docs = seed_docs
    passages = find_shared_passages(docs)
    pairs = {frozenset((p.source_a, p.source_b)) for p in passages}
    assert frozenset({"sputniknews.com", "urdupoint.com"}) in pairs
    (p,) = [p for p in passages if {p.source_a, p.source_b} == {"sputniknews.com",
                                                                  "urdupoint.com"}]
    sputnik = p if p.source_a == "sputniknews.com" else p.swapped()
    # Similar, not identical: "On 24 February" / "On February 24", "breakaway", the Cyrillic
    # "\u043f" in Sputnik's "Lu\u043fansk", "forces" / "provocations".
    assert "appealed for help in defending themselves" in sputnik.text_a
    assert "appealed for help in defending themselves" in sputnik.text_b
    assert sputnik.text_a != sputnik.text_b
    assert articles["000"].text[sputnik.start_a : sputnik.end_a] == sputnik.text_a
    assert articles["002"].text[sputnik.start_b : sputnik.end_b] == sputnik.text_b
    assert 0.5 <= p.similarity < 1


def test_seeds_link_urdupoint_to_sputnik_by_its_credit_line(seed_docs):
    _, docs = seed_docs
    (link,) = link_sources(find_shared_passages(docs))
    assert (link.source, link.origin) == ("urdupoint.com", "sputniknews.com")
    assert link.passages == 1 and link.articles == 1
    # "WASHINGTON (UrduPoint News / Sputnik - 24th March, 2022)" decides it, although this
    # UrduPoint article is two months older than the Sputnik one repeating the paragraph.
    assert link.direction_known
    assert link.examples[0].source_a == "urdupoint.com"


def test_seeds_unrelated_articles_are_not_linked(seed_docs):
    _, docs = seed_docs
    involved = {s for p in find_shared_passages(docs) for s in (p.source_a, p.source_b)}
    assert involved == {"sputniknews.com", "urdupoint.com"}  # not cnn.com, zerohedge.com
    # Seed 001 has no source; even named, it shares no passage with anything.
    named = [d if d[1] else (d[0], "example.org", d[2], d[3]) for d in docs]
    involved = {s for p in find_shared_passages(named) for s in (p.source_a, p.source_b)}
    assert "example.org" not in involved


# --------------------------------------------------------------------------- rules


def test_shared_passage_between_two_sources_is_found_with_offsets():
    a, b = article(1, SHARED), article(2, SHARED)
    (p,) = find_shared_passages([doc("x", "one.com", a), doc("y", "two.com", b)])
    assert (p.source_a, p.article_a, p.source_b, p.article_b) == ("one.com", "x", "two.com", "y")
    assert p.text_a == a[p.start_a : p.end_a] == SHARED
    assert p.text_b == b[p.start_b : p.end_b] == SHARED
    assert p.similarity == 1.0


def test_same_source_repeats_are_not_syndication():
    docs = [doc("x", "one.com", article(1, SHARED)), doc("y", "one.com", article(2, SHARED))]
    assert find_shared_passages(docs) == []


def test_articles_without_a_source_are_skipped():
    docs = [doc("x", None, article(1, SHARED)), doc("y", "two.com", article(2, SHARED)),
            doc("z", None, article(3, SHARED))]
    assert find_shared_passages(docs) == []


def test_empty_input():
    assert find_shared_passages([]) == []
    assert find_shared_passages([doc("x", "one.com", ""), doc("y", "two.com", "  \n")]) == []
    assert link_sources([]) == []


def test_short_shared_sentence_is_not_a_passage():
    short = "The regional council confirmed that the northern bridge will stay closed for weeks."
    docs = [doc("x", "one.com", article(1, short)), doc("y", "two.com", article(2, short))]
    assert find_shared_passages(docs) == []
    # min_words decides: the same sentence passes with a lower bar.
    assert len(find_shared_passages(docs, min_words=12)) == 1


def test_a_quoted_statement_is_not_republishing():
    # Outlets quote the same statement word for word; only the narration around it is theirs.
    statement = (
        "\u201cWe continue to believe that engagement between the two defence ministries is "
        "critically important at this time, and we will keep seeking calls with our "
        "counterparts for as long as it takes,\u201d"
    )
    a = article(1, f"{statement} the ministry said in a statement.")
    b = article(2, f"{statement} a spokesman told reporters.")
    assert find_shared_passages([doc("x", "one.com", a), doc("y", "two.com", b)]) == []


def test_boilerplate_shared_by_many_sources_links_nothing():
    footer = (
        "Sign up for our daily newsletter to receive the most important stories of the day in "
        "your inbox every morning, and follow us on social media for breaking news alerts and "
        "exclusive interviews with the people who shape the news."
    )
    docs = [doc(f"d{i}", f"site{i}.com", f"{prose(i)}\n\n{footer}") for i in range(12)]
    assert find_shared_passages(docs) == []
    # A passage only two sources share is found even among them.
    docs[3] = doc("d3", "site3.com", f"{article(3, SHARED)}\n\n{footer}")
    docs[7] = doc("d7", "site7.com", f"{article(7, SHARED)}\n\n{footer}")
    (p,) = find_shared_passages(docs)
    assert p.text_a == SHARED and {p.source_a, p.source_b} == {"site3.com", "site7.com"}
    # max_sources sets how many sources a shingle may be in.
    found = find_shared_passages(docs, max_sources=20)
    assert len(found) == 2 and {p.text_a for p in found} == {SHARED, footer}


def test_page_template_of_two_sources_links_nothing():
    # A comment form on every page of two sites: the same software, not copying.
    form = (
        "This field is for validation purposes and should be left unchanged. Completing this "
        "poll grants you access to our updates free of charge. You may opt out at anytime. You "
        "also agree to this site's Privacy Policy and Terms of Use."
    )
    docs = [doc(f"{s}{i}", f"{s}.com", f"{prose(10 * i + n)}\n\n{form}")
            for n, s in enumerate(("one", "two")) for i in range(4)]
    assert find_shared_passages(docs) == []


def test_lines_repeated_in_an_article_are_furniture():
    line = "Sputnik International feedback@sputniknews.com +74956456601 MIA Rosiya Segodnya"
    furniture = "\n\n".join([line, "2022", line, "News", line, "en_EN", line, "ukraine", line])
    docs = [doc("x", "one.com", f"{prose(1)}\n\n{furniture}"),
            doc("y", "two.com", f"{prose(2)}\n\n{furniture}")]
    assert find_shared_passages(docs, min_words=10) == []


def test_typographic_variants_still_match():
    plain = SHARED.replace("will stay", 'will "stay"').replace("engineers", "engineers'")
    disguised = (
        plain.replace('"stay"', "\u201cstay\u201d")
        .replace("engineers'", "engineers\u2019")
        .replace("the damaged", "the\u00a0damaged")
        .replace("bridge", "bri\u0501ge")  # Cyrillic komi de
        .replace("council", "\u0441ouncil")  # Cyrillic es
        .replace("survey", "sur\u200bvey")  # zero-width space
        .replace("transport", "TRANSPORT")
    )
    a, b = article(1, plain), article(2, disguised)
    (p,) = find_shared_passages([doc("x", "one.com", a), doc("y", "two.com", b)])
    assert p.similarity == 1.0
    assert p.text_b == b[p.start_b : p.end_b] == disguised


def test_normalize_keeps_lengths_and_maps_look_alikes():
    moscow = "\u041c\u043e\u0441\u043a\u0432\u0430"
    text = (f"Lu\u043fansk Defen\u0441e \u201cKyiv\u201d\u00a0\u2014 Ukr\u200baine {moscow} "
            "caf\u00e9")
    norm = normalize(text)
    assert len(norm) == len(text)
    # The Russian word stays Cyrillic: only Latin words with look-alikes are mapped.
    assert norm == f"lunansk defence \"kyiv\" - ukr'aine {moscow.lower()} caf\u00e9"


def test_non_ascii_text_and_offsets():
    russian = (
        "\u0421\u043e\u0432\u0435\u0442 \u0440\u0435\u0433\u0438\u043e\u043d\u0430 "
        "\u043f\u043e\u0434\u0442\u0432\u0435\u0440\u0434\u0438\u043b "
    ) * 6 + "\u043c\u043e\u0441\u0442 \u0437\u0430\u043a\u0440\u044b\u0442."
    shared = f"{SHARED} {russian}"
    a = "\U0001f4f0 Caf\u00e9 \u00e9dition sp\u00e9ciale \u2014 " + article(1, shared)
    b = "\u4e2d\u6587\u6807\u9898 " + article(2, shared.replace(" the ", " the\u00a0"))
    (p,) = find_shared_passages([doc("x", "one.com", a), doc("y", "two.com", b)])
    assert p.text_a == a[p.start_a : p.end_a]
    assert p.text_b == b[p.start_b : p.end_b]
    assert p.text_a.startswith("The regional council")
    assert p.text_a.endswith("\u0437\u0430\u043a\u0440\u044b\u0442.")


def test_direction_from_dates():
    early, late = datetime.date(2022, 3, 1), datetime.date(2022, 3, 5)
    docs = [doc("x", "copier.com", article(1, SHARED), late),
            doc("y", "wire.com", article(2, SHARED), early)]
    (p,) = find_shared_passages(docs)
    assert p.origin == "wire.com"
    (link,) = link_sources([p])
    assert (link.source, link.origin, link.direction_known) == ("copier.com", "wire.com", True)
    # Without dates in the passages, link_sources takes them from ``published``.
    undated = [doc(d[0], d[1], d[2], None) for d in docs]
    (p,) = find_shared_passages(undated)
    assert p.origin is None
    (link,) = link_sources([p])
    assert not link.direction_known
    (link,) = link_sources([p], published={"x": late, "y": early})
    assert (link.source, link.origin, link.direction_known) == ("copier.com", "wire.com", True)


def test_credit_line_beats_dates():
    a = "MOSCOW (Sputnik) - " + article(1, SHARED)
    b = "WASHINGTON (UrduPoint News / Sputnik - 24th March, 2022) " + article(2, SHARED)
    docs = [doc("s", "sputniknews.com", a, datetime.date(2022, 5, 31)),
            doc("u", "urdupoint.com", b, datetime.date(2022, 3, 24))]
    (p,) = find_shared_passages(docs)
    assert p.origin == "sputniknews.com"


def test_links_count_distinct_passages_and_article_pairs():
    # One origin article; its paragraph shows up in three articles of another source.
    origin = doc("o", "wire.com", article(1, SHARED))
    copies = [doc(f"c{i}", "copier.com", article(10 + i, SHARED)) for i in range(3)]
    passages = find_shared_passages([origin, *copies])
    assert len(passages) == 3
    (link,) = link_sources(passages, max_examples=2)
    assert link.articles == 3
    assert link.passages == 1 and len(link.examples) == 1
    assert all(e.source_a == link.source for e in link.examples)


def test_adjacent_matching_sentences_merge_into_one_passage():
    second = ("Drivers are asked to use the southern crossing instead, where the police have "
              "added patrols during the morning and evening rush hours.")
    inserted = "Local shops say their trade has already fallen."
    a = article(1, f"{SHARED} {second}")
    b = article(2, f"{SHARED} {inserted} {second}")
    (p,) = find_shared_passages([doc("x", "one.com", a), doc("y", "two.com", b)])
    assert p.text_a == f"{SHARED} {second}"
    assert p.text_b == f"{SHARED} {inserted} {second}"


def test_passage_inside_a_long_unpunctuated_run_is_found():
    # Text extracted without sentence ends: the run is cut into windows of about 40 words.
    filler = prose(107, 12).replace(".", "").lower().split()
    runon = " ".join(filler[:82] + SHARED.rstrip(".").split() + filler[82:])
    (p,) = find_shared_passages([doc("x", "one.com", article(1, SHARED)),
                                 doc("y", "two.com", runon)])
    assert p.text_a == SHARED
    assert SHARED.rstrip(".") in p.text_b and p.similarity >= 0.5


def test_links_to_the_same_page_are_not_shared_text():
    url = ("https://www.example.com/news/2020/05/22/the-regional-council-confirmed-on-tuesday-that"
           "-the-northern-bridge-will-stay-closed-until-the-engineers-finish-their-survey")
    docs = [doc("x", "one.com", article(1, f"Read more at {url} today.")),
            doc("y", "two.com", article(2, f"Source: {url}"))]
    assert find_shared_passages(docs, min_words=5) == []


def test_undecided_direction_follows_the_convention():
    # No dates, no credits: the source with fewer articles in the link is the republisher.
    origin = [doc(f"o{i}", "big.com", article(i, SHARED)) for i in range(2)]
    copy = doc("c", "small.com", article(9, SHARED))
    (link,) = link_sources(find_shared_passages([*origin, copy]))
    assert (link.source, link.origin, link.direction_known) == ("small.com", "big.com", False)


def test_results_do_not_depend_on_input_order():
    docs = [doc(f"d{i}", f"site{i % 3}.com", article(i, SHARED if i % 2 else "")) for i in range(9)]
    forward = find_shared_passages(docs)
    backward = find_shared_passages(list(reversed(docs)))
    assert len(forward) == 5 and forward == backward


def test_bad_parameters():
    with pytest.raises(ValueError):
        find_shared_passages([], min_words=0)
    with pytest.raises(ValueError):
        find_shared_passages([], threshold=0)
    with pytest.raises(ValueError):
        find_shared_passages([], max_sources=1)


def test_swapped_exchanges_sides():
    p = SharedPassage("a.com", "x", 1, 2, "b.com", "y", 3, 4, "t", "u", 0.9, "b.com")
    assert p.swapped().swapped() == p
    assert (p.swapped().source_a, p.swapped().start_a, p.swapped().text_a) == ("b.com", 3, "u")


# --------------------------------------------------------------------------- ReCOVery


def test_recovery_links_are_republishing_not_boilerplate(shared_data):
    articles = list(iter_articles([str(shared_data / "recovery")]))
    # ReCOVery's ids restart in every file: the location is unique.
    docs = [doc(a.location, a.source, a.text, a.published) for a in articles]
    links = link_sources(find_shared_passages(docs))
    pairs = {frozenset((link.source, link.origin)) for link in links}
    # Known republishing: Geller Report reprints Sputnik, DC Dirty Laundry reprints
    # FrontPage Magazine, PBS and the Sun-Times carry the same AP story.
    assert frozenset({"gellerreport.com", "sputniknews.com"}) in pairs
    assert frozenset({"dcdirtylaundry.com", "frontpagemag.com"}) in pairs
    assert frozenset({"pbs.org", "suntimes.com"}) in pairs
    # A poll form on every page of two sites is a template, not copying.
    assert frozenset({"bigleaguepolitics.com", "dcdirtylaundry.com"}) not in pairs
    assert len(links) <= 30
    for link in links:
        for e in link.examples:
            assert len(e.text_a.split()) >= 20 and e.similarity >= 0.5


@pytest.mark.parametrize(
    ("text", "credits"),
    [
        ("WASHINGTON (UrduPoint News / Sputnik - 24th March, 2022) The Pentagon said.",
         ("UrduPoint News", "Sputnik")),
        ("KYIV, Ukraine, Oct. 3 (AP) - Body.", ("AP",)),
        ("Body.\nSource: CNN / Reuters\n", ("CNN", "Reuters")),
        ("Body.\nVia Zero Hedge\n", ("Zero Hedge",)),
        ("Body.\nThis article originally appeared on The Duran.\n", ("The Duran",)),
        # Not credits: prose after "Sources", a picture's credit, prose after a parenthesis.
        ("Body.\nSources said the talks would resume.\n", ()),
        ("Body.\nCredit: AP Photo/Sputnik\n", ()),
        ("MOSCOW (Sputnik) said the talks would resume.", ()),
    ],
)
def test_credits_are_read_with_the_one_grammar(text, credits):
    # The grammar is framing/sources.py's (tests/test_sources.py); here what syndication takes.
    assert _credits(text) == credits
