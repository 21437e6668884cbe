"""Tests of the marker catalogue and the extractor.

The catalogue tests are data-driven: every marker's own examples are its tests.
"""

import json
import re
import tomllib

import pytest

from framing import checks
from framing.errors import MarkerDataError
from framing.markers import (
    FAMILIES,
    VOICED_FAMILIES,
    Evidence,
    Extractor,
    default_catalogue_path,
    load_markers,
    phrase_key,
    validate_entries,
)

MARKERS = load_markers()
EXTRACTOR = Extractor(MARKERS)


def _ids(text):
    return {e.marker_id for e in EXTRACTOR.scan(text)}


@pytest.mark.parametrize(
    ("marker_id", "example"),
    [(m.id, x) for m in MARKERS for x in m.examples_match],
)
def test_marker_matches_its_examples(marker_id, example):
    assert marker_id in _ids(example)


@pytest.mark.parametrize(
    ("marker_id", "example"),
    [(m.id, x) for m in MARKERS for x in m.examples_no_match],
)
def test_marker_does_not_match_its_counter_examples(marker_id, example):
    assert marker_id not in _ids(example)


def _voices(marker_id, text):
    return [(e.voice, e.rebutted) for e in EXTRACTOR.scan(text) if e.marker_id == marker_id]


VOICED = [m for m in MARKERS if m.family in VOICED_FAMILIES]


@pytest.mark.parametrize(
    ("marker_id", "example"), [(m.id, x) for m in VOICED for x in m.examples_match]
)
def test_match_examples_are_in_the_articles_own_voice(marker_id, example):
    found = _voices(marker_id, example)
    assert found and all(v == ("own", False) for v in found), found


@pytest.mark.parametrize(
    ("marker_id", "example", "voice"),
    [
        (m.id, x, kind)
        for m in MARKERS
        for kind in ("quoted", "attributed")
        for x in getattr(m, f"examples_{kind}")
    ],
)
def test_quoted_and_attributed_examples_match_with_that_voice(marker_id, example, voice):
    found = _voices(marker_id, example)
    assert found and any(v == voice for v, _ in found), found


@pytest.mark.parametrize(
    ("marker_id", "example"), [(m.id, x) for m in MARKERS for x in m.examples_rebutted]
)
def test_rebutted_examples_are_rebutted(marker_id, example):
    found = _voices(marker_id, example)
    assert found and any(rebutted for _, rebutted in found), found


UNVOICED = [m for m in MARKERS if m.family in ("hygiene", "structure", "ai")]


@pytest.mark.parametrize(
    ("marker_id", "example"), [(m.id, x) for m in UNVOICED for x in m.examples_match]
)
def test_hygiene_structure_and_ai_findings_are_never_attributed_or_rebutted(marker_id, example):
    # The same example inside reporting and rebutting sentences: still the page's own.
    text = f"Officials said, according to TASS, that {example} This is false."
    for found in (_voices(marker_id, example), _voices(marker_id, text)):
        assert all(v in (("own", False), ("quoted", False)) for v in found), found


@pytest.mark.parametrize("family", VOICED_FAMILIES)
def test_every_voiced_family_tests_own_quoted_and_attributed(family):
    entries = [m for m in MARKERS if m.family == family]
    assert entries
    for m in entries:
        assert m.examples_match and m.examples_quoted and m.examples_attributed, m.id
    assert any(m.examples_rebutted for m in entries)


def test_catalogue_covers_every_family_with_several_markers():
    per_family = {f: sum(m.family == f for m in MARKERS) for f in FAMILIES}
    assert all(n >= 2 for n in per_family.values()), per_family


def test_code_markers_are_listed_explicitly_with_catalogue_fields():
    ids = {m.id for m in MARKERS if m.check is not None}
    assert ids == {entry["id"] for entry in checks.CHECKS}


