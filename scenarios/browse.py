"""Read stories back: list and search them, show one with its turns, count what each stage did.

Plain functions over the store, shared by the CLI, the web page and notebooks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .lemmatisers._base import Lemmatiser
from .stages.lemmatise import search_query
from .store import Store

_FTS_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class StoryView:
    """A story with its turns and fragments, as `show` prints it."""

    story: dict[str, Any]
    turns: list[dict[str, Any]]
    fragments: list[dict[str, Any]]

    def speech(self, turn: dict[str, Any]) -> str:
        """The text of one turn, sliced from the story by its span."""
        return str(self.story["text"][turn["start"]:turn["end"]])


def story_heading(story: dict[str, Any]) -> str:
    """How people name a story: «Интервью · 4 февраля 2026 · Кирилл Орлов» (channel, date, client).

    A file name is never the heading; a story with none of the three is «История без даты».
    """
    from .digest.words import channel_name, date_label

    parts = [channel_name(story.get("channel"), one=True).capitalize(), date_label(story.get("date")),
             (story.get("client") or "").strip()]
    shown = [p for p in parts if p]
    return " · ".join(shown) if shown else "История без даты"


def own_title(story: dict[str, Any]) -> str | None:
    """The story's own title; a file stem standing in for one (`2026-02-18_morozov-ilya`) is none."""
    title = (story.get("title") or "").strip()
    if not title or title == story.get("external_id"):
        return None
    return title


def list_stories(
    store: Store, *, search: str | None = None, channel: str | None = None, limit: int = 20,
    offset: int = 0, lemmatiser: Lemmatiser | None = None,
) -> list[dict[str, Any]]:
    """Stories newest first, optionally filtered by `search`.

    With a `lemmatiser` whose lemmas are in the store, search matches client fragments by lemma
    ("перезвонить" finds "не перезвонили", "перезвонят"); otherwise it matches story text by word
    prefix.
    """
    where: list[str] = []
    params: list[Any] = []
    if search:
        clause = _lemma_clause(store, lemmatiser, search) or _text_clause(search)
        if clause is None:
            return []
        where.append(clause[0])
        params.extend(clause[1])
    if channel:
        where.append("s.channel = ?")
        params.append(channel)
    sql = (
        "SELECT s.id, s.external_id, s.date, s.channel, s.client, s.title, s.chars, "
        "coalesce((SELECT substr(f.text, 1, 200) FROM fragments f WHERE f.story_id = s.id "
        "ORDER BY f.idx LIMIT 1), substr(s.text, 1, 200)) AS opening, "
        "(SELECT count(*) FROM turns t WHERE t.story_id = s.id) AS turns, "
        "(SELECT count(*) FROM fragments f WHERE f.story_id = s.id) AS fragments "
        "FROM stories s" + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY s.date IS NULL, s.date DESC, s.created_at DESC, s.id LIMIT ? OFFSET ?"
    )
    return store.query(sql, (*params, limit, offset))


def _lemma_clause(store: Store, lemmatiser: Lemmatiser | None, search: str) -> tuple[str, list[Any]] | None:
    if lemmatiser is None or not store.count("lemmas", "lemmatiser = ?", (lemmatiser.id,)):
        return None
    query = search_query(lemmatiser, search)
    if query is None:
        return None
    return ("s.id IN (SELECT f.story_id FROM fragments f WHERE f.hash IN (SELECT hash FROM lemmas_fts "
            "WHERE lemmas_fts MATCH ? AND lemmatiser = ?))", [query, lemmatiser.id])


def _text_clause(search: str) -> tuple[str, list[Any]] | None:
    words = _FTS_WORD.findall(search)
    if not words:
        return None
    return ("s.rowid IN (SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?)",
            [" ".join(f'"{w}"*' for w in words)])


def get_story(store: Store, ref: str) -> StoryView:
    """One story by id, id prefix or external id, with turns and fragments in order."""
    story_id = store.resolve_story(ref)
    story = store.query("SELECT * FROM stories WHERE id = ?", (story_id,))[0]
    story["metadata"] = json.loads(story["metadata"]) if story["metadata"] else {}
    turns = store.query("SELECT * FROM turns WHERE story_id = ? ORDER BY idx", (story_id,))
    fragments = store.query("SELECT * FROM fragments WHERE story_id = ? ORDER BY idx", (story_id,))
    return StoryView(story, turns, fragments)


def status(store: Store) -> dict[str, Any]:
    """Counts per stage and a short profile of the corpus."""
    by_channel = store.query(
        "SELECT coalesce(channel, '—') AS channel, count(*) AS n FROM stories GROUP BY 1 ORDER BY 2 DESC"
    )
    dates = store.query("SELECT min(date) AS first, max(date) AS last FROM stories")[0]
    per_component = {
        table: {row["c"]: row["n"] for row in store.query(
            f"SELECT [{column}] AS c, count(*) AS n FROM [{table}] GROUP BY 1 ORDER BY 1")}
        for table, column in (("lemmas", "lemmatiser"), ("vectors", "embedder"))
    }
    return {
        "store": str(store.path),
        "schema_version": int(store.meta("schema_version") or 0),
        "files": store.count("files"),
        "stories": store.count("stories"),
        "turns": store.count("turns"),
        "client_turns": store.count("turns", "role = 'client'"),
        "fragments": store.count("fragments"),
        "distinct_fragments": store.query("SELECT count(DISTINCT hash) AS n FROM fragments")[0]["n"],
        "lemmatised": per_component["lemmas"],
        "embedded": per_component["vectors"],
        "channels": {row["channel"]: row["n"] for row in by_channel},
        "first_date": dates["first"],
        "last_date": dates["last"],
    }
