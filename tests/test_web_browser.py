"""The web page in a real browser: Debian's chromium driven by selenium against a live server.

Screenshots land in `test-artifacts/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from scenarios.store import Store
from scenarios.web import context, create_app

from .conftest import ROOT, DemoStore

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"

# What a manager pastes after an interview: labelled turns, run-on speech, a competitor.
TRANSCRIPT = """Интервью с клиентом, отделение на ул. Ленина, 20.11.2026
Интервьюер: Добрый день, Светлана! Спасибо, что согласились поговорить. Что у вас случилось?
Клиент: Здравствуйте. После последнего обновления приложение вылетает сразу при входе, я даже баланс посмотреть не могу.
Интервьюер: Давно это началось?
Клиент: Уже неделю. Переустанавливала два раза, телефон перезагружала, всё равно вылетает на заставке. В Сбере у мамы такого никогда не было.
Интервьюер: Вы обращались в поддержку?
Клиент: Написала в чат, там ответили, что передали разработчикам, и всё. Пришлось идти в отделение, чтобы оплатить квартиру.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_store: DemoStore) -> Iterator[tuple[str, Path]]:
    """The app on 127.0.0.1 and a free port, served from a thread; shut down after the module."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"needs Debian chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}): apt-get install "
                    "chromium chromium-driver")
    db = demo_store.copy(tmp_path_factory.mktemp("browser"))
    app = create_app(db, demo_store.config)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="web-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", db
    finally:
        httpd.shutdown()
        thread.join(10)
        httpd.server_close()
        app.extensions[context.RECLUSTER].wait(120)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1600"):
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, timeout: float = 60):
    """Wait until `condition(driver)` is truthy; an element that went stale (the page reloaded) is retried."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (StaleElementReferenceException, NoSuchElementException)
    return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=ignored).until(condition)


def reloaded_or_done(element) -> bool:
    """True once `element`'s page has been replaced by a reload, or it already says the job is done."""
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        return "Готово" in element.text
    except StaleElementReferenceException:
        return True


def screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path


def test_manager_pastes_an_interview_and_reads_the_digest(server: tuple[str, Path], browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, db = server
    with Store(db) as store:
        before = store.count("stories")
    browser.get(f"{url}/add")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Добавить историю"
    browser.find_element(By.ID, "text").send_keys(TRANSCRIPT)
    Select(browser.find_element(By.ID, "channel")).select_by_value("interview")
    browser.find_element(By.ID, "client").send_keys("Светлана М.")
    browser.find_element(By.ID, "date").send_keys("20.11.2026")
    browser.find_element(By.ID, "title").send_keys("Приложение вылетает после обновления")
    browser.find_element(By.ID, "submit").click()
    wait_for(browser, lambda d: "/story/" in d.current_url and d.find_elements(By.ID, "added"))

    assert "История добавлена" in browser.find_element(By.ID, "added").text
    turns = browser.find_elements(By.CSS_SELECTOR, ".turn")
    roles = [t.get_attribute("data-role") for t in turns]
    assert roles == ["unknown", "company", "client", "company", "client", "company", "client"]
    assert not browser.find_elements(By.CSS_SELECTOR, ".role"), "no role chips beside the speakers"
    speakers = [t.find_element(By.CSS_SELECTOR, ".who b").text for t in turns[1:]]
    assert speakers == ["Интервьюер", "Клиент"] * 3
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.frag[data-scenario]")
    assert marks, "the interview's fragments joined scenarios"
    crash = next(m for m in marks if "вылетает сразу при входе" in m.text)
    assert crash.get_attribute("title"), "the scenario name is the mark's tooltip"
    assert crash.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    tags = browser.find_elements(By.CSS_SELECTOR, "a.tag")
    assert tags and all(t.is_displayed() for t in tags)
    with Store(db) as store:
        assert store.count("stories") == before + 1
    screenshot(browser, "web_add.png")

    scenario_url = tags[0].get_attribute("href")
    browser.get(scenario_url)
    assert "Все фрагменты" in browser.page_source
    listed = browser.find_element(By.ID, "all-fragments").text
    assert "Светлана" not in listed, "lists name no clients, as the digest does not"
    scenario_id = scenario_url.rsplit("/", 1)[1]
    with Store(db) as store:
        members = store.query("SELECT count(*) AS n FROM memberships m JOIN fragments f ON f.hash = m.hash "
                              "WHERE m.run_id = (SELECT max(id) FROM runs) AND m.scenario_id = ?",
                              (scenario_id,))[0]["n"]
    assert f"Все фрагменты ({members})" in browser.find_element(By.TAG_NAME, "main").text, "the paste counted"

    browser.get(f"{url}/")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "nav.sc-nav"))
    nav = browser.find_element(By.CSS_SELECTOR, "nav.sc-nav").text
    for link in ("Дайджест", "Добавить историю", "Сценарии"):
        assert link in nav
    screenshot(browser, "web_digest.png")
    story_links = browser.find_elements(By.CSS_SELECTOR, "a[href*='/story/'][href*='start=']")
    assert story_links, "the digest links its quotes to the story page"
    browser.get(story_links[0].get_attribute("href"))
    quote = wait_for(browser, lambda d: d.find_element(By.ID, "quote"))
    box = browser.execute_script("var r = arguments[0].getBoundingClientRect(); "
                                 "return [r.top, r.bottom, window.innerHeight];", quote)
    assert quote.is_displayed() and 0 <= box[0] and box[1] <= box[2], "scrolled so the quote is in view"


