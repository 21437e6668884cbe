"""The public face: ``import framing`` is cheap, its names resolve, and the README's Python
examples run as written (lines ``# > ...`` are the output they print, checked in order)."""

import configparser
import contextlib
import io
import re
import subprocess
import sys

import pytest

import framing
from framing.article import Article, content_id
from framing.markers import Evidence
from framing.model import ModelError

from .conftest import REPO, seed_path

README = (REPO / "README.md").read_text(encoding="utf-8")
PUBLIC = ["Article", "Evidence", "FramingError", "build_report", "flags", "load_models", "read",
          "score"]
# Written for these tests: one sentence of the war's official euphemism, long enough to score.
LONG = (
    "The ministry in Moscow announced that the special military operation had entered a new "
    "phase, and officials repeated that the aim was to protect people in the east. Reporters in "
    "Kyiv described queues at pharmacies, sirens through the night and trains leaving the city "
    "full of families, while aid groups asked for blankets, water and medicine for the winter."
)


def test_import_framing_loads_no_heavy_dependency():
    code = ("import sys, framing; heavy = ('sklearn', 'numpy', 'scipy', 'trafilatura', "
            "'framing.'); print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    assert out.strip() == "[]"


def test_the_records_and_the_error_load_without_the_models():
    code = ("import sys, framing; framing.Article(text='x'); framing.FramingError; "
            "print(sorted(m for m in sys.modules if m.startswith(('sklearn', 'numpy'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    assert out.strip() == "[]"


def test_dir_lists_the_public_names():
    assert sorted(framing.__all__) == sorted(PUBLIC)
    assert set(PUBLIC) | {"__version__"} <= set(dir(framing))


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves_and_is_documented(name):
    value = getattr(framing, name)
    assert value.__doc__ and value.__doc__.strip()


def test_reexports_are_the_owners_objects():
    from framing import ingest

    assert framing.Article is Article is ingest.Article
    assert framing.Evidence is Evidence
    assert issubclass(ModelError, framing.FramingError)
    from framing.report import build_report

    assert framing.build_report is build_report


def test_version_is_defined_eagerly():
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", framing.__version__)
    assert "__version__" in vars(framing)


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        framing.no_such_thing  # noqa: B018
    assert not hasattr(framing, "_no_such_private")


def test_flags_finds_the_euphemism_with_its_span():
    text = "Troops pressed on with the special military operation near the border."
    (found,) = [e for e in framing.flags(text) if e.marker_id == "KN101"]
    assert isinstance(found, Evidence)
    assert (found.start, found.end) == (27, 53)
    assert text[found.start:found.end] == found.text == "special military operation"
    assert (found.line, found.col, found.family, found.voice) == (1, 28, "narrative", "own")


def test_flags_of_an_article_matches_the_article_text():
    article = next(framing.read(seed_path(0)))
    from framing.markers import Extractor

    expected = Extractor().scan(article.text, published=article.published,
                                language=article.language)
    assert framing.flags(article) == expected


def test_flags_selects_ignores_and_keeps_voices():
    text = 'They called it a "special military operation" and spoke of the Kiev regime.'
    ids = {e.marker_id for e in framing.flags(text)}
    assert {"KN101", "KN104"} <= ids
    assert {e.marker_id for e in framing.flags(text, select="kn101")} == {"KN101"}
    assert "KN101" not in {e.marker_id for e in framing.flags(text, ignore=["narrative"])}
    quoted = framing.flags(text, select="KN101", voices="quoted")
    assert [e.voice for e in quoted] == ["quoted"]
    assert framing.flags(text, select="KN101", voices=["own"]) == []


def test_flags_refuses_unknown_codes_and_voices():
    with pytest.raises(ValueError, match="ZZ9"):
        framing.flags("text", select="ZZ9")
    with pytest.raises(ValueError, match="whispered"):
        framing.flags("text", voices="whispered")
    with pytest.raises(TypeError):
        framing.flags(42)


def test_flags_language_keeps_english_only_markers_quiet():
    text = "Die Armee stand vor Kiev."
    assert any(e.marker_id == "LF209" for e in framing.flags(text))
    assert not any(e.marker_id == "LF209" for e in framing.flags(text, language="de"))


def test_score_gives_probabilities_per_target():
    (result,) = framing.score([LONG])
    assert result.scores is not None and result.scores
    assert set(result.scores) >= {"unreliable_source", "pro_kremlin_framing"}
    assert all(0.0 <= p <= 1.0 for p in result.scores.values())
    assert 0.0 <= result.scope["war_topic"] <= 1.0
    assert any(e.marker_id == "KN101" for e in result.flags)


def test_score_of_one_text_is_one_result_and_matches_the_list_form():
    one = framing.score(LONG)
    (listed,) = framing.score([LONG])
    assert one.scores == listed.scores
    assert one.to_dict() == listed.to_dict()
    assert one.article.id == content_id(LONG)
    article = Article(id="mine", text=LONG)
    assert framing.score(article).article is article


def test_score_with_loaded_models_or_directories_matches_the_default(tmp_path):
    models = framing.load_models()
    assert {m.target for m in models} >= {"unreliable_source", "war_topic"}
    default = framing.score(LONG)
    assert framing.score(LONG, models=models).scores == default.scores
    (war,) = [m for m in framing.load_models() if m.target == "war_topic"]
    from framing.model import discover_models

    (war_dir,) = [d for d in discover_models() if d.name == "war_topic"]
    assert framing.score(LONG, models=war_dir).scores == {}  # war_topic goes into scope
    assert framing.score(LONG, models=[war]).scope["war_topic"] == default.scope["war_topic"]
    with pytest.raises(ModelError):
        framing.load_models(tmp_path)


def test_score_explains_on_request():
    result = framing.score(LONG, explain=True, top=2)
    assert set(result.explanations) == set(result.scores)
    assert all(len(e["up"]) <= 2 for e in result.explanations.values())


def test_load_models_refuses_when_none_is_found(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_MODELS", str(tmp_path))
    with pytest.raises(ModelError, match="no model found"):
        framing.load_models()


def test_read_warns_about_problems_unless_told_where_they_go(tmp_path):
    (tmp_path / "good.txt").write_text(LONG, encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\nnot json\n', encoding="utf-8")
    with pytest.warns(UserWarning, match="bad.jsonl"):
        articles = list(framing.read(tmp_path))
    assert len(articles) == 2 and all(isinstance(a, Article) for a in articles)
    problems = []
    assert len(list(framing.read(str(tmp_path), on_problem=problems.append))) == 2
    assert [p.path for p in problems] == [str(tmp_path / "bad.jsonl")]
    with pytest.raises(framing.FramingError):
        list(framing.read(tmp_path, strict=True))


def test_read_takes_formats_and_columns(tmp_path):
    path = tmp_path / "news.data"
    path.write_text("body,outlet\nSome text here.,example.com\n", encoding="utf-8")
    (article,) = framing.read(path, input_format="csv",
                              columns={"text": "body", "source": "outlet"})
    assert (article.text, article.source) == ("Some text here.", "example.com")


def test_py_typed_ships_with_the_package():
    assert (REPO / "framing" / "py.typed").is_file()
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    patterns = [p.strip() for p in config["options.package_data"]["framing"].split(",")]
    assert "py.typed" in patterns


# --------------------------------------------------------------------------- README


def _python_examples() -> list[str]:
    section = README.split("### Use from Python\n", 1)[1]
    section = re.split(r"\n#{2,3} ", section, maxsplit=1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_has_python_examples():
    assert len(_python_examples()) >= 2
    # Right after the Install subsection, where a new user looks.
    assert re.search(r"### Install\n.*?\n### Use from Python\n", README, re.S)
    assert not re.search(r"### Install\n.*?\n### .*?\n### Use from Python\n", README, re.S)


def test_readme_python_examples_run_as_written(monkeypatch):
    monkeypatch.chdir(REPO)  # the examples read corpus/seeds
    namespace: dict = {}
    for block in _python_examples():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), namespace)
        printed = out.getvalue().splitlines()
        position = 0
        for shown in re.findall(r"^# > (.*)$", block, re.M):
            assert shown in printed[position:], f"README output not printed: {shown!r}"
            position = printed.index(shown, position) + 1


def test_score_switches_techniques_and_frames(tiny_full_models_dir):
    from framing.model import discover_models

    from .conftest import techniques_article

    dirs = discover_models(tiny_full_models_dir)
    scored = framing.score(techniques_article(), dirs)
    assert scored.techniques and scored.frames
    assert {f["technique"] for f in scored.techniques} == {"Loaded_Language", "Doubt"}
    bare = framing.score([techniques_article()], dirs, techniques=False, frames=False)[0]
    assert bare.techniques is None and bare.frames is None
    assert bare.scores == scored.scores
