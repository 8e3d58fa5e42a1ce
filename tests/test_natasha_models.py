"""One natasha NER per process: name masking and company detection share it."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("natasha")

from scenarios.describers.companies import organisations  # noqa: E402
from scenarios.digest.redact import persons  # noqa: E402
from scenarios.lang.ru import natasha_models  # noqa: E402

TEXT = "Меня обслуживала Анна Петрова из Сбербанка, потом звонили из Тинькофф."


def test_names_and_companies_come_from_one_loaded_model() -> None:
    names, orgs = persons(TEXT), organisations([TEXT])[0]
    assert [TEXT[s:e] for s, e in names] == ["Анна Петрова"]
    assert "Сбербанк" in {name for _, _, name in orgs}
    assert natasha_models.ner_tagger("скрывать имена") is natasha_models.ner_tagger("находить компании")
    loaded = natasha_models._model.cache_info().misses
    assert loaded == 5, "segmenter, one embedding, NER, morphology tagger, vocabulary: each built once"
    persons(TEXT + " Ещё раз."), organisations([TEXT + " Ещё раз."])
    assert natasha_models._model.cache_info().misses == loaded, "a second use loads nothing"


def test_without_natasha_the_caller_says_what_for() -> None:
    probe = (
        "import sys; sys.modules['natasha'] = None\n"
        "from scenarios.digest.redact import persons\n"
        "from scenarios.errors import MissingDependency\n"
        "try:\n    persons('Анна')\nexcept MissingDependency as error:\n    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert out.startswith("Чтобы скрывать имена") and "pip install natasha" in out and "--no-redact" in out
