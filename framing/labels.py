"""The label taxonomies: persuasion techniques, Ukraine-war narratives and media frames.

Each taxonomy is a TOML file of ``[[table]]`` entries in ``framing/data`` (``techniques.toml``,
``narratives.toml``, ``frames.toml``), read and checked by :func:`read_label_table`: one error
lists every problem of the file. This module is their one home, and it imports only the
standard library, so that listing a taxonomy (``framing markers --family technique``,
``framing narratives``) or resolving technique codes costs no scikit-learn or numpy import.
The model modules re-export what they used to define (:mod:`framing.techniques`,
:mod:`framing.narratives`, :mod:`framing.frames`): ``load_taxonomy``, ``taxonomy_labels``,
``TAXONOMY_PATH``, the records and the errors are the same objects under their old names.

The three modules used the same names for different taxonomies; here each name says its kind:

============  ==========================  ==========================  ======================
kind          techniques                  narratives                  frames
============  ==========================  ==========================  ======================
record        :class:`Technique`          :class:`Narrative`          :class:`Frame`
error         :class:`TechniqueError`     :class:`NarrativeError`     :class:`FrameError`
file          :data:`TECHNIQUES_PATH`     :data:`NARRATIVES_PATH`     :data:`FRAMES_PATH`
load          :func:`technique_taxonomy`  :func:`narrative_taxonomy`  :func:`frame_taxonomy`
labels        :func:`technique_labels`    :func:`narrative_labels`    :func:`frame_labels`
============  ==========================  ==========================  ======================

(in each model module ``TAXONOMY_PATH``, ``load_taxonomy`` and ``technique_labels`` or
``taxonomy_labels``), plus :func:`validate_techniques` (``techniques.validate_taxonomy``), and
for the narratives :data:`OTHER`, :data:`URW_PREFIX`, :func:`read_narratives_file`
(``narratives.read_taxonomy_file``) and :func:`narrative_set`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from framing.errors import FramingError

_DATA = Path(__file__).resolve().parent / "data"
TECHNIQUES_PATH = _DATA / "techniques.toml"
NARRATIVES_PATH = _DATA / "narratives.toml"
FRAMES_PATH = _DATA / "frames.toml"

#: What an article carrying none of the war narratives is labelled.
OTHER = "Other"
#: Prefix of the war narratives in the SemEval-2025 taxonomy.
URW_PREFIX = "URW: "

_TECHNIQUE_ID = re.compile(r"PT\d\d")
_FRAME_LABEL = re.compile(r"^[A-Za-z]+(?:_[A-Za-z]+)*$")


class TechniqueError(FramingError):
    """The taxonomy, a data folder or a techniques model cannot be used as asked."""


class NarrativeError(FramingError):
    """The taxonomy, a corpus or a narratives model cannot be used as asked."""


class FrameError(FramingError):
    """The taxonomy, a label folder or a frames model cannot be used as asked."""


# --------------------------------------------------------------------------- label tables


def check_label_table(entries, source: str, table: str, *,
                      fields: Sequence[str] = ("label", "description"),
                      check: Callable[[dict], list[str]] | None = None,
                      error: type[Exception] = ValueError) -> list[dict]:
    """The ``[[table]]`` entries of a taxonomy file, checked, as dicts of stripped strings.

    Each entry is a table with exactly ``fields``, each a non-empty one-line string; no value
    of a field other than the description is listed twice; ``check(entry)`` adds the
    taxonomy's own problems. One ``error`` lists every problem (the house rule for data files):
    the one validation of the narratives, frames and techniques taxonomies.
    """
    if not isinstance(entries, list) or not entries:
        raise error(f"{source}: no [[{table}]] entries")
    problems: list[str] = []
    out: list[dict] = []
    firsts: dict[str, dict[str, int]] = {f: {} for f in fields if f != "description"}
    for number, entry in enumerate(entries, 1):
        where = f"{table} #{number}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not a table")
            continue
        unknown = sorted(set(entry) - set(fields))
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(unknown)}")
        values = {f: entry.get(f).strip() if isinstance(entry.get(f), str) else ""
                  for f in fields}
        for name, value in values.items():
            if not value or "\n" in value:
                problems.append(f"{where}: needs a one-line {name}")
            elif name in firsts:
                if value in firsts[name]:
                    problems.append(f"{where}: {name} {value!r} already listed as "
                                    f"#{firsts[name][value]}")
                else:
                    firsts[name][value] = number
        if check is not None:
            problems += [f"{where}: {p}" for p in check(values)]
        out.append(values)
    if problems:
        raise error(f"{source}: {len(problems)} problem(s) in the {table} taxonomy: "
                    + "; ".join(problems))
    return out


def read_label_table(path: str | Path, table: str, **options) -> list[dict]:
    """:func:`check_label_table` over the ``[[table]]`` entries of the TOML file at ``path``."""
    error = options.get("error", ValueError)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{path}: cannot read the {table} taxonomy: {exc}") from None
    return check_label_table(data.get(table), str(path), table, **options)


# --------------------------------------------------------------------------- techniques


@dataclass(frozen=True)
class Technique:
    """A persuasion technique: its stable id, the label files' name, our description."""

    id: str
    label: str
    description: str

    def to_dict(self) -> dict:
        return {"id": self.id, "technique": self.label, "description": self.description}


