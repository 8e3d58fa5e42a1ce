"""The web page (`scenarios serve`) through Flask's test client, on the demo corpus.

The demo store (`demo_store` in conftest) is copied for this module, so tests that add stories or
re-cluster do not disturb other modules.
"""

from __future__ import annotations

import html
import re
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from scenarios.cli import cli
from scenarios.overview import scenarios_of
from scenarios.store import Store
from scenarios.web import context, digest_page, jobs, warm_digest
from scenarios.web.marks import Mark, pieces, quote_span

from .conftest import CRASH, INTERVIEW, PageClient


def stories_in(db: Path) -> int:
    with Store(db) as store:
        return store.count("stories")


# -- pages --------------------------------------------------------------------------------------


def test_pages_are_in_russian_with_the_navigation(client: PageClient) -> None:
    for url in ("/scenarios", "/add"):
        page = client.get(url).text
        assert '<html lang="ru">' in page
        for link in ("Дайджест", "Добавить историю", "Сценарии", "Пересчитать сценарии"):
            assert link in page
    scenarios = client.get("/scenarios").text
    assert re.search(r"обновлены \d{1,2} [а-я]+ \d{4}", scenarios), "the date said as the digest says it"
    for jargon in ("прогон", "кластеризац", "фрагментов в", "близость", "эмбеддер", "без сценария:"):
        assert jargon not in scenarios.lower()
    headings = re.findall(r"<h2><span class=\"chip\"[^>]*></span>(\w+)", scenarios)
    assert len(headings) >= 3 and set(headings) <= {"Выбор", "Сервис", "Продукт", "Конкуренты", "Жизнь", "Другое"}
    form = client.get("/add").text
    assert "Текст истории" in form and 'enctype="multipart/form-data"' in form
    for channel in ("interview", "call", "review", "chat", "email", "survey"):
        assert f'<option value="{channel}"' in form


def test_digest_page_has_the_navigation_and_links_quotes_to_stories(client: PageClient) -> None:
    response = client.get("/")
    page = response.text
    assert response.status_code == 200
    assert "Добавить историю" in page and "Пересчитать сценарии" in page
    assert re.search(r'href="/story/\w+\?start=\d+&amp;end=\d+#quote"', page), "quotes link to their stories"


def test_scenario_page_lists_every_fragment_and_the_companies(site: tuple[Flask, Path], client: PageClient) -> None:
    with Store(site[1]) as store:
        view = max(scenarios_of(store), key=lambda v: (len([c for c in v.companies if not c["own"]]), v.fragments))
        run_id = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        expected = store.query(
            "SELECT f.story_id, f.start, f.[end] FROM memberships m JOIN fragments f ON f.hash = m.hash "
            "WHERE m.run_id = ? AND m.scenario_id = ?", (run_id, view.id))
    page = client.get(f"/scenario/{view.id}").text
    assert html.escape(view.name, quote=False) in page
    listed = page.split('id="all-fragments"')[1]
    links = set(re.findall(r'href="/story/(\w+)\?start=(\d+)&amp;end=(\d+)#quote"', listed))
    assert links == {(r["story_id"], str(r["start"]), str(r["end"])) for r in expected}
    assert f'Все фрагменты <span class="muted small">({len(expected)})</span>' in page
    assert "близость" not in page and "кластеризац" not in page
    assert any(not c["own"] for c in view.companies), "the demo corpus names competitors"
    for company in view.companies:
        assert company["company"] in page
    assert "Цитаты для дайджеста" in page


def test_story_page_shows_roles_and_highlights_the_quote(site: tuple[Flask, Path], client: PageClient) -> None:
    with Store(site[1]) as store:
        quote = store.query("SELECT q.* FROM quotes q JOIN stories s ON s.id = q.story_id "
                            "WHERE s.channel = 'interview' ORDER BY q.scenario_id LIMIT 1")[0]
        name = next(v.name for v in scenarios_of(store) if v.id == quote["scenario_id"])
    page = client.get(f"/story/{quote['story_id']}?start={quote['start']}&end={quote['end']}").text
    anchored = re.search(r'<mark class="frag quote" style="--c: #\w+" title="([^"]*)" data-scenario="(\w+)" '
                         r'id="quote">([^<]*)</mark>', page)
    assert anchored, "the quoted fragment is marked and anchored"
    assert html.unescape(anchored.group(1)) == name and anchored.group(2) == quote["scenario_id"]
    assert html.unescape(anchored.group(3)) == quote["text"]
    assert 'data-role="client"' in page and 'data-role="company"' in page
    assert 'class="role' not in page, "no role chips beside the speaker («Клиент / клиент»)"
    assert "scrollIntoView" in page


