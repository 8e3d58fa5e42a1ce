"""What managers do on the page besides reading: curation, upload, split pastes, filters, search, export.

Through Flask's test client on a copy of the demo store (hashing embedder). Every control calls
the same library function as the CLI, so the tests compare with the library or the CLI's words.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from scenarios.cli import cli
from scenarios.curate import curation
from scenarios.overview import kind_title, scenarios_of
from scenarios.stages.ingest import add_paths, report_lines, split_paste
from scenarios.store import Store
from scenarios.web import context
from scenarios.web.story_page import TURNS_PER_PAGE

from .conftest import CRASH, DemoStore, PageClient


def biggest(db: Path, n: int = 2) -> list:
    with Store(db) as store:
        return sorted(scenarios_of(store), key=lambda v: (-v.stories, v.id))[:n]


# -- curation ---------------------------------------------------------------------------------


def test_rename_and_hide_go_through_curation_and_show_in_the_digest(site: tuple[Flask, Path],
                                                                    client: PageClient) -> None:
    app, db = site
    view = biggest(db, 1)[0]
    done = client.post(f"/scenario/{view.id}/rename", data={"name": "Ждут обратного звонка"}, follow_redirects=True)
    assert "Название сохранено: «Ждут обратного звонка»." in done.text
    with Store(db) as store:
        assert curation(store)[view.id]["name"] == "Ждут обратного звонка"
    assert "Ждут обратного звонка" in client.get("/").text
    assert "Ждут обратного звонка" in client.get("/scenarios").text
    hidden = client.post(f"/scenario/{view.id}/hide", data={"hidden": "1"}, follow_redirects=True)
    assert "Сценарий скрыт" in hidden.text and "скрыт из дайджеста" in hidden.text
    assert "Ждут обратного звонка" not in client.get("/").text
    listing = client.get("/scenarios").text
    assert 'id="hidden"' in listing and f'href="/scenario/{view.id}"' in listing.split('id="hidden"')[1]
    client.post(f"/scenario/{view.id}/hide", data={"hidden": "0"})
    client.post(f"/scenario/{view.id}/rename", data={"name": ""})
    with Store(db) as store:
        assert not curation(store)[view.id]["hidden"] and curation(store)[view.id]["name"] is None
    assert "Ждут обратного звонка" not in client.get("/").text


def test_pin_puts_the_fragment_first_at_once_and_unpin_removes_it(site: tuple[Flask, Path],
                                                                  client: PageClient) -> None:
    app, db = site
    view = biggest(db, 1)[0]
    page = client.get(f"/scenario/{view.id}").text
    listed = re.findall(r'<li data-fragment="([^"]+)">', page.split('id="all-fragments"')[1])
    current = re.findall(r'<blockquote data-fragment="([^"]*)">', page)
    chosen = next(f for f in reversed(listed) if f not in current)
    client.post(f"/scenario/{view.id}/pin", data={"fragment_id": chosen})
    page = client.get(f"/scenario/{view.id}").text
    assert re.findall(r'<blockquote data-fragment="([^"]*)">', page)[0] == chosen, "shown first, no describe run"
    assert "закреплена" in page
    with Store(db) as store:
        text = store.query("SELECT text FROM fragments WHERE id = ?", (chosen,))[0]["text"]
        described = store.query("SELECT described_at FROM runs ORDER BY id DESC LIMIT 1")[0]["described_at"]
    digest = client.get("/").text
    card = digest.split(f'id="s-{view.id}"')[1].split("</article>")[0]
    assert text.split()[0] in card.split("<blockquote>")[1], "the digest leads with it too"
    client.post(f"/scenario/{view.id}/pin", data={"fragment_id": chosen, "unpin": "1"})
    page = client.get(f"/scenario/{view.id}").text
    assert chosen not in re.findall(r'<blockquote data-fragment="([^"]*)">', page)
    with Store(db) as store:
        assert store.query("SELECT described_at FROM runs ORDER BY id DESC LIMIT 1")[0]["described_at"] == described
    bad = client.post(f"/scenario/{view.id}/pin", data={"fragment_id": "nothing"}, follow_redirects=True)
    assert "Фрагмент nothing не найден." in bad.text


def test_merge_moves_the_stories_redirects_and_survives_a_recluster(tmp_path: Path, demo_store: DemoStore,
                                                                    make_app: Callable[..., Flask]) -> None:
    db = demo_store.copy(tmp_path)
    app = make_app(db, demo_store.config)
    client = app.test_client()
    target, source = biggest(db)
    response = client.post(f"/scenario/{source.id}/merge", data={"target": target.id})
    assert response.status_code == 302 and response.headers["Location"] == f"/scenario/{target.id}"
    page = client.get(response.headers["Location"]).text
    assert "Сценарии объединены" in page
    merged = next(v for v in biggest(db, 20) if v.id == target.id)
    assert merged.stories >= max(target.stories, source.stories)
    assert client.get(f"/scenario/{source.id}").headers["Location"] == f"/scenario/{target.id}"
    digest = client.get("/").text
    assert f'id="s-{source.id}"' not in digest and f'id="s-{target.id}"' in digest, "no describe needed"
    assert "ещё не описаны" not in digest
    refused = client.post(f"/scenario/{target.id}/merge", data={"target": target.id}, follow_redirects=True)
    assert "Нельзя объединить сценарий с самим собой." in refused.text

    client.post(f"/scenario/{target.id}/rename", data={"name": "Общий сценарий"})
    with Store(db) as store:
        runs = store.count("runs")
    client.paste(CRASH)  # new fragments, so the button re-clusters
    client.post("/recluster")
    assert app.extensions[context.RECLUSTER].wait(180) and client.get("/progress").get_json()["error"] is None
    with Store(db) as store:
        latest = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        assert store.count("runs") == runs + 1
        ids = {r["id"] for r in store.query("SELECT id FROM scenarios WHERE run_id = ?", (latest,))}
    assert source.id not in ids and target.id in ids, "the merge holds in the new run"
    assert "Общий сценарий" in client.get(f"/scenario/{target.id}").text, "and so does the name"


# -- adding stories ------------------------------------------------------------------------------


def test_split_paste_by_separator_lines_and_by_table_rows(site: tuple[Flask, Path], client: PageClient) -> None:
    app, db = site
    parts = ["Клиент: в отделении на Лесной очередь на два часа, одно окно работает",
             "Клиент: курьер привёз карту не в тот день и не позвонил заранее",
             "Клиент: приложение не пускает после обновления, код из смс не приходит"]
    assert split_paste("\n---\n".join(parts) + "\n===\n\n") == parts
    assert split_paste("Клиент: было -- и прошло --- вот так\n ---- \nКлиент: второе") == [
        "Клиент: было -- и прошло --- вот так", "Клиент: второе"], "only a line of its own separates"
    assert split_paste("\r\n===\r\n".join(parts)) == parts, "a browser form sends CRLF line breaks"
    response = client.post("/add", data={"text": "\n---\n".join(parts), "channel": "call", "split": "separator",
                                         "date": "2026-11-03", "client": "", "title": ""})
    assert response.status_code == 302 and "/added?ids=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).text
    assert page.count("Звонок · 3 ноября 2026") == 3 and "Добавлено историй: 3" in page
    table = "date\tclient\ttext\n2026-10-01\tАнна С.\tБанкомат съел карту, в поддержке сказали ждать неделю\n" \
            "2026-10-02\tБорис Т.\tКешбэк не начислили за сентябрь, хотя категория была выбрана\n"
    response = client.post("/add", data={"text": table, "channel": "review", "split": "table", "client": "",
                                         "date": "", "title": ""})
    page = client.get(response.headers["Location"]).text
    assert "Отзыв · 1 октября 2026 · Анна С." in page and "Отзыв · 2 октября 2026 · Борис Т." in page
    bad = client.post("/add", data={"text": "просто текст без заголовка\nи ещё строка", "channel": "review",
                                    "split": "table", "client": "", "date": "", "title": ""})
    assert bad.status_code == 400 and "<b>Не принято:</b>" in bad.text


def test_upload_files_and_a_folder_with_the_cli_messages(site: tuple[Flask, Path], client: PageClient,
                                                         tmp_path: Path) -> None:
    import docx

    app, db = site
    document = docx.Document()
    document.add_paragraph("Клиент: три недели жду перевыпуск карты, в отделении говорят, что она в пути")
    buffer = io.BytesIO()
    document.save(buffer)
    with Store(db) as store:
        before = store.count("stories")
    files = [
        (io.BytesIO("Клиент: поменяли тариф без предупреждения, списали 300 рублей".encode("cp1251")),
         "2026-10-05_тариф.txt"),
        (io.BytesIO(buffer.getvalue()), "звонки/2026-10-06_перевыпуск.docx"),
        (io.BytesIO("text;date\nЗаблокировали перевод, разблокировали через сутки;2026-10-07\n"
                    "лишнее;поле;2026-10-08\n".encode()), "выгрузка.csv"),
        (io.BytesIO(b"\x00\x01"), "../../etc/evil.bin"),
    ]
    response = client.post("/upload", data={"files": files[:1] + files[2:], "folder": files[1:2], "channel": ""},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.text
    with Store(db) as store:
        added = store.query("SELECT channel, date FROM stories ORDER BY created_at DESC, id LIMIT 4")
        assert store.count("stories") - before == 3
        assert not list(Path("/etc").glob("evil*"))
    assert {(r["channel"], r["date"]) for r in added[:3]} >= {("call", "2026-10-06")}
    assert "Добавлено историй: 3" in page and "Не принято:" in page
    assert "выгрузка.csv, строка 3: ожидалось 2 полей" in page
    assert "неподдерживаемый формат «.bin»" in page and "scenarios-upload-" not in page, "names as uploaded"
    assert "Звонок · 6 октября 2026" in page
    empty = client.post("/upload", data={}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Выберите файлы или папку." in empty.text


def test_report_lines_are_what_the_cli_prints(runner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Клиент: карту не привезли", encoding="utf-8")
    (folder / "b.xyz").write_text("что-то", encoding="utf-8")
    result = runner.invoke(cli, ["add", str(folder), "--db", str(tmp_path / "cli.db")])
    with Store(tmp_path / "lib.db") as store:
        rejections, totals = report_lines(add_paths(store, [folder]))
    assert totals.split(" (id")[0] in result.stdout and rejections and rejections[0].startswith("Не принято: ")
    assert rejections[0].removeprefix("Не принято: ") in " ".join(result.stderr.split())


# -- reading: filters, search, long stories, export ---------------------------------------------------


def test_filters_by_channel_kind_and_period(site: tuple[Flask, Path], client: PageClient) -> None:
    with Store(site[1]) as store:
        kinds = [v.kind for v in scenarios_of(store) if v.kind]
    kind = max(set(kinds), key=kinds.count)
    page = client.get(f"/scenarios?channel=review&kind={kind}&period=30").text
    assert '<option value="review" selected>' in page and '<option value="30" selected>' in page
    assert re.findall(r"<h2><span class=\"chip\"[^>]*></span>(\w+)", page) == [kind_title(kind)]
    assert "за 30 дней:" in page and "из канала «отзыв»" in page
    digest = client.get("/?channel=call&period=180").text
    assert 'id="filters"' in digest and "Только канал: звонки" in digest and "Последние 180 дней" in digest
    assert "export.xlsx?period=180&amp;channel=call" in digest
    ignored = client.get("/scenarios?channel=fax&period=7")
    assert ignored.status_code == 200 and '<option value="90" selected>' in ignored.text


def test_lemma_search_finds_other_forms_and_narrows_the_scenarios(site: tuple[Flask, Path],
                                                                  client: PageClient) -> None:
    page = client.get("/scenarios?q=перезвонить").text
    found = page.split('id="search-results"')[1].split("</div>")[0]
    assert re.search(r"Поиск «перезвонить»: \d+ истори", found) and "перезвон" in found.lower()
    shown = re.findall(r'data-scenario="(\w+)"', page)
    assert shown and len(shown) < len(re.findall(r'data-scenario="(\w+)"', client.get("/scenarios").text))
    none = client.get("/scenarios?q=абырвалг").text
    assert "Таких слов в речи клиентов нет" in none


def test_a_long_story_is_paged_and_fast(site: tuple[Flask, Path], client: PageClient) -> None:
    lines = [f"{'Клиент' if i % 2 == 0 else 'Оператор'}: сообщение номер {i}, приложение опять не открывается "
             f"после обновления, жду ответа уже {i} минут" for i in range(9000)]
    response = client.post("/add", data={"text": "\n".join(lines), "channel": "chat", "split": "none",
                                         "client": "Ольга В.", "date": "2026-11-10", "title": ""})
    story_url = response.headers["Location"].split("?")[0]
    timings = []
    for _ in range(3):  # the best of three: a page under 1 s on a warm server, whatever else the machine runs
        started = time.perf_counter()
        page = client.get(story_url).text
        timings.append(time.perf_counter() - started)
    assert min(timings) < 1.0, f"{min(timings):.2f} s"
    assert page.count('class="turn ') == TURNS_PER_PAGE and "страница 1 из" in page
    with Store(site[1]) as store:
        story_id = story_url.rsplit("/", 1)[1]
        late = store.query("SELECT start, [end] FROM fragments WHERE story_id = ? ORDER BY idx DESC LIMIT 1",
                           (story_id,))[0]
        turns = store.count("turns", "story_id = ?", (story_id,))
    quoted = client.get(f"{story_url}?start={late['start']}&end={late['end']}").text
    last_page = -(-turns // TURNS_PER_PAGE)
    assert f"страница {last_page} из {last_page}" in quoted and 'id="quote"' in quoted, "opens the quote's page"


def test_export_csv_and_xlsx_hold_the_scenarios_with_quotes(site: tuple[Flask, Path], client: PageClient) -> None:
    from openpyxl import load_workbook

    xlsx = client.get("/export.xlsx")
    assert xlsx.status_code == 200 and 'filename="scenarios.xlsx"' in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("Вид", "Сценарий", "Историй") and "Цитата 1" in header
    with Store(site[1]) as store:
        views = {v.name: v for v in scenarios_of(store)}
    assert len(body) == len(views)
    for row in body:
        assert isinstance(row[2], int) and isinstance(row[4], (int, float)) and row[header.index("Цитата 1")]
    assert all("Иванов" not in str(cell) for row in body for cell in row)
    with Store(site[1]) as store:
        kind = [v.kind for v in scenarios_of(store) if v.kind][-1]
    data = client.get(f"/export.csv?kind={kind}")
    text = data.get_data(as_text=True)
    assert text.startswith("\ufeff") and data.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0] == list(header) and {r[0] for r in table[1:]} == {kind_title(kind)}
    assert all(re.fullmatch(r"\d+(,\d)?", r[4]) for r in table[1:]), "decimal commas, as the digest writes"


def test_lists_mask_client_names_like_the_digest(site: tuple[Flask, Path], client: PageClient) -> None:
    client.paste(CRASH.replace("Переустанавливала", "Меня зовут Кузнецова Мария Петровна, переустанавливала"),
          client="Кузнецова М.")
    listing = client.get("/scenarios").text
    scenario_ids = set(re.findall(r'data-scenario="(\w+)"', listing))
    for sid in scenario_ids:
        page = client.get(f"/scenario/{sid}").text
        quotes = page.split('id="quotes"')[1].split('id="curation"')[0]
        assert "Кузнецова" not in quotes
    assert "Кузнецова" not in listing and "Кузнецова" not in client.get("/").text
