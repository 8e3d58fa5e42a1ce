"""Shared fixtures: a fresh store, a CLI runner, the demo corpus and the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scenarios.store import Store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = Path(os.environ.get("SCENARIOS_SHARED_DATA", ROOT.parent / "shared" / "data"))

# A real-sounding interview as a manager pastes it: roles, a name, typos, run-on speech.
INTERVIEW = """Интервьюер: Добрый день! Расскажите, как вы вообще выбрали наш банк?
Клиент: Ну смотрите, у меня зарплатная карта была в Сбере, там за обслуживание 150 рублей в месяц снимали. А у вас бесплатно, подруга посоветовала.
Интервьюер: А как прошло оформление?
Клиент: карту ждала три недели курьер два раза переносил никто не знал где она
Интервьюер: Понятно. Что ещё запомнилось?
Клиент: Приходишь в офис, а они болтают по телефону, ноль внимания. Стоишь как дурак.
"""


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Path of a store that does not exist yet."""
    return tmp_path / "scenarios.db"


@pytest.fixture
def store(store_path: Path):
    """A fresh, empty store."""
    with Store(store_path) as s:
        yield s


@pytest.fixture
def runner() -> CliRunner:
    """A click runner; stderr is kept apart so messages can be asserted on."""
    return CliRunner()


@pytest.fixture
def shared_data() -> Path:
    """`../shared/data`, or skip when it is not beside the project."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED_DATA
