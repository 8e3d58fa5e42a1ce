"""Describe on real data: kinds, companies, tone and the stage's time on a 10k-fragment store.

    .venv/bin/python bench/describe.py                 # tone accuracy and describe timing
    .venv/bin/python bench/kinds.py                    # kind accuracy (per sentence, per scenario, CV)
    .venv/bin/python bench/companies.py                # company-mention recall and precision

Vectors are cached per text under `--cache` (default /tmp/scenarios-bench), so re-runs do not
re-embed.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


class CachedEmbedder:
    """An embedder whose vectors are kept in one `.npy` per text hash under `cache`."""

    def __init__(self, spec: str, cache: Path) -> None:
        self.spec = spec
        self.cache = cache / spec
        self.cache.mkdir(parents=True, exist_ok=True)
        self._model = None
        self.id = spec

    def _path(self, text: str) -> Path:
        return self.cache / (hashlib.sha1(text.encode()).hexdigest() + ".npy")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if not self._path(t).exists()))
        if todo:
            if self._model is None:
                from scenarios.embedders import create_embedder

                self._model = create_embedder(self.spec)
            for text, vector in zip(todo, self._model.embed(todo), strict=True):
                np.save(self._path(text), np.asarray(vector, dtype=np.float32))
        return np.stack([np.load(self._path(t)) for t in texts]) if texts else np.zeros((0, 384), np.float32)


def tone_accuracy(data: Path, cache: Path) -> dict[str, str]:
    """The tone lexicon at review level: 1-2 stars = complaint, 4-5 = praise (3 left out)."""
    import csv
    import pickle

    from scenarios.describers.tone import tone_score
    from scenarios.lemmatisers import lemmatisers

    with (data / "banki_reviews_unlabelled.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["rating"] and int(float(r["rating"])) != 3]
    path = cache / "reviews_tokens.pkl"
    if path.exists():
        tokens = pickle.loads(path.read_bytes())
    else:
        tokens = lemmatisers.create("pymorphy").lemmatise([r["text"] for r in rows])
        path.write_bytes(pickle.dumps(tokens))
    gold = np.array([1 if int(float(r["rating"])) >= 4 else -1 for r in rows])
    scores = np.array([tone_score(t) for t in tokens])
    predicted = np.sign(scores)
    decided = predicted != 0
    out = {"reviews": str(len(rows)), "accuracy": f"{np.mean(predicted == gold):.3f}",
           "decided": f"{decided.mean():.3f}",
           "accuracy on decided": f"{np.mean(predicted[decided] == gold[decided]):.3f}"}
    for side, name in ((1, "praise"), (-1, "complaint")):
        said = predicted == side
        out[f"{name} P/R"] = f"{np.mean(gold[said] == side):.2f}/{np.mean(predicted[gold == side] == side):.2f}"
    return out


def describe_timing(data: Path, work: Path) -> dict[str, str]:
    """Describe's own seconds on a store of the shared reviews (hashing vectors: describe does not embed)."""
    import time

    from scenarios.config import Config
    from scenarios.embedders import create_embedder
    from scenarios.pipeline import describe_options, run
    from scenarios.stages.describe import describe
    from scenarios.store import Store

    config = Config(sections={"embedder": {"name": "hashing"}})
    path = work / "describe-bench.db"
    path.unlink(missing_ok=True)
    files = [data / "banki_reviews_unlabelled.csv", data / "banki_reviews_themes.csv",
             data / "housing_feedback_categories.csv"]
    with Store(path) as store:
        run(store, config, files)
        fragments = store.conn.execute("SELECT count(*) FROM memberships WHERE run_id = (SELECT max(id) FROM runs) "
                                       "AND scenario_id IS NOT NULL").fetchone()[0]
        total = store.count("fragments")
        embedder = create_embedder("hashing")
        seconds = []
        for _ in range(2):  # cold: loads natasha and pymorphy3 in this process; warm: describe alone
            start = time.perf_counter()
            report = describe(store, embedder, options=describe_options(config))
            seconds.append(time.perf_counter() - start)
    return {"fragments": str(total), "clustered": str(fragments), "scenarios": str(report.scenarios),
            "describe s, cold (model loads)": f"{seconds[0]:.1f}", "describe s, warm": f"{seconds[1]:.1f}"}


def seed_fit_seconds() -> str:
    """What fitting the kind classifier costs on e5 with the model already loaded (seeds embedded)."""
    import time

    from scenarios.describers.kinds import KindClassifier
    from scenarios.embedders import create_embedder

    embedder = create_embedder("e5")
    start = time.perf_counter()
    KindClassifier(embedder)
    return f"{time.perf_counter() - start:.1f}"