def _entry(**over):
    entry = {
        "id": "KN999",
        "family": "narrative",
        "name": "x",
        "description": "d",
        "examples": {
            "match": ["foo bar"],
            "no_match": ["foo"],
            "quoted": ['"foo bar"'],
            "attributed": ["so-called foo bar"],
        },
    }
    entry.update(over)
    entry.setdefault("phrases", [f"foo {entry['id']}"])
    return entry


def test_validation_lists_every_problem_at_once():
    bad = [
        _entry(id="kn1"),
        _entry(id="KN998", family="nonsense"),
        _entry(id="KN997", pattern="(unclosed", phrases=None),
        _entry(id="KN996", examples={"match": [], "quoted": ["x"], "attributed": ["y"]}),
        _entry(id="KN995", colour="red"),
        _entry(id="KN994", phrases=["Foo-KN995"]),
    ]
    with pytest.raises(MarkerDataError) as info:
        validate_entries(bad, source="test.toml")
    message = str(info.value)
    assert message.startswith("test.toml: 7 problem(s)")
    for fragment in (
        "'kn1' must be two capital letters",
        "family 'nonsense'",
        "pattern does not compile",
        "examples.match must list at least one text",
        "unknown field 'colour'",
        "phrase 'Foo-KN995' is also a phrase of KN995",
    ):
        assert fragment in message


def test_validation_rejects_duplicate_ids_and_two_kinds():
    with pytest.raises(MarkerDataError, match="duplicate id"):
        validate_entries([_entry(), _entry()])
    with pytest.raises(MarkerDataError, match="may only end a phrase"):
        validate_entries([_entry(phrases=["shelling Donbas* for years"])])
    with pytest.raises(MarkerDataError, match="exactly one of"):
        validate_entries([_entry(pattern="foo")])


def test_validation_compiles_patterns_as_the_extractor_does():
    # Within a group "a)(b" would compile; the extractor compiles the pattern alone.
    with pytest.raises(MarkerDataError, match="pattern does not compile"):
        validate_entries([_entry(phrases=None, pattern="foo)(bar")])
    (marker,) = validate_entries([_entry(phrases=None, pattern="(?s)foo.bar")])
    assert [e.text for e in Extractor([marker]).scan("a foo\nbar")] == ["foo\nbar"]


def test_validation_of_voice_examples_and_english_only():
    with pytest.raises(MarkerDataError) as info:
        validate_entries(
            [
                _entry(examples={"match": ["foo bar"], "no_match": ["foo"]}),
                _entry(id="LF999", family="loaded", english_only="yes",
                       examples={"match": ["a"], "no_match": ["b"], "quoted": [],
                                 "attributed": ["c"], "rebutted": "d", "spoken": ["e"]}),
            ]
        )
    message = str(info.value)
    for fragment in (
        "(KN999): examples.quoted must list at least one text (narrative markers",
        "(KN999): examples.attributed must list at least one text",
        "(LF999): 'english_only' must be true or false",
        "(LF999): examples.quoted must list at least one text",
        "(LF999): examples.rebutted must list at least one text",
        "(LF999): unknown examples.spoken",
    ):
        assert fragment in message
    # Families other than narrative and loaded need no voice examples.
    (ai,) = validate_entries([_entry(id="AI999", family="ai",
                                     examples={"match": ["foo bar"], "no_match": ["x"]})])
    assert ai.examples_quoted == () and ai.english_only is False


def test_english_only_markers_are_quiet_on_other_languages():
    english_only = {m.id for m in MARKERS if m.english_only}
    assert {"LF209", "LF210", "KN111"} <= english_only
    text = "In Kiev und im Donbass sprechen die Anglo-Saxons von einer special military operation."
    everywhere = {e.marker_id for e in EXTRACTOR.scan(text)}
    assert {"LF209", "LF210", "KN111", "KN101"} <= everywhere
    for language in (None, "en", "EN-gb", "en_US"):
        assert {e.marker_id for e in EXTRACTOR.scan(text, language=language)} == everywhere
    for language in ("de", "de-AT", "fr"):
        found = {e.marker_id for e in EXTRACTOR.scan(text, language=language)}
        assert found == everywhere - english_only and "KN101" in found