def test_story_by_prefix_redirects_to_the_full_id(site: tuple[Flask, Path], client: PageClient) -> None:
    with Store(site[1]) as store:
        story_id = store.query("SELECT id FROM stories ORDER BY id LIMIT 1")[0]["id"]
    response = client.get(f"/story/{story_id[:8]}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/story/{story_id}")


@pytest.mark.parametrize("url, message", [
    ("/story/nosuchstory", "История «nosuchstory» не найдена."),
    ("/scenario/S999", "Сценарий «S999» не найден"),
    ("/nowhere", "Такой страницы нет."),
])
def test_unknown_pages_say_so_in_russian(client: PageClient, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.text and "Не найдено" in response.text


@pytest.mark.parametrize("method, url", [("get", "/recluster"), ("put", "/add"), ("delete", "/add"),
                                         ("post", "/progress"), ("post", "/scenarios")])
def test_changes_need_a_post_and_reads_refuse_one(client: PageClient, method: str, url: str) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert "только отправку формы (POST)" in response.text


# -- adding a story --------------------------------------------------------------------------


def test_paste_adds_the_story_and_shows_its_turns_and_scenarios(site: tuple[Flask, Path], client: PageClient) -> None:
    app, db = site
    before = stories_in(db)
    response = client.paste(CRASH, client="Марина К.", date="20.11.2026", title="Вылетает приложение")
    assert response.status_code == 302
    story_id = re.search(r"/story/(\w+)\?added=1$", response.headers["Location"]).group(1)
    assert stories_in(db) == before + 1
    page = client.get(response.headers["Location"]).text
    assert "История добавлена: распознано реплик — 4, фрагментов речи клиента — " in page
    assert page.count("<b>Интервьюер</b>") == 2 and page.count("<b>Клиент</b>") == 2
    assert page.count('data-role="client"') == 2
    heading = re.search(r'<h1 id="heading">([^<]*)</h1>', page).group(1)
    assert heading == "Интервью · 20 ноября 2026 · Марина К.", "titled by channel, date and client"
    assert "<title>Интервью · 20 ноября 2026 · Марина К. · scenarios</title>" in page
    assert "«Вылетает приложение»" in page
    with Store(db) as store:
        run_id = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        joined = store.query(
            "SELECT m.scenario_id, m.pass FROM fragments f JOIN memberships m ON m.hash = f.hash AND m.run_id = ? "
            "WHERE f.story_id = ?", (run_id, story_id))
        fragments = store.count("fragments", "story_id = ?", (story_id,))
        assert store.count("runs") == run_id, "a paste does not re-cluster"
    assert len(joined) == fragments >= 2, "every fragment was lemmatised, embedded and assigned"
    scenario_ids = {r["scenario_id"] for r in joined if r["scenario_id"]}
    assert scenario_ids, "the crash joined an existing scenario"
    for scenario_id in scenario_ids:
        assert f'data-scenario="{scenario_id}"' in page and f'href="/scenario/{scenario_id}"' in page
    assert "после кластеризации" not in page and "кластеризац" not in page


def test_pasted_html_is_shown_as_text(site: tuple[Flask, Path], client: PageClient) -> None:
    text = "Клиент: <script>alert(1)</script> приложение <b>снова</b> зависает при оплате, жду уже неделю"
    response = client.paste(text, client='<img src=x onerror="alert(2)">', title="<i>title</i>")
    page = client.get(response.headers["Location"]).text
    assert "<script>alert(1)" not in page and "<b>снова" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;снова&lt;/b&gt;" in page
    assert "&lt;i&gt;title&lt;/i&gt;" in page
    refused = client.paste("<script>alert(3)</script> текст", channel="fax").text
    assert "&lt;script&gt;alert(3)&lt;/script&gt; текст</textarea>" in refused and "<script>alert(3)" not in refused


@pytest.mark.parametrize("text", ["", "   \n\t", "!!! ??? ... —"])
def test_bad_paste_shows_the_cli_message_and_keeps_the_form(site: tuple[Flask, Path], client: PageClient,
                                                            text: str, tmp_path: Path) -> None:
    cli_result = CliRunner().invoke(cli, ["add", "--db", str(tmp_path / "cli.db")], input=text)
    assert cli_result.exit_code == 1
    message = cli_result.stderr.strip().removeprefix("Ошибка: ")
    before = stories_in(site[1])
    response = client.paste(text, client="Ольга", date="2026-11-20", title="Заметка", channel="call")
    page = response.text
    assert response.status_code == 400
    assert f"<b>Не принято:</b> {message}" in page
    assert 'value="Ольга"' in page and 'value="2026-11-20"' in page and 'value="Заметка"' in page
    assert '<option value="call" selected>' in page
    assert stories_in(site[1]) == before


def test_paste_over_the_limit_is_refused(site: tuple[Flask, Path], make_app: Callable[..., Flask]) -> None:
    app = make_app(site[1], site[0].config["SCENARIOS_CONFIG"].path, max_mb=0.001)
    response = app.test_client().paste("Клиент: " + "очень длинная история " * 100)
    assert response.status_code == 400
    assert "Текст больше лимита" in response.text and "очень длинная история" in response.text
    huge = app.test_client().post("/add", data={"text": "а" * 3_000_000, "channel": "interview"},
                                  content_type="multipart/form-data")
    assert huge.status_code == 413 and "Текст больше лимита" in huge.text


def test_duplicate_paste_says_it_is_stored_and_links_to_it(site: tuple[Flask, Path], client: PageClient) -> None:
    first = client.paste(INTERVIEW)
    story_id = re.search(r"/story/(\w+)", first.headers["Location"]).group(1)
    before = stories_in(site[1])
    again = client.paste(INTERVIEW.replace("\n", "\r\n") + "\n\n", client="Другая")
    page = again.text
    assert again.status_code == 409
    assert "Эта история уже есть в хранилище" in page
    assert f'href="/story/{story_id}"' in page
    assert 'value="Другая"' in page
    assert stories_in(site[1]) == before


# -- re-clustering ---------------------------------------------------------------------------


def test_recluster_runs_in_the_background_once_at_a_time(site: tuple[Flask, Path], client: PageClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    app, db = site
    added = client.paste(CRASH.replace("два раза", "три раза"))
    story_id = re.search(r"/story/(\w+)", added.headers["Location"]).group(1)
    with Store(db) as store:
        runs_before = store.count("runs")
    gate = threading.Event()
    real_run = jobs.run

    def held_run(*args, **kwargs):
        assert gate.wait(60)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(jobs, "run", held_run)
    first = client.post("/recluster", headers={"Referer": "http://localhost/scenarios"})
    assert first.status_code == 302 and first.headers["Location"] == "/scenarios"
    assert "Пересчёт сценариев запущен" in client.get("/scenarios").text
    state = client.get("/progress").get_json()
    assert state["running"] and [s["title"] for s in state["stages"]] == [
        "Разбор слов", "Смысл фрагментов", "Поиск сценариев", "Названия и цитаты"]
    second = client.post("/recluster", follow_redirects=True)
    assert "Пересчёт уже идёт" in second.text
    gate.set()
    assert app.extensions[context.RECLUSTER].wait(180)
    state = client.get("/progress").get_json()
    assert not state["running"] and state["error"] is None
    assert state["finished"][-2:] == ["cluster", "describe"]
    with Store(db) as store:
        assert store.count("runs") == runs_before + 1
        run_id = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        assert state["message"] == f"Готово: сценариев найдено — {store.count('scenarios', 'run_id = ?', (run_id,))}."
        passes = {r["pass"] for r in store.query(
            "SELECT m.pass FROM fragments f JOIN memberships m ON m.hash = f.hash AND m.run_id = ? "
            "WHERE f.story_id = ?", (run_id, story_id))}
    assert passes and "new" not in passes, "the pasted story was clustered, not just assigned"
    monkeypatch.undo()

    # A paste that joins no scenario leaves the latest run looking complete; the button re-clusters anyway.
    odd = client.paste("Клиент: Зюзюкала бамбарбия киргуду, космолёт трататуй оливьешный барабулька фьюить.")
    odd_id = re.search(r"/story/(\w+)", odd.headers["Location"]).group(1)
    client.post("/recluster")
    assert app.extensions[context.RECLUSTER].wait(180)
    assert client.get("/progress").get_json()["error"] is None
    with Store(db) as store:
        assert store.count("runs") == runs_before + 2
        latest = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        assert store.query("SELECT count(*) AS n FROM fragments f JOIN memberships m ON m.hash = f.hash "
                           "WHERE m.run_id = ? AND f.story_id = ?", (latest, odd_id))[0]["n"] == 1
    client.post("/recluster")
    assert app.extensions[context.RECLUSTER].wait(180)
    assert client.get("/progress").get_json()["message"] == "Новых фрагментов нет: сценарии и так актуальны."
    with Store(db) as store:
        assert store.count("runs") == runs_before + 2


@pytest.fixture
def builds(site: tuple[Flask, Path], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per digest built from now on, by a fresh cache in the module's app."""
    built: list[int] = []
    real_build = digest_page.build_digest
    monkeypatch.setattr(digest_page, "build_digest", lambda *a, **k: built.append(1) or real_build(*a, **k))
    monkeypatch.setitem(site[0].extensions, context.DIGEST, digest_page.DigestCache())
    return built


def test_digest_is_built_once_per_store_state(client: PageClient, builds: list[int]) -> None:
    first = client.get("/").text
    assert client.get("/").text == first and len(builds) == 1
    client.paste("Клиент: в отделении на Садовой опять очередь на час, работает одно окно из пяти")
    client.get("/")
    assert len(builds) == 2, "a new story changes the digest"


def test_warm_up_builds_the_front_page_before_the_first_visit(site: tuple[Flask, Path], client: PageClient,
                                                             builds: list[int]) -> None:
    thread = warm_digest(site[0])
    thread.join(120)
    assert not thread.is_alive() and len(builds) == 1
    assert 'href="/story/' in client.get("/").text and len(builds) == 1, "the visit reads the warmed digest"


# -- an empty store ---------------------------------------------------------------------------


def test_empty_store_invites_to_add_a_story(tmp_path: Path, make_app: Callable[..., Flask]) -> None:
    config = tmp_path / "scenarios.toml"
    config.write_text('[embedder]\nname = "hashing"\n', encoding="utf-8")
    client = make_app(tmp_path / "new.db", config).test_client()
    for url in ("/", "/scenarios"):
        page = client.get(url).text
        assert "Историй пока нет" in page and 'href="/add"' in page
    response = client.paste(INTERVIEW)
    page = client.get(response.headers["Location"]).text
    assert "Сценариев ещё нет: нажмите «Пересчитать сценарии»" in page
    assert "<b>Интервьюер</b>" in page


# -- pieces of a story -----------------------------------------------------------------------


def test_pieces_cut_at_fragments_and_the_quote() -> None:
    text = "0123456789abcdefghij"
    marks = [Mark("s:0", 0, 2, 8, None, "none"), Mark("s:1", 1, 10, 15, None, "none")]
    got = pieces(text, 0, 20, marks, (5, 12))
    assert [(p.text, p.mark.index if p.mark else None, p.quote, p.last) for p in got] == [
        ("01", None, False, False), ("234", 0, False, False), ("567", 0, True, True),
        ("89", None, True, False), ("ab", 1, True, False), ("cde", 1, False, True), ("fghij", None, False, False)]
    assert "".join(p.text for p in got) == text


@pytest.mark.parametrize("start, end, expected", [
    ("3", "7", (3, 7)), ("7", "3", None), ("-1", "4", None), ("0", "21", None), ("a", "4", None), (None, None, None),
])
def test_quote_span_accepts_only_a_span_inside_the_text(start, end, expected) -> None:
    assert quote_span(20, start, end) == expected


def test_serve_has_help_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "scenarios serve --db" in result.stdout and "127.0.0.1" in result.stdout


def test_serve_refuses_a_busy_port_in_russian(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "s.db"), "--port", str(port)])
    assert result.exit_code == 1
    assert f"Не удалось открыть 127.0.0.1:{port}: порт уже занят другой программой" in result.stderr
