"""`scenarios add` as a user runs it: exit codes, one-line messages, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scenarios.cli import cli
from scenarios.store import Store

from .conftest import INTERVIEW


def counts(path: Path) -> dict[str, int]:
    with Store(path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {t: store.count(t) for t in ("stories", "turns", "fragments")}


def test_paste_from_stdin(runner: CliRunner, store_path: Path) -> None:
    result = runner.invoke(cli, ["add", "--db", str(store_path), "--channel", "interview",
                                 "--date", "2026-03-14"], input=INTERVIEW)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Добавлено историй: 1 (id ")
    again = runner.invoke(cli, ["add", "--db", str(store_path)], input=INTERVIEW)
    assert again.exit_code == 0
    assert "повторов пропущено: 1" in again.stdout
    assert counts(store_path)["stories"] == 1


def test_env_var_names_the_store(runner: CliRunner, store_path: Path) -> None:
    result = runner.invoke(cli, ["add"], input=INTERVIEW, env={"SCENARIOS_DB": str(store_path)})
    assert result.exit_code == 0 and counts(store_path)["stories"] == 1


BAD_FILES = {
    "empty.txt": (b"", "пустой файл"),
    "spaces.txt": (b"   \n\n\t  \n", "пустой текст"),
    "photo.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "изображение PNG"),
    "archive.csv": (b"PK\x03\x04" + bytes(200), "архив ZIP"),
    "program.txt": (b"\x7fELF\x02\x01\x01" + bytes(300), "исполняемый файл"),
    "nul.txt": ("Клиент: всё\x00 хорошо".encode(), "нулевые байты"),
    "broken.json": ('[{"text": "Карту ждал месяц"'.encode(), "испорченный JSON"),
    "notalist.json": ('{"text": "Карту ждал месяц"}'.encode(), "списком объектов"),
    "nocolumn.csv": ("id,отзывчик\n1,Хорошо\n".encode(), "нет колонки с текстом"),
    "emoji.txt": ("😡😡😡 🤬".encode(), "нет ни одного слова"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gets_one_clear_line_and_store_is_unchanged(
    runner: CliRunner, store_path: Path, tmp_path: Path, name: str
) -> None:
    runner.invoke(cli, ["add", "--db", str(store_path)], input=INTERVIEW)
    before = counts(store_path)
    data, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(cli, ["add", str(path), "--db", str(store_path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stderr.count("Не принято:") == 1
    assert counts(store_path) == before


def test_folder_with_a_bad_file_lands_the_good_ones(runner: CliRunner, store_path: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Оператор: Слушаю.\nАбонент: Бот опять ответил не то.".encode("koi8_r"))
    (tmp_path / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = runner.invoke(cli, ["add", str(tmp_path), "--db", str(store_path)])
    assert result.exit_code == 1
    assert "Добавлено историй: 2" in result.stdout
    assert "c.png: неподдерживаемый формат «.png»" in result.stderr
    with Store(store_path) as store:
        assert "Бот опять ответил не то." in store.query("SELECT text FROM stories WHERE external_id='b'")[0]["text"]


def test_missing_path(runner: CliRunner, store_path: Path) -> None:
    result = runner.invoke(cli, ["add", "no/such/file.txt", "--db", str(store_path)])
    assert result.exit_code == 1 and "не найдены" in result.stderr


def test_paste_over_the_limit(runner: CliRunner, store_path: Path) -> None:
    big = "Клиент: карту ждала три недели, курьер переносил. " * 30_000
    result = runner.invoke(cli, ["add", "--db", str(store_path), "--max-mb", "1"], input=big)
    assert result.exit_code == 1
    assert "больше лимита" in result.stderr and "--max-mb" in result.stderr
    assert counts(store_path)["stories"] == 0


def test_not_a_store(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"\x00garbage" * 100)
    result = runner.invoke(cli, ["add", "--db", str(path)], input=INTERVIEW)
    assert result.exit_code == 1
    assert result.stderr.startswith("Ошибка:") and "не является хранилищем" in result.stderr


def test_column_options(runner: CliRunner, store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("review_id,Отзыв клиента,Когда\n77,Обещали перезвонить и пропали,01.02.2026\n", encoding="utf-8")
    result = runner.invoke(cli, ["add", str(path), "--db", str(store_path), "--text-column", "Отзыв клиента",
                                 "--id-column", "review_id", "--column", "date=Когда", "--channel", "review"])
    assert result.exit_code == 0, result.output
    with Store(store_path) as store:
        row = store.query("SELECT external_id, date, channel FROM stories")[0]
    assert row == {"external_id": "77", "date": "2026-02-01", "channel": "review"}


