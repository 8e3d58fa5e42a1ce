"""Ingest through the library: pastes, files of every format, dedupe, atomicity, resume."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scenarios.errors import InputError
from scenarios.readers import ReadOptions
from scenarios.sources import find_files
from scenarios.stages.ingest import IngestOptions, add_paths, add_stream, add_text, iter_add_paths
from scenarios.store import Store

from .conftest import INTERVIEW

REVIEWS = [
    "Приложение вылетает после каждого обновления, перевод не могу сделать уже третий день.",
    "Карту заблокировали по 115-ФЗ без объяснений, пришлось ехать в отделение с паспортом.",
    "У Тинькофф кешбэк на АЗС 5%, а у вас всего 1%. Подумываю уйти.",
]


def snapshot(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in ("stories", "turns", "fragments", "files")}


def test_paste_is_split_into_roles_and_client_fragments(store: Store) -> None:
    report = add_text(store, INTERVIEW, channel="interview", client="Ольга", date="14.03.2026")
    assert report.added == 1
    story = store.query("SELECT * FROM stories")[0]
    assert (story["channel"], story["client"], story["date"]) == ("interview", "Ольга", "2026-03-14")
    roles = [r["role"] for r in store.query("SELECT role FROM turns ORDER BY idx")]
    assert roles == ["company", "client"] * 3
    fragments = store.query("SELECT * FROM fragments ORDER BY idx")
    joined = " ".join(f["text"] for f in fragments)
    assert "ноль внимания" in joined and "подруга посоветовала" in joined
    assert "Расскажите" not in joined, "interviewer's speech must not become fragments"
    for f in fragments:
        assert story["text"][f["start"]:f["end"]] == f["text"]


def test_same_story_twice_is_stored_once(store: Store) -> None:
    add_text(store, INTERVIEW)
    again = add_text(store, INTERVIEW.replace("\n", "\r\n").replace(" ", "\u00a0", 3) + "\n\n")
    assert (again.added, again.duplicates) == (0, 1)
    assert store.count("stories") == 1


def test_text_is_normalised_but_yo_kept(store: Store) -> None:
    add_text(store, "Ещё  раз\u00a0спасибо!\r\nВсё\u200b решили за пять минут.   ")
    text = store.query("SELECT text FROM stories")[0]["text"]
    assert text == "Ещё  раз спасибо!\nВсё решили за пять минут."


@pytest.mark.parametrize("bad", ["", "   \n\t ", "😡😡😡 !!!", "\u200b\u00a0"])
def test_empty_or_wordless_paste_is_rejected_and_store_unchanged(store: Store, bad: str) -> None:
    before = snapshot(store)
    with pytest.raises(InputError, match="пуст|нет ни одного слова"):
        add_text(store, bad)
    assert snapshot(store) == before


def test_stream_over_the_limit_is_rejected_without_reading_it_all(store: Store) -> None:
    data = ("Клиент: ждал карту три недели. " * 40_000).encode()  # ~1.3 MB
    stream = io.BytesIO(data)
    with pytest.raises(InputError, match="больше лимита"):
        add_stream(store, stream, options=IngestOptions(max_mb=0.5))
    assert stream.tell() < len(data)
    assert store.count("stories") == 0


def test_stream_in_cp1251_is_decoded(store: Store) -> None:
    report = add_stream(store, io.BytesIO(INTERVIEW.encode("cp1251")))
    assert report.added == 1
    assert "ноль внимания" in store.query("SELECT text FROM stories")[0]["text"]


def write_folder(root: Path) -> Path:
    folder = root / "in"
    (folder / "interviews").mkdir(parents=True)
    (folder / "interviews" / "2026-03-14_olga.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "interviews" / "2026-04-02_sergey.txt").write_bytes(
        "И: Почему ушли?\nК: У других ставка по вкладу выше, в ВТБ дают 18%.".encode("cp1251"))
    (folder / "reviews.csv").write_text(
        "id,date,rating,text\n" + "\n".join(f'r{i},2026-0{i + 1}-10,{i + 1},"{t}"' for i, t in enumerate(REVIEWS)),
        encoding="utf-8")
    (folder / "notes.jsonl").write_text(
        json.dumps({"id": "n1", "channel": "chat", "text": "Бот отвечает не то, до оператора не дозвониться."},
                   ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def test_folder_ingest_reads_every_format_and_maps_fields(store: Store, tmp_path: Path) -> None:
    report = add_paths(store, [write_folder(tmp_path)])
    assert report.ok, report.rejections
    assert report.added == 2 + len(REVIEWS) + 1
    olga = store.query("SELECT * FROM stories WHERE external_id = '2026-03-14_olga'")[0]
    assert (olga["channel"], olga["date"], olga["title"]) == ("interview", "2026-03-14", "2026-03-14_olga")
    review = store.query("SELECT * FROM stories WHERE external_id = 'r1'")[0]
    assert review["date"] == "2026-02-10" and json.loads(review["metadata"]) == {"rating": "2"}
    assert store.query("SELECT channel FROM stories WHERE external_id = 'n1'")[0]["channel"] == "chat"
    sergey = store.query("SELECT text FROM stories WHERE external_id = '2026-04-02_sergey'")[0]["text"]
    assert "ставка по вкладу выше" in sergey


def test_rerun_of_a_folder_adds_nothing(store: Store, tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    add_paths(store, [folder])
    before = snapshot(store)
    again = add_paths(store, [folder])
    assert (again.added, again.already) == (0, 4)
    assert snapshot(store) == before


def test_interrupted_folder_ingest_resumes_without_duplicates(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    files = find_files([folder])
    with Store(tmp_path / "full.db") as full:
        add_paths(full, [folder])
        expected = full.query("SELECT id FROM stories ORDER BY id")
    with Store(tmp_path / "resumed.db") as store:
        for done, _ in enumerate(iter_add_paths(store, files), start=1):
            if done == 2:
                break  # the process stops between files
        assert 0 < store.count("stories") < len(expected)
        report = add_paths(store, [folder])
        assert report.already == 2 and report.duplicates == 0
        assert store.query("SELECT id FROM stories ORDER BY id") == expected


def test_csv_with_broken_rows_keeps_good_rows_and_names_the_bad(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        'id,text\n1,"Курьер переносил доставку карты четыре раза."\n'
        '2,"Обещали перезвонить, так никто и не перезвонил",лишнее поле\n'
        '3,"Менеджер Анна всё объяснила и помогла с вкладом."\n', encoding="utf-8")
    report = add_paths(store, [path])
    assert report.added == 2
    assert [str(r) for r in report.rejections] == [
        f"{path}, строка 3: ожидалось 2 полей, а в строке 3 — проверьте кавычки и разделитель"]
    assert store.count("files") == 0, "a file with rejections is re-read next time, not marked done"


def test_csv_with_broken_rows_and_fail_policy_lands_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('text\n"Всё хорошо, спасибо менеджеру"\n"Незакрытая кавычка\n', encoding="utf-8")
    report = add_paths(store, [path], options=IngestOptions(bad_rows="fail"))
    assert report.added == 0 and "целиком" in str(report.rejections[-1])
    assert "кавычк" in str(report.rejections[0])
    assert snapshot(store) == {"stories": 0, "turns": 0, "fragments": 0, "files": 0}


def test_semicolon_cp1251_excel_export_with_named_columns(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "exit.csv"
    path.write_bytes("Номер;Дата;Ответ;Оценка\nexit-1;05.11.2026;Ухожу в Альфу, там кешбэк больше;2\n"
                     .encode("cp1251"))
    report = add_paths(store, [path])
    row = store.query("SELECT * FROM stories")[0]
    assert report.added == 1
    assert (row["external_id"], row["date"]) == ("exit-1", "2026-11-05")
    assert json.loads(row["metadata"]) == {"Оценка": "2"}


def test_missing_text_column_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,review\n1,Хороший банк\n", encoding="utf-8")
    report = add_paths(store, [path], options=IngestOptions(read=ReadOptions(text_column="отзыв")))
    assert "нет колонки «отзыв»" in str(report.rejections[0]) and "«review»" in str(report.rejections[0])
    assert store.count("stories") == 0


def test_empty_rows_in_a_table_are_skipped_not_rejected(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('text,rating\n"Хороший банк, быстро открыли счёт",5\n"",3\n', encoding="utf-8")
    report = add_paths(store, [path])
    assert report.ok and (report.added, report.empty) == (1, 1)


def test_json_must_be_a_list_of_objects(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('"просто строка"', encoding="utf-8")
    report = add_paths(store, [path])
    assert "списком объектов" in str(report.rejections[0])


def test_docx_is_read(store: Store, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in INTERVIEW.strip().split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "interview.docx"
    document.save(path)
    assert add_paths(store, [path]).added == 1
    assert store.count("turns", "role = 'client'") == 3


def test_vanished_file_is_reported_and_others_still_land(store: Store, tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    files = find_files([folder])
    files[0].path.unlink()
    report = add_paths(store, [])  # nothing given, nothing done
    assert report.added == 0
    results = list(iter_add_paths(store, files))
    assert "исчез" in str(results[0].rejections[0])
    assert sum(r.added for r in results) == 1 + len(REVIEWS) + 1


def test_bytes_broken_after_the_sniffed_head_roll_back_the_whole_input(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    head = ("Клиент: приложение вылетает после обновления, перевод не уходит.\n" * 5000).encode()
    path.write_bytes(head + b"\xff\xfe\xfa broken tail")  # valid UTF-8 for 600 KB, then not
    report = add_paths(store, [path], options=IngestOptions(read=ReadOptions(max_story_chars=50_000)))
    assert report.added == 0
    assert "не читается как utf-8" in str(report.rejections[0])
    assert snapshot(store) == {"stories": 0, "turns": 0, "fragments": 0, "files": 0}


def test_over_long_paste_becomes_numbered_parts_cut_at_turns(store: Store) -> None:
    turn = "Интервьюер: Что было дальше?\nКлиент: Курьер опять перенёс доставку карты, уже {} раз.\n\n"
    text = "".join(turn.format(i) for i in range(400))  # ~36k characters
    report = add_text(store, text, title="Интервью", options=IngestOptions(read=ReadOptions(max_story_chars=10_000)))
    rows = store.query("SELECT title, text FROM stories ORDER BY created_at, rowid")
    assert report.added == len(rows) >= 4
    assert {r["title"] for r in rows} == {f"Интервью (часть {i})" for i in range(1, len(rows) + 1)}
    assert all(len(r["text"]) <= 10_000 for r in rows)
    assert all(r["text"].startswith("Интервьюер:") for r in rows), "parts are cut between turns"
    assert store.count("turns", "role = 'client'") == 400


@pytest.mark.parametrize("encoding", ["koi8_r", "utf-16", "utf-16-le", "utf-8-sig", "cp866"])
def test_file_encodings(store: Store, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(INTERVIEW.encode(encoding))
    report = add_paths(store, [path])
    assert report.ok and report.added == 1
    assert "Приходишь в офис, а они болтают по телефону" in store.query("SELECT text FROM stories")[0]["text"]
    assert store.query("SELECT encoding FROM files")[0]["encoding"].replace("_", "-").startswith(
        encoding.split("-le")[0].replace("_", "-"))


def test_jsonl_with_a_broken_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    path.write_text('{"text": "Бот не понял вопрос про кешбэк"}\n{"text": "обрыв\n{"text": "Спасибо, вопрос решён"}\n',
                    encoding="utf-8")
    report = add_paths(store, [path])
    assert report.added == 2
    assert len(report.rejections) == 1
    assert str(report.rejections[0]).startswith(f"{path}, строка 2: испорченный JSON (")
