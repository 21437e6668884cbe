"""Text shown to people: passages cut at a word boundary, counts with their noun.

One home for both, so a passage reads the same in ``score --explain``, ``flags`` and every
report format.
"""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to at most ``limit`` characters at a word boundary, with an
    ellipsis.

    A cut mid-word can read as another word ("Kiev" from "Kievan"); a passage of one long
    token is cut hard rather than dropped.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace():
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
    return head.rstrip(" ,;:-–—") + "…"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 article``, ``2 articles``: a count with its noun in the right number."""
    return f"{n} {word if n == 1 else many or word + 's'}"
