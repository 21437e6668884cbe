"""Tests of the code markers: hidden characters (TH5xx) and page structure (ST601, ST602).

The markers' own examples are run by test_markers.py; these tests pin the seed articles, the
edge cases and the false-positive rate on reliable news.
"""

import csv
from datetime import date, datetime
from pathlib import Path

import pytest

from framing import checks
from framing.markers import Extractor, validate_entries

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
# Only the code markers: these tests must not depend on the phrase catalogue's state.
EXTRACTOR = Extractor(validate_entries(checks.CHECKS))
CHECK = {entry["id"]: entry["check"] for entry in checks.CHECKS}


def _seed(number: int) -> str:
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return path.read_text(encoding="utf-8")


def _found(text: str, marker_id: str, **kwargs) -> list:
    return [e for e in EXTRACTOR.scan(text, **kwargs) if e.marker_id == marker_id]




# --------------------------------------------------------------------------- seeds


def test_seed_000_mixed_script_words_are_flagged():
    text = _seed(0)
    found = _found(text, "TH501")
    assert [e.text for e in found] == ["Lu\u043fansk", "Defen\u0441e"]
    assert found[0].message == "Latin word with Cyrillic '\u043f' (U+043F)"
    assert found[1].message == "Latin word with Cyrillic '\u0441' (U+0441)"
    assert all(text[e.start : e.end] == e.text for e in found)


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_other_seeds_have_no_hidden_characters(number):
    assert not [e for e in EXTRACTOR.scan(_seed(number)) if e.family == "hygiene"]


def test_seed_004_repeated_body_spans_the_second_copy():
    text = _seed(4)
    (ev,) = _found(text, "ST601")
    lines = text.split("\n")
    byline = next(i for i, line in enumerate(lines) if line.startswith("Tyler Durden"))
    assert ev.line == byline + 3  # the blank line, then the first repeated paragraph
    assert ev.text.startswith("Top US and Russian generals spoke")
    assert ev.end == len(text.rstrip())
    assert ev.message.startswith("body repeated: 13 paragraphs (")
    assert ev.message.endswith("first seen at line 4")


@pytest.mark.parametrize("number", [0, 1, 2, 3])
def test_seeds_with_repeated_titles_credits_or_headlines_have_no_repeated_body(number):
    assert not _found(_seed(number), "ST601")


def test_seed_004_page_date_contradicts_story_date():
    (ev,) = _found(_seed(4), "ST602")
    assert ev.text == "05/20/2022"
    assert ev.message == "page dated 2024-12-22 but story dated 2022-05-20 (947 days apart)"


@pytest.mark.parametrize("number", [0, 1, 2, 3])
def test_seeds_with_agreeing_or_no_dates_have_no_date_contradiction(number):
    assert not _found(_seed(number), "ST602")


def test_published_overrides_the_page_date():
    assert not _found(_seed(4), "ST602", published=date(2022, 5, 21))
    (ev,) = _found(_seed(0), "ST602", published=date(2020, 1, 1))
    assert ev.text == "2022-05-31T08:17"
    assert ev.message == "page dated 2020-01-01 but story dated 2022-05-31 (881 days apart)"
    assert _found(_seed(0), "ST602", published=datetime(2020, 1, 1, 12, 30))
    # Without a page date of its own, a page is compared only when the caller gives one.
    assert not _found(_seed(2), "ST602")
    assert _found(_seed(2), "ST602", published=date(2023, 1, 1))


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("marker_id", sorted(CHECK))
@pytest.mark.parametrize("text", ["", "\n", " \u00a0 ", "a", "\ufeff"])
def test_empty_and_tiny_texts(marker_id, text):
    assert list(CHECK[marker_id](text)) == []
    assert list(CHECK[marker_id](text, published=date(2022, 1, 1))) == []


