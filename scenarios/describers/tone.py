"""Tone per scenario: the share of its members that praise and the share that complain.

Shown beside a scenario's size so a manager sees at once whether clients thank or grumble; never
an input to clustering (a scenario is what clients talk about, not how they feel about it).

The method is the cheapest that was measured to work: a lemma lexicon
(:mod:`scenarios.lang.ru.tone`), negation flipping a word's side, a member praising when it has
more praise than complaint words and complaining in the opposite case. Measured at review level
on `banki_reviews_unlabelled.csv` (1-2 stars = complaint, 4-5 = praise, 3 left out;
`bench/describe.py`): see :data:`COMPLAINT_WEIGHT`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..lang.ru.spelling import fold
from ..lang.ru.tone import ALWAYS_COMPLAINT, COMPLAINT, PRAISE
from ..lemmatisers import Token
from ._base import Member

#: A complaint word weighs this much against a praise word: angry reviews still thank ("спасибо
#: за ответ") and call things "удобно" in passing. On the 2,686 rated reviews 1.5 gave 0.79
#: accuracy (1 gave 0.74: complaints were missed), 0.90 on the reviews it decides (88% of them).
COMPLAINT_WEIGHT = 1.5


@dataclass(frozen=True)
class Tone:
    """Shares (0..1) of a scenario's members that praise and that complain."""

    praise: float
    complaint: float


def tone_score(tokens: Sequence[Token], complaint_weight: float = COMPLAINT_WEIGHT) -> float:
    """Praise words minus weighted complaint words of one text; a negated word counts for the other side."""
    praise = complaint = 0
    for token in tokens:
        if not token.is_word:
            continue
        lemma = fold(token.lemma)
        if lemma in ALWAYS_COMPLAINT:
            complaint += 1
        elif lemma in PRAISE:
            complaint, praise = (complaint + 1, praise) if token.negated else (complaint, praise + 1)
        elif lemma in COMPLAINT:
            complaint, praise = (complaint, praise + 1) if token.negated else (complaint + 1, praise)
    return praise - complaint_weight * complaint


def scenario_tone(members: Sequence[Member], scores: Sequence[float] | None = None) -> Tone:
    """The praise and complaint shares of `members` (0, 0 for none); `scores` if already computed."""
    if not members:
        return Tone(0.0, 0.0)
    scores = [tone_score(m.tokens) for m in members] if scores is None else scores
    return Tone(sum(s > 0 for s in scores) / len(scores), sum(s < 0 for s in scores) / len(scores))
