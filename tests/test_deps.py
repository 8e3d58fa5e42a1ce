"""Heavy packages are extras: the default pipeline imports neither spaCy nor torch, and choosing a
component whose extra is missing stops with one Russian line saying what to install."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)


def _requirements() -> tuple[list[str], dict[str, list[str]]]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")

    def names(block: str) -> list[str]:
        lines = [line.split("#")[0].strip() for line in block.splitlines()]
        return [line.split(">")[0].split("=")[0].split("<")[0].split("[")[0].lower() for line in lines if line]

    extras = {name: names(block) for name, block in cfg["options.extras_require"].items()}
    return names(cfg["options"]["install_requires"]), extras


def test_spacy_and_torch_are_extras_only() -> None:
    required, extras = _requirements()
    assert not {"spacy", "torch", "sentence-transformers"} & set(required)
    assert "sentence-transformers" in extras["st"] and "spacy" in extras["spacy"]
    assert {"ruff", "mypy"} <= set(extras["test"])
    dev = (ROOT / "dev").read_text(encoding="utf-8")
    assert 'install "st,spacy,test" torch' in dev, "./dev test installs the extras whose tests CI runs"
    assert 'install "demo"' in dev, "./dev demo installs neither torch nor spaCy"
    assert not {"spacy", "sentence-transformers", "torch"} & set(extras["demo"])


def test_the_default_pipeline_imports_neither_spacy_nor_torch() -> None:
    probe = (
        "import sys\n"
        "import scenarios.cli, scenarios.pipeline, scenarios.digest, scenarios.web.app\n"
        "from scenarios.lemmatisers import lemma_string, lemmatisers\n"
        "print(lemma_string(lemmatisers.create('pymorphy').lemmatise(['Не перезвонили из банка'])[0]))\n"
        "print(sorted(m for m in ('spacy', 'torch', 'sentence_transformers', 'thinc') if m in sys.modules))\n"
    )
    result = _run(probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["не_перезвонить банк", "[]"]


@pytest.mark.parametrize("blocked, code, install", [
    ("spacy", "import scenarios.lang.ru.spacy_pipe", "scenarios[spacy]"),
    ("sentence_transformers", "from scenarios.embedders import create_embedder; create_embedder('st:/models/x')",
     "scenarios[st]"),
])
def test_a_missing_extra_is_one_clear_error(blocked: str, code: str, install: str) -> None:
    # A module set to None in sys.modules cannot be imported: the extra is absent for this process.
    probe = (
        f"import sys; sys.modules[{blocked!r}] = None\n"
        "from scenarios.errors import MissingDependency\n"
        f"try:\n    {code}\nexcept MissingDependency as error:\n    print(error)\n"
    )
    result = _run(probe)
    assert result.returncode == 0, result.stderr
    message = result.stdout.strip()
    assert install in message and "pip install" in message and "\n" not in message
    assert any("а" <= ch <= "я" for ch in message.lower()), "managers read Russian"
