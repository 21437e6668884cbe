"""Text shown to people: word-boundary cuts and plurals."""

from framing.text import clip, plural


def test_plural_and_clip():
    assert (plural(1, "article"), plural(2, "article"), plural(0, "source")) == (
        "1 article", "2 articles", "0 sources")
    text = "Ukrainian officials appealed for help in defending themselves"
    for limit in range(len("Ukrainian"), len(text)):
        cut = clip(text, limit)
        assert cut.endswith("\u2026") and len(cut) <= limit + 1
        kept = cut[:-1]
        assert text.startswith(kept) and text[len(kept)] == " "  # ends at a whole word
    assert clip(text, len(text)) == text
    assert clip("Supercalifragilistic", 6) == "Superc\u2026"  # one long token: a hard cut
    assert clip("a  b\n c", 10) == "a b c"
