"""Markers that need code rather than phrases: hidden characters and page structure.

Each entry of :data:`CHECKS` has the same fields as a catalogue entry in ``data/markers.toml``
plus ``check``, a plain function ``check(text, *, published=None)`` yielding
``(start, end, message)`` for every finding. Nothing registers itself: this list is the registry.
"""

from __future__ import annotations

CHECKS: list[dict] = []
