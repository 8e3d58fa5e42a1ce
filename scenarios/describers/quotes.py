"""Representative quotes of a scenario: central, readable, and not saying the same thing twice.

A manager trusts a scenario when a handful of clients' own words show it. Picking the k fragments
closest to the centroid gives k near-copies of one phrasing; maximal marginal relevance (MMR, as in
KeyBERT) trades closeness to the centroid against closeness to the quotes already chosen, so the
quotes show the scenario's range. Quotes are never edited: a quote is a `Member`, and its `text` is
the story's own slice.

Every choice is deterministic: candidates are ordered by fragment id and scores are rounded before
comparison, so shuffling the members never changes the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ..embedders import normalise_rows
from ..lang.ru.spelling import fold
from ._base import Member

#: Quote lengths a manager reads at a glance: a one-word "Да." or a 400-character monologue rarely
#: shows a scenario. Outside them a quote loses `LENGTH_PENALTY`, plus as much per 100 characters.
QUOTE_CHARS = (30, 300)
#: Penalties are in standard deviations of the scenario's closeness to its centroid, because
#: embedders spread cosines differently (e5 packs a scenario within ~0.1, hashed trigrams ~0.5).
LENGTH_PENALTY = 1.0
#: Lost by a quote cut mid-sentence (the splitter cuts an over-long sentence at a comma).
INCOMPLETE_PENALTY = 1.0
#: Scores are compared at this many decimals, so float noise never decides a tie.
DECIMALS = 6
#: Lost by a quote whose tone goes against its scenario's (see `tone_penalties`).
TONE_PENALTY = 1.0

_TRAILING = re.compile(r"[\s\"'»”)\]\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]+$")
_CUT_END = re.compile(r"[,;:\-–—(«\"]$")
_ENCLOSED = re.compile(r"([«\"“„])(.+?)[»\"”“]([.!?…]?)", re.DOTALL)


def is_complete(text: str) -> bool:
    """True when `text` ends a sentence, or ends where the client stopped talking.

    A fragment ends at a sentence end or at the end of the client's turn, except when the splitter
    had to cut an over-long sentence, which leaves a comma, a colon or a dash at the end.
    """
    stripped = _TRAILING.sub("", text)
    return bool(stripped) and not _CUT_END.search(stripped)


def length_penalty(text: str, bounds: tuple[int, int] = QUOTE_CHARS) -> float:
    """How far `text` is outside `bounds` characters, as a score to subtract."""
    low, high = bounds
    excess = max(low - len(text), len(text) - high, 0)
    return LENGTH_PENALTY * (1 + excess / 100) if excess else 0.0


def quality_penalty(member: Member, bounds: tuple[int, int] = QUOTE_CHARS) -> float:
    """What a member loses as a quote for its length and for being cut mid-sentence."""
    return length_penalty(member.text, bounds) + (0.0 if is_complete(member.text) else INCOMPLETE_PENALTY)


def relevance(members: Sequence[Member], centroid: np.ndarray) -> np.ndarray:
    """Cosine of each member's vector to `centroid` (vectors need not be normalised)."""
    vectors = normalise_rows(np.stack([m.vector for m in members]), dtype=np.float64)
    direction = np.asarray(centroid, dtype=np.float64)
    norm = np.linalg.norm(direction)
    return vectors @ (direction / norm) if norm else np.zeros(len(members))


def spread(scores: np.ndarray) -> float:
    """The standard deviation of `scores`, the unit of penalties; a small constant when flat."""
    return float(np.std(scores)) or 0.05


