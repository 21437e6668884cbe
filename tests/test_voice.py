"""The voice rules (framing/voice.py): quotes, attribution, rebuttals, sentence boundaries.

Each case is a text with the span between ``[[`` and ``]]``; every example is written for
these tests.
"""

import pytest

from framing.markers import Extractor
from framing.voice import VOICES, VoiceContext, quote_regions, sentence_ends, voice_of


def _voice(marked: str, **kwargs) -> tuple[str, bool]:
    start = marked.index("[[")
    end = marked.index("]]") - 2
    text = marked.replace("[[", "").replace("]]", "")
    return voice_of(text, start, end, **kwargs)


def _case_ids(cases):
    return [c[0][:60] for c in cases]


QUOTED = [
    # each quote style
    ('He called it a "[[special operation]]" on air.', "straight double"),
    ("He called it a \u201c[[special operation]]\u201d on air.", "curly double"),
    ("He called it a '[[special operation]]' on air.", "straight single"),
    ("He called it a \u2018[[special operation]]\u2019 on air.", "curly single"),
    ("Il parle d\u2019une \u00ab [[special operation]] \u00bb ce soir.", "guillemets"),
    ("Er sagte \u00bb[[special operation]]\u00ab dazu.", "reversed guillemets"),
    ("Il dit \u2039[[special operation]]\u203a.", "single guillemets"),
    ("Er sagte \u201e[[special operation]]\u201c dazu.", "low-high double"),
    ("Powiedzia\u0142 \u201e[[special operation]]\u201d wczoraj.", "low-high Polish"),
    ("Er sagte \u201a[[special operation]]\u2018 dazu.", "low-high single"),
    ("Han sa \u201d[[special operation]]\u201d ig\u00e5r.", "Swedish"),
    # scare quotes around a short phrase
    ('The "[[denazification]]" never happened.', "scare quotes"),
    # apostrophes inside the quote do not close it
    ("He called it 'Russia's [[special operation]]' on air.", "apostrophe inside single"),
    ("He called it \u2018Russia\u2019s [[special operation]]\u2019 on air.", "curly apostrophe"),
    # nested quotes
    ('She wrote: "They said \'[[special operation]]\' again."', "nested"),
    ('She wrote: "They call it a war, not a [[special operation]]. Really," and left.',
     "sentence end inside the quote"),
    # an unclosed quote counts up to the end of its paragraph
    ('He wrote "the war is a [[special operation]] and more', "unclosed double"),
    ("He wrote \u00abthe war is a [[special operation]] and more", "unclosed guillemet"),
    # quotes win over attribution cues
    ('Putin said the "[[special operation]]" was going to plan.', "quoted beats said"),
]


@pytest.mark.parametrize(("marked", "why"), QUOTED, ids=[c[1] for c in QUOTED])
def test_quoted(marked, why):
    assert _voice(marked)[0] == "quoted", why


OWN = [
    ("Russia's [[special operation]] goes on.", "apostrophe is not a quote"),
    ("Don't call it that. Russia\u2019s [[special operation]] goes on.", "curly apostrophes"),
    ("The Russians' [[special operation]] goes on.", "closing single quote, no opener"),
    ("In the '90s the [[special operation]] was unheard of.", "leading apostrophe"),
    ("Rock 'n' roll and the [[special operation]] went on.", "rock 'n' roll"),
    ('He wrote "war" twice. The [[special operation]] goes on.', "closed quote before"),
    ('He wrote "war\nThe [[special operation]] goes on.', "unclosed quote stops at the line end"),
    ('He wrote "war\n\nThe [[special operation]] goes on.', "and at a blank line"),
    ("The 6'2\" soldier ran. The [[special operation]] goes on.", "inch marks"),
    ("The [[special operation]] goes on, and the war with it.", "plain"),
    ("MOSCOW (Sputnik) - The [[special operation]] goes on.", "plain after a dateline"),
]


@pytest.mark.parametrize(("marked", "why"), OWN, ids=[c[1] for c in OWN])
def test_own(marked, why):
    assert _voice(marked) == ("own", False), why


