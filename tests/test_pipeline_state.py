"""The pipeline's state carries from stage to stage: the embedder a store was embedded with, the
run and its description; every front end builds its components with `build_pipeline`.

One store of the demo corpus, embedded with the fast `hashing` embedder through the CLI (not the
configured default, so a stage that forgot the state would fail or use e5), is copied per test.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scenarios import pipeline as pipeline_module
from scenarios.cli import cli
from scenarios.config import Config
from scenarios.pipeline import STAGE_NAMES, build_pipeline
from scenarios.stages._base import run_components
from scenarios.store import Store
from scenarios.web.components import Components
from scenarios.web.jobs import STAGES as JOB_STAGES
from scenarios.web.jobs import Recluster

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
HASHING = "hashing-trigrams:256"


def invoke(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == 0, (args, result.output, result.stderr if result.stderr_bytes else "")
    return result


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus added, lemmatised and embedded with `hashing`; not clustered."""
    db = tmp_path_factory.mktemp("state") / "embedded.db"
    invoke("add", str(CORPUS / "stories"), "--db", str(db))
    invoke("lemmatise", "--db", str(db))
    invoke("embed", "--embedder", "hashing", "--db", str(db))
    with Store(db):
        pass  # closing checkpoints the WAL, so the file alone is the whole store
    return db


@pytest.fixture(scope="module")
def clustered(embedded: Path) -> Path:
    """The embedded store clustered (Leiden) without naming an embedder."""
    db = embedded.with_name("clustered.db")
    shutil.copy(embedded, db)
    invoke("cluster", "--db", str(db))
    with Store(db):
        pass
    return db


