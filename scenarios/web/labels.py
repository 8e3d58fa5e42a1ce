"""Russian words the pages show for channels and speakers, and scenario colours.

Dates, numbers, shares and kind titles come from the digest's own words
(:mod:`scenarios.digest.words`, :mod:`scenarios.overview`), so the page says them the same way.
"""

from __future__ import annotations

import re
import zlib

CHANNELS = ("interview", "call", "review", "chat", "email", "survey")
CHANNEL_NAMES = {"interview": "интервью", "call": "звонок", "review": "отзыв", "chat": "чат",
                 "email": "письмо", "survey": "опрос"}
#: Who speaks a turn, when the transcript gave no speaker label.
ROLE_NAMES = {"client": "Клиент", "company": "Компания", "unknown": ""}
#: Why a client fragment is in no scenario.
UNPLACED = {"none": "не похож ни на один сценарий", "chatter": "слишком короткий, чтобы быть историей"}
NOT_YET = "ещё не распределён: появится после пересчёта"
PERIODS = ((30, "30 дней"), (90, "90 дней"), (180, "полгода"), (365, "год"))

# Light backgrounds that stay readable under black text and differ from each other.
PALETTE = ("#ffe08a", "#a8e6cf", "#ffb3ba", "#bae1ff", "#d7b8ff", "#ffd1a8", "#b5ead7", "#f9c6e8",
           "#d4e9a0", "#c7d0ff", "#f6d186", "#a0e7e5", "#ffc8a2", "#e2c2ff", "#cfe8a9", "#ffadc6")
_NUMBER = re.compile(r"(\d+)$")

__all__ = ["CHANNELS", "CHANNEL_NAMES", "NOT_YET", "PALETTE", "PERIODS", "ROLE_NAMES", "UNPLACED", "colour_of"]


def colour_of(scenario_id: str) -> str:
    """A stable colour per scenario id, so a scenario looks the same on every page and run."""
    match = _NUMBER.search(scenario_id)
    number = int(match.group(1)) if match else zlib.crc32(scenario_id.encode())
    return PALETTE[number % len(PALETTE)]
