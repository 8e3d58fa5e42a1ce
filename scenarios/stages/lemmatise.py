"""The lemmatise stage: lemmas and token spans for every distinct fragment text.

Stored per `(fragment hash, lemmatiser id)`: the lemma string (content lemmas, negation fused as
`не_перезвонить`) that search and labels use, and the token spans, so a quote can later be
highlighted by lemma. The search index folds ё to е, so «еще» finds «ещё».
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence

from ..errors import ComponentError
from ..lang.ru.spelling import fold
from ..lemmatisers._base import Lemmatiser, Token, lemma_string
from ..store import Store
from ..threads import single_blas_thread
from ._base import StageReport, batches, done_count, pending, register_component, texts_of

Progress = Callable[[int, int], None]
STOP, WORD, NEGATED = 1, 2, 4


def lemmatise(
    store: Store, lemmatiser: Lemmatiser, *, batch_size: int = 500, progress: Progress | None = None
) -> StageReport:
    """Lemmatise every fragment that has no lemmas from `lemmatiser` yet, a batch per transaction.

    The batches run under one BLAS thread: slovnet's tagger is numpy matrix products, whose
    OpenBLAS threads spin against each other and against other processes on shared cores
    (measured on 500 real fragments under load: 0.8-0.9 CPU-seconds with one thread, 1.2-2.4 with
    two, and never slower in wall time). pymorphy3 is pure Python and unaffected.
    """
    register_component(store, "lemmatiser", lemmatiser.name, lemmatiser.id, lemmatiser.config,
                       recipe=lemmatiser.recipe)
    todo = pending(store, "lemmas", "lemmatiser", lemmatiser.id)
    already = done_count(store, "lemmas", "lemmatiser", lemmatiser.id)
    start, done = time.perf_counter(), 0
    if progress:
        progress(0, len(todo))
    with single_blas_thread():
        for chunk in batches(todo, batch_size):
            done += _lemmatise_batch(store, lemmatiser, chunk)
            if progress:
                progress(done, len(todo))
    return StageReport(lemmatiser.id, done, already, time.perf_counter() - start)


def _lemmatise_batch(store: Store, lemmatiser: Lemmatiser, chunk: Sequence[str]) -> int:
    """Lemmatise one batch of hashes and commit it; return its size."""
    texts = texts_of(store, chunk)
    tokens = lemmatiser.lemmatise(texts)
    if len(tokens) != len(texts):
        raise ComponentError(f"Лемматизатор {lemmatiser.id} вернул {len(tokens)} результатов на {len(texts)} текстов.")
    rows = [(h, lemmatiser.id, lemma_string(t), encode_tokens(t)) for h, t in zip(chunk, tokens, strict=True)]
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO lemmas (hash, lemmatiser, lemmas, tokens) VALUES (?,?,?,?)", rows)
        conn.executemany(
            "INSERT INTO lemmas_fts (lemmas, hash, lemmatiser) VALUES (?,?,?)",
            [(fold(r[2]), r[0], r[1]) for r in rows],
        )
    return len(chunk)


def encode_tokens(tokens: Sequence[Token]) -> str:
    """Compact JSON: `[[start, end, lemma, pos, flags], ...]` with flags STOP|WORD|NEGATED."""
    return json.dumps(
        [[t.start, t.end, t.lemma, t.pos, STOP * t.is_stop | WORD * t.is_word | NEGATED * t.negated] for t in tokens],
        ensure_ascii=False, separators=(",", ":"),
    )


def decode_tokens(data: str) -> list[Token]:
    """Tokens back from `encode_tokens`."""
    return [Token(s, e, lemma, pos, bool(f & STOP), bool(f & WORD), bool(f & NEGATED))
            for s, e, lemma, pos, f in json.loads(data)]


def search_query(lemmatiser: Lemmatiser, query: str) -> str | None:
    """An FTS5 query matching fragments that contain every content word of `query` by lemma.

    A negated word must appear negated ("не перезвонили" finds only "не перезвонят"); a plain word
    matches with or without negation ("перезвонить" finds "не перезвонили" too).
    """
    terms = lemma_string(lemmatiser.lemmatise([query])[0]).split()
    if not terms:
        return None
    return " AND ".join('"' + fold(term).replace("_", " ").replace('"', "") + '"' for term in terms)
