"""Domain data: what clients of one industry say, chosen by config (`[describe] domain = "bank"`).

Language data (true of any Russian text: kind titles and definitions, stop words) lives in
:mod:`scenarios.lang.ru`; a domain adds what only its industry's clients say: seed phrases and
lemma cues per kind, and the companies they name, each with its industry, so that competitors
(the own company's industry) stand apart from phone makers and shops. A domain is a module
`scenarios.domains.<name>` exposing `DOMAIN`; another package's domain is named by its import
path (`[describe] domain = "mypackage.telecom"`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from ..errors import ConfigError

DEFAULT_DOMAIN = "bank"


@dataclass(frozen=True)
class Domain:
    """One industry's data.

    Attributes:
        name: How config names it.
        industry: The industry of the user's own company; companies of it are competitors.
        seeds: Kind -> first-person phrases a client could say.
        cues: Kind -> lemma phrases that mark the kind.
        companies: Canonical name -> the ways clients write it (dictionary forms, Latin spellings).
        industries: Canonical name -> its industry ("bank", "telecom", "retail", "tech").
        exact_case: Aliases that are also ordinary words: counted only as written and not at a
            sentence start ("Открытие", "Точка", "Магнит").
        handles: Social-media handles and hashtags (folded, without `@`/`#`) -> canonical name,
            for those not spelled like an alias ("ru_mts", "megafonru").
        label_stop_words: Lemmas every scenario of the industry says, which a label never shows
            alone or in a term («Банк · клиентов · вопрос»).
    """

    name: str
    industry: str
    seeds: Mapping[str, tuple[str, ...]]
    cues: Mapping[str, tuple[str, ...]]
    companies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    industries: Mapping[str, str] = field(default_factory=dict)
    exact_case: frozenset[str] = frozenset()
    handles: Mapping[str, str] = field(default_factory=dict)
    label_stop_words: frozenset[str] = frozenset()


@cache
def load_domain(name: str = DEFAULT_DOMAIN) -> Domain:
    """The domain called `name`: a built-in (`bank`) or a module path exposing `DOMAIN`."""
    path = name if "." in name else f"{__name__}.{name}"
    try:
        module = importlib.import_module(path)
    except ModuleNotFoundError:
        raise ConfigError(f"Предметная область «{name}» не найдена (есть: {DEFAULT_DOMAIN}). "
                          "Проверьте [describe] domain в настройках.") from None
    domain = getattr(module, "DOMAIN", None)
    if not isinstance(domain, Domain):
        raise ConfigError(f"Модуль {path} не задаёт предметную область (нет DOMAIN).")
    return domain


__all__ = ["DEFAULT_DOMAIN", "Domain", "load_domain"]
