"""Score a run against gold labels per story (the `scenarios eval` command).

Each story is scored by its main scenario: the one holding most of its fragments (ties: the
scenario with the smaller id), or "unassigned" when none of its fragments is in a scenario.
Metrics are reported on assigned stories and on all stories (unassigned as one class).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from .cluster import latest_run
from .errors import InputError
from .store import Store

UNASSIGNED = "—"


@dataclass(frozen=True)
class Evaluation:
    """Agreement of a run's story scenarios with gold labels."""

    v_measure: float
    homogeneity: float
    completeness: float
    ari: float
    ami: float
    v_measure_all: float
    ari_all: float
    ami_all: float
    assigned_share: float
    n_scenarios: int
    n_stories: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def story_scenarios(store: Store, run_id: int | None = None) -> dict[str, str]:
    """external_id -> main scenario id (or UNASSIGNED) for every story with an external id."""
    run_id = run_id or latest_run(store)
    counts: dict[str, Counter[str]] = {}
    stories = {r["id"]: r["external_id"] for r in store.query("SELECT id, external_id FROM stories")}
    rows = store.conn.execute(
        "SELECT f.story_id, m.scenario_id FROM fragments f JOIN memberships m ON m.hash = f.hash AND m.run_id = ? "
        "WHERE m.scenario_id IS NOT NULL",
        (run_id,))
    for story_id, scenario in rows:
        counts.setdefault(story_id, Counter())[scenario] += 1
    result = {}
    for story_id, external in stories.items():
        if external is None:
            continue
        votes = counts.get(story_id)
        result[external] = min(votes, key=lambda s: (-votes[s], s)) if votes else UNASSIGNED
    return result


def read_gold(path: str | Path, id_column: str, label_column: str) -> dict[str, str]:
    """Gold label per id from a CSV; the first row of an id wins (a story's main label)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {id_column, label_column} - set(reader.fieldnames or [])
            if missing:
                have = ", ".join(reader.fieldnames or [])
                raise InputError(f"{path}: нет колонок {', '.join(sorted(missing))}; есть: {have}.")
            gold: dict[str, str] = {}
            for row in reader:
                gold.setdefault(row[id_column], row[label_column])
            return gold
    except FileNotFoundError:
        raise InputError(f"Файл {path} не найден.") from None


def evaluate(predicted: Mapping[str, str], gold: Mapping[str, str]) -> Evaluation:
    """Clustering metrics of `predicted` against `gold` over the ids both know."""
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, homogeneity_completeness_v_measure

    ids = sorted(set(predicted) & set(gold))
    if not ids:
        raise InputError("Ни один id из файла разметки не совпал с external_id историй в хранилище.")
    truth = [gold[i] for i in ids]
    pred = [predicted[i] for i in ids]
    assigned = [k for k, p in enumerate(pred) if p != UNASSIGNED]
    t_a, p_a = [truth[k] for k in assigned], [pred[k] for k in assigned]
    h, c, v = homogeneity_completeness_v_measure(t_a, p_a) if assigned else (0.0, 0.0, 0.0)
    return Evaluation(
        v_measure=v, homogeneity=h, completeness=c,
        ari=adjusted_rand_score(t_a, p_a) if assigned else 0.0,
        ami=adjusted_mutual_info_score(t_a, p_a) if assigned else 0.0,
        v_measure_all=homogeneity_completeness_v_measure(truth, pred)[2],
        ari_all=adjusted_rand_score(truth, pred), ami_all=adjusted_mutual_info_score(truth, pred),
        assigned_share=len(assigned) / len(ids), n_scenarios=len(set(p_a)), n_stories=len(ids),
    )