@pytest.mark.parametrize(
    "text",
    [
        "\u041c\u043e\u0441\u043a\u0432\u0430 \u2014 \u041a\u0438\u0457\u0432",
        "\u0391\u03b8\u03ae\u03bd\u03b1 \u03ba\u03b1\u03b9 "
        "\u0398\u03b5\u03c3\u03c3\u03b1\u03bb\u03bf\u03bd\u03af\u03ba\u03b7",
        "\u6771\u4eac \u2014 \U0001f600 \U0001f3f3\ufe0f\u200d\U0001f308",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u05e9\u05dc\u05d5\u05dd\u200f",
        "Ren\u00e9e na\u00efve fa\u00e7ade \u2018quoted\u2019 \u201cdouble\u201d "
        "\u2013 \u20ac5 \u2122",
        "levels of TNF\u03b1, ER\u03b2, NF-\u03baB and IL-1\u03b2; 5 \u03bcg/ml; 3 \u00b5m",
        "\u041f\u0440\u0438\u0432\u0435\u0442 COVID-19 \u0438 NATO: "
        "\u0432\u0441\u0435 \u0432 Twitter",
    ],
)
def test_clean_non_ascii_text_has_no_hidden_characters(text):
    assert not [e for e in EXTRACTOR.scan(text) if e.family == "hygiene"]


def test_cyrillic_word_with_latin_letters_names_the_latin_ones():
    text = "\u0433\u0456\u0434\u043d\u0456\u0441\u0442\u044c, \u041c\u043e\u0441\u043a\u0432a"
    (ev,) = _found(text, "TH501")
    assert ev.text == "\u041c\u043e\u0441\u043a\u0432a"
    assert ev.message == "Cyrillic word with Latin 'a' (U+0061)"


def test_greek_lookalikes_inside_latin_words():
    assert [e.text for e in _found("Ukr\u03b1ine and the \u039dATO", "TH501")] == [
        "Ukr\u03b1ine",
        "\u039dATO",
    ]
    (ev,) = _found("Ukr\u03b1ine", "TH501")
    assert ev.message == "Latin word with Greek '\u03b1' (U+03B1)"


def test_both_foreign_scripts_in_one_word_are_named():
    (ev,) = _found("Def\u0435n\u03bfe", "TH501")
    assert ev.message == "Latin word with Cyrillic '\u0435' (U+0435) and Greek '\u03bf' (U+03BF)"


def test_cp1252_mojibake_is_not_a_disguised_word():
    text = "don\u0432\u0402\u2122t and\u0412\u00a0more \u0432\u0402\u045aquoted"
    assert not _found(text, "TH501")
    assert _found(text.replace("\u00a0", " "), "TH501")  # a real Cyrillic capital


def test_offsets_map_to_the_original_text():
    text = "\U0001f600 caf\u00e9\r\n\u00a0line two: Lu\u043fansk, spe\u00adcial, \u202eabc"
    found = EXTRACTOR.scan(text)
    assert {e.marker_id: e.text for e in found} == {
        "TH501": "Lu\u043fansk",
        "TH502": "spe\u00adcial",
        "TH503": "\u202e",
    }
    for ev in found:
        assert text[ev.start : ev.end] == ev.text
        assert ev.line == 2
        line_start = text.index("\n") + 1
        assert ev.col == ev.start - line_start + 1


def test_mixed_script_word_keeps_combining_marks_and_hidden_characters():
    text = "the Lu\u200b\u043fansk front, \u0438\u0306\u043e\u0434 x"
    (ev,) = _found(text, "TH501")
    assert ev.text == "Lu\u200b\u043fansk"
    (ev,) = _found(text, "TH502")
    assert ev.text == "Lu\u200b\u043fansk"