def ner_ms_per_fragment(data: Path, n: int = 300) -> str:
    """natasha NER, batched under one BLAS thread, per fragment of real review sentences."""
    import csv
    import time

    from scenarios.describers.companies import organisations

    with (data / "banki_scenario_sentences.csv").open(encoding="utf-8", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:n]
    organisations(texts[:5])  # load the models
    start = time.perf_counter()
    organisations(texts)
    return f"{1000 * (time.perf_counter() - start) / len(texts):.1f}"


def dev_scenarios(data: Path, work: Path, embedder: str = "e5") -> None:
    """The pipeline on the dev sentences (one story each): per found scenario its label and first
    quote beside the gold scenario most of its members belong to, and each gold scenario's kind as
    the majority kind of the pipeline scenarios its sentences landed in (unclustered left out)."""
    import csv
    from collections import Counter, defaultdict

    from scenarios.config import Config
    from scenarios.pipeline import run
    from scenarios.store import Store

    with (data / "banki_scenario_sentences.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    described = {}
    for line in (data / "banki_scenario_sentences.md").read_text(encoding="utf-8").splitlines():
        parts = [p.strip(" `") for p in line.lstrip("- ").split("|")]
        if len(parts) == 4:
            described[parts[0]] = parts[2]
    source = work / "dev_sentences.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "bank"])
        writer.writerows([(r["text"], r["bank"]) for r in rows])
    path = work / f"dev-{embedder}.db"
    path.unlink(missing_ok=True)
    with Store(path) as store:
        run(store, Config(sections={"embedder": {"name": embedder}}), [source])
        run_id = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        placed = {r["text"]: r for r in store.query(
            "SELECT f.text, m.scenario_id, s.kind FROM memberships m JOIN fragments f ON f.hash = m.hash "
            "LEFT JOIN scenarios s ON s.run_id = m.run_id AND s.id = m.scenario_id WHERE m.run_id = ?", (run_id,))}
        scenarios = store.query("SELECT id, label, kind, round(praise, 2) AS praise, round(complaint, 2) AS complaint "
                                "FROM scenarios WHERE run_id = ? ORDER BY id", (run_id,))
        first = {r["scenario_id"]: r["text"] for r in store.query(
            "SELECT scenario_id, text FROM quotes WHERE run_id = ? AND rank = 0", (run_id,))}
    gold_of = {r["text"]: r for r in rows}
    members: dict[str, Counter[str]] = defaultdict(Counter)
    for text, p in placed.items():
        if p["scenario_id"] and text in gold_of:
            members[p["scenario_id"]][gold_of[text]["scenario"]] += 1
    print(f"\nPipeline ({embedder}) on the dev sentences: {len(scenarios)} scenarios")
    for s in scenarios:
        gold, n = members[s["id"]].most_common(1)[0] if members[s["id"]] else ("—", 0)
        print(f"- {s['id']} [{s['kind']}; praise {s['praise']}, complaint {s['complaint']}] «{s['label']}»"
              f"\n    quote: {first.get(s['id'], '')[:160]}\n    gold: {gold} ({n}/{sum(members[s['id']].values())}): "
              f"{described.get(gold, '')}")
    right = total = 0
    for scenario in sorted({r["scenario"] for r in rows if r["kind"] != "none"}):
        kinds = Counter(placed[r["text"]]["kind"] for r in rows if r["scenario"] == scenario
                        and placed.get(r["text"], {}).get("scenario_id"))
        kind = kinds.most_common(1)[0][0] if kinds else None
        gold_kind = next(r["kind"] for r in rows if r["scenario"] == scenario)
        right += kind == gold_kind
        total += 1
    print(f"gold scenarios whose majority pipeline kind is right: {right}/{total}")


def main() -> None:
    import argparse

    from _common import print_table, require_shared_data

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/scenarios-bench"))
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--dev", action="store_true", help="also run the pipeline (e5) on the dev sentences")
    args = parser.parse_args()
    data = require_shared_data()
    args.cache.mkdir(parents=True, exist_ok=True)
    print("Tone (lexicon) at review level, banki_reviews_unlabelled.csv:")
    print_table([tone_accuracy(data, args.cache)])
    print("\nNER ms per fragment (batched, one BLAS thread):", ner_ms_per_fragment(data))
    print("Kind classifier fit on e5 (seeds embedded, model loaded), s:", seed_fit_seconds())
    if not args.skip_timing:
        print("\nDescribe's own time on the three shared CSVs:")
        print_table([describe_timing(data, args.cache)])
    if args.dev:
        dev_scenarios(data, args.cache)


if __name__ == "__main__":
    main()
