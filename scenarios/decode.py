"""Turn bytes into text: reject binary files, detect the encoding of Russian text.

Managers bring files from Windows (cp1251), old mail systems (koi8-r), Excel exports (utf-16,
utf-8 with BOM) and messengers (utf-8). UTF-8 is tried strictly first because it is by far the most
common and charset detection is slower and can mistake short texts; the rest is left to
charset-normalizer, restricted to the encodings Russian text really comes in.
"""

from __future__ import annotations

import codecs

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
_CANDIDATES = ["cp1251", "koi8_r", "cp866"]
_SAMPLE_BYTES = 256 * 1024


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of `data`, or None when it may be text."""
    for magic, name in _BINARY_MAGIC.items():
        if data.startswith(magic):
            return name
    return None


def decode(data: bytes, *, name: str = "текст") -> tuple[str, str]:
    """Decode `data` to text and return `(text, encoding)`.

    Raises InputError for binary data, NUL bytes in a single-byte text and bytes that no
    candidate encoding reads as text. `name` says in the message which input it was.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name), encoding
    binary = sniff_binary(data)
    if binary:
        raise InputError(f"{name}: это не текст, а {binary}.")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, name), utf16
    if b"\x00" in data:
        raise InputError(f"{name}: в тексте нулевые байты (NUL) — похоже на двоичный файл.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(data)
    if encoding is None:
        raise InputError(
            f"{name}: не удалось определить кодировку (не UTF-8, не cp1251, не KOI8-R). "
            "Сохраните файл в UTF-8."
        )
    return data.decode(encoding, errors="strict"), encoding


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: файл в кодировке {encoding} повреждён (байт {exc.start}).") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows as NUL in every other byte of Latin/ASCII-range text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    # Cyrillic in UTF-16-LE is 0x04 in the high (odd) byte; ASCII is 0x00.
    if odd.count(0) + odd.count(4) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) + even.count(4) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _detect(data: bytes) -> str | None:
    """Best single-byte Cyrillic encoding for `data`, by charset-normalizer on a sample."""
    from charset_normalizer import from_bytes

    sample = data[:_SAMPLE_BYTES]
    best = from_bytes(sample, cp_isolation=_CANDIDATES).best()
    if best is None:
        return None
    encoding = best.encoding
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding
