"""`scenarios stories`, `show` and `status` on a small real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scenarios.cli import cli

from .conftest import INTERVIEW


@pytest.fixture
def filled(runner: CliRunner, store_path: Path) -> Path:
    runner.invoke(cli, ["add", "--db", str(store_path), "--channel", "interview", "--date", "2026-03-14",
                        "--client", "Ольга"], input=INTERVIEW)
    runner.invoke(cli, ["add", "--db", str(store_path), "--channel", "review", "--date", "2026-05-02"],
                  input="Обещали перезвонить в течение часа. Не перезвонили ни разу!")
    return store_path


def test_stories_lists_newest_first_with_client_speech(runner: CliRunner, filled: Path) -> None:
    result = runner.invoke(cli, ["stories", "--db", str(filled), "--json"])
    rows = json.loads(result.stdout)
    assert [r["channel"] for r in rows] == ["review", "interview"]
    assert rows[1]["opening"].startswith("Ну смотрите"), "the opening is the client's first words"


def test_stories_search(runner: CliRunner, filled: Path) -> None:
    result = runner.invoke(cli, ["stories", "--db", str(filled), "--search", "перезвонили", "--json"])
    assert [r["channel"] for r in json.loads(result.stdout)] == ["review"]
    interview = json.loads(runner.invoke(cli, ["stories", "--db", str(filled), "--json", "--channel",
                                               "interview"]).stdout)[0]["id"]
    table = runner.invoke(cli, ["stories", "--db", str(filled), "-s", "курьер"], terminal_width=160)
    assert table.exit_code == 0 and interview[:10] in table.stdout
    assert "интервью" in table.stdout and "отзыв" not in table.stdout, "channels in Russian, as the digest names them"


def test_show_prints_turns_with_roles(runner: CliRunner, filled: Path) -> None:
    story_id = json.loads(runner.invoke(cli, ["stories", "--db", str(filled), "--json", "--channel",
                                              "interview"]).stdout)[0]["id"]
    result = runner.invoke(cli, ["show", story_id[:8], "--db", str(filled), "--fragments"])
    assert result.exit_code == 0
    assert "Интервьюер (компания): Добрый день!" in result.stdout
    assert "Клиент (клиент): Приходишь в офис" in result.stdout
    assert "Фрагменты" in result.stdout


def test_show_unknown_story(runner: CliRunner, filled: Path) -> None:
    result = runner.invoke(cli, ["show", "nothing-like-it", "--db", str(filled)])
    assert result.exit_code == 1 and "не найдена" in result.stderr


def test_status_counts(runner: CliRunner, filled: Path) -> None:
    data = json.loads(runner.invoke(cli, ["status", "--db", str(filled), "--json"]).stdout)
    assert data["stories"] == 2 and data["client_turns"] == 4
    assert data["channels"] == {"interview": 1, "review": 1}
    assert (data["first_date"], data["last_date"]) == ("2026-03-14", "2026-05-02")
    table = runner.invoke(cli, ["status", "--db", str(filled)])
    assert "историй" in table.stdout


def test_commands_on_a_missing_store_do_not_create_it(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    result = runner.invoke(cli, ["status", "--db", str(path)])
    assert result.exit_code == 1 and "scenarios init" in result.stderr
    assert not path.exists()
