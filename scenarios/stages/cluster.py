"""The cluster stage: embedded fragments -> a run of scenarios with stable ids.

Deterministic: fragments enter in hash order, the representation and clusterer are seeded or
exact, and clusters are numbered by size, so the same fragments give the same scenarios whatever
order they were added in. Chatter (greetings, thanks, bare verdicts: `lang/ru/chatter.py`) is set
aside first. One rule then places every fragment (`place`, shared with `assign`): a fragment stays
in, or joins, a scenario only when its cosine to the scenario's centroid reaches the run's
threshold; the rest stay unassigned and are counted.
A scenario that matches one of the previous run (shared members, or a near-identical centroid)
keeps its id, so names, pins and merges made by people survive re-clustering.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..clusterers import Clusterer
from ..embedders import normalise_rows
from ..errors import ScenariosError
from ..lang.ru.chatter import content_words, is_chatter
from ..memo import Latest
from ..representations import Projection, Representation
from ..scenario_ids import apply_merges, match_ids, previous_clusters
from ..store import Store, now
from ..threads import single_blas_thread
from ._base import active, texts_of
from .embed import iter_vectors


@dataclass(frozen=True)
class ClusterOptions:
    """Options of a cluster run beyond the clusterer's own parameters."""

    representation: Representation = field(default_factory=Representation)
    chatter: bool = True                   # set aside fragments that tell no story (lang/ru/chatter.py)
    assign_threshold: float | None = 0.3   # cosine to a centroid, clustering space; None = keep all, join none
    max_fit: int = 100_000                 # above this, fit on an even sample in hash order
    match_overlap: float = 0.3             # Jaccard of members to keep a previous scenario's id
    match_centroid: float = 0.9            # or cosine of centroids (original space)
    brief_share: float = 0.42              # a cluster whose fragments say less than this share of the
                                           # corpus's typical fragment is backchannel ("Давайте", "Добрый")

    @property
    def config(self) -> dict[str, Any]:
        return {"representation": self.representation.config, "chatter": self.chatter,
                "assign_threshold": self.assign_threshold, "max_fit": self.max_fit,
                "match_overlap": self.match_overlap, "match_centroid": self.match_centroid,
                "brief_share": self.brief_share}


@dataclass(frozen=True)
class RunReport:
    """What a cluster run produced."""

    run_id: int
    fragments: int
    scenarios: int
    unassigned: int
    kept_ids: int
    seconds: float
    reused: bool = False

    @property
    def unassigned_share(self) -> float:
        return self.unassigned / self.fragments if self.fragments else 0.0


def cluster(
    store: Store, clusterer: Clusterer, *, options: ClusterOptions | None = None, embedder_id: str | None = None,
    force: bool = False,
) -> RunReport:
    """Cluster every embedded fragment into scenarios and store the run.

    When the latest run already used this embedder, these parameters and exactly these fragments,
    it is returned as is (`reused=True`): re-running a step never duplicates it. `force` re-runs.
    Memory stays at the clustering space (n x ~600 floats): the projection is fitted and applied
    on vectors streamed from the store, and the clusterer fits at most `max_fit` of them; the
    rest join their nearest scenario through `place`, the rule that places outliers.

    One BLAS thread (`threads.single_blas_thread`): on 2 cores shared with other work, 10.5k
    real fragments took 26-42 s and 17-21 CPU-s with one thread against 42-45 s and 30-32 CPU-s
    with two, whose threads spin against each other.
    """
    with single_blas_thread():
        return _cluster(store, clusterer, options or ClusterOptions(), embedder_id, force)