ATTRIBUTED = [
    ("The so-called [[special operation]] goes on.", "so-called"),
    ("The so called [[special operation]] goes on.", "so called"),
    ("What Moscow calls a [[special operation]] is a war.", "what Moscow calls"),
    ("What the Kremlin calls a [[special operation]] is a war.", "what the Kremlin calls"),
    ("What Putin terms a [[special operation]] is a war.", "what Putin terms"),
    ("The Kremlin's [[special operation]] is a war.", "the Kremlin's"),
    ("Putin\u2019s [[special operation]] is a war.", "Putin's, curly"),
    ("The war, or the [[special operation]] as Russian state media call it, goes on.",
     "as state media call it"),
    ("The [[special operation]], as the Kremlin puts it, goes on.", "as the Kremlin puts it"),
    ("Russia says the [[special operation]] goes on.", "Russia says"),
    ("Russia claims the [[special operation]] goes on.", "Russia claims"),
    ("Russia describes the war as a [[special operation]].", "describes ... as"),
    ("According to TASS, the [[special operation]] goes on.", "according to TASS"),
    ("According to RIA, the [[special operation]] goes on.", "according to RIA"),
    ("According to Russian officials, the [[special operation]] goes on.",
     "according to officials"),
    ("Putin said the [[special operation]] goes on.", "Putin said"),
    ("Moscow insists the [[special operation]] goes on.", "Moscow insists"),
    ("The [[special operation]] goes on, the spokesman said.", "verb after the span"),
    ("Mr. Putin said the [[special operation]] goes on.", "abbreviation is no sentence end"),
    ("V. Putin said the [[special operation]] goes on.", "initial is no sentence end"),
]


@pytest.mark.parametrize(("marked", "why"), ATTRIBUTED, ids=[c[1] for c in ATTRIBUTED])
def test_attributed(marked, why):
    assert _voice(marked)[0] == "attributed", why


NOT_ATTRIBUTED = [
    ("Putin said so. The [[special operation]] goes on.", "cue in the previous sentence"),
    ("The [[special operation]] goes on. Putin said so.", "cue in the next sentence"),
    ("Putin said so!\nThe [[special operation]] goes on", "cue on the previous line"),
    ('The [[special operation]] goes on, "as Moscow says" in its ads.', "cue inside quotes"),
    ("The so-called experts met. The [[special operation]] goes on.", "so-called elsewhere"),
    ("The so-called experts agree that the long and brutal [[special operation]] goes on.",
     "so-called too far before the span"),
    ("Russia's [[special operation]] goes on.", "Russia's names the actor"),
    ("Moscow's [[special operation]] goes on.", "Moscow's names the actor"),
]


@pytest.mark.parametrize(("marked", "why"), NOT_ATTRIBUTED, ids=[c[1] for c in NOT_ATTRIBUTED])
def test_not_attributed(marked, why):
    assert _voice(marked)[0] == "own", why


def test_cues_inside_the_span_do_not_count():
    # "reported" is part of the finding, not a cue about it.
    assert _voice("Later [[RIA Novosti reported]] the news.") == ("own", False)
    assert _voice("The war is [[Western propaganda]], he wrote.") == ("attributed", False)
    assert _voice("It is all [[Western propaganda]] in the end.") == ("own", False)


def test_cues_can_be_switched_off():
    assert _voice("Putin said the [[special operation]] goes on.", cues=False) == ("own", False)
    assert _voice('Putin said the "[[special operation]]"', cues=False)[0] == "quoted"
    assert _voice("The [[special operation]] is a pretext.", cues=False) == ("own", True)


REBUTTED = [
    "Putin claimed, without evidence, that the [[special operation]] was defensive.",
    "The [[special operation]] was justified by a false claim.",
    "Russia falsely calls it a [[special operation]].",
    "The debunked story of a [[special operation]] spread.",
    "There is no evidence for the [[special operation]] story.",
    "The baseless [[special operation]] story spread.",
    "The [[special operation]] line is propaganda.",
    "The [[special operation]] line is disinformation.",
    "The [[special operation]] was a pretext for conquest.",
    "The unfounded [[special operation]] story spread.",
]


@pytest.mark.parametrize("marked", REBUTTED, ids=_case_ids([(r,) for r in REBUTTED]))
def test_rebutted(marked):
    assert _voice(marked)[1] is True


NOT_REBUTTED = [
    "The [[special operation]] goes on. There is no evidence of talks.",
    'The [[special operation]] goes on, Zakharova said, calling reports "propaganda".',
    "There is no evidence of talks.\nThe [[special operation]] goes on.",
    "The [[special operation]] answered a false flag attack.",
    "The [[special operation]] base lies on the river.",
]


@pytest.mark.parametrize("marked", NOT_REBUTTED, ids=_case_ids([(r,) for r in NOT_REBUTTED]))
def test_not_rebutted(marked):
    assert _voice(marked)[1] is False


