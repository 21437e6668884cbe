"""Tests of framing.labels: the taxonomies load without numpy or scikit-learn, the shared label
table validation, and the model modules' old names are the same objects."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from framing import labels
from framing.errors import FramingError

from .conftest import REPO


def _modules_after(code: str) -> list[str]:
    probe = (f"import sys; {code}; heavy = ('sklearn', 'numpy', 'scipy', 'tldextract', "
             "'framing.'); print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    return ast.literal_eval(out)


def test_the_taxonomies_load_without_numpy_or_sklearn():
    # What `framing markers --family technique` and `framing narratives` need, and no more.
    loaded = _modules_after("import framing.labels as L; L.technique_taxonomy(); "
                            "L.narrative_taxonomy(); L.frame_taxonomy(); L.technique_labels()")
    assert loaded == ["framing.errors", "framing.labels"]


def test_the_shipped_taxonomies():
    assert [t.id for t in labels.technique_taxonomy()] == [f"PT{n:02d}" for n in range(1, 24)]
    assert len(labels.narrative_labels()) == 11
    assert all(label.startswith(labels.URW_PREFIX) for label in labels.narrative_labels())
    assert len(labels.frame_labels()) == 14
    assert labels.technique_taxonomy()[0].to_dict() == {
        "id": "PT01", "technique": "Appeal_to_Authority",
        "description": labels.technique_taxonomy()[0].description}


def test_a_caller_changing_its_list_leaves_the_cached_taxonomy_alone():
    taxonomy = labels.frame_taxonomy()
    taxonomy.clear()
    assert len(labels.frame_taxonomy()) == 14


@pytest.mark.parametrize(("module", "old", "new"), [
    ("techniques", "load_taxonomy", "technique_taxonomy"),
    ("techniques", "technique_labels", "technique_labels"),
    ("techniques", "validate_taxonomy", "validate_techniques"),
    ("techniques", "TAXONOMY_PATH", "TECHNIQUES_PATH"),
    ("techniques", "Technique", "Technique"),
    ("techniques", "TechniqueError", "TechniqueError"),
    ("narratives", "load_taxonomy", "narrative_taxonomy"),
    ("narratives", "taxonomy_labels", "narrative_labels"),
    ("narratives", "read_taxonomy_file", "read_narratives_file"),
    ("narratives", "narrative_set", "narrative_set"),
    ("narratives", "TAXONOMY_PATH", "NARRATIVES_PATH"),
    ("narratives", "OTHER", "OTHER"),
    ("narratives", "URW_PREFIX", "URW_PREFIX"),
    ("narratives", "Narrative", "Narrative"),
    ("narratives", "NarrativeError", "NarrativeError"),
    ("narratives", "check_label_table", "check_label_table"),
    ("narratives", "read_label_table", "read_label_table"),
    ("frames", "load_taxonomy", "frame_taxonomy"),
    ("frames", "taxonomy_labels", "frame_labels"),
    ("frames", "TAXONOMY_PATH", "FRAMES_PATH"),
    ("frames", "Frame", "Frame"),
    ("frames", "FrameError", "FrameError"),
])
def test_the_model_modules_keep_their_old_names(module, old, new):
    imported = __import__(f"framing.{module}", fromlist=[old])
    assert getattr(imported, old) is getattr(labels, new)


@pytest.mark.parametrize("error", [labels.TechniqueError, labels.NarrativeError,
                                   labels.FrameError])
def test_the_taxonomy_errors_are_framing_errors(error):
    assert issubclass(error, FramingError)
    assert error.exit_code == 2


# --------------------------------------------------------------------------- label tables


def test_check_label_table_lists_every_problem_in_one_error():
    entries = [
        {"label": "A", "description": "same"},
        {"label": "A", "description": "same"},
        "not a table",
        {"label": "B\nC", "description": " ", "extra": 1},
    ]
    with pytest.raises(labels.FrameError) as caught:
        labels.check_label_table(entries, "f.toml", "frame", error=labels.FrameError,
                                 check=lambda e: ["lower case"] if e["label"] == "A" else [])
    message = str(caught.value)
    assert message.startswith("f.toml: 7 problem(s) in the frame taxonomy: ")
    for part in ("frame #2: label 'A' already listed as #1", "frame #3 is not a table",
                 "frame #4: unknown key(s) extra", "frame #4: needs a one-line label",
                 "frame #4: needs a one-line description", "frame #1: lower case"):
        assert part in message
    # Descriptions may repeat: only the other fields are keys.
    assert "description 'same'" not in message


def test_check_label_table_returns_stripped_strings_and_refuses_no_entries():
    assert labels.check_label_table([{"label": " A ", "description": "d "}], "s", "t") == [
        {"label": "A", "description": "d"}]
    for entries in (None, [], {"label": "A"}):
        with pytest.raises(ValueError, match=r"s: no \[\[t\]\] entries"):
            labels.check_label_table(entries, "s", "t")


def test_read_label_table_raises_the_error_asked_for(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[narrative]\n", encoding="utf-8")
    with pytest.raises(labels.NarrativeError, match="cannot read the narrative taxonomy"):
        labels.read_label_table(bad, "narrative", error=labels.NarrativeError)
    with pytest.raises(labels.NarrativeError, match="cannot read"):
        labels.narrative_taxonomy(tmp_path / "missing.toml")


def test_each_taxonomy_applies_its_own_label_rule(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[[technique]]\nid = "PT1"\nlabel = "Two words"\ndescription = "d"\n'
                    '[[narrative]]\nlabel = "Praise"\ndescription = "d"\n'
                    '[[frame]]\nlabel = "Bad label"\ndescription = "d"\n', encoding="utf-8")
    with pytest.raises(labels.TechniqueError, match="2 problem.*'PT1' is not PTnn.*spaces"):
        labels.technique_taxonomy(path)
    with pytest.raises(labels.NarrativeError, match="'Praise' is not a 'URW: ' narrative"):
        labels.narrative_taxonomy(path)
    with pytest.raises(labels.FrameError, match="'Bad label' is not a Words_joined"):
        labels.frame_taxonomy(path)


def test_narratives_file_and_set(tmp_path):
    path = tmp_path / "subtask2_narratives.txt"
    path.write_text("CC: Amplifying Climate Fears\n  URW: Praise of Russia \nOther\n",
                    encoding="utf-8")
    assert labels.read_narratives_file(path) == ["URW: Praise of Russia"]
    assert labels.narrative_set([" URW: Praise of Russia", labels.OTHER]) == {
        "URW: Praise of Russia"}
    with pytest.raises(labels.NarrativeError, match="not in the taxonomy"):
        labels.narrative_set(["URW: Nothing like it"], labels.narrative_labels())