_TECHNIQUE_FIELDS = ("id", "label", "description")


def _check_technique(entry: dict) -> list[str]:
    problems = []
    if entry["id"] and not _TECHNIQUE_ID.fullmatch(entry["id"]):
        problems.append(f"id {entry['id']!r} is not PTnn")
    if any(c.isspace() or c == "," for c in entry["label"]):
        problems.append(f"label {entry['label']!r} must be a name without spaces or commas "
                        "(as in the label files)")
    return problems


def validate_techniques(entries, source: str = "<techniques>") -> list[Technique]:
    """The techniques of ``entries`` (dicts with id, label, description), or one
    :class:`TechniqueError` listing every problem."""
    checked = check_label_table(entries, source, "technique", fields=_TECHNIQUE_FIELDS,
                                check=_check_technique, error=TechniqueError)
    return [Technique(e["id"], e["label"], e["description"]) for e in checked]


@functools.lru_cache(maxsize=4)
def _techniques(path: str) -> tuple[Technique, ...]:
    entries = read_label_table(path, "technique", fields=_TECHNIQUE_FIELDS,
                               check=_check_technique, error=TechniqueError)
    return tuple(Technique(e["id"], e["label"], e["description"]) for e in entries)


def technique_taxonomy(path: str | Path | None = None) -> list[Technique]:
    """The techniques with ids and descriptions (default ``data/techniques.toml``)."""
    return list(_techniques(str(path or TECHNIQUES_PATH)))


def technique_labels(path: str | Path | None = None) -> list[str]:
    """The technique labels of :func:`technique_taxonomy`, in id order."""
    return [t.label for t in technique_taxonomy(path)]


# --------------------------------------------------------------------------- narratives


@dataclass(frozen=True)
class Narrative:
    """A coarse narrative of the taxonomy and our one-line description of it."""

    label: str
    description: str

    def to_dict(self) -> dict:
        return {"narrative": self.label, "description": self.description}


def _check_narrative(entry: dict) -> list[str]:
    label = entry["label"]
    return [] if not label or label.startswith(URW_PREFIX) else [
        f"label {label!r} is not a 'URW: ' narrative"]


@functools.lru_cache(maxsize=4)
def _narratives(path: str) -> tuple[Narrative, ...]:
    entries = read_label_table(path, "narrative", check=_check_narrative, error=NarrativeError)
    return tuple(Narrative(e["label"], e["description"]) for e in entries)


def narrative_taxonomy(path: str | Path | None = None) -> list[Narrative]:
    """The URW coarse narratives with their descriptions (default ``data/narratives.toml``)."""
    return list(_narratives(str(path or NARRATIVES_PATH)))


def narrative_labels(path: str | Path | None = None) -> list[str]:
    """The narrative labels of :func:`narrative_taxonomy`, in file order."""
    return [n.label for n in narrative_taxonomy(path)]


def read_narratives_file(path: str | Path) -> list[str]:
    """The URW coarse narratives of an official ``subtask2_narratives.txt`` (CC ones dropped)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip().startswith(URW_PREFIX)]


def narrative_set(names: Iterable[str], labels: Sequence[str] | None = None) -> frozenset[str]:
    """The war narratives among annotation names: ``URW:`` coarse labels only.

    ``Other`` and the climate (``CC:``) narratives are dropped, so an empty set means Other.
    With ``labels``, a ``URW:`` name outside them raises :class:`NarrativeError`.
    """
    out = set()
    for name in names:
        name = name.strip()
        if not name.startswith(URW_PREFIX):
            continue
        if labels is not None and name not in labels:
            raise NarrativeError(f"narrative {name!r} is not in the taxonomy")
        out.add(name)
    return frozenset(out)


# --------------------------------------------------------------------------- frames


@dataclass(frozen=True)
class Frame:
    """A frame of the taxonomy and our one-line description of it."""

    label: str
    description: str

    def to_dict(self) -> dict:
        return {"frame": self.label, "description": self.description}


def _check_frame(entry: dict) -> list[str]:
    label = entry["label"]
    # The labels must match the task's label files byte for byte.
    return [] if not label or _FRAME_LABEL.match(label) else [
        f"label {label!r} is not a Words_joined_by_underscores name as in the task's "
        "label files"]


@functools.lru_cache(maxsize=4)
def _frames(path: str) -> tuple[Frame, ...]:
    entries = read_label_table(path, "frame", check=_check_frame, error=FrameError)
    return tuple(Frame(e["label"], e["description"]) for e in entries)


def frame_taxonomy(path: str | Path | None = None) -> list[Frame]:
    """The frames with their descriptions (default ``data/frames.toml``), checked: one
    :class:`FrameError` lists every problem of the file."""
    return list(_frames(str(path or FRAMES_PATH)))


def frame_labels(path: str | Path | None = None) -> list[str]:
    """The frame labels of :func:`frame_taxonomy`, in file order."""
    return [f.label for f in frame_taxonomy(path)]