REBUTTED_BY_THE_NEXT_SENTENCE = [
    "Moscow claims the [[Kiev regime]] shelled the dam. There is no evidence for this.",
    "Moscow claims the [[Kiev regime]] shelled the dam. There is no evidence.",
    "Moscow claims the [[Kiev regime]] shelled the dam. There\u2019s no credible evidence to "
    "support that claim.",
    "Moscow claims the [[Kiev regime]] shelled the dam. No evidence was offered.",
    "TV hosts repeat the '[[denazification]]' claim. That claim is false.",
    "TV hosts repeat the [[denazification]] story. This is false.",
    "TV hosts repeat the [[denazification]] story. It is not true.",
    "TV hosts repeat the [[denazification]] story. It's a myth.",
    "TV hosts repeat the [[denazification]] story. But that is simply untrue.",
    "TV hosts repeat the [[denazification]] story. However, these allegations are baseless.",
    "TV hosts repeat the [[denazification]] story. The Kremlin's claim has been debunked.",
    "TV hosts repeat the [[denazification]] story. Fact-checkers have debunked this claim.",
    "TV hosts repeat the [[denazification]] story. None of this is true.",
    "TV hosts repeat the [[denazification]] story. Verdict: false.",
    "TV hosts repeat the [[denazification]] story.In fact, it is Russian propaganda.",
    'Lavrov spoke of the "[[denazification]]" of Ukraine. That is false.',
]


@pytest.mark.parametrize(
    "marked", REBUTTED_BY_THE_NEXT_SENTENCE,
    ids=_case_ids([(r,) for r in REBUTTED_BY_THE_NEXT_SENTENCE]),
)
def test_rebutted_by_the_next_sentence(marked):
    assert _voice(marked)[1] is True


NOT_REBUTTED_BY_THE_NEXT_SENTENCE = [
    # the next paragraph is another topic, even right after a line break
    "TV hosts repeat the [[denazification]] story.\nThis is false, says a new study on diets.",
    "TV hosts repeat the [[denazification]] story.\n\nThere is no evidence for this.",
    # only the sentence right after counts
    "TV hosts repeat the [[denazification]] story. Ratings rose. That claim is false.",
    # the next sentence rejects something else, or only uses the words
    "TV hosts repeat the [[denazification]] story. There is no evidence of a ceasefire.",
    "TV hosts repeat the [[denazification]] story. The EU banned disinformation outlets.",
    "TV hosts repeat the [[denazification]] story. Propaganda is everywhere, he says.",
    "TV hosts repeat the [[denazification]] story. It is a long story.",
    "TV hosts repeat the [[denazification]] story. These were false flag attacks, they say.",
    "TV hosts repeat the [[denazification]] story. That report is from Monday.",
    # a rebuttal inside quotes is someone else speaking
    'TV hosts repeat the [[denazification]] story. "This is false," Zakharova said of the report.',
    'He wrote: "The [[denazification]] goes on. This is false propaganda by the West."',
]


@pytest.mark.parametrize(
    "marked", NOT_REBUTTED_BY_THE_NEXT_SENTENCE,
    ids=_case_ids([(r,) for r in NOT_REBUTTED_BY_THE_NEXT_SENTENCE]),
)
def test_not_rebutted_by_the_next_sentence(marked):
    assert _voice(marked)[1] is False


def test_a_bare_false_in_the_same_sentence_still_does_not_rebut():
    assert _voice("The [[denazification]] story is false and widely shared.")[1] is False
    assert _voice("The [[denazification]] story spread. This is false.")[1] is True


def test_rebuttals_can_be_switched_off():
    assert _voice("The [[special operation]] is a pretext.", rebuttals=False) == ("own", False)
    assert _voice("The [[special operation]] goes on. This is false.", rebuttals=False) == (
        "own", False,
    )


def test_rebuttal_is_independent_of_the_voice():
    assert _voice('He spoke of a "[[special operation]]", without evidence.') == ("quoted", True)


def test_dateline_and_heading_are_own():
    assert _voice("[[MOSCOW (Sputnik)]] - Putin said the talks failed.") == ("own", False)
    assert _voice("[[MOSCOW (Sputnik)]]: Putin said the talks failed.") == ("own", False)
    assert _voice("Intro.\n[[Recent Stories]]\nHe said things.") == ("own", False)


def test_quote_regions_pair_and_stay_in_the_paragraph():
    text = 'a "b" c \u201cd \u2018e\u2019 f\u201d g "h'
    regions = quote_regions(text)
    assert [text[o:c] for o, c in regions] == [
        '"b"', "\u201cd \u2018e\u2019 f\u201d", "\u2018e\u2019", '"h',
    ]
    assert quote_regions("Russia's and Kyiv\u2019s and the Russians' claims") == []
    assert quote_regions("'90s and 'unclosed single") == []


