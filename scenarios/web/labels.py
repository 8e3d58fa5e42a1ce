"""Russian names the pages show for channels, roles and scenario kinds, and scenario colours."""

from __future__ import annotations

import re
import zlib

from ..overview import KIND_NAMES, KIND_ORDER

CHANNELS = ("interview", "call", "review", "chat", "email", "survey")
CHANNEL_NAMES = {"interview": "интервью", "call": "звонок", "review": "отзыв", "chat": "чат",
                 "email": "письмо", "survey": "опрос"}
ROLE_NAMES = {"client": "клиент", "company": "компания", "unknown": "вне диалога"}
PASS_NAMES = {"core": "ядро сценария", "assigned": "присоединён при кластеризации",
              "new": "добавлен после кластеризации", "none": "без сценария",
              "chatter": "слишком короткий, не история"}

# Light backgrounds that stay readable under black text and differ from each other.
PALETTE = ("#ffe08a", "#a8e6cf", "#ffb3ba", "#bae1ff", "#d7b8ff", "#ffd1a8", "#b5ead7", "#f9c6e8",
           "#d4e9a0", "#c7d0ff", "#f6d186", "#a0e7e5", "#ffc8a2", "#e2c2ff", "#cfe8a9", "#ffadc6")
_NUMBER = re.compile(r"(\d+)$")

__all__ = ["CHANNELS", "CHANNEL_NAMES", "KIND_NAMES", "KIND_ORDER", "PALETTE", "PASS_NAMES", "ROLE_NAMES",
           "colour_of"]


def colour_of(scenario_id: str) -> str:
    """A stable colour per scenario id, so a scenario looks the same on every page and run."""
    match = _NUMBER.search(scenario_id)
    number = int(match.group(1)) if match else zlib.crc32(scenario_id.encode())
    return PALETTE[number % len(PALETTE)]
