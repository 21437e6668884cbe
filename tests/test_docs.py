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