def test_zero_width_message_names_characters_and_visible_word():
    (ev,) = _found("the Na\u200bz\u200bi\u00ads said", "TH502")
    assert ev.text == "Na\u200bz\u200bi\u00ads"
    assert ev.message == (
        "zero-width space (U+200B) x2, soft hyphen (U+00AD) hidden inside 'Nazis'"
    )


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffStart of file",
        "chair of\u200b \u200bAcme Foods",
        "\n\n\u200bIn a new study",
        "SPRINGFIELD \u00ad\u2013 The",
        "could\u00ad well",
        "\u0441\u0435\u0432\u0435\u0440\u043e-\u200b\u0437\u0430\u043f\u0430\u0434",
        "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u200b\u0e04\u0e23\u0e31\u0e1a",
    ],
)
def test_invisible_characters_not_between_alphabetic_letters_are_left_alone(text):
    assert not _found(text, "TH502")


def test_bidi_controls_anywhere_and_stray_pops_are_called_so():
    found = _found("x\u202egnp.exe\u202c and \u2067\u05e9\u05dc\u05d5\u05dd\u2069 \u202c.", "TH503")
    assert [e.text for e in found] == ["\u202e", "\u202c", "\u2067", "\u2069", "\u202c"]
    assert found[0].message == "hidden bidi control: right-to-left override (U+202E)"
    assert "closing nothing" not in found[1].message
    assert found[4].message.endswith("closing nothing (likely a copy-paste leftover)")
    assert not _found("marks \u200e\u200f are fine", "TH503")


def test_hygiene_prefilter_sees_each_text_afresh():
    dirty, clean = "Lu\u043fansk \u2019", "Luhansk \u2019"
    assert _found(dirty, "TH501") and not _found(clean, "TH501") and _found(dirty, "TH501")


def test_hygiene_prefilter_cannot_miss_a_character():
    # The prefilter trusts that cp1252 cannot encode any character looked for but the soft
    # hyphen, which it checks itself; a newer codec table must not break that.
    for kind, regex in checks._SUSPECT_RES.items():
        for code in range(0x80, 0x10000):
            char = chr(code)
            if 0xD800 <= code <= 0xDFFF or not regex.match(char) or char == "\u00ad":
                continue
            with pytest.raises(UnicodeEncodeError):
                char.encode("cp1252")
            assert kind in checks._suspects("a " + char), (kind, hex(code))


# --------------------------------------------------------------------------- ST601

_PARAGRAPHS = [
    f"Paragraph {n} of the story tells one more part of what happened in the city, who was "
    f"there and what was said about it ({n})."
    for n in range(1, 6)
]


def test_repeated_body_is_found_through_crlf_and_retyping():
    first = "\r\n".join(_PARAGRAPHS)
    second = "\r\n".join(p.replace(" ", "\u00a0", 3).upper() for p in _PARAGRAPHS)
    text = "Title\r\n" + first + "\r\nAuthor\r\n" + second + "\r\n"
    (ev,) = _found(text, "ST601")
    assert text[ev.start : ev.end].startswith("PARAGRAPH\u00a01")
    assert ev.message.startswith("body repeated: 5 paragraphs (")
    assert ev.message.endswith("first seen at line 2")


def test_repeated_body_in_another_alphabet():
    body = [
        "\u0410\u0431\u0437\u0430\u0446 " * 20 + str(n) for n in range(4)
    ]
    text = "\n".join(body) + "\n\n" + "\n".join(p.replace(" ", "  ") for p in body)
    (ev,) = _found(text, "ST601")
    assert ev.message.startswith("body repeated: 4 paragraphs")


@pytest.mark.parametrize(
    "layout",
    [
        [0, 0, 0, 1, 1, 1, 2, 3],  # gallery captions shown again and again
        [0, 0, 1, 2, 2, 3, 4, 4],  # each caption twice in a row, pairs apart
        [0, 1, 2, 3, 4, 0],  # the lead echoed once
    ],
)
def test_captions_and_echoes_are_not_a_repeated_body(layout):
    text = "\n\n".join(_PARAGRAPHS[i] for i in layout)
    assert not _found(text, "ST601")


