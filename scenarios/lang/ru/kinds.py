"""The five kinds of a scenario, as Russian language data: a title and a definition per kind.

Pure data, free of any industry: what a client of a bank, a housing company or a telecom says
falls into the same five kinds. The seed phrases and lemma cues that recognise a kind in one
industry's speech are domain data (:mod:`scenarios.domains`, e.g. `domains/bank/kinds.py`),
chosen by config (`[describe] domain = "bank"`); a project adds or overrides kinds in its config
(`[kinds.<name>] title, description, seeds, cues`).

The definitions follow the project brief:

- choice: how they chose the company and justified the choice;
- service: how their dealings went (service, delays, support);
- product: what they think of the product and how they use it;
- competitors: what friends and competitors offer and what they think of it;
- life: what they live by, their hopes and fears.
"""

from __future__ import annotations

#: The kinds in the order a digest lists them.
KIND_NAMES: tuple[str, ...] = ("choice", "service", "product", "competitors", "life")

#: What a manager reads for each kind.
KIND_TITLES: dict[str, str] = {
    "choice": "Выбор",
    "service": "Сервис",
    "product": "Продукт",
    "competitors": "Конкуренты",
    "life": "Жизнь",
}

#: One sentence per kind, a manager's definition; embedded beside the domain's seeds.
KIND_DEFINITIONS: dict[str, str] = {
    "choice": "Как клиент выбрал компанию и чем объясняет свой выбор.",
    "service": "Как шло обслуживание: сотрудники, поддержка, сроки и задержки, решение вопросов клиента.",
    "product": "Что клиент думает о продукте компании и как им пользуется.",
    "competitors": "Что предлагают другие компании, которыми пользуются клиент и его близкие, и что он о них думает.",
    "life": "Чем клиент живёт: его семья, работа, здоровье, планы, надежды и страхи.",
}
