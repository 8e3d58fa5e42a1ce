"""What describing a scenario works on: its member fragments, with text, lemmas and vector.

The describe stage builds these from the store; the describers (labels, quotes, kind, companies)
are plain functions over them, so they can be tested and reused without a store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lemmatisers import Token


@dataclass(frozen=True)
class Member:
    """One fragment of a scenario, traceable to its story: `story text[start:end] == text`."""

    fragment_id: str
    story_id: str
    turn: int | None
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]
    vector: np.ndarray
    client: str | None = None
    date: str | None = None
