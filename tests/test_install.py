"""Release and install: the scikit-learn range of model cards, where the shipped models are
looked up, the models listed for a non-editable install, and ``python -m framing`` anywhere."""

import configparser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn
from click.testing import CliRunner

from framing import model as model_lib
from framing.cli import main
from framing.model import ModelError, discover_models, load_model, models_dir, sklearn_compatible

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
SMALL = "pro_kremlin_framing"  # the smallest shipped classifier


def _copy_model(name: str, parent: Path, sklearn_version: str | None = None) -> Path:
    target = parent / name
    shutil.copytree(model_lib.SOURCE_MODELS_DIR / name, target)
    if sklearn_version is not None:
        card_path = target / "card.json"
        card = json.loads(card_path.read_text(encoding="utf-8"))
        card["versions"]["scikit-learn"] = sklearn_version
        card_path.write_text(json.dumps(card), encoding="utf-8")
    return target


def _other_patch(version: str) -> str:
    major, minor, *rest = version.split(".")
    patch = int("".join(c for c in (rest or ["0"])[0] if c.isdigit()) or 0)
    return f"{major}.{minor}.{patch + 1}"


def _other_minor(version: str) -> str:
    major, minor, *_ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"


# --------------------------------------------------------------------------- versions


def test_same_minor_series_is_compatible():
    assert sklearn_compatible("1.9.1", "1.9.0")
    assert sklearn_compatible("1.9.1", "1.9.2")
    assert sklearn_compatible("1.9.0rc1", "1.9.1")
    assert not sklearn_compatible("1.9.1", "1.10.0")
    assert not sklearn_compatible("1.9.1", "1.8.2")
    assert not sklearn_compatible("2.9.1", "1.9.1")
    assert not sklearn_compatible(None, "1.9.1")
    assert not sklearn_compatible("unknown", "1.9.1")


def test_card_of_another_patch_version_loads(tmp_path, recwarn):
    directory = _copy_model(SMALL, tmp_path, _other_patch(sklearn.__version__))
    model = load_model(directory)
    assert model.target == SMALL
    assert 0.0 <= float(model.predict_proba(["Kyiv said the talks would resume."])[0]) <= 1.0
    assert not [w for w in recwarn if "unpickle" in str(w.message)]


def test_card_of_another_minor_version_is_refused_clearly(tmp_path):
    other = _other_minor(sklearn.__version__)
    directory = _copy_model(SMALL, tmp_path, other)
    major, minor, *_ = other.split(".")
    with pytest.raises(ModelError) as caught:
        load_model(directory)
    message = str(caught.value)
    assert f"scikit-learn {other}" in message
    assert f"this is {sklearn.__version__}" in message
    assert f"only in scikit-learn {major}.{minor}.x" in message
    assert "retrain" in message


def test_sha256_is_checked_within_the_range(tmp_path):
    directory = _copy_model(SMALL, tmp_path, _other_patch(sklearn.__version__))
    with open(directory / "model.pkl.gz", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="does not match the card"):
        load_model(directory)


def test_setup_cfg_pins_the_installed_minor_series():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    requires = [line.strip() for line in config["options"]["install_requires"].splitlines()]
    (pin,) = [r for r in requires if r.startswith("scikit-learn")]
    major, minor, *_ = sklearn.__version__.split(".")
    assert pin == f"scikit-learn>={major}.{minor}.0,<{major}.{int(minor) + 1}"
    for card in (model_lib.SOURCE_MODELS_DIR).glob("*/card.json"):
        made = json.loads(card.read_text(encoding="utf-8"))["versions"]["scikit-learn"]
        assert sklearn_compatible(made, sklearn.__version__), card


# --------------------------------------------------------------------------- lookup


def test_framing_models_comes_first(tmp_path, monkeypatch):
    _copy_model(SMALL, tmp_path)
    (tmp_path / "not_a_model").mkdir()
    monkeypatch.setenv("FRAMING_MODELS", str(tmp_path))
    assert models_dir() == tmp_path
    assert discover_models() == [tmp_path / SMALL]


def test_framing_models_without_models_finds_none(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_MODELS", str(tmp_path))
    assert discover_models() == []


def test_checkout_models_then_installed_models(tmp_path, monkeypatch):
    monkeypatch.delenv("FRAMING_MODELS", raising=False)
    assert models_dir() == model_lib.SOURCE_MODELS_DIR
    assert SMALL in [d.name for d in discover_models()]
    empty, installed = tmp_path / "checkout" / "models", tmp_path / "share" / "framing" / "models"
    empty.mkdir(parents=True)
    _copy_model("war_topic", installed)
    monkeypatch.setattr(model_lib, "SOURCE_MODELS_DIR", empty)
    monkeypatch.setattr(model_lib, "INSTALLED_MODELS_DIR", installed)
    monkeypatch.setattr(model_lib, "USER_MODELS_DIR", tmp_path / "user")
    assert models_dir() == installed
    assert discover_models() == [installed / "war_topic"]
    # Neither holds a model: the checkout path, for messages and `framing train`.
    shutil.rmtree(installed)
    assert models_dir() == empty
    assert discover_models() == []


def test_score_uses_framing_models_and_model_option_wins(tmp_path, monkeypatch):
    models = tmp_path / "models"
    _copy_model(SMALL, models)
    runner = CliRunner()
    result = runner.invoke(main, ["score", str(SEEDS), "--format", "json"],
                           env={"FRAMING_MODELS": str(models)})
    assert result.exit_code == 0, result.output
    assert SMALL in result.output and "unreliable_source" not in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(main, ["score", str(SEEDS)], env={"FRAMING_MODELS": str(empty)})
    assert result.exit_code == 2
    result = runner.invoke(main, ["score", str(SEEDS), "--model", str(models / SMALL)],
                           env={"FRAMING_MODELS": str(empty)})
    assert result.exit_code == 0, result.output


def test_setup_cfg_installs_every_shipped_model():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = {
        target: sorted(line.strip() for line in files.splitlines() if line.strip())
        for target, files in config["options.data_files"].items()
    }
    shipped = {
        f"share/framing/models/{d.name}": sorted(
            f"models/{d.name}/{f.name}" for f in d.iterdir() if f.is_file())
        for d in discover_models(model_lib.SOURCE_MODELS_DIR)
    }
    assert listed == shipped


# --------------------------------------------------------------------------- python -m


def _run_module(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FRAMING_MODELS")}
    return subprocess.run([sys.executable, "-m", "framing", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_python_m_framing_beside_a_folder_named_framing(tmp_path):
    (tmp_path / "framing").mkdir()
    version = _run_module(tmp_path, "--version")
    assert version.returncode == 0, version.stderr
    assert "framing, version" in version.stdout
    markers = _run_module(tmp_path, "markers")
    assert markers.returncode == 0, markers.stderr
    assert "marker(s): narrative" in markers.stdout
    scored = _run_module(tmp_path, "score", str(SEEDS / "000_b96b76ab2b740068.txt"))
    assert scored.returncode == 0, scored.stderr
    assert "pro_kremlin_framing" in scored.stdout
