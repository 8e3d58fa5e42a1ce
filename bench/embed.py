"""Embedder speed and quality, so the default is a measured choice.

Speed: fragments/s and tokens/s embedding the client fragments of
`../shared/data/banki_reviews_unlabelled.csv` (a sample of `--limit` distinct fragments), through
the real embed stage; for e5 also the share of the 2-core fp32 FLOP peak, and what batching order
and thread count change. Quality (the MTEB clustering protocol): V-measure and ARI of KMeans with
the gold number of classes on `../shared/data/banki_reviews_themes.csv`, mean of 10 seeds.

    .venv/bin/python bench/embed.py                  # e5, navec, hashing
    .venv/bin/python bench/embed.py --embedders e5 --limit 500
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table, require_shared_data  # noqa: E402

from scenarios.embed import embed  # noqa: E402
from scenarios.embedders import create_embedder  # noqa: E402
from scenarios.ingest import add_paths  # noqa: E402
from scenarios.stage import pending, texts_of  # noqa: E402
from scenarios.store import Store  # noqa: E402

E5_MFLOP_PER_TOKEN = 42.5
# Assumed peak: 2 cores x 2.6 GHz x 32 fp32 FLOP/cycle (two 256-bit FMA pipes; AVX-512 on this
# AMD EPYC runs as 2x256-bit), i.e. 166 GFLOP/s.
PEAK_GFLOPS = 2 * 2.6 * 32


def speed(spec: str, data: Path, limit: int, workdir: Path) -> dict[str, object]:
    """Embed `limit` distinct fragments of the unlabelled reviews through the stage."""
    db = workdir / f"speed-{spec.replace(':', '_').replace('/', '_')}.db"
    with Store(db) as store:
        add_paths(store, [data / "banki_reviews_unlabelled.csv"])
        keep = set(pending(store, "vectors", "embedder", "-")[:limit])
        with store.transaction() as conn:  # keep the sample only, so the stage embeds exactly it
            conn.execute("CREATE TEMP TABLE keep(hash TEXT PRIMARY KEY)")
            conn.executemany("INSERT INTO keep VALUES (?)", [(h,) for h in keep])
            conn.execute("DELETE FROM fragments WHERE hash NOT IN (SELECT hash FROM keep)")
        fragments = store.count("fragments")
        embedder = create_embedder(spec)
        tokens = embedder.count_tokens(texts_of(store, sorted(keep)))
        report = embed(store, embedder)
    row: dict[str, object] = {
        "embedder": spec, "fragments": fragments, "distinct": report.done, "tokens": tokens,
        "seconds": f"{report.seconds:.1f}", "fragments/s": f"{report.done / report.seconds:.0f}",
        "tokens/s": f"{tokens / report.seconds:.0f}",
    }
    if spec == "e5":
        gflops = tokens / report.seconds * E5_MFLOP_PER_TOKEN / 1000
        row["of 2-core peak"] = f"{gflops:.0f}/{PEAK_GFLOPS:.0f} GFLOP/s = {gflops / PEAK_GFLOPS:.0%}"
    return row


def e5_variants(data: Path, limit: int) -> list[dict[str, object]]:
    """What batching order and threads change for e5, on the same sample of texts."""
    with open(data / "banki_reviews_unlabelled.csv", encoding="utf-8", newline="") as f:
        texts = [row["text"][:400] for row in csv.DictReader(f)][:limit]
    rows = []
    for threads, order in ((2, "length-sorted"), (2, "as read"), (1, "length-sorted")):
        embedder = create_embedder("e5", threads=threads)
        batch = sorted(texts, key=len) if order == "length-sorted" else texts
        embedder.embed(batch[:8])
        start = time.perf_counter()
        for i in range(0, len(batch), 64):
            embedder.embed(batch[i:i + 64])
        seconds = time.perf_counter() - start
        rows.append({"threads": threads, "batches": order, "texts": len(batch), "seconds": f"{seconds:.1f}",
                     "texts/s": f"{len(batch) / seconds:.1f}"})
    return rows


def quality(spec: str, data: Path, seeds: int = 10) -> dict[str, object]:
    """KMeans with the gold k on whole reviews: V-measure and ARI, mean over seeds."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    with open(data / "banki_reviews_themes.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts, gold = [r["text"] for r in rows], [r["theme"] for r in rows]
    embedder = create_embedder(spec)
    start = time.perf_counter()
    vectors = np.concatenate([embedder.embed(texts[i:i + 64]) for i in range(0, len(texts), 64)])
    seconds = time.perf_counter() - start
    k = len(set(gold))
    v, ari = [], []
    for seed in range(seeds):
        labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(vectors)
        v.append(v_measure_score(gold, labels))
        ari.append(adjusted_rand_score(gold, labels))
    return {"embedder": spec, "texts": len(texts), "gold k": k, "V-measure": f"{np.mean(v):.3f}",
            "ARI": f"{np.mean(ari):.3f}", "embed s": f"{seconds:.1f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedders", default="e5,navec,hashing")
    parser.add_argument("--limit", type=int, default=1500, help="distinct fragments in the speed run")
    args = parser.parse_args()
    data = require_shared_data()
    specs = args.embedders.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        print("Speed (client fragments of banki_reviews_unlabelled.csv, through the embed stage)")
        print_table([speed(spec, data, args.limit, Path(tmp)) for spec in specs])
    if "e5" in specs:
        print("\ne5: batching order and threads (first 300 reviews, 400 characters each)")
        print_table(e5_variants(data, 300))
    print("\nQuality (banki_reviews_themes.csv, KMeans with the gold k, mean of 10 seeds)")
    print_table([quality(spec, data) for spec in specs])


if __name__ == "__main__":
    main()