def choose_quotes(
    members: Sequence[Member],
    centroid: np.ndarray,
    *,
    k: int = 5,
    min_k: int = 3,
    max_k: int = 7,
    diversity: float = 0.3,
    pinned: Iterable[str] = (),
    penalties: Mapping[str, float] | None = None,
) -> list[Member]:
    """Pick `k` quotes (kept within `min_k`..`max_k`) by MMR, pinned fragment ids first.

    Each step takes the member maximising
    `(1 - diversity) * cos(member, centroid) - diversity * max cos(member, chosen) - penalty`,
    where the penalty is `quality_penalty` (length outside `QUOTE_CHARS`, a cut sentence) times
    the standard deviation of the members' closeness, so it weighs alike for any embedder. One
    quote per story is taken while other stories have candidates; when that leaves fewer than
    `min_k` quotes, further quotes may come from stories already quoted. Texts already quoted
    (the same words in another story) are skipped. Pinned ids that are not among `members` are
    ignored: a pin outlives re-clustering, the fragment may have moved to another scenario.
    `penalties` (fragment id -> standard deviations) lowers members that do not fit, e.g. praise
    in a scenario of complaints (see :func:`tone_penalties`).

    Returns the chosen members: pinned ones in their pinned order, then in order of choice.
    """
    pool = sorted(members, key=lambda m: m.fragment_id)
    if not pool:
        return []
    want = min(max(k, min_k), max_k, len(pool))
    vectors = normalise_rows(np.stack([m.vector for m in pool]), dtype=np.float64)
    closeness = relevance(pool, centroid)
    extra = penalties or {}
    gain = (1 - diversity) * closeness - spread(closeness) * np.array(
        [quality_penalty(m) + extra.get(m.fragment_id, 0.0) for m in pool])
    index = {m.fragment_id: i for i, m in enumerate(pool)}
    chosen = list(dict.fromkeys(index[f] for f in pinned if f in index))[:max_k]
    for one_per_story in (True, False):
        target = want if one_per_story else min(max(min_k, len(chosen)), want)
        while len(chosen) < target:
            best = _next(pool, vectors, gain, chosen, diversity, one_per_story)
            if best is None:
                break
            chosen.append(best)
    return [pool[i] for i in chosen]


def tone_penalties(members: Sequence[Member], scores: Sequence[float],
                   penalty: float = TONE_PENALTY) -> dict[str, float]:
    """Members whose tone goes against the scenario's: praise where most toned members complain.

    `scores` are the members' tone scores (> 0 praise, < 0 complaint). When one side has at least
    twice the members of the other, members of the other side lose `penalty` standard deviations:
    an operator's praise is not quoted under a scenario of unanswered calls.
    """
    praise = sum(s > 0 for s in scores)
    complaint = sum(s < 0 for s in scores)
    if praise >= 2 * max(complaint, 1):
        return {m.fragment_id: penalty for m, s in zip(members, scores, strict=True) if s < 0}
    if complaint >= 2 * max(praise, 1):
        return {m.fragment_id: penalty for m, s in zip(members, scores, strict=True) if s > 0}
    return {}


def display_text(text: str) -> str:
    """A quote as a page shows it inside its own «…»: without the client's enclosing quotation marks.

    A fragment that is itself a quotation («Уже неделю жду…». or "Жду неделю") would read
    ««Уже неделю жду…».» inside the page's guillemets: its enclosing marks go, and guillemets
    inside become the nested „…“ of Russian typography. The stored quote stays verbatim; this is
    only how it is displayed.
    """
    stripped = text.strip()
    match = _ENCLOSED.fullmatch(stripped)
    if match and not re.search(r"[«»\"“”„]", match.group(2)):
        return match.group(2).strip()
    return stripped.replace("«", "„").replace("»", "“")


def _next(
    pool: Sequence[Member], vectors: np.ndarray, gain: np.ndarray, chosen: list[int], diversity: float,
    one_per_story: bool,
) -> int | None:
    """The best MMR candidate not yet chosen, or None when none is allowed."""
    stories = {pool[i].story_id for i in chosen}
    texts = {_norm(pool[i].text) for i in chosen}
    redundancy = (vectors @ vectors[chosen].T).max(axis=1) if chosen else np.zeros(len(pool))
    scores = np.round(gain - diversity * redundancy, DECIMALS)
    for i in np.argsort(-scores, kind="stable"):
        member = pool[i]
        if i not in chosen and not (one_per_story and member.story_id in stories) and _norm(member.text) not in texts:
            return int(i)
    return None


def _norm(text: str) -> str:
    return " ".join(fold(text).split())