def test_recluster_button_shows_progress_and_reloads(server: tuple[str, Path], browser) -> None:
    from selenium.webdriver.common.by import By

    url, db = server
    with Store(db) as store:
        runs = store.count("runs")
    browser.get(f"{url}/scenarios")
    browser.find_element(By.ID, "sc-recluster").click()
    wait_for(browser, lambda d: "Пересчёт сценариев запущен" in d.page_source)
    progress = wait_for(browser, lambda d: d.find_element(By.ID, "sc-progress").text or None, 30)
    assert "Разбор слов" in progress or "Готово" in progress
    screenshot(browser, "web_progress.png")
    box = browser.find_element(By.ID, "sc-progress")
    wait_for(browser, lambda d: reloaded_or_done(box), 240)  # the page reloads when the job ends
    wait_for(browser, lambda d: "Готово: сценариев найдено" in d.find_element(By.ID, "sc-progress").text, 60)
    assert browser.find_element(By.ID, "sc-recluster").is_enabled()
    with Store(db) as store:
        assert store.count("runs") == runs + 1


def test_curation_on_the_scenario_page_survives_a_recluster(server: tuple[str, Path], browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, db = server
    with Store(db) as store:
        ranked = [r["id"] for r in store.query(
            "SELECT id FROM scenarios WHERE run_id = (SELECT max(id) FROM runs) ORDER BY stories DESC, id")]
    keep, merged = ranked[0], ranked[1]
    browser.get(f"{url}/scenarios")
    browser.find_element(By.CSS_SELECTOR, f"[data-scenario='{keep}'] h3 a").click()
    wait_for(browser, lambda d: d.current_url.endswith(f"/scenario/{keep}") and d.find_elements(By.ID, "rename"))
    field = browser.find_element(By.ID, "rename")
    field.clear()
    field.send_keys("Не могут дождаться ответа")
    browser.find_element(By.ID, "rename-submit").click()
    wait_for(browser, lambda d: "Не могут дождаться ответа" in d.find_element(By.ID, "name").text)

    last = browser.find_elements(By.CSS_SELECTOR, "#all-fragments li[data-fragment]")[-1]
    pinned = last.get_attribute("data-fragment")
    last.find_element(By.CSS_SELECTOR, "button.pin-quote").click()
    wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "blockquote[data-fragment]")
             .get_attribute("data-fragment") == pinned)
    assert "закреплена" in browser.find_element(By.CSS_SELECTOR, "blockquote[data-fragment]").text

    browser.get(f"{url}/scenario/{merged}")
    Select(wait_for(browser, lambda d: d.find_element(By.ID, "merge-target"))).select_by_value(keep)
    browser.find_element(By.ID, "merge-submit").click()
    wait_for(browser, lambda d: d.current_url.endswith(f"/scenario/{keep}") and "Сценарии объединены" in d.page_source)
    screenshot(browser, "web_scenario_curated.png")

    browser.get(f"{url}/add")  # new fragments, so the button re-clusters
    browser.find_element(By.ID, "text").send_keys(TRANSCRIPT.replace("неделю", "две недели"))
    browser.find_element(By.ID, "submit").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "added"))
    with Store(db) as store:
        runs = store.count("runs")
    browser.find_element(By.ID, "sc-recluster").click()
    wait_for(browser, lambda d: "Пересчёт сценариев запущен" in d.page_source)
    box = browser.find_element(By.ID, "sc-progress")
    wait_for(browser, lambda d: reloaded_or_done(box), 240)
    wait_for(browser, lambda d: "Готово" in d.find_element(By.ID, "sc-progress").text, 60)
    with Store(db) as store:
        assert store.count("runs") == runs + 1

    browser.get(f"{url}/scenario/{merged}")
    wait_for(browser, lambda d: d.current_url.endswith(f"/scenario/{keep}"))  # the merge holds
    assert "Не могут дождаться ответа" in browser.find_element(By.ID, "name").text  # so does the name
    first = browser.find_element(By.CSS_SELECTOR, "blockquote[data-fragment]")
    assert first.get_attribute("data-fragment") == pinned, "and the pinned quote still leads"
    browser.get(f"{url}/")
    wait_for(browser, lambda d: d.find_elements(By.ID, f"s-{keep}"))
    assert "Не могут дождаться ответа" in browser.find_element(By.ID, f"s-{keep}").text
    assert not browser.find_elements(By.ID, f"s-{merged}")