def test_marker_to_dict_carries_english_only_and_voice_examples():
    by_id = {m.id: m for m in MARKERS}
    d = by_id["LF209"].to_dict()
    assert d["english_only"] is True
    assert set(d["examples"]) == {"match", "no_match", "quoted", "attributed"}
    assert d["examples"]["quoted"] == list(by_id["LF209"].examples_quoted)
    assert by_id["KN101"].to_dict()["english_only"] is False
    assert "quoted" not in by_id["AI401"].to_dict()["examples"]


def test_markers_command_shows_english_only_and_voice_examples():
    from click.testing import CliRunner

    from framing.cli import main

    runner = CliRunner()
    by_id = {m.id: m for m in MARKERS}
    plain = runner.invoke(main, ["markers", "--family", "loaded"])
    assert plain.exit_code == 0
    lines = plain.stdout.splitlines()
    (lf209,) = [x for x in lines if x.startswith("LF209 ")]
    assert lf209.endswith(" [english only]")
    (lf201,) = [x for x in lines if x.startswith("LF201 ")]
    assert "[english only]" not in lf201
    # The default lists only up to two match examples, unlabelled by voice.
    assert not any(x.lstrip().startswith(("quoted:", "attributed:")) for x in lines)
    full = runner.invoke(main, ["markers", "--family", "loaded", "--examples"])
    assert full.exit_code == 0
    for marker in (by_id["LF209"], by_id["LF201"]):
        for label, examples in (
            ("e.g.", marker.examples_match),
            ("quoted:", marker.examples_quoted),
            ("attributed:", marker.examples_attributed),
            ("rebutted:", marker.examples_rebutted),
            ("no match:", marker.examples_no_match),
        ):
            for example in examples:
                line = f"        {label} " + json.dumps(example, ensure_ascii=False)
                assert line in full.stdout.splitlines(), line
    doc = json.loads(runner.invoke(main, ["markers", "--format", "json"]).stdout)
    entries = {m["id"]: m for m in doc}
    assert entries["LF209"]["english_only"] is True
    assert entries["LF209"]["examples"]["quoted"] == list(by_id["LF209"].examples_quoted)
    assert entries["KN104"]["examples"]["rebutted"] == list(by_id["KN104"].examples_rebutted)
    assert all(isinstance(m["english_only"], bool) for m in doc)


