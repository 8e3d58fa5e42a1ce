"""Turn bytes into text: reject binary files, detect the encoding of Russian text.

Managers bring files from Windows (cp1251), old mail systems (koi8-r), Excel exports (utf-16,
utf-8 with BOM) and messengers (utf-8). UTF-8 is tried strictly first because it is by far the most
common and charset detection is slower and can mistake short texts; the rest is left to
charset-normalizer, restricted to the encodings Russian text really comes in.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Protocol

from .errors import InputError

# Magic numbers of formats people point the tool at by mistake.
_BINARY_MAGIC: dict[bytes, str] = {
    b"\x89PNG": "изображение PNG",
    b"\xff\xd8\xff": "изображение JPEG",
    b"GIF8": "изображение GIF",
    b"%PDF": "PDF",
    b"PK\x03\x04": "архив ZIP (или документ Office)",
    b"\x7fELF": "исполняемый файл",
    b"\x1f\x8b": "архив gzip",
    b"Rar!": "архив RAR",
    b"7z\xbc\xaf": "архив 7z",
    b"SQLite format 3": "база SQLite",
    b"MZ": "исполняемый файл Windows",
    b"\xd0\xcf\x11\xe0": "документ старого Office (.doc/.xls)",
}
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ByteStream(Protocol):
    """What decoding reads from: an open binary file, stdin's buffer, or a size-limited wrapper."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to `size` bytes (all that is left with -1); `b""` at the end."""
        ...


_CANDIDATES = ["cp1251", "koi8_r", "cp866"]
_SAMPLE_BYTES = 256 * 1024


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of `data`, or None when it may be text."""
    for magic, name in _BINARY_MAGIC.items():
        if data.startswith(magic):
            return name
    return None


def sniff_encoding(head: bytes, *, name: str = "текст") -> str:
    """Encoding of a text that starts with `head` (its first ~256 KB, or all of it).

    Raises InputError for binary data, NUL bytes in a single-byte text and bytes that no
    candidate encoding reads as text. `name` says in the message which input it was.
    """
    for bom, bom_encoding in _BOMS:
        if head.startswith(bom):
            return bom_encoding
    binary = sniff_binary(head)
    if binary:
        raise InputError(f"{name}: это не текст, а {binary}.")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if b"\x00" in head:
        raise InputError(f"{name}: в тексте нулевые байты (NUL) — похоже на двоичный файл.")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(head)
    if encoding is None:
        raise InputError(
            f"{name}: не удалось определить кодировку (не UTF-8, не cp1251, не KOI8-R). "
            "Сохраните файл в UTF-8."
        )
    return encoding


def decode(data: bytes, *, name: str = "текст") -> tuple[str, str]:
    """Decode a whole input held in memory; returns `(text, encoding)`."""
    encoding = sniff_encoding(data[:_SAMPLE_BYTES], name=name)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise InputError(_broken(name, encoding, exc)) from None


def open_text(stream: ByteStream, *, name: str = "текст") -> tuple[Iterator[str], str]:
    """Decode a byte stream lazily: `(chunks of text, encoding)`.

    Only the first 256 KB are held to detect the encoding; the rest is decoded chunk by chunk,
    so a 50 MB paste is never in memory as bytes and text at once. Line breaks are left as they
    are (normalisation folds them later).
    """
    head = stream.read(_SAMPLE_BYTES)
    encoding = sniff_encoding(head, name=name)
    return _chunks(head, stream, encoding, name), encoding


def _chunks(head: bytes, stream: ByteStream, encoding: str, name: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    data = head
    try:
        while data:
            text = decoder.decode(data)
            if "\x00" in text:
                raise InputError(f"{name}: в тексте нулевые байты (NUL) — похоже на двоичный файл.")
            offset += len(data)
            yield text
            data = stream.read(1 << 20)
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        exc.start += offset
        raise InputError(_broken(name, encoding, exc)) from None


def _broken(name: str, encoding: str, exc: UnicodeDecodeError) -> str:
    return f"{name}: текст не читается как {encoding} (байт {exc.start}); сохраните файл в UTF-8."


def iter_lines(chunks: Iterator[str]) -> Iterator[str]:
    """Lines of a chunked text, split on `\\n` only and with it kept (as `csv` wants them)."""
    pending: list[str] = []
    for chunk in chunks:
        if "\n" not in chunk:
            pending.append(chunk)
            continue
        lines = chunk.split("\n")
        lines[0] = "".join(pending) + lines[0]
        pending = [lines.pop()]
        for line in lines:
            yield line + "\n"
    tail = "".join(pending)
    if tail:
        yield tail


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows as NUL (Latin) or 0x04 (Cyrillic) in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) + odd.count(4) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) + even.count(4) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _detect(data: bytes) -> str | None:
    """Best single-byte Cyrillic encoding for a sample, by charset-normalizer."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    return best.encoding if best is not None else None
