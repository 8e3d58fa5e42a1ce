"""The lemmatise stage stores lemmas per fragment text and makes search find word forms by lemma."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from scenarios.browse import list_stories
from scenarios.cli import cli
from scenarios.lemmatisers import Lemmatiser, lemmatisers
from scenarios.stages.ingest import add_text
from scenarios.stages.lemmatise import decode_tokens, lemmatise
from scenarios.store import Store

STORIES = {
    "negated": "Обещали перезвонить через час. Так и не перезвонили, ни разу.",
    "future": "Менеджер сказала, что мне перезвонят завтра утром.",
    "other": "Карту ждала три недели, курьер два раза переносил доставку.",
    "yo": "Ещё раз спасибо, всё решили быстро и вежливо.",
}


@pytest.fixture(scope="module")
def lemmatiser():
    return lemmatisers.create("pymorphy")


@pytest.fixture
def filled(store: Store, lemmatiser) -> Store:
    for name, text in STORIES.items():
        add_text(store, text, external_id=name)
    lemmatise(store, lemmatiser)
    return store


def found(store: Store, lemmatiser, query: str) -> set[str]:
    return {r["external_id"] for r in list_stories(store, search=query, lemmatiser=lemmatiser, limit=50)}


def test_search_by_lemma_finds_every_form(filled: Store, lemmatiser) -> None:
    assert found(filled, lemmatiser, "перезвонить") == {"negated", "future"}
    assert found(filled, lemmatiser, "перезвонили") == {"negated", "future"}
    assert found(filled, lemmatiser, "доставка карты") == {"other"}


def test_negated_query_matches_only_negated_words(filled: Store, lemmatiser) -> None:
    assert found(filled, lemmatiser, "не перезвонили") == {"negated"}


def test_yo_and_ye_find_each_other(filled: Store, lemmatiser) -> None:
    assert found(filled, lemmatiser, "вежливо решили") == {"yo"}
    assert found(filled, lemmatiser, "решить вежливо") == {"yo"}


def test_lemma_rows_keep_negation_and_token_spans(filled: Store, lemmatiser) -> None:
    row = filled.query(
        "SELECT f.text, l.lemmas, l.tokens FROM fragments f JOIN lemmas l ON l.hash = f.hash "
        "WHERE f.text LIKE '%не перезвонили%'")[0]
    assert "не_перезвонить" in row["lemmas"].split()
    tokens = decode_tokens(row["tokens"])
    spans = {row["text"][t.start:t.end]: t for t in tokens}
    assert spans["перезвонили"].lemma == "перезвонить" and spans["перезвонили"].negated
    assert not spans["перезвонить"].negated


def test_rerun_is_a_no_op_and_another_lemmatiser_keeps_its_own_rows(filled: Store, lemmatiser) -> None:
    distinct = filled.query("SELECT count(DISTINCT hash) AS n FROM fragments")[0]["n"]
    assert lemmatise(filled, lemmatiser).done == 0
    first = lemmatisers.create("pymorphy-first")
    assert lemmatise(filled, first).done == distinct
    assert filled.count("lemmas") == 2 * distinct


def test_without_lemmas_search_falls_back_to_words(store: Store, lemmatiser) -> None:
    add_text(store, STORIES["negated"], external_id="negated")
    assert found(store, lemmatiser, "перезвон") == {"negated"}


def test_cli_lemmatise_then_search(runner: CliRunner, store_path: Path) -> None:
    for text in STORIES.values():
        runner.invoke(cli, ["add", "--db", str(store_path)], input=text)
    result = runner.invoke(cli, ["lemmatise", "--db", str(store_path)])
    assert result.exit_code == 0 and "Леммы: 4 фрагментов" in result.stdout
    again = runner.invoke(cli, ["lemmatise", "--db", str(store_path)])
    assert "всё уже сделано" in again.stdout
    rows = json.loads(runner.invoke(cli, ["stories", "--db", str(store_path), "-s", "перезвонят", "--json"]).stdout)
    assert len(rows) == 2
    status = json.loads(runner.invoke(cli, ["status", "--db", str(store_path), "--json"]).stdout)
    assert list(status["lemmatised"].values()) == [4]


def test_lemmatise_runs_its_batches_under_one_blas_thread(store: Store, lemmatiser) -> None:
    from threadpoolctl import threadpool_info

    np.ones((64, 64)) @ np.ones((64, 64))  # OpenBLAS is loaded, as it is once slovnet or numpy ran
    before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    seen: list[int] = []

    class Watching(Lemmatiser):
        id = lemmatiser.id

        def lemmatise(self, texts):
            seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
            return lemmatiser.lemmatise(texts)

    add_text(store, STORIES["negated"])
    lemmatise(store, Watching())
    assert seen and set(seen) == {1}
    after = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    assert after == before, "the limit is lifted after the stage"
