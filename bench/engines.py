"""The embed stage per engine, with 1 and 2 workers: throughput, start-up, memory, same vectors.

`--limit` distinct client fragments of `../shared/data/banki_reviews_unlabelled.csv` (an even
sample over the length order, so short and long fragments both count) go through the real stage
(`scenarios.stages.embed.embed`) in a fresh process per configuration:

- `local`: this process, the embedder's own threads (1 or 2 OpenMP threads for e5);
- `dask`: a `LocalCluster` of 1 or 2 single-threaded worker processes;
- `ray`: Ray started with 1 or 2 CPUs, one actor per CPU (skipped when ray is not installed).

`start s` is the cluster's start-up (and the connection), `embed s` the stage's own time,
`tokens/CPU-s` the tokens per CPU-second spent by the process and its workers (what the
engine costs, less sensitive to other jobs on the machine than wall time), `peak MB` the
largest sum of resident memory over the process and its children (sampled every 0.2 s),
`same vectors` whether every vector equals the first configuration's bit for bit. The
machine's load (`uptime`) is printed before and after: on shared cores the figures are noisy.

    .venv/bin/python bench/engines.py                       # e5, 600 fragments
    .venv/bin/python bench/engines.py --embedder hashing --limit 5000
    .venv/bin/python bench/engines.py --engines local,dask --workers 1,2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table, require_shared_data  # noqa: E402


def prepare(db: Path, data: Path, limit: int) -> int:
    """A store holding `limit` distinct fragments, an even sample over the length order."""
    from scenarios.stages._base import pending
    from scenarios.stages.ingest import add_paths
    from scenarios.store import Store

    with Store(db) as store:
        add_paths(store, [data / "banki_reviews_unlabelled.csv"])
        ordered = pending(store, "vectors", "embedder", "-")
        step = max(1, len(ordered) // limit)
        keep = ordered[::step][:limit]
        with store.transaction() as conn:
            conn.execute("CREATE TEMP TABLE keep(hash TEXT PRIMARY KEY)")
            conn.executemany("INSERT INTO keep VALUES (?)", [(h,) for h in keep])
            conn.execute("DELETE FROM fragments WHERE hash NOT IN (SELECT hash FROM keep)")
        return len(keep)


def _tree() -> list[Any]:
    import psutil

    me = psutil.Process()
    return [me, *me.children(recursive=True)]


def tree_rss_mb() -> float:
    """Resident memory of this process and all its children, in MB."""
    import psutil

    total = 0
    for process in _tree():
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def tree_cpu_seconds() -> float:
    """User + system CPU seconds of this process and its live children (a cluster's workers)."""
    import psutil

    total = 0.0
    for process in _tree():
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


class PeakSampler(threading.Thread):
    """The largest process-tree RSS seen while running."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            self.peak = max(self.peak, tree_rss_mb())

    def stop(self) -> float:
        self._done.set()
        self.join()
        return max(self.peak, tree_rss_mb())


def child(engine_name: str, workers: int, spec: str, db: Path, out: Path) -> None:
    """One configuration in this fresh process; figures as JSON on stdout, vectors to `out`."""
    import numpy as np

    from scenarios.embedders import create_embedder
    from scenarios.engines import engines
    from scenarios.stages.embed import embed, load_vectors
    from scenarios.store import Store

    sampler = PeakSampler()
    sampler.start()
    params = {"threads": workers} if (spec == "e5" and engine_name == "local") else {}
    embedder = create_embedder(spec, **params)
    engine = engines.create(engine_name) if engine_name == "local" else engines.create(engine_name, workers=workers)
    with engine, Store(db) as store:
        start = time.perf_counter()
        slots = engine.workers  # connects: starts the local cluster
        started = time.perf_counter() - start
        cpu = tree_cpu_seconds()
        report = embed(store, embedder, engine=engine)
        cpu = tree_cpu_seconds() - cpu
        _, vectors = load_vectors(store, embedder.id)
    np.save(out, vectors)
    print(json.dumps({"start": started, "embed": report.seconds, "done": report.done, "slots": slots,
                      "cpu": cpu, "MB": sampler.stop()}))


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_one(engine: str, workers: int, args: argparse.Namespace, work: Path, db: Path) -> dict[str, Any]:
    copy = work / f"{engine}-{workers}.db"
    shutil.copy(db, copy)
    out = work / f"{engine}-{workers}.npy"
    command = [sys.executable, __file__, "_child", engine, str(workers), args.embedder, str(copy), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "vectors": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="e5", help="e5 (default) or hashing, navec, ...")
    parser.add_argument("--limit", type=int, default=600, help="distinct fragments embedded per configuration")
    parser.add_argument("--engines", default="local,dask,ray")
    parser.add_argument("--workers", default="1,2", help="worker counts (local: e5 threads)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per configuration")
    args = parser.parse_args()
    data = require_shared_data()
    import numpy as np

    from scenarios.embedders import create_embedder
    from scenarios.stages._base import pending, texts_of
    from scenarios.store import Store

    print("load:", uptime(), f"({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        work = Path(tmp)
        db = work / "sample.db"
        n = prepare(db, data, args.limit)
        with Store(db) as store:
            texts = texts_of(store, pending(store, "vectors", "embedder", "-"))
        tokens = create_embedder(args.embedder).count_tokens(texts)
        print(f"{n} distinct fragments, {tokens} tokens ({args.embedder} tokenizer), "
              f"mean {sum(map(len, texts)) / n:.0f} characters\n", flush=True)
        rows, reference = [], None
        for engine in args.engines.split(","):
            if engine == "ray" and subprocess.run([sys.executable, "-c", "import ray"], capture_output=True).returncode:
                rows.append({"engine": "ray", "workers": "—", "start s": "not installed: pip install 'scenarios[ray]'"})
                continue
            for workers in (int(w) for w in args.workers.split(",")):
                result = run_one(engine, workers, args, work, db)
                row: dict[str, object] = {"engine": engine, "workers": workers,
                                          "threads/worker": workers if engine == "local" else 1}
                if "error" in result:
                    rows.append(row | {"start s": f"failed: {result['error']}"})
                    print(f"  {engine} × {workers}: failed: {result['error']}", flush=True)
                    continue
                vectors = np.load(result["vectors"])
                reference = vectors if reference is None else reference
                row |= {"slots": result["slots"], "start s": f"{result['start']:.1f}",
                        "embed s": f"{result['embed']:.1f}", "fragments/s": f"{result['done'] / result['embed']:.1f}",
                        "tokens/s": f"{tokens / result['embed']:.0f}",
                        "tokens/CPU-s": f"{tokens / result['cpu']:.0f}", "peak MB": f"{result['MB']:.0f}",
                        "same vectors": "yes" if np.array_equal(vectors, reference) else "NO"}
                rows.append(row)
                print(f"  {engine} × {workers}: {row['embed s']} s, {row['tokens/s']} tokens/s", flush=True)
    print()
    print_table(rows)
    print("\nload:", uptime())


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        engine, workers, spec, db, out = sys.argv[2:7]
        child(engine, int(workers), spec, Path(db), Path(out))
    else:
        main()
