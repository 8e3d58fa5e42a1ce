"""Docs keep up with the code: every command has help with an example and a line in the README."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from scenarios.cli import cli

from .conftest import ROOT


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help_with_example_and_readme_entry(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`scenarios {name} --help` shows no example"
    assert f"`scenarios {name}" in (ROOT / "README.md").read_text(encoding="utf-8"), f"README lacks `scenarios {name}`"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./dev demo" in readme and "./dev test" in readme
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_stage_has_a_doc_section() -> None:
    stages = (ROOT / "docs" / "stages.md").read_text(encoding="utf-8")
    for stage in ("lemmatise", "embed", "cluster", "describe", "assign", "curation"):
        assert f"## {stage}" in stages
