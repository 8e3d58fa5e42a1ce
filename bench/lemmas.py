"""Lemma accuracy and speed on UD Russian GSD (test): the default against the baselines.

Each sentence is rebuilt from its gold tokens (with `SpaceAfter=No`) and fed to every system as
plain text, so each tokenises it its own way. A gold token scores when the system has a token with
exactly its character span and a lemma equal to the gold one, compared lower-cased with `ё` = `е`;
a gold token the system split or merged differently counts as wrong for that system (the
`aligned` column shows how often that happens). Punctuation (UPOS PUNCT) is not scored.
Speed is gold tokens (punctuation included) per second with caches warm (after a first pass), one
thread, the fastest of `--repeat` passes.

Usage:
    .venv/bin/python bench/lemmas.py             # default, first parse, spaCy, slovnet
    .venv/bin/python bench/lemmas.py --ablate    # also the default without each of its rules
    .venv/bin/python bench/lemmas.py --half 2    # only the second half of the sentences
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import print_table, require_shared_data  # noqa: E402

from scenarios.lang.ru.spelling import fold  # noqa: E402  (lemmas compare lower-cased with ё = е)

CONLLU = "ud_ru_gsd_test.conllu"
POS_COLUMNS = ["NOUN", "VERB", "ADJ", "PROPN"]

# (start, end, lemma) of every token a system returns for one text
Spans = list[tuple[int, int, str]]
System = Callable[[Sequence[str]], list[Spans]]
Gold = list[tuple[int, int, str, str]]  # (start, end, lemma, upos)


def read_conllu(path: Path) -> list[tuple[str, Gold]]:
    """Sentences as (text rebuilt from the tokens, gold tokens with offsets into it)."""
    sentences: list[tuple[str, Gold]] = []
    text, gold = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            if gold:
                sentences.append((text.rstrip(), gold))
            text, gold = "", []
            continue
        cols = line.split("\t")
        if line.startswith("#") or "-" in cols[0] or "." in cols[0]:
            continue
        start = len(text)
        text += cols[1]
        gold.append((start, len(text), cols[2], cols[3]))
        if "SpaceAfter=No" not in cols[9]:
            text += " "
    if gold:
        sentences.append((text.rstrip(), gold))
    return sentences


def score(sentences: list[tuple[str, Gold]], outputs: list[Spans]) -> tuple[Counter[str], Counter[str], int]:
    """Correct and total counts per UPOS (and "ALL"), and how many gold tokens had a system token."""
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    aligned = 0
    for (_, gold), spans in zip(sentences, outputs, strict=True):
        by_span = {(s, e): lemma for s, e, lemma in spans}
        for start, end, lemma, upos in gold:
            if upos == "PUNCT":
                continue
            total[upos] += 1
            total["ALL"] += 1
            predicted = by_span.get((start, end))
            if predicted is None:
                continue
            aligned += 1
            if fold(predicted) == fold(lemma):
                correct[upos] += 1
                correct["ALL"] += 1
    return correct, total, aligned


def ours(lemmatiser: Any) -> System:
    """A `Lemmatiser` as a system, named with its id."""

    def run(texts: Sequence[str]) -> list[Spans]:
        return [[(t.start, t.end, t.lemma) for t in tokens] for tokens in lemmatiser.lemmatise(texts)]

    run.id = getattr(lemmatiser, "id", "")  # type: ignore[attr-defined]

    return run


def spacy_pymorphy3() -> System:
    """`spacy.blank("ru")` with its pymorphy3 lemmatizer (no tagger, so spaCy's lookup mode)."""
    import spacy

    nlp = spacy.blank("ru")
    nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    nlp.initialize()

    def run(texts: Sequence[str]) -> list[Spans]:
        return [[(t.idx, t.idx + len(t.text), t.lemma_) for t in doc] for doc in nlp.pipe(texts)]

    return run


def systems(ablate: bool) -> dict[str, Callable[[], System]]:
    """Factories of the systems to compare, by name: each is built just before it is measured,
    so one system's memory does not slow the next one's garbage collection."""
    from scenarios.lemmatisers import lemmatisers
    from scenarios.lemmatisers._russian import RULES, RussianLemmatizer

    found: dict[str, Callable[[], System]] = {
        name: (lambda name=name: ours(lemmatisers.create(name))) for name in ["pymorphy", "pymorphy-first", "slovnet"]
    }
    found["spacy.blank(ru)+pymorphy3"] = spacy_pymorphy3
    if ablate:
        for rule in sorted(RULES):
            found[f"pymorphy without {rule}"] = lambda rule=rule: ours(_Wrap(RussianLemmatizer(rules=RULES - {rule})))
    return found


class _Wrap:
    """A bare `RussianLemmatizer` with the `lemmatise` method of a `Lemmatiser`."""

    def __init__(self, core: Callable[[str], list]) -> None:
        self.core = core

    def lemmatise(self, texts: Sequence[str]) -> list:
        return [self.core(t) for t in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ablate", action="store_true", help="also the default without each rule")
    parser.add_argument("--half", type=int, choices=[1, 2], help="only the first or second half of the sentences")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the fastest counts")
    args = parser.parse_args()

    path = require_shared_data() / CONLLU
    if not path.exists():
        print(f"skipped: {path} not found", file=sys.stderr)
        raise SystemExit(0)
    sentences = read_conllu(path)
    if args.half:
        middle = len(sentences) // 2
        sentences = sentences[:middle] if args.half == 1 else sentences[middle:]
    texts = [text for text, _ in sentences]
    n_tokens = sum(len(gold) for _, gold in sentences)

    rows = []
    for name, build in systems(args.ablate).items():
        try:
            system = build()
        except Exception as exc:  # an optional system that is not installed
            print(f"skipped {name}: {exc}", file=sys.stderr)
            continue
        outputs = system(texts)  # first pass: fills caches, gives the lemmas
        seconds = float("inf")
        for _ in range(args.repeat):  # the best of a few passes: other processes share the machine
            gc.collect()
            started = time.perf_counter()
            system(texts)
            seconds = min(seconds, time.perf_counter() - started)
        lemmatiser_id = getattr(system, "id", "")
        del system
        gc.collect()
        correct, total, aligned = score(sentences, outputs)
        row: dict[str, object] = {"system": f"{name} ({lemmatiser_id})" if lemmatiser_id else name}
        for pos in ["ALL", *POS_COLUMNS]:
            row[pos.lower() if pos == "ALL" else pos] = f"{100 * correct[pos] / max(total[pos], 1):.2f}"
        row["aligned"] = f"{100 * aligned / max(total['ALL'], 1):.1f}"
        row["tokens/s"] = f"{n_tokens / seconds:,.0f}"
        rows.append(row)
    print(f"UD Russian GSD test: {len(sentences)} sentences, {total['ALL']} scored tokens (no PUNCT)\n")
    print_table(rows)


if __name__ == "__main__":
    main()
