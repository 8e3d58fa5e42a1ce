"""Story-level quality of the default pipeline next to KMeans and BERTopic on the same vectors.

Five datasets, each ingested and embedded once (e5) into a fresh store that every method reuses:

* `sentences`: `../shared/data/banki_scenario_sentences.csv`, 690 review sentences, gold
  `scenario` (26 scenarios; the 64 `none` rows are left out of the scores and reported apart:
  the share kept out of every scenario), plus whether the three mirror pairs separate;

* `demo`: the demo corpus `corpus/stories`, gold `corpus/labels.csv` (a story's first row; `none`
  dropped), config `corpus/scenarios.toml`;
* `banki`: `../shared/data/banki_reviews_themes.csv` (gold `theme`; empty themes dropped);
* `housing`: `../shared/data/housing_feedback_categories.csv` (gold: `categories`, or the first
  of its JSON `{"choices": [...]}`);
* `unlabelled`: `../shared/data/banki_reviews_unlabelled.csv` (no gold): the largest scenario's
  share of stories and each scenario's star distribution (mood must not decide membership).

Methods, scored per story (a story's label is the majority over its fragments):

* ours: `pipeline.run` with the default config (lemmatise, embed, cluster, describe);
* KMeans with the gold number of classes on the same raw fragment vectors (the MTEB clustering
  protocol), mean of `--seeds` seeds;
* BERTopic with default settings on the same fragment vectors and texts, `--seeds` UMAP seeds
  (topic -1 = unassigned; `language="multilingual"` so Cyrillic keywords survive, see
  `bertopic_labels`).

Stability: our cluster step is run three times on the same store and once on a store ingested in
shuffled order (vectors copied, not re-embedded); BERTopic's topic count is shown per seed. For
`banki` a "topic, not mood" table compares NMI/AMI of the story clusters with the star rating and
with the theme, for ours, for HDBSCAN on raw whole-review e5 vectors (the naive approach) and for
BERTopic. `seconds` is clustering time only (vectors are shared); stage times are printed apart.

    .venv/bin/python bench/quality.py                      # all three (needs the bench extra)
    .venv/bin/python bench/quality.py --datasets demo --seeds 1
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, SHARED_DATA, peak_rss_mb, print_table  # noqa: E402
from _scenario_checks import mirror_pairs, none_kept_out, rating_by_scenario  # noqa: E402

from scenarios import pipeline  # noqa: E402
from scenarios.clusterers import clusterers  # noqa: E402
from scenarios.config import Config, load_config  # noqa: E402
from scenarios.embedders import Embedder, create_embedder  # noqa: E402
from scenarios.evaluate import UNASSIGNED, Evaluation, evaluate, read_gold, story_scenarios  # noqa: E402
from scenarios.lemmatisers import lemmatisers  # noqa: E402
from scenarios.readers import ReadOptions  # noqa: E402
from scenarios.representations import Representation  # noqa: E402
from scenarios.sources import find_files  # noqa: E402
from scenarios.stages.cluster import ClusterOptions, cluster  # noqa: E402
from scenarios.stages.embed import embed, load_vectors  # noqa: E402
from scenarios.stages.ingest import IngestOptions, add_paths  # noqa: E402
from scenarios.stages.lemmatise import lemmatise  # noqa: E402
from scenarios.store import Store  # noqa: E402

Labels = dict[str, str]  # external_id -> cluster (or UNASSIGNED)


# -- datasets ----------------------------------------------------------------------------------


@dataclass
class Dataset:
    """One benchmark dataset, materialised in a temp folder."""

    name: str
    paths: list[Path]            # what `pipeline.run` ingests
    shuffled: list[Path]         # the same stories in another ingest order
    gold: dict[str, str]         # external_id -> gold label
    config: Config
    id_column: str | None = None
    extra: dict[str, dict[str, str]] = field(default_factory=dict)  # e.g. rating per external_id

    @property
    def ingest(self) -> IngestOptions | None:
        return IngestOptions(read=ReadOptions(id_column=self.id_column)) if self.id_column else None


def demo_dataset(tmp: Path) -> Dataset:
    corpus = ROOT / "corpus"
    gold = {k: v for k, v in read_gold(corpus / "labels.csv", "story_id", "scenario").items() if v != "none"}
    files = [f.path for f in find_files([corpus / "stories"])]
    random.Random(0).shuffle(files)  # file order only: named files keep their folder's channel
    return Dataset("demo", [corpus / "stories"], files, gold, load_config(corpus / "scenarios.toml"))


def _table_dataset(name: str, source: Path, tmp: Path, gold_of: Callable[[dict[str, str]], str],
                   extra: Sequence[str] = (), ignore: str | None = None) -> Dataset:
    """A CSV without ids: write it again with a row-number `id`, plus a row-shuffled copy."""
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = [{"id": f"{name}-{i:05d}", **row} for i, row in enumerate(csv.DictReader(f), 1)]
    plain, shuffled = tmp / name / "plain" / source.name, tmp / name / "shuffled" / source.name
    order = list(rows)
    random.Random(0).shuffle(order)
    for path, items in ((plain, rows), (shuffled, order)):
        path.parent.mkdir(parents=True)
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(items)
    labels = {r["id"]: g for r in rows if (g := gold_of(r).strip())}
    gold = {i: g for i, g in labels.items() if g != ignore}
    return Dataset(name, [plain], [shuffled], gold, Config(), id_column="id",
                   extra={column: {r["id"]: r[column] for r in rows} for column in extra}
                   | ({"label": labels} if ignore else {}))


def first_choice(row: dict[str, str]) -> str:
    """`categories` is a label or `{"choices": [...]}`: the first choice is the gold label."""
    value = row["categories"].strip()
    if value.startswith("{"):
        choices = json.loads(value).get("choices") or [""]
        return str(choices[0])
    return value


def datasets(names: Sequence[str], tmp: Path) -> list[Dataset]:
    found = []
    for name in names:
        if name == "demo":
            found.append(demo_dataset(tmp))
        elif not SHARED_DATA.is_dir():
            print(f"skipped {name}: {SHARED_DATA} not found", file=sys.stderr)
        elif name == "sentences":
            found.append(_table_dataset("sentences", SHARED_DATA / "banki_scenario_sentences.csv", tmp,
                                        lambda r: r["scenario"], ignore="none"))
        elif name == "unlabelled":
            found.append(_table_dataset("unlabelled", SHARED_DATA / "banki_reviews_unlabelled.csv", tmp,
                                        lambda r: "", extra=("rating",)))
        elif name == "banki":
            found.append(_table_dataset("banki", SHARED_DATA / "banki_reviews_themes.csv", tmp,
                                        lambda r: r["theme"], extra=("rating",)))
        elif name == "housing":
            found.append(_table_dataset("housing", SHARED_DATA / "housing_feedback_categories.csv", tmp,
                                        first_choice))
        else:
            raise SystemExit(f"unknown dataset {name!r}")
    return found


# -- fragments and story labels ----------------------------------------------------------------


@dataclass
class Fragments:
    """The store's distinct fragment vectors and which story holds each."""

    hashes: list[str]
    vectors: np.ndarray
    texts: list[str]
    occurrences: list[tuple[str, str]]  # (external_id, hash), one per fragment row


