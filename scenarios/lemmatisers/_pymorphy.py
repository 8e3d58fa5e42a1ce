"""pymorphy3 lemmatisers: the project default (with context) and the first-parse baseline."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from ._base import Lemmatiser, Token

#: Bumped whenever a rule changes lemmas, so stored outputs keyed by `id` are recomputed.
RULES_VERSION = 1


def stop_words_tag(domain_stop_words: bool, extra_stop_words: Iterable[str], keep_words: Iterable[str]) -> str:
    """A short id suffix for non-default stop words; empty for the defaults."""
    extra, keep = sorted({w.lower() for w in extra_stop_words}), sorted({w.lower() for w in keep_words})
    if domain_stop_words and not extra and not keep:
        return ""
    digest = hashlib.sha1(repr((domain_stop_words, extra, keep)).encode()).hexdigest()[:8]
    return f"+sw{digest}"


def stop_words_config(domain_stop_words: bool, extra_stop_words: Iterable[str],
                      keep_words: Iterable[str]) -> dict[str, Any]:
    """The stop-word parameters as a lemmatiser's `config` records them."""
    return {"domain_stop_words": domain_stop_words, "extra_stop_words": sorted(extra_stop_words),
            "keep_words": sorted(keep_words)}


def core_options(domain_stop_words: bool, extra_stop_words: Iterable[str], keep_words: Iterable[str]) -> dict[str, Any]:
    """Stop and keep words for `RussianLemmatizer`.

    Dropped: the general stop words, the domain's (words and phrases) unless turned off, and
    `extra_stop_words`.
    Kept even when their form or lemma is listed: `MEANINGFUL` and `keep_words`.
    """
    from ..lang.ru.spelling import with_yo_variants
    from ..lang.ru.stop_words import DOMAIN_STOP_PHRASES, DOMAIN_STOP_WORDS, MEANINGFUL, STOP_WORDS

    extra, keep = with_yo_variants(extra_stop_words), with_yo_variants(keep_words)
    stop = STOP_WORDS | DOMAIN_STOP_WORDS if domain_stop_words else STOP_WORDS
    return {
        "stop_words": (stop | extra) - keep,
        "keep_words": (MEANINGFUL - extra) | keep,
        "stop_phrases": DOMAIN_STOP_PHRASES if domain_stop_words else frozenset(),
    }


class PymorphyLemmatiser(Lemmatiser):
    """razdel + pymorphy3 with cheap context rules (`scenarios.lemmatisers._russian`).

    Args:
        context: pick among pymorphy3's readings by neighbours and apply UD conventions; off gives
            pymorphy3's first parse (the `pymorphy-first` baseline).
        domain_stop_words: also drop interview chatter (`DOMAIN_STOP_WORDS`).
        extra_stop_words: more words (forms or lemmas) to drop, e.g. the client's bank name.
        keep_words: stop words to keep, e.g. `["спасибо", "очень"]`.

    Examples:
        >>> [t.lemma for t in PymorphyLemmatiser().lemmatise(["Не перезвонили"])[0]]
        ['не', 'перезвонить']
    """

    def __init__(
        self,
        *,
        context: bool = True,
        domain_stop_words: bool = True,
        extra_stop_words: Sequence[str] = (),
        keep_words: Sequence[str] = (),
    ) -> None:
        from ._russian import RULES, RussianLemmatizer

        options = core_options(domain_stop_words, extra_stop_words, keep_words)
        self.core = RussianLemmatizer(rules=RULES if context else (), **options)
        self.name = "pymorphy" if context else "pymorphy-first"
        version = f"ctx{RULES_VERSION}" if context else RULES_VERSION
        self.id = f"{self.name}:{version}" + stop_words_tag(domain_stop_words, extra_stop_words, keep_words)
        self.config = {"context": context, **stop_words_config(domain_stop_words, extra_stop_words, keep_words)}

    def lemmatise(self, texts: Sequence[str]) -> list[list[Token]]:
        """Return the tokens of each text, in order, with offsets into that text."""
        core = self.core
        return [core(text) for text in texts]


def first_parse(**params: object) -> PymorphyLemmatiser:
    """The baseline: pymorphy3's first parse of each word, no context, no UD conventions."""
    return PymorphyLemmatiser(context=False, **params)  # type: ignore[arg-type]