def test_upload_of_files_through_the_form(server: tuple[str, Path], browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    url, db = server
    first = tmp_path / "2026-11-12_курьер.txt"
    first.write_text("Клиент: курьер привёз карту на неделю позже, никто не предупредил", encoding="utf-8")
    second = tmp_path / "опрос.csv"
    second.write_text("text;date\nВ приложении не видно кешбэка за прошлый месяц;2026-11-13\n", encoding="utf-8")
    with Store(db) as store:
        before = store.count("stories")
    browser.get(f"{url}/add")
    browser.find_element(By.ID, "files").send_keys(f"{first}\n{second}")
    browser.find_element(By.ID, "upload-submit").click()
    listed = wait_for(browser, lambda d: d.find_element(By.ID, "added-stories"))
    assert "Добавлено историй: 2." in browser.page_source
    assert "Интервью" not in listed.text and "12 ноября 2026" in listed.text and "13 ноября 2026" in listed.text
    with Store(db) as store:
        assert store.count("stories") == before + 2
    screenshot(browser, "web_upload.png")


def test_filters_and_export_from_the_page(server: tuple[str, Path], browser) -> None:
    import io
    import urllib.request

    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, db = server
    browser.get(f"{url}/")
    Select(wait_for(browser, lambda d: d.find_element(By.ID, "f-channel"))).select_by_value("review")
    Select(browser.find_element(By.ID, "f-period")).select_by_value("180")
    browser.find_element(By.ID, "f-apply").click()
    wait_for(browser, lambda d: "channel=review" in d.current_url and "Только канал: отзывы" in d.page_source)
    assert "Последние 180 дней" in browser.page_source
    screenshot(browser, "web_digest_filtered.png")
    link = browser.find_element(By.ID, "export-xlsx").get_attribute("href")
    assert "channel=review" in link and "period=180" in link
    with urllib.request.urlopen(link, timeout=60) as response:
        book = load_workbook(io.BytesIO(response.read()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Вид", "Сценарий") and len(rows) > 1
    assert all(row[1] and row[2] >= 1 for row in rows[1:])

    browser.get(f"{url}/scenarios")
    search = wait_for(browser, lambda d: d.find_element(By.ID, "f-q"))
    search.send_keys("перезвонить")
    browser.find_element(By.ID, "f-apply").click()
    results = wait_for(browser, lambda d: d.find_element(By.ID, "search-results"))
    assert "Поиск «перезвонить»" in results.text and results.find_elements(By.CSS_SELECTOR, "a[href*='/story/']")


def test_split_paste_hide_and_unpin_from_the_page(server: tuple[str, Path], browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, db = server
    browser.get(f"{url}/add")
    stories = ["Клиент: банкомат на Садовой не выдал деньги, а со счёта списал",
               "Клиент: в приложении пропала кнопка перевода по номеру телефона"]
    browser.find_element(By.ID, "text").send_keys("\n===\n".join(stories))
    Select(browser.find_element(By.ID, "split")).select_by_value("separator")
    Select(browser.find_element(By.ID, "channel")).select_by_value("chat")
    browser.find_element(By.ID, "date").send_keys("14.11.2026")
    browser.find_element(By.ID, "submit").click()
    listed = wait_for(browser, lambda d: d.find_element(By.ID, "added-stories"))
    assert listed.text.count("Чат · 14 ноября 2026") == 2 and "Добавлено историй: 2" in browser.page_source

    with Store(db) as store:
        scenario_id = store.query("SELECT id FROM scenarios WHERE run_id = (SELECT max(id) FROM runs) "
                                  "ORDER BY stories DESC, id LIMIT 1 OFFSET 2")[0]["id"]
    browser.get(f"{url}/scenario/{scenario_id}")
    wait_for(browser, lambda d: d.find_element(By.ID, "hide-submit")).click()
    wait_for(browser, lambda d: "Сценарий скрыт" in d.page_source)
    assert browser.find_element(By.ID, "hide-submit").text == "Показать в дайджесте"
    browser.get(f"{url}/")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "article.card"))
    assert not browser.find_elements(By.ID, f"s-{scenario_id}"), "hidden from the digest"
    browser.get(f"{url}/scenario/{scenario_id}")
    wait_for(browser, lambda d: d.find_element(By.ID, "hide-submit")).click()
    wait_for(browser, lambda d: "снова виден" in d.page_source)

    pin = browser.find_elements(By.CSS_SELECTOR, "#all-fragments li[data-fragment] button.pin-quote")[-1]
    pin.click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "blockquote button.unpin"))
    pinned = browser.find_element(By.CSS_SELECTOR, "blockquote[data-fragment]").get_attribute("data-fragment")
    browser.find_element(By.CSS_SELECTOR, "blockquote button.unpin").click()
    wait_for(browser, lambda d: "Цитата откреплена." in d.page_source)
    assert pinned not in [b.get_attribute("data-fragment") for b in
                          browser.find_elements(By.CSS_SELECTOR, "blockquote[data-fragment]")
                          if b.find_elements(By.CSS_SELECTOR, "button.unpin")]
    browser.get(f"{url}/")
    wait_for(browser, lambda d: d.find_elements(By.ID, f"s-{scenario_id}"))
