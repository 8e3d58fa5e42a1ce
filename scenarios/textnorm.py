"""Text normalisation and content hashing.

Every stage keys its output by content hash, so two pastes of the same story that differ only in
line endings, odd spaces or Unicode composition must normalise to the same text. `ё` is kept: it is
meaningful in Russian and lemmatisers handle it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Spaces people paste from Word, web pages and messengers; all become an ordinary space.
_ODD_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Invisible characters that only break tokenisation (zero-width, BOM, soft hyphen).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_TRANSLATION = {ord(c): " " for c in _ODD_SPACES} | {ord(c): None for c in _INVISIBLE}
_TRANSLATION |= {ord("\t"): " ", ord("\v"): "\n", ord("\f"): "\n", 0x2028: "\n", 0x2029: "\n", 0x85: "\n"}
# Control characters other than \n (after translation) carry no text.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ ]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_ANY_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Return `text` in the form the store keeps: NFC, `\\n` line breaks, plain spaces, stripped.

    Inner spacing within a line is kept so quotes stay verbatim; only invisible characters,
    trailing spaces and runs of blank lines are removed.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATION)
    text = _CONTROL.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def content_hash(text: str, length: int = 16) -> str:
    """Hash of the text with all whitespace folded, so re-wrapped copies dedupe.

    16 hex digits (64 bits) keep ids short; a collision is unlikely below 10^8 stories.
    """
    canonical = _ANY_SPACE.sub(" ", text).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink `[start, end)` past surrounding whitespace; an all-space span collapses to `(end, end)`.

    Spans, not slices: turns, fragments and quotes are stored as offsets into the story text.
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def has_letters(text: str) -> bool:
    """True when the text has at least one letter or digit (not only emoji and punctuation)."""
    return any(ch.isalnum() for ch in text)