def _cluster(store: Store, clusterer: Clusterer, options: ClusterOptions, embedder_id: str | None,
             force: bool) -> RunReport:
    embedder_id = embedder_id or active(store, "embedder")
    if not embedder_id:
        raise ScenariosError("Нет эмбеддингов: сначала выполните scenarios embed.")
    start = time.perf_counter()
    hashes = _live_hashes(store, embedder_id)
    config = run_config(clusterer, options)
    if not force and (same := _same_as_latest(store, embedder_id, config, hashes)):
        return same
    hashes, chatter, words = _set_aside_chatter(store, hashes) if options.chatter else (hashes, [], {})
    if len(hashes) < 2:
        raise ScenariosError("Слишком мало фрагментов для кластеризации: добавьте истории.")
    rows = {h: i for i, h in enumerate(hashes)}
    projection, lexical = _fit_representation(store, options.representation, embedder_id, hashes, rows)
    space = np.empty((len(hashes), projection.dim(embedding_dim(store, embedder_id))), dtype=np.float32)
    for index, chunk in _chunks(store, embedder_id, rows):
        space[index] = projection.combine(chunk, None if lexical is None else lexical[index])
    fit = _even_sample(len(hashes), options.max_fit)
    labels = np.full(len(hashes), -1, dtype=int)
    fitted = np.asarray(clusterer.fit(space[fit]))
    if len(fitted) != len(fit):
        raise ScenariosError(f"Кластеризатор {clusterer.name} вернул {len(fitted)} меток на {len(fit)} векторов.")
    labels[fit] = fitted
    brief = _brief_clusters(labels, hashes, words, options.brief_share)
    labels[brief] = -1
    labels = canonical_labels(labels, hashes)
    core = labels.copy()
    scores, passes = _second_pass(space, labels, options.assign_threshold, keep_members=clusterer.finds_outliers)
    labels[brief] = -1
    passes = ["chatter" if b else p for b, p in zip(brief, passes)]
    centres, old_members, old_centres = _original_centroids(store, embedder_id, rows, core)
    sequence = int(store.meta("scenario_seq") or 0)
    by_label = np.array(hashes)
    members = [set(by_label[core == c]) for c in range(int(core.max()) + 1)]
    origins, kept, sequence = match_ids(members, centres, old_members, old_centres, min_overlap=options.match_overlap,
                                        min_cosine=options.match_centroid, sequence=sequence)
    run = _Run(embedder_id, clusterer, options, hashes, labels, scores, passes, projection, origins,
               apply_merges(store, origins), centres, centroids(space, core))
    run_id = _write_run(store, run, time.perf_counter() - start, chatter, sequence)
    unassigned = passes.count("none")
    return RunReport(run_id, len(hashes), len(set(run.ids)), unassigned, kept, time.perf_counter() - start)


def _fit_representation(store: Store, representation: Representation, embedder_id: str, hashes: list[str],
                        rows: dict[str, int]) -> tuple[Projection, np.ndarray | None]:
    """The projection fitted on these fragments and their lexical rows; the last fit is kept.

    The fit depends only on the fragments, the embedder and the representation's parameters, so
    re-clustering the same fragments with another clusterer or threshold (tuning in a notebook,
    the web page's re-run) reuses it; it is half of the stage's time. `hashes` are the rows in
    order (`rows` maps each to its index).
    """
    key = hashlib.sha256(json.dumps([embedder_id, representation.config, hashes]).encode()).hexdigest()

    def fit() -> tuple[Projection, np.ndarray | None]:
        texts = texts_of(store, hashes) if representation.lexical else None
        return representation.fit_rows((chunk for _, chunk in _chunks(store, embedder_id, rows)), texts)
    return _FITS.get(key, fit)


_FITS: Latest[str, tuple[Projection, np.ndarray | None]] = Latest()


def run_config(clusterer: Clusterer, options: ClusterOptions) -> str:
    """The run's parameters as stored (canonical JSON), so two runs can be compared."""
    return json.dumps({"clusterer": {"name": clusterer.name, **clusterer.config}, **options.config}, sort_keys=True)


def _live_hashes(store: Store, embedder_id: str) -> list[str]:
    """Hashes with a vector from this embedder that still have fragments, in hash order."""
    rows = store.conn.execute(
        "SELECT v.hash FROM vectors v WHERE v.embedder = ? "
        "AND EXISTS (SELECT 1 FROM fragments f WHERE f.hash = v.hash) ORDER BY v.hash", (embedder_id,))
    return [r[0] for r in rows]


