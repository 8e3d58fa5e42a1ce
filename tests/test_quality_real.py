"""Quality floors on real client speech (`../shared/data`), so a later change cannot quietly lose them.

The floors are issue 12's targets on `banki_scenario_sentences.csv` (690 real review sentences, 26
recurring scenarios, 64 `none` rows of chatter), measured the way `bench/quality.py` measures
them. The chatter rule is also checked on single sentences, real and short.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest

from scenarios import pipeline
from scenarios.config import Config
from scenarios.evaluate import UNASSIGNED, evaluate, story_scenarios
from scenarios.lang.ru.chatter import is_chatter
from scenarios.lemmatisers import lemmatisers
from scenarios.lemmatisers._base import lemma_string
from scenarios.readers import ReadOptions
from scenarios.stages.cluster import cluster
from scenarios.stages.ingest import IngestOptions, add_paths
from scenarios.stages.lemmatise import lemmatise
from scenarios.store import Store

MIRROR_PAIRS = (("rude_staff", "polite_staff_explained"), ("hotline_unreachable", "support_chat_solves_quickly"),
                ("app_glitches", "app_convenient"))


@pytest.fixture(scope="module")
def lemmatiser():
    return lemmatisers.create("pymorphy")


def lemmas(lemmatiser, text: str) -> list[str]:
    """The lemma string the lemmatise stage stores, split: what the cluster stage judges."""
    return lemma_string(lemmatiser.lemmatise([text])[0]).split()


@pytest.mark.parametrize("text", [
    "Живого человека так и не дождался, забил.", "Весь месяц жил без карты, как в девяностые.",
    "да я тут рядом живу", "Шрифт бы покрупнее", "Потом перевёл все остатки в другой банк.",
])
def test_short_vivid_stories_are_not_chatter(lemmatiser, text: str) -> None:
    assert not is_chatter(lemmas(lemmatiser, text))


@pytest.mark.parametrize("text", [
    "Здравствуйте, хочу оставить отзыв.", "Ужасный банк, никому не советую!", "Прошу разобраться и принять меры.",
    "Спасибо большое!", "Благодарю за понимание.",
])
def test_greetings_thanks_and_bare_verdicts_are_chatter(lemmatiser, text: str) -> None:
    assert is_chatter(lemmas(lemmatiser, text))


@pytest.mark.slow
def test_scenarios_hold_on_real_review_sentences(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "banki_scenario_sentences.csv"
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    labels = {r["sid"]: r["scenario"] for r in rows}
    gold = {i: g for i, g in labels.items() if g != "none"}
    ingest = IngestOptions(read=ReadOptions(id_column="sid", text_column="text"))
    with Store(tmp_path / "sentences.db") as store:
        run = pipeline.run(store, Config(), [source], ingest=ingest).stages["cluster"]
        predicted = story_scenarios(store, run.run_id)
        scores = evaluate(predicted, gold)
        assert scores.ami_all >= 0.70, scores
        assert scores.assigned_share >= 0.90, scores
        assert 18 <= scores.n_scenarios <= 35, scores
        none = [i for i, g in labels.items() if g == "none"]
        assert sum(predicted[i] == UNASSIGNED for i in none) / len(none) >= 0.60
        for a, b in MIRROR_PAIRS:
            tops = [Counter(p for i, p in predicted.items() if gold.get(i) == s and p != UNASSIGNED).most_common(1)[0][0]
                    for s in (a, b)]
            assert tops[0] != tops[1], f"{a} and {b} fell into one scenario"
        partition = _partition(store, run.run_id)

    # The same sentences ingested in another order (vectors copied, not re-embedded): same partition.
    shuffled = tmp_path / "shuffled.csv"
    order = list(rows)
    random.Random(3).shuffle(order)
    with shuffled.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(order)
    with Store(tmp_path / "shuffled.db") as store:
        add_paths(store, [shuffled], options=ingest)
        store.conn.execute("ATTACH DATABASE ? AS src", (str(tmp_path / "sentences.db"),))
        with store.transaction() as conn:
            conn.execute("INSERT INTO components SELECT * FROM src.components")
            conn.execute("INSERT INTO vectors SELECT * FROM src.vectors")
            conn.execute("INSERT INTO meta SELECT * FROM src.meta WHERE key = 'active.embedder'")
        store.conn.execute("DETACH DATABASE src")
        lemmatise(store, lemmatisers.create("pymorphy"))
        clusterer, options = pipeline.cluster_setup(Config())
        again = cluster(store, clusterer, options=options)
        assert _partition(store, again.run_id) == partition


def _partition(store: Store, run_id: int) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for h, scenario in store.conn.execute("SELECT hash, scenario_id FROM memberships WHERE run_id = ?", (run_id,)):
        groups.setdefault(scenario or "—", set()).add(h)
    return {frozenset(g) for g in groups.values()}
