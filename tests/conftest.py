"""Shared fixtures: a fresh store, a CLI runner, the demo corpus (stores and gold quotes), the shared real data."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from scenarios.config import load_config
from scenarios.describers._base import Member
from scenarios.embedders import create_embedder
from scenarios.lemmatisers import Lemmatiser, lemmatisers
from scenarios.pipeline import run
from scenarios.stages.ingest import add_paths
from scenarios.stages.lemmatise import decode_tokens, lemmatise
from scenarios.store import Store
from scenarios.web import context, create_app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = Path(os.environ.get("SCENARIOS_SHARED_DATA", ROOT.parent / "shared" / "data"))

# A real-sounding interview as a manager pastes it: roles, a name, typos, run-on speech.
INTERVIEW = """Интервьюер: Добрый день! Расскажите, как вы вообще выбрали наш банк?
Клиент: Ну смотрите, у меня зарплатная карта была в Сбере, там за обслуживание 150 рублей в месяц снимали. А у вас бесплатно, подруга посоветовала.
Интервьюер: А как прошло оформление?
Клиент: карту ждала три недели курьер два раза переносил никто не знал где она
Интервьюер: Понятно. Что ещё запомнилось?
Клиент: Приходишь в офис, а они болтают по телефону, ноль внимания. Стоишь как дурак.
"""

# A story about the app crashing, as a manager pastes it on the web page.
CRASH = """Интервьюер: Добрый день! Расскажите, что у вас случилось с приложением?
Клиент: После последнего обновления приложение вылетает сразу при входе, не могу ни перевести деньги, ни посмотреть баланс.
Интервьюер: Вы пробовали переустановить?
Клиент: Переустанавливала два раза, всё равно вылетает на экране с кодом. Пришлось идти в отделение, чтобы заплатить за квартиру.
"""


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Path of a store that does not exist yet."""
    return tmp_path / "scenarios.db"


@pytest.fixture
def store(store_path: Path):
    """A fresh, empty store."""
    with Store(store_path) as s:
        yield s


