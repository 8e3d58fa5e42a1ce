"""The cluster stage: embedded fragments -> a run of scenarios with stable ids.

Deterministic: fragments enter in hash order, the representation and clusterer are seeded or
exact, and clusters are numbered by size, so the same fragments give the same scenarios whatever
order they were added in. Fragments that fit no scenario stay unassigned and are counted; an
optional second pass gives an outlier to its nearest scenario when the similarity is high enough.
A scenario that matches one of the previous run (shared members, or a near-identical centroid)
keeps its id, so names, pins and merges made by people survive re-clustering.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clusterers import Clusterer
from .embed import load_vectors
from .errors import ScenariosError
from .represent import Projection, Representation
from .stage import active
from .store import Store, now


@dataclass(frozen=True)
class ClusterOptions:
    """Options of a cluster run beyond the clusterer's own parameters."""

    representation: Representation = field(default_factory=Representation)
    min_words: int = 5                     # fragments with fewer content lemmas are chatter, not stories
    assign_threshold: float | None = 0.35  # cosine in the clustering space; None = no second pass
    match_overlap: float = 0.3            # Jaccard of members to keep a previous scenario's id
    match_centroid: float = 0.9           # or cosine of centroids (original space)

    @property
    def config(self) -> dict[str, Any]:
        return {"representation": self.representation.config, "min_words": self.min_words,
                "assign_threshold": self.assign_threshold,
                "match_overlap": self.match_overlap, "match_centroid": self.match_centroid}


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
    """
    options = options or ClusterOptions()
    embedder_id = embedder_id or active(store, "embedder")
    if not embedder_id:
        raise ScenariosError("Нет эмбеддингов: сначала выполните scenarios embed.")
    start = time.perf_counter()
    hashes, vectors = _fragment_vectors(store, embedder_id)
    config = run_config(clusterer, options)
    if not force and (same := _same_as_latest(store, embedder_id, config, hashes)):
        return same
    hashes, vectors, chatter = _without_chatter(store, hashes, vectors, options.min_words)
    if len(hashes) < 2:
        raise ScenariosError("Слишком мало фрагментов для кластеризации: добавьте истории.")
    projection = options.representation.fit(vectors)
    space = projection.transform(vectors)
    labels = canonical_labels(np.asarray(clusterer.fit(space)), hashes)
    if len(labels) != len(hashes):
        raise ScenariosError(f"Кластеризатор {clusterer.name} вернул {len(labels)} меток на {len(hashes)} векторов.")
    core = labels.copy()
    scores, passes = _second_pass(space, labels, options.assign_threshold if clusterer.finds_outliers else None)
    ids, kept = _stable_ids(store, hashes, labels, vectors, options)
    run = _Run(embedder_id, clusterer, options, hashes, labels, core, scores, passes, vectors, space, projection,
               origins=ids, ids=apply_merges(store, ids))
    run_id = _write_run(store, run, time.perf_counter() - start, chatter)
    unassigned = int((labels == -1).sum())
    return RunReport(run_id, len(hashes), len(set(run.ids)), unassigned, kept, time.perf_counter() - start)


def run_config(clusterer: Clusterer, options: ClusterOptions) -> str:
    """The run's parameters as stored (canonical JSON), so two runs can be compared."""
    return json.dumps({"clusterer": {"name": clusterer.name, **clusterer.config}, **options.config}, sort_keys=True)


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


def _fragment_vectors(store: Store, embedder_id: str) -> tuple[list[str], np.ndarray]:
    """Vectors of hashes that still have fragments, in hash order."""
    hashes, vectors = load_vectors(store, embedder_id)
    live = {row[0] for row in store.conn.execute("SELECT DISTINCT hash FROM fragments")}
    keep = [i for i, h in enumerate(hashes) if h in live]
    if len(keep) != len(hashes):
        hashes, vectors = [hashes[i] for i in keep], vectors[keep]
    return hashes, vectors


def _without_chatter(
    store: Store, hashes: list[str], vectors: np.ndarray, min_words: int
) -> tuple[list[str], np.ndarray, list[str]]:
    """Set aside fragments with fewer than `min_words` content lemmas ("Хорошо, спасибо.").

    Measured on the demo corpus: without this, greetings and thanks from call transcripts form
    the largest "scenario" (73 stories). Needs lemmas; without them nothing is set aside.
    """
    lemmatiser = active(store, "lemmatiser")
    if not min_words or not lemmatiser:
        return hashes, vectors, []
    words = dict(store.conn.execute("SELECT hash, lemmas FROM lemmas WHERE lemmatiser = ?", (lemmatiser,)))
    keep = [i for i, h in enumerate(hashes) if h not in words or len(words[h].split()) >= min_words]
    chatter = [h for h in hashes if h in words and len(words[h].split()) < min_words]
    return [hashes[i] for i in keep], vectors[keep], chatter


def canonical_labels(labels: np.ndarray, hashes: Sequence[str]) -> np.ndarray:
    """Renumber clusters by size (largest 0), ties by their smallest hash; -1 stays -1."""
    clusters = [c for c in np.unique(labels) if c != -1]
    def key(c: int) -> tuple[int, str]:
        members = np.flatnonzero(labels == c)
        return -len(members), min(hashes[i] for i in members)

    order = sorted(clusters, key=key)
    mapping = {c: i for i, c in enumerate(order)} | {-1: -1}
    return np.array([mapping[c] for c in labels], dtype=int)


