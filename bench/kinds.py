"""Kind accuracy on real sentences: per sentence and per gold scenario, and cross-validated.

Data: `../shared/data/banki_scenario_sentences.csv` (690 sentences from banki.ru reviews, 26 gold
scenarios of the five kinds plus 64 `none`, which have no kind and are left out). Each sentence is
a describe `Member` (pymorphy lemmas, e5 vectors cached under `--cache`), and the company finder
knows the sentence's own bank (its `bank` column), as a project's config would.

* per sentence: each sentence's kind on its own (`KindClassifier.classify_each`);
* per gold scenario, as a cluster: `classify(members)` of its sentences;
* per gold scenario, majority: the most frequent per-sentence kind.

The shipped seeds and cues were written from the kind definitions after reading this set's
scenario descriptions, so its figures flatter them. The cross-validated rows fit a regression on
the sentences of half the gold scenarios of each kind (alternate scenarios in name order, then
swapped; and `--splits` random halves) and test it on the other half: what a classifier learnt
from labelled speech does on scenarios it has never seen.

    .venv/bin/python bench/kinds.py
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table, require_shared_data  # noqa: E402
from companies import SLUGS  # noqa: E402
from describe import CachedEmbedder  # noqa: E402

from scenarios.embedders import normalise_rows  # noqa: E402


def load(data: Path, cache: Path) -> tuple[list[dict[str, str]], list, CachedEmbedder]:
    """Kind-labelled rows, their members and the caching embedder."""
    from scenarios.describers._base import Member
    from scenarios.lemmatisers import lemmatisers

    with (data / "banki_scenario_sentences.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] != "none"]
    embedder = CachedEmbedder("e5", cache)
    texts = [r["text"] for r in rows]
    tokens = lemmatisers.create("pymorphy").lemmatise(texts)
    vectors = embedder.embed(texts)
    members = [Member(r["sid"], r["sid"], None, 0, len(r["text"]), r["text"], tuple(t), v)
               for r, t, v in zip(rows, tokens, vectors, strict=True)]
    return rows, members, embedder


def score(rows: list[dict[str, str]], members: list, predict_each, predict_group) -> dict[str, str]:
    """Accuracy per sentence, per gold scenario as a cluster and by majority."""
    each = predict_each(members, rows)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[r["scenario"]].append(i)
    cluster = [predict_group([members[i] for i in g], [rows[i] for i in g]) == rows[g[0]]["kind"]
               for g in groups.values()]
    majority = [Counter(each[i] for i in g).most_common(1)[0][0] == rows[g[0]]["kind"] for g in groups.values()]
    right = [p == r["kind"] for p, r in zip(each, rows, strict=True)]
    return {"sentences": f"{np.mean(right):.3f} ({sum(right)}/{len(right)})",
            "scenarios (cluster)": f"{np.mean(cluster):.3f} ({sum(cluster)}/{len(cluster)})",
            "scenarios (majority)": f"{np.mean(majority):.3f}"}


def by_bank(classifier_for):
    """Predictors that give each sentence's classifier its own bank."""
    def each(members, rows):
        out = [""] * len(members)
        banks = defaultdict(list)
        for i, r in enumerate(rows):
            banks[r["bank"]].append(i)
        for bank, idx in banks.items():
            for i, kind in zip(idx, classifier_for(bank).classify_each([members[i] for i in idx]), strict=True):
                out[i] = kind
        return out

    def group(members, rows):
        bank = Counter(r["bank"] for r in rows).most_common(1)[0][0]
        return classifier_for(bank).classify(members).kind
    return each, group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/scenarios-bench"))
    parser.add_argument("--splits", type=int, default=10)
    args = parser.parse_args()
    from scenarios.describers.companies import CompanyFinder
    from scenarios.describers.kinds import KindClassifier, load_kinds

    rows, members, embedder = load(require_shared_data(), args.cache)
    kinds = load_kinds()
    finders: dict[str, CompanyFinder] = {}

    def finder(bank: str) -> CompanyFinder:
        return finders.setdefault(bank, CompanyFinder(own=SLUGS.get(bank, bank), ner=False))

    variants = {
        "seeds regression alone": dict(cue_weight=0),
        "cues alone": dict(embedding_weight=0),
        "regression + cues": {},
        "regression + cues + named competitors (default)": {"named": True},
    }
    table = []
    for name, params in variants.items():
        named = params.pop("named", False)
        base = {bank: None for bank in {r["bank"] for r in rows}}

        def make(bank: str, params=params, named=named, base=base):
            if base[bank] is None:
                base[bank] = KindClassifier(embedder if params.get("embedding_weight", 1) else None, kinds,
                                            companies=finder(bank) if named else None, **params)
            return base[bank]
        table.append({"variant": name, **score(rows, members, *by_bank(make))})
    table += cross_validated(rows, members, kinds, finder, args.splits)
    print_table(table)


def cross_validated(rows, members, kinds, finder, splits: int) -> list[dict[str, str]]:
    """A regression on half the gold scenarios' sentences (+ cues), tested on the other half."""
    from sklearn.linear_model import LogisticRegression

    from scenarios.describers.kinds import KindClassifier

    names = [k.name for k in kinds]
    by_kind: dict[str, list[str]] = defaultdict(list)
    for scenario in sorted({(r["kind"], r["scenario"]) for r in rows}):
        by_kind[scenario[0]].append(scenario[1])
    halves = []
    alternate = {s for group in by_kind.values() for s in group[::2]}
    halves += [alternate, {r["scenario"] for r in rows} - alternate]
    rng = random.Random(0)
    for _ in range(splits):
        half = {s for group in by_kind.values() for s in rng.sample(group, len(group) // 2)}
        halves.append(half)
    cues = {bank: KindClassifier(None, kinds, embedding_weight=0, companies=finder(bank)) for bank in
            {r["bank"] for r in rows}}
    X = normalise_rows(np.stack([m.vector for m in members]))
    cue = np.stack([cues[r["bank"]].cue_matrix([m])[0] for r, m in zip(rows, members, strict=True)])
    out = []
    for label, weight in (("CV: dev-fitted regression alone", 0.0), ("CV: dev-fitted regression + cues", 1.0)):
        accs, scen = [], []
        for train in halves:
            fit = [i for i, r in enumerate(rows) if r["scenario"] in train]
            test = [i for i, r in enumerate(rows) if r["scenario"] not in train]
            model = LogisticRegression(C=3.0, max_iter=5000).fit(X[fit], [names.index(rows[i]["kind"]) for i in fit])
            logits = model.predict_log_proba(X[test]) + weight * cue[test]
            accs.append(np.mean([names[int(p)] == rows[i]["kind"] for p, i in zip(logits.argmax(1), test)]))
            groups: dict[str, list[int]] = defaultdict(list)
            for j, i in enumerate(test):
                groups[rows[i]["scenario"]].append(j)
            scen.append(np.mean([names[int(logits[g].mean(0).argmax())] == rows[test[g[0]]]["kind"]
                                 for g in groups.values()]))
        out.append({"variant": f"{label} ({len(halves)} halves)", "sentences": f"{np.mean(accs):.3f}",
                    "scenarios (cluster)": f"{np.mean(scen):.3f}", "scenarios (majority)": "—"})
    return out


if __name__ == "__main__":
    main()
