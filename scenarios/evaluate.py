"""Score a run against gold labels per story (the `scenarios eval` command).

Each story is scored by its main scenario: the one holding most of its fragments (ties: the
scenario with the smaller id), or "unassigned" when none of its fragments is in a scenario.
Metrics are reported on assigned stories and on all stories (unassigned as one class).

Gold rows match stories by an id column (the stories' `external_id`) or, in a file without one
(such as a table of reviews with `text,theme`), by text: a story's id is the hash of its
normalised text, so a row names its story exactly as `add` stored it.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import InputError
from .stages.cluster import latest_run
from .store import Store
from .textnorm import content_hash, normalise

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


class Gold(dict[str, str]):
    """Gold label per story key; `by` says what the keys are: `external_id` or `id` (from the text)."""

    def __init__(self, labels: Mapping[str, str], by: str = "external_id") -> None:
        super().__init__(labels)
        self.by = by


def story_scenarios(store: Store, run_id: int | None = None, *, by: str = "external_id") -> dict[str, str]:
    """Story key (`external_id`, or `id`) -> main scenario id (or UNASSIGNED) for every story with one."""
    if by not in ("external_id", "id"):
        raise ValueError(f"by must be external_id or id, not {by!r}")
    run_id = run_id or latest_run(store)
    counts: dict[str, Counter[str]] = {}
    stories = {r["id"]: r[by] for r in store.query(f"SELECT id, {by} FROM stories")}
    rows = store.conn.execute(
        "SELECT f.story_id, m.scenario_id FROM fragments f JOIN memberships m ON m.hash = f.hash AND m.run_id = ? "
        "WHERE m.scenario_id IS NOT NULL",
        (run_id,))
    for story_id, scenario in rows:
        counts.setdefault(story_id, Counter())[scenario] += 1
    result = {}
    for story_id, key in stories.items():
        if key is None:
            continue
        votes = counts.get(story_id)
        result[key] = min(votes, key=lambda s: (-votes[s], s)) if votes else UNASSIGNED
    return result


#: Text columns tried, in order, when the gold file has no id column (as `add` reads tables).
TEXT_COLUMNS = ("text", "текст", "отзыв", "review", "comment", "ответ")


def read_gold(path: str | Path, id_column: str = "id", label_column: str = "label", *,
              text_column: str | None = None) -> Gold:
    """Gold label per story from a CSV; the first row of a story wins (its main label).

    Rows match stories by `id_column` when the file has it, else by `text_column` (default: the
    first of :data:`TEXT_COLUMNS` present), hashed as `add` hashes a story's text.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            by_text = text_column is not None or id_column not in columns
            key_column = (text_column or next((c for c in columns if c.lower() in TEXT_COLUMNS), None)
                          if by_text else id_column)
            missing = sorted({label_column, key_column or id_column} - set(columns))
            if missing:
                raise InputError(f"{path}: нет колонок {', '.join(missing)}; есть: {', '.join(columns)}. "
                                 "Строки сопоставляются с историями по колонке id (--id-column) или по тексту "
                                 "(--text-column).")
            gold: dict[str, str] = {}
            for row in reader:
                key = row[key_column] or ""
                if by_text:
                    key = content_hash(normalise(key))
                gold.setdefault(key, row[label_column])
            return Gold(gold, "id" if by_text else "external_id")
    except FileNotFoundError:
        raise InputError(f"Файл {path} не найден.") from None


def evaluate(predicted: Mapping[str, str], gold: Mapping[str, str]) -> Evaluation:
    """Clustering metrics of `predicted` against `gold` over the ids both know."""
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, homogeneity_completeness_v_measure

    ids = sorted(set(predicted) & set(gold))
    if not ids:
        raise InputError("Ни одна строка файла разметки не совпала с историей в хранилище "
                         "(ни по id, ни по тексту).")
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