def centroids(space: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Unit-length mean of each cluster's rows, in label order."""
    k = int(labels.max()) + 1
    sums = np.zeros((k, space.shape[1]))
    np.add.at(sums, labels[labels >= 0], space[labels >= 0])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return sums / np.where(norms == 0, 1, norms)


def _second_pass(space: np.ndarray, labels: np.ndarray, threshold: float | None) -> tuple[np.ndarray, list[str]]:
    """Score members by similarity to their centroid; give outliers above `threshold` to the nearest."""
    scores = np.zeros(len(labels))
    passes = ["core" if label >= 0 else "none" for label in labels]
    if labels.max() < 0:
        return scores, passes
    similarity = space @ centroids(space, labels).T
    nearest, best = similarity.argmax(axis=1), similarity.max(axis=1)
    for i, label in enumerate(labels):
        if label >= 0:
            scores[i] = similarity[i, label]
        elif threshold is not None and best[i] >= threshold:
            labels[i], scores[i], passes[i] = nearest[i], best[i], "assigned"
    return scores, passes


def _stable_ids(
    store: Store, hashes: list[str], labels: np.ndarray, vectors: np.ndarray, options: ClusterOptions
) -> tuple[list[str], int]:
    """An id per cluster: the previous run's id when it matches, else a new one."""
    k = int(labels.max()) + 1
    members = [set(np.array(hashes)[labels == c]) for c in range(k)]
    centres = centroids(vectors, labels) if k else np.zeros((0, vectors.shape[1]))
    previous = store.query("SELECT id FROM runs ORDER BY id DESC LIMIT 1")
    candidates: list[tuple[float, int, str]] = []
    if previous:
        run = previous[0]["id"]
        # Match against the previous run's clusters as found (`origin`), before people merged them,
        # so a cluster merged by hand is recognised again and the merge re-applied.
        old_members: dict[str, set[str]] = {}
        core = "SELECT origin, hash FROM memberships WHERE run_id = ? AND pass = 'core' AND origin IS NOT NULL"
        for origin, h in store.conn.execute(core, (run,)):
            old_members.setdefault(origin, set()).add(h)
        hash_index = {h: i for i, h in enumerate(hashes)}
        for c in range(k):
            for old_id, theirs in sorted(old_members.items()):
                overlap = len(members[c] & theirs) / len(members[c] | theirs)
                rows = [hash_index[h] for h in theirs if h in hash_index]
                centre = vectors[rows].mean(axis=0) if rows else None
                cosine = float(centres[c] @ centre / (np.linalg.norm(centre) or 1)) if centre is not None else 0.0
                if overlap >= options.match_overlap or cosine >= options.match_centroid:
                    candidates.append((max(overlap, cosine - 1 + options.match_overlap), c, old_id))
    ids: list[str | None] = [None] * k
    taken: set[str] = set()
    for _, c, old_id in sorted(candidates, key=lambda t: (-t[0], t[1], t[2])):
        if ids[c] is None and old_id not in taken:
            ids[c], taken = old_id, taken | {old_id}
    kept = sum(i is not None for i in ids)
    sequence = int(store.meta("scenario_seq") or 0)
    for c in range(k):
        if ids[c] is None:
            sequence += 1
            ids[c] = f"S{sequence:03d}"
    with store.transaction():
        store.set_meta("scenario_seq", str(sequence))
    return [str(i) for i in ids], kept


@dataclass
class _Run:
    embedder_id: str
    clusterer: Clusterer
    options: ClusterOptions
    hashes: list[str]
    labels: np.ndarray
    core: np.ndarray
    scores: np.ndarray
    passes: list[str]
    vectors: np.ndarray
    space: np.ndarray
    projection: Projection
    origins: list[str]  # stable ids as matched, before people's merges
    ids: list[str]      # after merges: what the scenario is called now


def _write_run(store: Store, run: _Run, seconds: float, chatter: list[str]) -> int:
    has_core = run.core.max() >= 0
    centres = centroids(run.vectors, run.core) if has_core else np.zeros((0, run.vectors.shape[1]))
    space_centres = centroids(run.space, run.core) if has_core else np.zeros((0, run.space.shape[1]))
    scenario_ids = sorted(set(run.ids))
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO runs (embedder, clusterer, config, fragments, scenarios, unassigned, seconds, created_at, "
            "space) VALUES (?,?,?,?,?,?,?,?,?)",
            (run.embedder_id, run.clusterer.name, run_config(run.clusterer, run.options), len(run.hashes),
             len(scenario_ids), int((run.labels == -1).sum()), seconds, now(), run.projection.to_bytes()),
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
            [(run_id, sid, _mean_of(centres, run.ids, sid), _mean_of(space_centres, run.ids, sid))
             for sid in scenario_ids],
        )
        update_sizes(conn, run_id)
    return run_id


def _mean_of(centres: np.ndarray, ids: list[str], scenario_id: str) -> bytes:
    """Centroid of a scenario that may have absorbed merged clusters."""
    rows = [c for c, sid in enumerate(ids) if sid == scenario_id]
    mean = centres[rows].mean(axis=0)
    return (mean / (np.linalg.norm(mean) or 1)).astype(np.float32).tobytes()


def apply_merges(store: Store, ids: list[str]) -> list[str]:
    """Replace ids merged by people (`scenarios merge`) with the id they were merged into."""
    merged = dict(store.conn.execute("SELECT scenario_id, merged_into FROM curation WHERE merged_into IS NOT NULL"))

    def target(sid: str) -> str:
        seen = set()
        while sid in merged and sid not in seen:
            seen.add(sid)
            sid = merged[sid]
        return sid

    return [target(sid) for sid in ids]


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


