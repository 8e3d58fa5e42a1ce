"""Read stories back: list and search them, show one with its turns, count what each stage did.

Plain functions over the store, shared by the CLI, the web page and notebooks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

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


def list_stories(
    store: Store, *, search: str | None = None, channel: str | None = None, limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Stories newest first, optionally by full-text `search` (every word, prefix match)."""
    where, params = [], []
    if search:
        words = _FTS_WORD.findall(search)
        if not words:
            return []
        where.append("s.rowid IN (SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?)")
        params.append(" ".join(f'"{w}"*' for w in words))
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
    return {
        "store": str(store.path),
        "schema_version": int(store.meta("schema_version") or 0),
        "files": store.count("files"),
        "stories": store.count("stories"),
        "turns": store.count("turns"),
        "client_turns": store.count("turns", "role = 'client'"),
        "fragments": store.count("fragments"),
        "channels": {row["channel"]: row["n"] for row in by_channel},
        "first_date": dates["first"],
        "last_date": dates["last"],
    }
