"""The README documents every command, and every command has help with examples."""

import re

import click
import pytest
from click.testing import CliRunner

from framing.cli import main

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _command_paths(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


COMMANDS = [" ".join(path) for path in _command_paths(main)]


def test_readme_starts_with_the_two_commands():
    top = README[:1500]
    assert "make demo" in top and "make test" in top


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_examples(name):
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"framing {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"`framing {name}\b", README)


def test_readme_documents_the_exit_codes():
    for code in ("0", "1", "2"):
        assert re.search(rf"^\|\s*`?{code}`?\s*\|", README, re.M), code


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _console_examples() -> list[tuple[str, list[str]]]:
    """Each README ``console`` block that runs a framing command on the bundled files:
    the command line and the output lines shown (``...`` stands for lines left out)."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        for run in re.split(r"\n(?=\$ )", block.rstrip("\n")):
            command, *shown = run.split("\n")
            # Runs on data sets outside the checkout are shown, not checked.
            if command.startswith("$ framing ") and "../shared" not in command \
                    and "recovery.jsonl" not in command:
                examples.append((command[2:], [line.rstrip() for line in shown]))
    return examples


@pytest.mark.parametrize("command, shown", _console_examples(), ids=lambda v: str(v)[:60])
def test_readme_console_examples_match_a_real_run(command, shown, monkeypatch):
    import shlex

    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    assert result.exit_code in (0, 1), result.output
    real = [line.rstrip() for line in result.output.splitlines()]
    # The README may leave lines out ("..."), but each line it shows is real, in order.
    position = 0
    for line in shown:
        if line.strip() in ("...", ""):
            continue
        assert line in real[position:], f"README line not in `{command}` output: {line!r}"
        position = real.index(line, position) + 1


@pytest.mark.slow
def test_readme_train_on_your_own_data_runs_as_written(tmp_path, monkeypatch):
    import shlex

    section = README.split("### Train on your own data", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [c for c in re.sub(r"\\\n\s*", " ", block).splitlines()
                if c.strip() and not c.lstrip().startswith("#")]
    assert len(commands) == 5
    (tmp_path / "corpus").symlink_to(REPO / "corpus")
    monkeypatch.chdir(tmp_path)
    for command in commands:
        words = shlex.split(command)
        env = dict(w.split("=", 1) for w in words[:words.index("framing")])
        result = CliRunner().invoke(main, words[words.index("framing") + 1:], env=env)
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output
    assert (tmp_path / "my-models" / "pro_kremlin_framing" / "card.json").exists()
    # The last command scores with the user's model only: one target column.
    assert result.stdout.splitlines()[0].split() == ["pro_kremlin_framing", "war", "flags",
                                                     "article"]