@pytest.fixture
def db(clustered: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the clustered, undescribed store."""
    copy = tmp_path / "scenarios.db"
    shutil.copy(clustered, copy)
    yield copy


def test_stages_after_embed_follow_its_embedder_without_being_told(db: Path) -> None:
    with Store(db) as store:
        assert store.query("SELECT embedder FROM runs")[0]["embedder"] == HASHING
    invoke("describe", "--db", str(db), "--config", str(CORPUS / "scenarios.toml"))
    added = invoke("add", "--db", str(db), "--channel", "call", input=(
        "Менеджер: Что случилось?\nКлиент: Приложение после обновления вылетает, код из смс не приходит.\n"))
    assert "Добавлено историй: 1" in added.output
    invoke("lemmatise", "--db", str(db))
    embedded = invoke("embed", "--db", str(db))
    assert HASHING in embedded.output, "embed without --embedder keeps the store's embedder"
    invoke("assign", "--db", str(db))
    with Store(db) as store:
        assert {r["embedder"] for r in store.query("SELECT DISTINCT embedder FROM vectors")} == {HASHING}
        assert store.query("SELECT described_at FROM runs")[0]["described_at"] is not None
        assert store.count("memberships", "pass = 'new'") + store.count("memberships", "pass = 'none'") > 0


def test_a_config_or_a_flag_overrides_what_the_store_carries(db: Path) -> None:
    with Store(db) as store:
        carried = build_pipeline(Config(), store)
        named = build_pipeline(Config({"embedder": {"name": "navec"}}), store)
        flagged = build_pipeline(Config({"embedder": {"name": "navec"}}), store, embedder="e5")
    assert (carried.choices["embedder"].name, carried.choices["embedder"].source) == ("hashing", "store")
    assert carried.choices["embedder"].params == {}
    assert carried.choices["lemmatiser"].source == "store"
    assert (named.choices["embedder"].name, named.choices["embedder"].source) == ("navec", "config")
    assert (flagged.choices["embedder"].name, flagged.choices["embedder"].source) == ("e5", "flag")
    assert build_pipeline(Config()).choices["embedder"].source == "default"


def test_status_shows_every_stage_with_db_before_or_after_the_command(db: Path) -> None:
    before = json.loads(invoke("--db", str(db), "status", "--json").output)
    after = json.loads(invoke("status", "--json", "--db", str(db)).output)
    assert before == after
    assert before["embedded"] == {HASHING: before["distinct_fragments"]}
    run = before["latest_run"]
    assert before["runs"] == 1 and run["embedder"] == HASHING and run["scenarios"] > 5
    assert 0 < run["unassigned_share"] < 1 and run["described"] is False
    table = invoke("--db", str(db), "status").output
    assert "прогонов кластеризации" in table and "scenarios describe" in table
    invoke("describe", "--db", str(db))
    described = json.loads(invoke("--db", str(db), "status", "--json").output)["latest_run"]
    assert described["described"] is True
    assert described["components"]["embedder"]["id"] == HASHING and "kinds" in described["components"]


def test_the_command_s_own_db_wins_over_the_group_s(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    invoke("init", "--db", str(other))
    counts = json.loads(invoke("--db", str(other), "status", "--json", "--db", str(db)).output)
    assert counts["stories"] == 350


def test_list_of_an_undescribed_run_says_so_instead_of_each_id_twice(db: Path) -> None:
    result = invoke("list", "--db", str(db))
    lines = [line for line in result.output.splitlines() if re.match(r"S\d{3} ", line)]
    assert lines, result.output
    assert not any(re.match(r"(S\d{3}) \1\b", line) for line in lines)
    assert "scenarios describe" in result.stderr
    invoke("describe", "--db", str(db))
    described = CliRunner().invoke(cli, ["list", "--db", str(db)])
    assert "scenarios describe" not in described.stderr and "без названия" not in described.output


def test_a_merge_shows_in_the_digest_without_describing_again(db: Path) -> None:
    invoke("describe", "--db", str(db))
    with Store(db) as store:
        rows = store.query("SELECT id, label FROM scenarios ORDER BY stories DESC LIMIT 2")
        quotes = {r["text"] for r in store.query("SELECT text FROM quotes WHERE scenario_id = ?", (rows[1]["id"],))}
    merged = invoke("merge", rows[1]["id"], rows[0]["id"], "--db", str(db))
    assert "scenarios describe" not in merged.output
    digest = invoke("digest", "--db", str(db), "--format", "markdown", "--no-redact").output
    assert rows[1]["label"] not in digest
    with Store(db) as store:
        moved = {r["text"] for r in store.query("SELECT text FROM quotes WHERE scenario_id = ?", (rows[0]["id"],))}
    assert quotes <= moved


def test_eval_matches_a_gold_file_without_ids_by_text_as_it_does_by_id(db: Path, tmp_path: Path) -> None:
    by_story: dict[str, str] = {}
    with (CORPUS / "labels.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_story.setdefault(row["story_id"], row["scenario"])
    with Store(db) as store:
        texts = {r["external_id"]: r["text"] for r in store.query("SELECT external_id, text FROM stories")}
    gold = tmp_path / "themes.csv"
    with gold.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "theme"])
        for story, label in by_story.items():
            # As an export re-wraps it: extra spaces and CRLF must not stop the match.
            writer.writerow([texts[story].replace("\n", "\r\n").replace(" ", "  ", 3), label])
    by_id = json.loads(invoke("eval", "--db", str(db), "--gold", str(CORPUS / "labels.csv"), "--id-column",
                              "story_id", "--label-column", "scenario", "--json").output)
    by_text = json.loads(invoke("eval", "--db", str(db), "--gold", str(gold), "--label-column", "theme",
                                "--json").output)
    assert by_text == by_id and by_text["n_stories"] == len(by_story)


def test_a_run_records_every_component_and_its_config(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "scenarios.toml"
    config.write_text((CORPUS / "scenarios.toml").read_text(encoding="utf-8")
                      + "\n[describe]\nquotes = 3\nregularisation = 0.5\n", encoding="utf-8")
    invoke("describe", "--db", str(db), "--config", str(config))
    with Store(db) as store:
        used = run_components(store, 1)
        quotes = store.query("SELECT max(rank) AS r FROM quotes")[0]["r"]
    assert set(used) == {"embedder", "lemmatiser", "clusterer", "cluster", "describe", "kinds", "companies"}
    assert used["embedder"]["id"] == HASHING and used["embedder"]["config"] == {"dim": 256}
    assert used["clusterer"]["name"] == "leiden" and used["clusterer"]["config"]["resolution"] == 3.0
    assert used["cluster"]["config"]["max_fit"] == 100_000
    assert used["describe"]["config"]["quotes"] == 3 and quotes == 2
    assert used["kinds"]["config"]["regularisation"] == 0.5
    assert used["companies"]["config"]["own"] == "Банк Ладья"


def test_run_takes_the_component_flags(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    stories = tmp_path / "stories"
    shutil.copytree(CORPUS / "stories" / "interviews", stories)
    result = invoke("run", str(stories), "--db", str(db), "--embedder", "hashing", "--clusterer", "kmeans",
                    "--lemmatiser", "pymorphy-first", "--no-list", "--config", str(CORPUS / "scenarios.toml"))
    assert f"{STAGE_NAMES['cluster']}:" in result.output
    with Store(db) as store:
        assert {r["embedder"] for r in store.query("SELECT DISTINCT embedder FROM vectors")} == {HASHING}
        assert {r["lemmatiser"] for r in store.query("SELECT DISTINCT lemmatiser FROM lemmas")} == {
            store.meta("active.lemmatiser")}
        assert store.meta("active.lemmatiser").startswith("pymorphy-first")
        assert store.query("SELECT clusterer FROM runs")[0]["clusterer"] == "kmeans"
    again = invoke("run", "--db", str(db), "--no-list")
    assert f"{STAGE_NAMES['cluster']}:" not in again.output, "a second run carries every choice and does nothing"


def test_the_background_job_reuses_the_app_s_models(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[str] = []
    real_build = pipeline_module._build

    def counted(family: str, name: str, params: dict[str, Any]) -> Any:
        builds.append(family)
        return real_build(family, name, params)

    monkeypatch.setattr(pipeline_module, "_build", counted)
    components = Components(Config())
    with Store(db) as store:
        invoke("add", "--db", str(db), input="Клиент: Курьер два раза переносил доставку карты, ждала три недели.\n")
        report = components.fast_stages(store)
    assert report.lemmatised == report.embedded == 1 and report.assigned is not None
    assert sorted(builds) == ["embedder", "lemmatiser"]
    job = Recluster(str(db), Config(), components)
    assert job.start() and job.wait(120)
    state = job.state()
    assert state["error"] is None and state["finished"][-2:] == ["cluster", "describe"]
    assert sorted(builds) == ["clusterer", "embedder", "lemmatiser"], "no second embedder or lemmatiser"
    assert [s["title"] for s in state["stages"]] == [STAGE_NAMES[s] for s in JOB_STAGES]
    with Store(db) as store:
        assert store.count("runs") == 2 and store.query("SELECT embedder FROM runs WHERE id = 2")[0]["embedder"] == HASHING


def test_the_app_s_job_and_page_share_one_set_of_components(db: Path) -> None:
    from scenarios.web.app import create_app

    app = create_app(db, CORPUS / "scenarios.toml")
    assert app.extensions["scenarios.recluster"].components is app.extensions["scenarios.components"]
    other = create_app(db, CORPUS / "scenarios.toml")
    assert other.extensions["scenarios.components"] is not app.extensions["scenarios.components"]


def test_a_gold_file_with_neither_ids_nor_texts_names_what_it_has(tmp_path: Path) -> None:
    from scenarios.errors import InputError
    from scenarios.evaluate import read_gold

    gold = tmp_path / "gold.csv"
    gold.write_text("номер,тема\n1,Курьер опоздал\n", encoding="utf-8")
    with pytest.raises(InputError, match="номер, тема"):
        read_gold(gold, label_column="тема")
    gold.write_text("отзыв,тема\nКарту ждала три недели.,доставка\n", encoding="utf-8")
    labels = read_gold(gold, label_column="тема")
    assert labels.by == "id" and list(labels.values()) == ["доставка"]