@pytest.fixture
def runner() -> CliRunner:
    """A click runner; stderr is kept apart so messages can be asserted on."""
    return CliRunner()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data`, or skip when it is not beside the project."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED_DATA


# -- the demo corpus: its gold quotes, and stores built from it once per session ----------------


@dataclass(frozen=True)
class GoldQuote:
    """One labelled quote of the demo corpus (`corpus/labels.csv`): words a client said in a story."""

    story: str  # the story's external id
    scenario: str
    kind: str
    text: str

    def fragment_ids(self, store: Store) -> list[int]:
        """Ids of the fragments overlapping this quote, in story order; none when the quote is not in the story.

        A fragment of a gold scenario is one that overlaps one of its labelled quotes: the one
        definition every test of the demo corpus's gold scenarios uses.
        """
        story = store.query("SELECT id, text FROM stories WHERE external_id = ?", (self.story,))
        start = story[0]["text"].find(self.text) if story else -1
        if start < 0:
            return []
        return [r["id"] for r in store.query(
            "SELECT id FROM fragments WHERE story_id = ? AND [end] > ? AND start < ? ORDER BY idx",
            (story[0]["id"], start, start + len(self.text)))]


@pytest.fixture(scope="session")
def gold_labels() -> list[dict[str, str]]:
    """Every row of `corpus/labels.csv`: a story's scenario and kind (`none` for chatter), maybe a quote."""
    with (CORPUS / "labels.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def gold_quotes(gold_labels: list[dict[str, str]]) -> list[GoldQuote]:
    """The labelled quotes of the demo corpus, in file order."""
    return [GoldQuote(r["story_id"], r["scenario"], r["kind"], r["quote"]) for r in gold_labels if r["quote"]]


@pytest.fixture(scope="session")
def pymorphy() -> Lemmatiser:
    """The default lemmatiser, loaded once per session."""
    return lemmatisers.create("pymorphy")


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory, pymorphy: Lemmatiser) -> Path:
    """A store with the demo corpus ingested and lemmatised (pymorphy), once per session: open it to read only."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store(path) as store:
        report = add_paths(store, [CORPUS / "stories"])
        assert report.ok, report.rejections
        lemmatise(store, pymorphy)
    return path


@dataclass(frozen=True)
class GoldCorpus:
    """The demo corpus's fragments grouped by gold scenario (as members), and the story texts by id."""

    groups: dict[str, list[Member]]
    stories: dict[str, str]

    def centroid(self, scenario: str) -> np.ndarray:
        return np.mean([m.vector for m in self.groups[scenario]], axis=0)


@pytest.fixture(scope="session")
def gold_corpus_of(corpus_db: Path, gold_quotes: list[GoldQuote],
                   pymorphy: Lemmatiser) -> Callable[[str], GoldCorpus]:
    """`embedder name -> GoldCorpus`, each built once: the fragments overlapping each scenario's gold
    quotes (`GoldQuote.fragment_ids`), with pymorphy lemmas and vectors from that embedder."""
    built: dict[str, GoldCorpus] = {}

    def of(embedder: str) -> GoldCorpus:
        if embedder not in built:
            built[embedder] = _gold_corpus(corpus_db, gold_quotes, pymorphy, embedder)
        return built[embedder]
    return of


@pytest.fixture(scope="session")
def gold_corpus(gold_corpus_of: Callable[[str], GoldCorpus]) -> GoldCorpus:
    """The gold scenarios' members with hashing vectors (fast, no model)."""
    return gold_corpus_of("hashing")


def _gold_corpus(db: Path, quotes: list[GoldQuote], lemmatiser: Lemmatiser, embedder: str) -> GoldCorpus:
    with Store(db) as store:
        chosen: dict[str, dict[int, None]] = {}
        for quote in quotes:
            if quote.scenario != "none":
                chosen.setdefault(quote.scenario, {}).update(dict.fromkeys(quote.fragment_ids(store)))
        rows = {r["id"]: r for r in store.query(
            "SELECT f.id, f.story_id, f.turn_idx, f.start, f.[end], f.text, s.client, s.date, l.tokens "
            "FROM fragments f JOIN stories s ON s.id = f.story_id "
            "JOIN lemmas l ON l.hash = f.hash AND l.lemmatiser = ?", (lemmatiser.id,))}
        stories = {r["id"]: r["text"] for r in store.query("SELECT id, text FROM stories")}
    texts = sorted({rows[i]["text"] for ids in chosen.values() for i in ids})
    vectors = dict(zip(texts, create_embedder(embedder).embed(texts), strict=True))
    groups = {name: [Member(r["id"], r["story_id"], r["turn_idx"], r["start"], r["end"], r["text"],
                            tuple(decode_tokens(r["tokens"])), vectors[r["text"]], r["client"], r["date"])
                     for r in (rows[i] for i in ids)]
              for name, ids in sorted(chosen.items())}
    assert len(groups) >= 12 and all(groups.values()), "tests looping over the gold scenarios have some to check"
    return GoldCorpus(groups, stories)


@dataclass(frozen=True)
class DemoStore:
    """The demo corpus through every stage with the fast hashing embedder, and the config that made it."""

    db: Path
    config: Path

    def copy(self, folder: Path) -> Path:
        """A private copy in `folder`, for a module that adds stories, curates or re-clusters."""
        target = folder / "scenarios.db"
        shutil.copyfile(self.db, target)
        return target


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory, corpus_db: Path) -> DemoStore:
    """The demo corpus run through every stage once per session (from `corpus_db`); copy it to change it."""
    folder = tmp_path_factory.mktemp("demo")
    config = folder / "scenarios.toml"
    config.write_text((CORPUS / "scenarios.toml").read_text(encoding="utf-8")
                      + '\n[embedder]\nname = "hashing"\n', encoding="utf-8")
    db = folder / "demo.db"
    shutil.copyfile(corpus_db, db)
    with Store(db) as store:
        run(store, load_config(config))
    return DemoStore(db, config)


# -- the web page over the demo store ---------------------------------------------------------------


class PageClient(FlaskClient):
    """Flask's test client with the paste form a manager fills in."""

    def paste(self, text: str, **fields: str) -> TestResponse:
        """Send the paste form with `text` (an interview unless `channel` says otherwise)."""
        data = {"text": text, "channel": "interview", "client": "", "date": "", "title": "", **fields}
        return self.post("/add", data=data)


@pytest.fixture(scope="session")
def make_app() -> Callable[..., Flask]:
    """`create_app` whose test clients can `paste`."""
    def make(db: Path, config: Path, **options: float) -> Flask:
        app = create_app(db, config, **options)
        app.test_client_class = PageClient
        return app
    return make


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, demo_store: DemoStore,
         make_app: Callable[..., Flask]) -> Iterator[tuple[Flask, Path]]:
    """The web app over this module's own copy of the demo store, and the copy's path."""
    db = demo_store.copy(tmp_path_factory.mktemp("web"))
    app = make_app(db, demo_store.config)
    yield app, db
    assert app.extensions[context.RECLUSTER].wait(120), "a re-clustering job outlived the module"


@pytest.fixture
def client(site: tuple[Flask, Path]) -> PageClient:
    """A fresh test client of the module's app (its own cookies, so flashed messages do not leak)."""
    return site[0].test_client()  # type: ignore[return-value]