def load_fragments(store: Store, embedder_id: str) -> Fragments:
    hashes, vectors = load_vectors(store, embedder_id)
    text = dict(store.conn.execute("SELECT hash, min(text) FROM fragments GROUP BY hash"))
    occurrences = store.conn.execute(
        "SELECT s.external_id, f.hash FROM fragments f JOIN stories s ON s.id = f.story_id "
        "WHERE s.external_id IS NOT NULL").fetchall()
    return Fragments(hashes, vectors, [text[h] for h in hashes], occurrences)


def story_majority(occurrences: Sequence[tuple[str, str]], labels: Mapping[str, str],
                   stories: Sequence[str]) -> Labels:
    """A story's label: the most common label of its assigned fragments (ties: the smaller)."""
    votes: dict[str, Counter[str]] = {}
    for external_id, h in occurrences:
        label = labels.get(h, UNASSIGNED)
        if label != UNASSIGNED:
            votes.setdefault(external_id, Counter())[label] += 1
    return {s: min(v, key=lambda x: (-v[x], x)) if (v := votes.get(s)) else UNASSIGNED for s in stories}


def all_stories(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT external_id FROM stories WHERE external_id IS NOT NULL")]


def mean_eval(evals: Sequence[Evaluation]) -> dict[str, float]:
    return {f.name: float(np.mean([getattr(e, f.name) for e in evals])) for f in fields(Evaluation)}


def row(method: str, metrics: Mapping[str, float], n: str, seconds: float) -> dict[str, object]:
    return {
        "method": method, "V-measure": f"{metrics['v_measure']:.3f}", "homog.": f"{metrics['homogeneity']:.3f}",
        "compl.": f"{metrics['completeness']:.3f}", "ARI": f"{metrics['ari']:.3f}", "AMI": f"{metrics['ami']:.3f}",
        "AMI all": f"{metrics['ami_all']:.3f}",
        "V all": f"{metrics['v_measure_all']:.3f}", "ARI all": f"{metrics['ari_all']:.3f}",
        "assigned": f"{metrics['assigned_share']:.0%}", "n scenarios": n, "seconds": f"{seconds:.1f}",
    }


# -- methods -----------------------------------------------------------------------------------


def default_cluster(store: Store, config: Config, embedder_id: str) -> tuple[int, int, float]:
    """The pipeline's cluster step alone, built as `pipeline.run` builds it: (run id, scenarios, seconds)."""
    clusterer, options = pipeline.cluster_setup(config)
    report = cluster(store, clusterer, options=options, embedder_id=embedder_id, force=True)
    return report.run_id, report.scenarios, report.seconds


def fragment_partition(store: Store, run_id: int) -> dict[str, str]:
    return {h: s or UNASSIGNED for h, s in store.conn.execute(
        "SELECT hash, scenario_id FROM memberships WHERE run_id = ?", (run_id,))}


def same_partition(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """Same groups (scenario ids may differ), same unassigned fragments."""
    if set(a) != set(b):
        return False
    pairs = {(a[h], b[h]) for h in a}
    left, right = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    return all(left[x] == 1 and right[y] == 1 and (x == UNASSIGNED) == (y == UNASSIGNED) for x, y in pairs)


def kmeans_labels(vectors: np.ndarray, hashes: Sequence[str], k: int, seed: int) -> dict[str, str]:
    from sklearn.cluster import KMeans

    labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(vectors)
    return {h: f"k{label}" for h, label in zip(hashes, labels)}


def bertopic_labels(texts: Sequence[str], vectors: np.ndarray, hashes: Sequence[str],
                    seed: int) -> tuple[dict[str, str], int]:
    """BERTopic defaults, except UMAP's random_state; returns hash -> topic and the topic count.

    `language="multilingual"` only changes keyword extraction: the default "english" deletes every
    non-Latin character before c-TF-IDF, so all-Cyrillic texts (housing) fail with "empty
    vocabulary". With `nr_topics=None` (the default) keywords never feed back into the topics, so
    the partition is exactly that of the defaults.
    """
    from bertopic import BERTopic
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False,
                random_state=seed)
    topics, _ = BERTopic(language="multilingual", umap_model=umap).fit_transform(list(texts), embeddings=vectors)
    found = {t for t in topics if t != -1}
    return {h: (f"t{t}" if t != -1 else UNASSIGNED) for h, t in zip(hashes, topics)}, len(found)


def whole_story_vectors(store: Store, embedder: Embedder) -> tuple[list[str], np.ndarray, float]:
    """e5 vectors of whole stories (the naive approach), length-sorted batches."""
    stories = store.conn.execute(
        "SELECT external_id, text FROM stories WHERE external_id IS NOT NULL ORDER BY length(text), external_id"
    ).fetchall()
    start = time.perf_counter()
    texts = [t for _, t in stories]
    vectors = np.concatenate([embedder.embed(texts[i:i + 32]) for i in range(0, len(texts), 32)])
    return [s for s, _ in stories], vectors, time.perf_counter() - start


# -- one dataset -------------------------------------------------------------------------------


def bench_dataset(data: Dataset, tmp: Path, seeds: int) -> None:
    k = len(set(data.gold.values()))
    print(f"\n=== {data.name}: gold k = {k} ===")
    stage_s: dict[str, float] = {}
    embedder = create_embedder(data.config.component("embedder")[0], **data.config.component("embedder")[1])
    with Store(tmp / f"{data.name}.db") as store:
        start = time.perf_counter()

        def on_stage(name: str, report: object) -> None:
            stage_s[name] = time.perf_counter() - start - sum(stage_s.values())

        result = pipeline.run(store, data.config, data.paths, ingest=data.ingest, on_stage=on_stage)
        total_s = time.perf_counter() - start
        run_id = result.stages["cluster"].run_id
        cluster_s = result.stages["cluster"].seconds
        stories = all_stories(store)
        frags = load_fragments(store, embedder.id)
        print(f"{len(stories)} stories ({len([s for s in stories if s in data.gold])} with gold), "
              f"{len(frags.occurrences)} fragments, {len(frags.hashes)} distinct; pipeline "
              f"{total_s:.0f} s = " + ", ".join(f"{n} {s:.1f}" for n, s in stage_s.items()))

        if not data.gold:
            unlabelled_report(store, data, run_id, total_s)
            return
        ours = evaluate(story_scenarios(store, run_id), data.gold)
        rows = [row("ours (pipeline.run defaults)", ours.as_dict(), str(ours.n_scenarios), cluster_s)]

        # Stability of ours: the cluster step again twice, then on a shuffled ingest.
        stability = [_ours_stability_row("ours run 1 (pipeline.run)", store, run_id, data.gold, cluster_s, None)]
        reference = fragment_partition(store, run_id)
        for i in (2, 3):
            again, _, seconds = default_cluster(store, data.config, embedder.id)
            stability.append(_ours_stability_row(f"ours run {i} (same store)", store, again, data.gold, seconds,
                                                 same_partition(reference, fragment_partition(store, again))))
        with Store(tmp / f"{data.name}-shuffled.db") as shuffled:
            add_paths(shuffled, data.shuffled, options=data.ingest)
            shuffled.conn.execute("ATTACH DATABASE ? AS src", (str(tmp / f"{data.name}.db"),))
            with shuffled.transaction() as conn:
                conn.execute("INSERT INTO components SELECT * FROM src.components WHERE id = ?", (embedder.id,))
                conn.execute("INSERT INTO vectors SELECT * FROM src.vectors WHERE embedder = ?", (embedder.id,))
            shuffled.conn.execute("DETACH DATABASE src")
            name, params = data.config.component("lemmatiser")
            lemmatise(shuffled, lemmatisers.create(name, **params))
            assert embed(shuffled, embedder).done == 0, "the shuffled store should reuse every vector"
            again, _, seconds = default_cluster(shuffled, data.config, embedder.id)
            stability.append(_ours_stability_row("ours, shuffled ingest order", shuffled, again, data.gold, seconds,
                                                 same_partition(reference, fragment_partition(shuffled, again))))

        # KMeans with the gold k on the same raw fragment vectors.
        evals, spent = [], 0.0
        for seed in range(seeds):
            t = time.perf_counter()
            labels = kmeans_labels(frags.vectors, frags.hashes, k, seed)
            spent += time.perf_counter() - t
            evals.append(evaluate(story_majority(frags.occurrences, labels, stories), data.gold))
        kmeans = mean_eval(evals)
        rows.append(row(f"KMeans k={k} (mean of {seeds})", kmeans, f"{kmeans['n_scenarios']:.1f}", spent / seeds))

        # BERTopic defaults on the same fragment vectors and texts.
        evals, counts, spent, per_seed = [], [], 0.0, []
        for seed in range(seeds):
            t = time.perf_counter()
            labels, topics = bertopic_labels(frags.texts, frags.vectors, frags.hashes, seed)
            seconds = time.perf_counter() - t
            spent += seconds
            evals.append(evaluate(story_majority(frags.occurrences, labels, stories), data.gold))
            counts.append(topics)
            unassigned = sum(v == UNASSIGNED for v in labels.values()) / len(labels)
            per_seed.append((seed, topics, unassigned, evals[-1], seconds, labels))
        bertopic = mean_eval(evals)
        rows.append(row(f"BERTopic default (mean of {seeds})", bertopic,
                        f"{bertopic['n_scenarios']:.1f} ({'/'.join(map(str, counts))} topics)", spent / seeds))
        first = per_seed[0][5]
        for seed, topics, unassigned, ev, seconds, labels in per_seed:
            stability.append({
                "run": f"BERTopic, UMAP seed {seed}", "topics": topics, "story scenarios": ev.n_scenarios,
                "unassigned fragments": f"{unassigned:.0%}", "assigned stories": f"{ev.assigned_share:.0%}",
                "V-measure": f"{ev.v_measure:.3f}", "ARI": f"{ev.ari:.3f}",
                "same partition as first": "—" if seed == per_seed[0][0] else _yes(same_partition(first, labels)),
                "seconds": f"{seconds:.1f}"})

        print(f"\n{data.name}: story level, gold = {k} classes; 'assigned' metrics on stories with a scenario")
        print_table(rows)
        if "label" in data.extra:
            checks = [("ours", story_scenarios(store, run_id)),
                      ("KMeans, seed 0", story_majority(frags.occurrences, kmeans_labels(
                          frags.vectors, frags.hashes, k, 0), stories)),
                      ("BERTopic, seed 0", story_majority(frags.occurrences, per_seed[0][5], stories))]
            print(f"\n{data.name}: chatter and stance")
            print_table([{"method": m, "none kept out": f"{none_kept_out(p, data.extra['label']):.0%}",
                          "mirror pairs apart": mirror_pairs(p, data.gold)} for m, p in checks])
        print(f"\n{data.name}: stability (scenario / topic count per run)")
        print_table(stability)
        _verdict(data.name, ours.as_dict(), bertopic)

        if "rating" in data.extra:
            topic_not_mood(store, data, embedder, run_id, frags, stories, per_seed, seeds)
    print(f"peak RSS so far {peak_rss_mb():.0f} MB")


def unlabelled_report(store: Store, data: Dataset, run_id: int, seconds: float) -> None:
    """No gold: how big the largest scenario is and whether scenarios follow the star rating."""
    table = rating_by_scenario(store, run_id, data.extra["rating"])
    stars = Counter(data.extra["rating"].values())
    total = sum(stars.values())
    print(f"\n{data.name}: {len(table)} scenarios in {seconds:.0f} s; largest holds {table[0]['share']} of stories "
          "(target <= 15%); all stories: "
          + ", ".join(f"{s}★ {stars.get(str(s), 0) / total:.0%}" for s in range(1, 6)))
    print_table(table)


def _yes(flag: bool | None) -> str:
    return "—" if flag is None else ("yes" if flag else "NO")


def _ours_stability_row(name: str, store: Store, run_id: int, gold: Mapping[str, str], seconds: float,
                        same: bool | None) -> dict[str, object]:
    ev = evaluate(story_scenarios(store, run_id), gold)
    run = store.query("SELECT fragments, scenarios, unassigned FROM runs WHERE id = ?", (run_id,))[0]
    chatter = store.count("memberships", "run_id = ? AND pass = 'chatter'", (run_id,))
    return {"run": name, "topics": run["scenarios"], "story scenarios": ev.n_scenarios,
            "unassigned fragments": f"{(run['unassigned'] + chatter) / (run['fragments'] + chatter):.0%}",
            "assigned stories": f"{ev.assigned_share:.0%}", "V-measure": f"{ev.v_measure:.3f}", "ARI": f"{ev.ari:.3f}",
            "same partition as first": _yes(same), "seconds": f"{seconds:.1f}"}


def _verdict(name: str, ours: Mapping[str, float], bertopic: Mapping[str, float]) -> None:
    """The project's target: beat BERTopic-default on V-measure and ARI with <= 15% unassigned."""
    checks = {
        "V-measure": ours["v_measure"] > bertopic["v_measure"],
        "ARI": ours["ari"] > bertopic["ari"],
        "<= 15% unassigned": 1 - ours["assigned_share"] <= 0.15,
    }
    met = all(checks.values())
    v, ari = (ours["v_measure"], bertopic["v_measure"]), (ours["ari"], bertopic["ari"])
    print(f"{name}: target {'MET' if met else 'NOT met'} — "
          f"V {v[0]:.3f} vs {v[1]:.3f} ({v[0] - v[1]:+.3f}), "
          f"ARI {ari[0]:.3f} vs {ari[1]:.3f} ({ari[0] - ari[1]:+.3f}), "
          f"unassigned {1 - ours['assigned_share']:.0%}"
          + "".join(f"; {check} failed" for check, ok in checks.items() if not ok))


# -- topic, not mood (banki) -------------------------------------------------------------------


def topic_not_mood(store: Store, data: Dataset, embedder: Embedder, run_id: int, frags: Fragments,
                   stories: list[str], per_seed: list, seeds: int) -> None:
    import hdbscan

    rating, theme = data.extra["rating"], data.gold
    rows = [_mood_row("gold theme itself (reference)", dict(theme), rating, theme, 0.0)]
    rows.append(_mood_row("ours: fragments, centred e5 + char n-grams, Leiden", story_scenarios(store, run_id),
                          rating, theme, 0.0))
    # Ablation on the same store: our cluster step with the raw fragment vectors (no centering, no PCA).
    name, params = data.config.component("clusterer")
    raw = cluster(store, clusterers.create(name, **params), embedder_id=embedder.id,
                  options=ClusterOptions(representation=Representation(center=False, lexical_weight=0)))
    rows.append(_mood_row("ablation: fragments, raw e5 alone, Leiden", story_scenarios(store, raw.run_id),
                          rating, theme, raw.seconds))

    ids, whole, embed_s = whole_story_vectors(store, embedder)
    print(f"\n(whole reviews embedded in {embed_s:.0f} s)")
    hdb = clusterers.create(name, **params)
    for label, space in (("naive: whole reviews, raw e5, our clusterer", whole),
                         ("ablation: whole reviews, centred e5, our clusterer",
                          Representation(lexical_weight=0).fit(whole).transform(whole))):
        t = time.perf_counter()
        found = hdb.fit(space)
        rows.append(_mood_row(label, _from_array(ids, found), rating, theme, time.perf_counter() - t))
    t = time.perf_counter()
    found = hdbscan.HDBSCAN(min_cluster_size=5).fit_predict(whole.astype(np.float64))
    rows.append(_mood_row("naive: whole reviews, raw e5, hdbscan library defaults", _from_array(ids, found),
                          rating, theme, time.perf_counter() - t))
    k = len(set(theme.values()))
    kmeans = [kmeans_labels(whole, ids, k, seed) for seed in range(seeds)]
    rows.append(_mood_row_mean(f"naive: whole reviews, raw e5, KMeans k={k} (mean of {seeds})", kmeans, rating, theme))
    bertopics = [story_majority(frags.occurrences, labels, stories) for *_, labels in per_seed]
    rows.append(_mood_row_mean(f"BERTopic default on fragments (mean of {seeds})", bertopics, rating, theme))
    print(f"\n{data.name}: topic, not mood — story clusters vs star rating and vs theme "
          "(stories with a cluster and a theme; NMI arithmetic, AMI chance-corrected;\n"
          "'expl.' = I(clusters; label) / H(label), the share of the label's entropy the clusters explain)")
    print_table(rows)


def _from_array(ids: Sequence[str], labels: np.ndarray) -> Labels:
    return {i: UNASSIGNED if str(label) == "-1" else f"c{label}" for i, label in zip(ids, labels)}


def _mood_scores(predicted: Mapping[str, str], rating: Mapping[str, str], theme: Mapping[str, str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_mutual_info_score, homogeneity_score, normalized_mutual_info_score

    ids = sorted(i for i in predicted if i in theme and predicted[i] != UNASSIGNED)
    clusters = [predicted[i] for i in ids]
    stars, topics = [rating[i] for i in ids], [theme[i] for i in ids]
    return {"n": len(set(clusters)), "assigned": len(ids) / len([i for i in predicted if i in theme]),
            "nmi_r": normalized_mutual_info_score(stars, clusters),
            "nmi_t": normalized_mutual_info_score(topics, clusters),
            "ami_r": adjusted_mutual_info_score(stars, clusters), "ami_t": adjusted_mutual_info_score(topics, clusters),
            # I(clusters; label) / H(label): the share of the label's entropy the clusters explain
            "expl_r": homogeneity_score(stars, clusters), "expl_t": homogeneity_score(topics, clusters)}


def _format_mood(method: str, s: Mapping[str, float], seconds: float | None) -> dict[str, object]:
    follows = "rating" if s["nmi_r"] > s["nmi_t"] else "theme"
    return {"method": method, "clusters": f"{s['n']:.0f}" if float(s["n"]).is_integer() else f"{s['n']:.1f}",
            "assigned": f"{s['assigned']:.0%}", "NMI rating": f"{s['nmi_r']:.3f}", "NMI theme": f"{s['nmi_t']:.3f}",
            "AMI rating": f"{s['ami_r']:.3f}", "AMI theme": f"{s['ami_t']:.3f}",
            "rating expl.": f"{s['expl_r']:.0%}", "theme expl.": f"{s['expl_t']:.0%}", "follows (NMI)": follows,
            "seconds": "—" if seconds is None else f"{seconds:.1f}"}


def _mood_row(method: str, predicted: Mapping[str, str], rating: Mapping[str, str], theme: Mapping[str, str],
              seconds: float | None) -> dict[str, object]:
    return _format_mood(method, _mood_scores(predicted, rating, theme), seconds)


def _mood_row_mean(method: str, runs: Sequence[Mapping[str, str]], rating: Mapping[str, str],
                   theme: Mapping[str, str]) -> dict[str, object]:
    scores = [_mood_scores(p, rating, theme) for p in runs]
    return _format_mood(method, {key: float(np.mean([s[key] for s in scores])) for key in scores[0]}, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="sentences,demo,banki,housing,unlabelled")
    parser.add_argument("--seeds", type=int, default=3, help="KMeans and BERTopic (UMAP) seeds")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=FutureWarning)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for data in datasets(args.datasets.split(","), Path(tmp)):
            bench_dataset(data, Path(tmp), args.seeds)
    print(f"\ntotal {time.perf_counter() - start:.0f} s, peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