def test_short_repeated_paragraphs_are_not_a_repeated_body():
    short = [p[:95] for p in _PARAGRAPHS]
    text = "\n".join(short + ["between"] + short)
    assert not _found(text, "ST601")


# --------------------------------------------------------------------------- ST602


@pytest.mark.parametrize(
    ("story", "flagged"),
    [
        ("Tyler Durden Fri, 05/20/2022 - 15:20", True),
        ("2022-05-20T15:20:00Z", True),
        ("Published May 20, 2022", True),
        ("UPDATED: 10:03 EDT, 20 May 2022", True),
        ("Posted on Friday, May 20th, 2022", True),
        ("MOSCOW (Sputnik - 20th May, 2022) The", True),
        # The dateline grammar is framing/sources.py's, the date grammar framing/dates.py's.
        ("KYIV, Ukraine (AP - 20th May, 2022) The", True),
        ("WASHINGTON (UrduPoint News / Sputnik - 05/20/2022)", True),
        ("Published 2022/05/20", True),
        ("Posted 20.05.2022.", True),
        ("MOSCOW (Sputnik - 20th May, 2022) said", False),
        ("The war began on February 24, 2022, and on May 20, 2022 it went on.", False),
        ("(April 3 - May 20, 2022) was the period", False),
        ("the report was updated on May 20, 2022", False),
        ("Tyler Durden Fri, 02/30/2022 - 15:20", False),
    ],
)
def test_story_date_contexts(story, flagged):
    text = f"December 22, 2024\nHeadline\n\n{story}\n"
    assert bool(_found(text, "ST602")) is flagged


def test_any_agreeing_story_date_clears_the_page():
    text = "March 1, 2020\nTitle\nPublished January 3, 2020\nUpdated March 1, 2020 10:00\n"
    assert not _found(text, "ST602")
    (ev,) = _found(text.replace("Updated March 1", "Updated January 5"), "ST602")
    assert ev.text == "January 3, 2020"
    assert ev.message.endswith("(58 days apart)")


def test_weekday_settles_day_month_order():
    # 06/05/2020 is Friday 5 June or Wednesday 6 May; the weekday picks June.
    page = "May 1, 2020\nTitle\n\n"
    (ev,) = _found(page + "Name Fri, 06/05/2020 - 10:00", "ST602")
    assert "story dated 2020-06-05 (35 days apart)" in ev.message
    # Without a weekday the reading closest to the page date is taken.
    assert not _found(page + "Name 06/05/2020 - 10:00", "ST602")


def test_page_date_only_from_the_first_lines():
    late = "Title\nSubtitle\nBy someone\nDecember 22, 2024\n\nTyler Durden Fri, 05/20/2022 - 15:20"
    assert not _found(late, "ST602")
    assert _found(late.replace("By someone\n", ""), "ST602")


def test_date_record_header_line():
    text = " date 2022-05-31 https://example.com/x\n\nTitle\n\n2022-01-02T08:17+0000\n"
    (ev,) = _found(text, "ST602")
    assert ev.message == "page dated 2022-05-31 but story dated 2022-01-02 (149 days apart)"


# --------------------------------------------------------------------------- real data


def _recovery_bodies(shared_data, folder: str) -> list[str]:
    files = sorted((shared_data / "recovery" / folder).glob("*.csv"))
    csv.field_size_limit(10**9)
    bodies = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            bodies += [row["body_text"] for row in csv.DictReader(handle)]
    return bodies


# The hygiene family's false-positive bound is tested with the others in test_flagging.py.


def test_repeated_bodies_are_rare_in_reliable_news(shared_data):
    bodies = _recovery_bodies(shared_data, "reliable")
    assert len(bodies) > 500
    flagged = sum(bool(_found(body, "ST601")) for body in bodies)
    assert flagged / len(bodies) < 0.02, f"{flagged} of {len(bodies)} reliable articles"
