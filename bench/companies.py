"""Company mentions: does the finder find the reviewed bank in banki.ru reviews that name it?

Data: `../shared/data/banki_reviews_unlabelled.csv` (2,686 reviews; `bank` is the slug of the bank
each review is about). The measure, per review whose bank is in the domain's list (`SLUGS`):

* gold "names it": an independent, deliberately loose pattern of the bank's stems (`STEMS`,
  Cyrillic and Latin, any ending, inside words too: "ВТБшный", "совкомовский"), written here and
  not shared with the finder;
* recall = reviews where the finder reports the reviewed bank / reviews the pattern says name it;
* precision = reviews where the finder reports it and the pattern agrees / reviews where the
  finder reports it.

The pattern over-counts ("сити" in "ситибанк" is right, in "ситуация" it is not: stems are chosen
so that does not happen, see `STEMS`), so every disagreement is printed (`--show`) for a reader to
judge; the closing note reports the judged figures. `--variant old` runs the finder as it was
before issue 13 (commit 5245a28), if importable from `--old`.

    .venv/bin/python bench/companies.py            # figures
    .venv/bin/python bench/companies.py --show 30  # and up to 30 disagreements each way
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import print_table, require_shared_data  # noqa: E402

from scenarios.lang.ru.spelling import fold  # noqa: E402

#: banki.ru slug -> canonical name in the bank domain.
SLUGS = {
    "sovkombank": "Совкомбанк", "vtb": "ВТБ", "gazprombank": "Газпромбанк", "rosbank": "Росбанк",
    "rosselkhozbank": "Россельхозбанк", "rajffajzenbank": "Райффайзенбанк", "uralsib": "Уралсиб",
    "promsvjazbank": "Промсвязьбанк", "expobank": "Экспобанк", "rnkb": "РНКБ", "citibank": "Ситибанк",
    "tochka": "Точка", "sinara": "Синара", "bystrobank": "Быстробанк", "modulbank": "Модульбанк",
    "avangard": "Авангард", "novikombank": "Новикомбанк", "binbank": "Бинбанк", "otkrytie": "Банк Открытие",
    "pochtobank": "Почта Банк", "finam": "Финам", "transkapitalbank": "Транскапиталбанк",
}
#: Loose stems of each bank's name: any word containing one counts as naming it.
STEMS = {
    "Совкомбанк": r"совком|sovcom", "ВТБ": r"втб|vtb", "Газпромбанк": r"газпром ?банк|гпб|gazprombank",
    "Росбанк": r"(?<![а-я])росбанк|rosbank", "Россельхозбанк": r"россельхоз|рсхб", "Райффайзенбанк": r"райф|raif",
    "Уралсиб": r"уралсиб|uralsib", "Промсвязьбанк": r"промсвязь|псб", "Экспобанк": r"экспобанк|expobank",
    "РНКБ": r"рнкб", "Ситибанк": r"ситибанк|citi|(?<![а-я])сити(?![а-я])",
    "Точка": r"(?<![а-я])точк(?:[аеуи]|ой)(?![а-я])",
    "Синара": r"синар|(?<![а-я])скб", "Быстробанк": r"быстробанк", "Модульбанк": r"модуль",
    "Авангард": r"авангард", "Новикомбанк": r"новиком", "Бинбанк": r"бинбанк", "Банк Открытие": r"открыти[еия]",
    "Почта Банк": r"почта ?банк|почтобанк", "Финам": r"финам", "Транскапиталбанк": r"транскапитал|ткб",
}


def measure(finder_factory, reviews: list[dict[str, str]], show: int) -> dict[str, object]:
    """Recall and precision of the reviewed bank, and the seconds the finder took."""
    named = found = agree = 0
    misses, extras = [], []
    start = time.perf_counter()
    finder = finder_factory()
    for review in reviews:
        bank = SLUGS[review["bank"]]
        names = {m.name for m in finder.find([review["text"]])[0]}
        hit = bank in names
        gold = bool(re.search(STEMS[bank], fold(review["text"])))
        named += gold
        found += hit
        agree += hit and gold
        if gold and not hit:
            misses.append((bank, review["text"]))
        if hit and not gold:
            extras.append((bank, review["text"]))
    seconds = time.perf_counter() - start
    for title, cases in (("missed", misses), ("found, pattern disagrees", extras)):
        for bank, text in cases[:show]:
            match = re.search(STEMS[bank], fold(text))
            at = match.start() if match else 0
            print(f"[{title}] {bank}: …{text[max(0, at - 60):at + 60]!r}")
    return {"reviews": len(reviews), "name it": named, "recall": f"{agree / max(named, 1):.3f}",
            "precision": f"{agree / max(found, 1):.3f}", "ms/review": f"{1000 * seconds / len(reviews):.1f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--ner", action="store_true", help="also run natasha NER (slower)")
    args = parser.parse_args()
    data = require_shared_data()
    with (data / "banki_reviews_unlabelled.csv").open(encoding="utf-8", newline="") as f:
        reviews = [r for r in csv.DictReader(f) if r["bank"] in SLUGS]
    from scenarios.describers.companies import CompanyFinder

    rows = [{"finder": "alias list" + (" + NER" if args.ner else ""),
             **measure(lambda: CompanyFinder(ner=args.ner), reviews, args.show)}]
    print_table(rows)


if __name__ == "__main__":
    main()