def test_load_reports_invalid_toml_with_path(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text("[[marker]\nid=", encoding="utf-8")
    with pytest.raises(MarkerDataError, match=re.escape(str(path))):
        load_markers(path)


def test_shipped_catalogue_is_plain_toml_with_marker_tables():
    raw = tomllib.loads(default_catalogue_path().read_text(encoding="utf-8"))
    assert isinstance(raw["marker"], list) and raw["marker"]


@pytest.mark.parametrize(
    "variant",
    [
        "special military operation",
        "Special Military Operation",
        "SPECIAL-MILITARY-OPERATION",
        "special\n   military\u00a0operation",
        "special\u2010military operation",
    ],
)
def test_phrases_match_case_whitespace_and_hyphen_variants(variant):
    found = Extractor(validate_entries([_entry(phrases=["special military operation"])]))
    (ev,) = found.scan("They call it a " + variant + ".")
    assert ev.text == variant and ev.start == len("They call it a ")


def test_quote_variants_and_offsets_map_to_original_text():
    found = Extractor(validate_entries([_entry(phrases=["Kiev's regime"])]))
    text = "Line one\n  the Kiev\u2019s  regime said"
    (ev,) = found.scan(text)
    assert text[ev.start : ev.end] == ev.text == "Kiev\u2019s  regime"
    assert (ev.line, ev.col) == (2, 7)


def test_phrases_respect_word_boundaries_and_wildcards():
    found = Extractor(validate_entries([_entry(phrases=["denazif*", "foo bar"])]))
    assert [e.text for e in found.scan("denazification, Foo barred, foo bar")] == [
        "denazification",
        "foo bar",
    ]


def test_phrases_match_at_the_text_start_and_right_after_each_other():
    found = Extractor(validate_entries([_entry(phrases=["[Insert Date]", "[Your Name]", "foo"])]))
    text = "[Insert Date][Your Name] foo\u2014foo"
    assert [(e.start, e.end) for e in found.scan(text)] == [(0, 13), (13, 24), (25, 28), (29, 32)]
    # A text whose lower-casing changes its length is matched without lower-casing it.
    assert [(e.start, e.text) for e in found.scan("\u0130 FOO")] == [(2, "FOO")]


def test_a_phrase_that_may_match_nothing_does_not_stall_the_scan():
    found = Extractor(validate_entries([_entry(phrases=["*", "foo bar"])]))
    assert [e.text for e in found.scan("foo bar, baz") if e.text] == ["foo bar", "baz"]


def test_extractors_pickle_as_before_and_scan_the_same_when_unpickled():
    import pickle

    text = "MOSCOW (Sputnik) - The so-called special military operation.\nRelated Stories"
    clone = pickle.loads(pickle.dumps(EXTRACTOR))
    assert clone.scan(text) == EXTRACTOR.scan(text) and clone.scan(text)
    # Models pickle extractors: the pickled state keeps its old fields, compiled regexes in
    # their old form included, so that pickles of both versions load in either.
    state = EXTRACTOR.__getstate__()
    assert list(state) == [
        "markers", "by_id", "_phrase_owner", "_wild_owner", "_phrases_lower", "_phrases_folded",
        "_patterns", "_checks",
    ]
    assert state["_phrases_lower"].pattern.startswith(r"(?<!\w)(?:")
    assert state["_phrases_folded"].flags & re.IGNORECASE
    assert pickle.dumps(clone) == pickle.dumps(EXTRACTOR)


def test_cp1252_lower_casing_is_str_lower_casing():
    from framing.markers import _cp1252

    cp1252 = _cp1252()
    assert len(cp1252.chars) == 251
    for byte, char in cp1252.chars.items():
        assert bytes([cp1252.lower[byte]]).decode("cp1252") == char.lower()


CP1252_TEXTS = [
    "The Kiev\u2019s regime \u2014 \u201cspecial\u00a0military operation\u201d said",
    "caf\u00e9 Kiev regime; Kiev\u00e9 regime; \u00e9Kiev regime; Kiev\u00adregime",
    "\u00abdenazification\u00bb and neo\u2013Nazis, Russophobes\u2026 \u00a9 Sputnik 2022",
    "Anglo\u2013Saxons\u00b4 plans; the Anglo Saxon elites; ANGLO-SAXONS",
]


@pytest.mark.parametrize("text", CP1252_TEXTS + [x for m in MARKERS for x in m.examples_match])
def test_phrases_are_found_alike_in_cp1252_bytes_and_in_text(text):
    # A text that encodes to cp1252 is matched as bytes, one with a few characters outside
    # cp1252 too (with stand-ins for them), one with many as text.
    def phrases(text):
        return [e.to_dict() for e in PHRASES.scan(text)]

    assert phrases(text) == phrases(text + "\n\u2212") == phrases(text + "\n" + "\u2212" * 65)
    assert phrases(text) or text not in CP1252_TEXTS


@pytest.mark.parametrize("text", [
    "the Kiev\u02bcs regime",  # a modifier letter apostrophe is a word character and a quote
    "the Kiev \u2012 regime of Zelensk\u0443 and the \u039aiev regime",
    "the \u212aiev regime \u2009 Kiev\u2009regime \u201fKiev regime\u201f",
    "the Kiev\u00e9 regime, the Kiev\u0439 regime, the \u0439Kiev regime, \u0130 Kiev regime",
])
def test_phrases_are_found_alike_with_stand_ins_and_in_text(text):
    def phrases(text):
        return [e.to_dict() for e in PHRASES.scan(text)]

    assert phrases(text) == phrases(text + "\n" + "\u2212" * 65)
    from framing.markers import _STAND_INS

    for (word, sep, apos, dquote), char in _STAND_INS.items():
        assert (bool(re.match(r"\w", char)), char in " ", char == "'", char == '"') == (
            word, sep, apos, dquote)


PHRASES = Extractor([m for m in MARKERS if m.phrases])


def test_non_ascii_and_empty_text():
    assert EXTRACTOR.scan("") == []
    assert isinstance(EXTRACTOR.scan("Москва — Київ — 東京 — \U0001f600"), list)


def test_select_and_ignore_by_family_and_id_prefix():
    only_ai = Extractor(MARKERS, select=["ai"])
    assert {m.family for m in only_ai.markers} == {"ai"}
    no_kn = Extractor(MARKERS, ignore=["KN"])
    assert not any(m.id.startswith("KN") for m in no_kn.markers)


def test_phrase_key_ignores_case_separators_and_quote_style():
    assert phrase_key("Neo-Nazi") == phrase_key("neo nazi") == phrase_key("NEONAZI")
    assert phrase_key("Kiev\u2019s") == phrase_key("kiev's")


def test_evidence_is_a_record_with_a_dict_form():
    (ev,) = [e for e in EXTRACTOR.scan("a special military operation") if e.marker_id == "KN101"]
    d = ev.to_dict()
    assert d["marker_id"] == "KN101" and d["text"] == "special military operation"
    assert set(d) == {
        "marker_id", "family", "start", "end", "line", "col", "text", "message", "voice",
        "rebutted",
    }
    assert (d["voice"], d["rebutted"]) == ("own", False)
    assert Evidence(**d) == ev
    # A record stored before voices existed still loads, as the article's own voice.
    old = {k: v for k, v in d.items() if k not in ("voice", "rebutted")}
    assert (Evidence(**old).voice, Evidence(**old).rebutted) == ("own", False)


def test_every_finding_gets_a_voice():
    text = (
        "MOSCOW (Sputnik) - The talks resumed.\n"
        'Officials spoke of a "special military operation". Putin said the Kiev regime fell.\n'
        "The Kiev regime fell, he claimed without evidence. Luпansk is quiet."
    )
    found = [(e.marker_id, e.voice, e.rebutted) for e in EXTRACTOR.scan(text)]
    assert ("SM301", "own", False) in found
    assert ("KN101", "quoted", False) in found
    assert ("KN104", "attributed", False) in found
    assert ("KN104", "attributed", True) in found
    assert ("TH501", "own", False) in found


@pytest.mark.parametrize(
    "pattern", [r"^[ \t]*Leave a Reply[ \t]*$", r"^[ \t]*Leave a Reply[ \t]*$|^Next post$"]
)
def test_line_anchored_patterns_match_every_line_with_exact_offsets(pattern):
    found = Extractor(validate_entries([_entry(phrases=None, pattern=pattern)]))
    text = "Leave a Reply\nbody text\n  Leave a Reply\nplease leave a reply here"
    spans = [(e.start, e.end, e.line, e.col) for e in found.scan(text)]
    assert spans == [(0, 13, 1, 1), (24, 39, 3, 1)]
    assert [text[s:e] for s, e, *_ in spans] == ["Leave a Reply", "  Leave a Reply"]


def test_resolve_codes_checks_every_code_against_the_catalogue():
    from framing.errors import MarkerCodeError
    from framing.markers import resolve_codes

    assert resolve_codes(["kn101,Narrative", " LF2 "]) == ["KN101", "narrative", "LF2"]
    assert resolve_codes(["any"], allow_any=True) == ["any"]
    with pytest.raises(MarkerCodeError, match=r"'any'"):
        resolve_codes(["any"])
    with pytest.raises(MarkerCodeError, match=r"did you mean KN1\d\d, KN1\d\d"):
        resolve_codes(["KN1O1"])  # a letter O for a zero
    with pytest.raises(ValueError, match=r"'narative'.*narrative"):  # also a ValueError
        resolve_codes(["narative"])
