"""What `bench/quality.py` reports beyond V/ARI/AMI: mirror pairs, chatter, and mood per scenario.

* mirror pairs of `banki_scenario_sentences` (one story, opposite stance): a pair separates when
  the two gold scenarios' sentences end up, by majority, in different scenarios;
* `none` handling: the share of the 64 chatter sentences kept out of every scenario;
* rating per scenario (`banki_reviews_unlabelled`): the largest scenario's share of stories and
  each scenario's star distribution, so a scenario that is "the happy reviews" shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from scenarios.evaluate import UNASSIGNED
from scenarios.store import Store

MIRROR_PAIRS = (("rude_staff", "polite_staff_explained"),
                ("hotline_unreachable", "support_chat_solves_quickly"),
                ("app_glitches", "app_convenient"))


def mirror_pairs(predicted: Mapping[str, str], gold: Mapping[str, str]) -> str:
    """`2/3 (rude_staff|polite_staff_explained: yes, ...)`: which mirror pairs land apart."""
    results = []
    for a, b in MIRROR_PAIRS:
        tops = []
        for scenario in (a, b):
            votes = Counter(p for i, p in predicted.items() if gold.get(i) == scenario and p != UNASSIGNED)
            tops.append(votes.most_common(1)[0][0] if votes else None)
        results.append(tops[0] is not None and tops[1] is not None and tops[0] != tops[1])
    return f"{sum(results)}/{len(results)} (" + ", ".join(
        f"{a}|{b}: {'yes' if ok else 'NO'}" for (a, b), ok in zip(MIRROR_PAIRS, results)) + ")"


def none_kept_out(predicted: Mapping[str, str], labels: Mapping[str, str]) -> float:
    """Share of `none` rows whose story is in no scenario."""
    none = [i for i, label in labels.items() if label == "none" and i in predicted]
    return sum(predicted[i] == UNASSIGNED for i in none) / max(1, len(none))


def rating_by_scenario(store: Store, run_id: int, rating: Mapping[str, str]) -> list[dict[str, object]]:
    """One row per scenario: stories, their share of all stories, and the star distribution."""
    total = store.count("stories")
    rows = store.conn.execute(
        """SELECT m.scenario_id, s.external_id FROM memberships m JOIN fragments f ON f.hash = m.hash
           JOIN stories s ON s.id = f.story_id WHERE m.run_id = ? AND m.scenario_id IS NOT NULL
           GROUP BY m.scenario_id, s.id""", (run_id,)).fetchall()
    stories: dict[str, list[str]] = {}
    for scenario, external in rows:
        stories.setdefault(scenario, []).append(external)
    labels = dict(store.conn.execute("SELECT id, coalesce(label, id) FROM scenarios WHERE run_id = ?", (run_id,)))
    table = []
    for scenario, members in sorted(stories.items(), key=lambda kv: -len(kv[1])):
        stars = Counter(rating.get(e, "?") for e in members)
        table.append({"scenario": f"{scenario} {labels.get(scenario, '')}"[:60], "stories": len(members),
                      "share": f"{len(members) / total:.1%}",
                      **{f"{s}★": f"{stars.get(str(s), 0) / len(members):.0%}" for s in range(1, 6)}})
    return table
