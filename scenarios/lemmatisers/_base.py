"""The lemmatiser contract: texts in, tokens with lemmas out.

A lemmatiser only looks at text; the `lemmatise` stage feeds it fragments from the
store and writes what it returns back, keyed by fragment hash and the lemmatiser's `id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple


class Token(NamedTuple):
    """One token of a text: `text[start:end]`, its lemma and the flags later stages use.

    `negated` marks a word under a preceding `не`/`ни`/`нет` ("не перезвонили" -> the token
    "перезвонили" is negated), so labels keep "не перезвонить" apart from "перезвонить".

    A named tuple, not a frozen dataclass: describe decodes every member's tokens from the store,
    and decoding the 374k tokens of 10.5k fragments took 1.4 s as frozen dataclasses, 0.6 s so.
    """

    start: int
    end: int
    lemma: str
    pos: str | None = None
    is_stop: bool = False
    is_word: bool = True
    negated: bool = False


class Lemmatiser:
    """Base of lemmatisers.

    Examples:
        >>> from scenarios.lemmatisers import lemmatisers
        >>> lemmatiser = lemmatisers.create("pymorphy")
        >>> [t.lemma for t in lemmatiser.lemmatise(["Не перезвонили"])[0]]
        ['не', 'перезвонить']
    """

    #: The registered name it was created under (`pymorphy`, `slovnet`...).
    name: str = "base"
    #: Stable identity of the component and its parameters; stored with every output row.
    id: str = "base"
    #: The parameters that make `id`, stored with the component so a run can cite them.
    config: dict[str, Any] = {}
    #: `(name, params)` it was built from, so the stage records how to build it again.
    recipe: tuple[str, dict[str, Any]] | None = None

    def lemmatise(self, texts: Sequence[str]) -> list[list[Token]]:
        """Return the tokens of each text, in order, with offsets into that text."""
        raise NotImplementedError


def lemma_string(tokens: Sequence[Token]) -> str:
    """Content lemmas of a text joined by spaces, negation fused as `не_перезвонить`.

    This is what full-text search indexes and what labels are mined from: stop words and
    punctuation are dropped, but a negated word keeps its `не_` so that "не работает" never
    becomes "работать".
    """
    words = []
    for token in tokens:
        if not token.is_word or token.is_stop:
            continue
        words.append(f"не_{token.lemma}" if token.negated else token.lemma)
    return " ".join(words)