def test_sentence_ends():
    text = "One sentence. Mr. Smith said so! Then e.g. this. U.S. Troops? \u201cYes.\u201d Done"
    starts = sentence_ends(text, 0, len(text))
    assert [text[s : s + 4] for s in starts] == ["Mr. ", "Then", "U.S.", "\u201cYes", "Done"]


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        # no space after the full stop, a capitalised word after it: a sentence end
        ("It was a danger.In response, troops left.", ["In response, troops left."]),
        ("Cases rose in 2020.The city closed.", ["The city closed."]),
        ("Is it over?Nobody knows.", ["Nobody knows."]),
        ("He said it was \u201cover.\u201dThe talks went on.", ["The talks went on."]),
        # not: abbreviations, initials, decimals, web addresses, all-capital words
        ("The U.S.Army and the U.S. troops left.", []),
        ("Some e.g.The list and i.e.Them went.", []),
        ("It rose 3.5 percent or 3.5Mb.", []),
        ("See Mr.Smith and Gen.Gerasimov now.", []),
        ("Visit RT.com, ASP.NET or www.ExampleNews.com now.", []),
        ("It was published by HealthWatch.Org on Monday.", []),
    ],
)
def test_sentence_ends_without_a_space(text, starts):
    assert [text[s:] for s in sentence_ends(text, 0, len(text))] == starts


def test_attribution_stops_at_a_glued_sentence_end():
    # "danger.In" splits: Putin's verb is in the previous sentence.
    assert _voice("Putin said it was a danger.In the end the [[special operation]] began.")[0] == (
        "own"
    )


def test_context_caches_paragraphs_and_handles_edges():
    text = "First line.\nPutin said the special operation goes on.\n"
    context = VoiceContext(text)
    start = text.index("special")
    assert context.voice(start, start + 17) == ("attributed", False)
    assert context.voice(0, 5) == ("own", False)
    assert len(context._paragraphs) == 2
    assert VoiceContext("").voice(0, 0) == ("own", False)
    assert voice_of("abc", 10, 12) == ("own", False)
    assert VOICES == ("own", "quoted", "attributed")


def test_voice_through_the_extractor_for_each_family():
    extractor = Extractor()
    text = (
        'Ukraine\'s "Kiev regime" is a slur. Moscow says the special military operation goes on.'
        "\nThe collective West is to blame.\n"
        "MOSCOW (Sputnik) - Russia says talks are over."
    )
    found = {(e.marker_id, e.voice) for e in extractor.scan(text)}
    assert {("KN104", "quoted"), ("KN101", "attributed"), ("KN105", "own"),
            ("SM301", "own")} <= found


FAMILY_CASES = [
    # hygiene: the hidden character is the page's own, whoever the sentence quotes
    ("TH501", "The Russian Defen\u0441e Ministry said the strikes were precise.", "own"),
    ("TH501", "According to TASS, the Defen\u0441e Ministry called it propaganda.", "own"),
    ("TH501", 'The ministry wrote "Defen\u0441e" in its statement.', "quoted"),
    # ai: a chatbot leftover is the page's own
    ("AI402", "As an AI language model, I cannot say, the spokesman said. This is false.", "own"),
    # structure: page residue is the page's own
    ("ST611", "Putin said the talks failed.\n\nRelated Topics\n\nUkraine Moscow", "own"),
    # narrative and loaded keep their cues
    ("KN101", "The Russian Defence Ministry said the special military operation goes on.",
     "attributed"),
]


@pytest.mark.parametrize(("marker_id", "text", "voice"), FAMILY_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in FAMILY_CASES])
def test_attribution_only_for_families_whose_wording_can_be_borrowed(marker_id, text, voice):
    found = [(e.voice, e.rebutted) for e in Extractor().scan(text) if e.marker_id == marker_id]
    assert found, marker_id
    # None of these is rebutted (hygiene, structure and ai findings never are).
    assert all(v == (voice, False) for v in found), found


def test_syndication_keeps_quotes_and_rebuttals_but_no_cues():
    extractor = Extractor(select=["syndication"])
    found = extractor.scan("Putin said, RIA Novosti reported, without evidence, that it was over.")
    assert [(e.marker_id, e.voice, e.rebutted) for e in found] == [("SM304", "own", True)]


def test_voice_costs_little_on_long_texts():
    # Many findings in one long paragraph: each sentence and the quote regions are found once.
    import time

    extractor = Extractor(select=["KN101"])
    text = ('He said "special military operation" again. ' * 4000) + "\n"
    started = time.perf_counter()
    found = extractor.scan(text)
    assert len(found) == 4000 and all(e.voice == "quoted" for e in found)
    assert time.perf_counter() - started < 2.0