def embedding_dim(store: Store, embedder_id: str) -> int:
    """Width of this embedder's vectors."""
    return int(store.conn.execute("SELECT dim FROM vectors WHERE embedder = ? LIMIT 1", (embedder_id,)).fetchone()[0])


def _chunks(store: Store, embedder_id: str, rows: dict[str, int]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """`(row indices, vectors)` of the hashes in `rows`, streamed from the store in hash order."""
    for hashes, matrix in iter_vectors(store, embedder_id):
        picked = [i for i, h in enumerate(hashes) if h in rows]
        if picked:
            yield np.array([rows[hashes[i]] for i in picked]), matrix[picked]


def _same_as_latest(store: Store, embedder_id: str, config: str, hashes: list[str]) -> RunReport | None:
    latest = store.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1")
    if not latest or latest[0]["embedder"] != embedder_id or latest[0]["config"] != config:
        return None
    run = latest[0]
    members = store.conn.execute("SELECT hash, pass FROM memberships WHERE run_id = ?", (run["id"],)).fetchall()
    if any(p == "new" for _, p in members) or {h for h, _ in members} != set(hashes):
        return None
    return RunReport(run["id"], run["fragments"], run["scenarios"], run["unassigned"], run["scenarios"], 0.0,
                     reused=True)


def _set_aside_chatter(store: Store, hashes: list[str]) -> tuple[list[str], list[str], dict[str, int]]:
    """Split off fragments that tell no story: greetings, thanks, bare verdicts, request formulas.

    Judged on the fragment's own lemmas (`lang/ru/chatter.is_chatter`), wherever it stands: in
    `../shared/data/banki_scenario_sentences.csv` 75 % of the `none` sentences are chatter by this
    rule and 1.3 % of the scenario sentences. Also returns each hash's count of content words
    (for `_brief_clusters`). Needs lemmas; without them nothing is set aside.
    """
    lemmatiser = active(store, "lemmatiser")
    if not lemmatiser:
        return hashes, [], {}
    words: dict[str, int] = {}
    chatter: set[str] = set()
    for h, lemmas in store.conn.execute("SELECT hash, lemmas FROM lemmas WHERE lemmatiser = ?", (lemmatiser,)):
        split = lemmas.split()
        words[h] = content_words(split)
        if is_chatter(split):
            chatter.add(h)
    return [h for h in hashes if h not in chatter], [h for h in hashes if h in chatter], words


def _brief_clusters(labels: np.ndarray, hashes: Sequence[str], words: dict[str, int], share: float) -> np.ndarray:
    """Rows of clusters whose typical fragment is far shorter than the corpus's: backchannel, not stories.

    In call and interview transcripts the client's short replies («Давайте. Только чтобы опять
    не пропала.», «Добрый. Знаете, сложно отношусь.») pass the chatter rule one by one but gather
    into grab-bag clusters. Relative to the corpus, so short-comment corpora keep their
    scenarios: measured as the median content words of a cluster over the corpus median, the
    demo's grab-bags sit at 0.27-0.42, every scenario of banki_scenario_sentences at 0.62 or more,
    of banki_reviews_unlabelled at 0.47 or more, of housing comments at 0.5 or more.
    """
    brief = np.zeros(len(labels), dtype=bool)
    if not words or labels.max() < 0:
        return brief
    counts = np.array([words.get(h, 0) for h in hashes])
    typical = float(np.median(counts))
    for c in np.unique(labels[labels >= 0]):
        members = labels == c
        if np.median(counts[members]) < share * typical:
            brief |= members
    return brief


def _even_sample(n: int, limit: int) -> np.ndarray:
    """Row indices of an even sample of at most `limit` rows; hash order makes it a fair one."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).astype(int))


def canonical_labels(labels: np.ndarray, hashes: Sequence[str]) -> np.ndarray:
    """Renumber clusters by size (largest 0), ties by their smallest hash; -1 stays -1."""
    clusters = [c for c in np.unique(labels) if c != -1]

    def key(c: int) -> tuple[int, str]:
        members = np.flatnonzero(labels == c)
        return -len(members), min(hashes[int(i)] for i in members)

    order = sorted(clusters, key=key)
    mapping = {c: i for i, c in enumerate(order)} | {-1: -1}
    return np.array([mapping[c] for c in labels], dtype=int)


def centroids(space: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Unit-length mean of each cluster's rows, in label order."""
    return normalise_rows(label_sums(space, labels, int(labels.max()) + 1), np.float64)


def label_sums(rows: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Float64 sums of `rows` by label (0..k-1; negative labels skipped).

    `np.bincount` per column adds in row order as `np.add.at` does, so the sums are the same to
    the bit; `np.add.at` took 1.1 of the cluster stage's 11 s at 10.5k fragments.
    """
    keep = labels >= 0
    columns = np.ascontiguousarray(rows[keep].T)
    return np.stack([np.bincount(labels[keep], weights=column, minlength=k) for column in columns], axis=1) \
        if len(columns) else np.zeros((k, 0))


def _second_pass(space: np.ndarray, labels: np.ndarray, threshold: float | None, *,
                 keep_members: bool) -> tuple[np.ndarray, list[str]]:
    """Place every fragment with `place` against the clusters' centroids; labels change in place."""
    scores = np.zeros(len(labels))
    passes = np.where(labels >= 0, "core", "none").astype(object)
    if labels.max() < 0:
        return scores, list(passes)
    placed, scores = place(space @ centroids(space, labels).T, labels, threshold, keep_members=keep_members)
    passes[(labels < 0) & (placed >= 0)] = "assigned"
    passes[(labels >= 0) & (placed < 0)] = "none"
    labels[:] = placed
    return scores, list(passes)


def place(similarity: np.ndarray, labels: np.ndarray, threshold: float | None, *,
          keep_members: bool) -> tuple[np.ndarray, np.ndarray]:
    """The one rule that puts fragments into scenarios: `(labels, scores)` from `similarity` to centroids.

    A fragment outside every cluster (label -1) joins its nearest centroid when the cosine reaches
    `threshold`. A cluster member stays when its cosine to its own centroid does, or always when
    `keep_members` (HDBSCAN's core points are dense by construction). `threshold=None` keeps the
    clusterer's labels as they are. The cluster stage's second pass and `assign` both call this,
    with the threshold stored in the run.
    """
    labels = labels.copy()
    nearest, best = similarity.argmax(axis=1), similarity.max(axis=1)
    members = labels >= 0
    scores = best.astype(float)
    scores[members] = similarity[np.flatnonzero(members), labels[members]]
    if threshold is None:
        return labels, np.where(members, scores, 0.0)
    joining = ~members & (best >= threshold)
    labels[joining] = nearest[joining]
    if not keep_members:
        labels[members & (scores < threshold)] = -1
    return labels, scores


def _original_centroids(
    store: Store, embedder_id: str, rows: dict[str, int], core: np.ndarray
) -> tuple[np.ndarray, dict[str, set[str]], dict[str, np.ndarray]]:
    """Centroids in the embedder's space of the new clusters and of the previous run's clusters.

    One streamed pass; they are compared across runs, whose projections differ.
    """
    old_members = previous_clusters(store)
    origin_of = {h: o for o, hs in old_members.items() for h in hs}
    old_ids = sorted(old_members)
    old_index = {o: i for i, o in enumerate(old_ids)}
    dim = embedding_dim(store, embedder_id)
    new_sums = np.zeros((int(core.max()) + 1, dim))
    old_sums = np.zeros((len(old_ids), dim))
    for hashes, matrix in iter_vectors(store, embedder_id):
        new_label = np.array([core[rows[h]] if h in rows else -1 for h in hashes])
        old_label = np.array([old_index[origin_of[h]] if h in origin_of else -1 for h in hashes])
        new_sums += label_sums(matrix, new_label, len(new_sums))
        old_sums += label_sums(matrix, old_label, len(old_sums))
    unit = normalise_rows(new_sums, np.float64)
    old_unit = normalise_rows(old_sums, np.float64)
    return unit, old_members, {o: old_unit[old_index[o]] for o in old_ids if old_sums[old_index[o]].any()}


@dataclass
class _Run:
    embedder_id: str
    clusterer: Clusterer
    options: ClusterOptions
    hashes: list[str]
    labels: np.ndarray
    scores: np.ndarray
    passes: list[str]
    projection: Projection
    origins: list[str]  # stable ids as matched, before people's merges
    ids: list[str]      # after merges: what the scenario is called now
    centres: np.ndarray        # per cluster, embedder space
    space_centres: np.ndarray  # per cluster, clustering space


def _write_run(store: Store, run: _Run, seconds: float, chatter: list[str], sequence: int) -> int:
    scenario_ids = sorted(set(run.ids))
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO runs (embedder, clusterer, config, fragments, scenarios, unassigned, seconds, created_at, "
            "space) VALUES (?,?,?,?,?,?,?,?,?)",
            (run.embedder_id, run.clusterer.name, run_config(run.clusterer, run.options), len(run.hashes),
             len(scenario_ids), run.passes.count("none"), seconds, now(), run.projection.to_bytes()),
        )
        run_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO memberships (run_id, hash, scenario_id, origin, score, pass) VALUES (?,?,?,?,?,?)",
            [(run_id, h, run.ids[label] if label >= 0 else None, run.origins[label] if label >= 0 else None,
              float(score), p) for h, label, score, p in zip(run.hashes, run.labels, run.scores, run.passes)]
            + [(run_id, h, None, None, 0.0, "chatter") for h in chatter],
        )
        conn.executemany(
            "INSERT INTO scenarios (run_id, id, centroid, space_centroid) VALUES (?,?,?,?)",
            [(run_id, sid, _mean_of(run.centres, run.ids, sid), _mean_of(run.space_centres, run.ids, sid))
             for sid in scenario_ids],
        )
        store.set_meta("scenario_seq", str(sequence))
        update_sizes(conn, run_id)
    return run_id


def _mean_of(centres: np.ndarray, ids: list[str], scenario_id: str) -> bytes:
    """Centroid of a scenario that may have absorbed merged clusters."""
    rows = [c for c, sid in enumerate(ids) if sid == scenario_id]
    mean = centres[rows].mean(axis=0)
    return (mean / (np.linalg.norm(mean) or 1)).astype(np.float32).tobytes()


def update_sizes(conn: Any, run_id: int) -> None:
    """Size of each scenario in distinct stories and clients (a chatty interview counts once)."""
    conn.execute(
        """UPDATE scenarios SET
             fragments = (SELECT count(*) FROM memberships m JOIN fragments f ON f.hash = m.hash
                          WHERE m.run_id = scenarios.run_id AND m.scenario_id = scenarios.id),
             stories = (SELECT count(DISTINCT f.story_id) FROM memberships m JOIN fragments f ON f.hash = m.hash
                        WHERE m.run_id = scenarios.run_id AND m.scenario_id = scenarios.id),
             clients = (SELECT count(DISTINCT coalesce(s.client, s.id)) FROM memberships m
                        JOIN fragments f ON f.hash = m.hash JOIN stories s ON s.id = f.story_id
                        WHERE m.run_id = scenarios.run_id AND m.scenario_id = scenarios.id)
           WHERE run_id = ?""",
        (run_id,),
    )


def latest_run(store: Store) -> int:
    """Id of the newest run; raises when there is none."""
    row = store.conn.execute("SELECT max(id) FROM runs").fetchone()
    if not row or row[0] is None:
        raise ScenariosError("Сценариев ещё нет: выполните scenarios cluster.")
    return int(row[0])


