"""What readers produce: a story record before it is normalised, or a rejection.

Kept apart from the readers so the web page, a notebook and the CLI can build records directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Story fields a record may carry besides the text; anything else goes to `metadata`.
FIELDS = ("external_id", "source", "channel", "client", "date", "title")


@dataclass
class StoryRecord:
    """One story as read from an input, with `where` naming its place for messages."""

    text: str
    external_id: str | None = None
    source: str | None = None
    channel: str | None = None
    client: str | None = None
    date: str | None = None
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class Rejection:
    """Input that was not stored, and why, in words a manager understands."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason
