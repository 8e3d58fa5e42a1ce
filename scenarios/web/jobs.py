"""Re-clustering in a background thread, one job at a time, with progress the page polls.

The job opens its own store (SQLite connections stay in the thread that made them) and runs
`pipeline.run` with the app's own pipeline (`Components`: the models the paste form loaded, not a
second copy). Stories pasted through the page were already assigned to the existing scenarios;
when fragments arrived since the last clustering, the job re-clusters even if `run` would reuse
the latest run (it would when none of them found a scenario), because a person asked for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..config import Config
from ..errors import ScenariosError
from ..pipeline import STAGE_NAMES, run
from ..pipeline import STAGES as PIPELINE_STAGES
from ..store import Store
from .components import Components
from .queries import pending_fragments

log = logging.getLogger(__name__)

#: The stages the job runs (nothing is ingested: pastes were stored already).
STAGES = tuple(stage for stage in PIPELINE_STAGES if stage != "ingest")


@dataclass
class JobState:
    """The current or last job, as `/progress` reports it."""

    job: int = 0
    running: bool = False
    stage: str | None = None
    done: int = 0
    total: int | None = None
    finished: list[str] = field(default_factory=list)
    message: str | None = None
    error: str | None = None
    started_at: float | None = None
    ended_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        """State with each stage's Russian name and state (done, running, waiting)."""
        data = asdict(self)
        data["stages"] = [
            {"name": s, "title": STAGE_NAMES[s],
             "state": "done" if s in self.finished else "running" if s == self.stage else "waiting"}
            for s in STAGES
        ]
        data["stage_title"] = STAGE_NAMES.get(self.stage or "")
        return data


class Recluster:
    """The app's single re-clustering job over the store at `db_path`."""

    def __init__(self, db_path: str, config: Config, components: Components | None = None) -> None:
        """`components`: the app's, whose models the job reuses (default: those made for `config`)."""
        self.db_path, self.config = db_path, config
        self.components = components or Components.for_config(config)
        self._lock = threading.Lock()
        self._state = JobState()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start a job; False (and nothing started) when one is already running."""
        with self._lock:
            if self._state.running:
                return False
            self._state = JobState(job=self._state.job + 1, running=True, started_at=time.time())
            self._thread = threading.Thread(target=self._work, name="scenarios-recluster", daemon=True)
            self._thread.start()
        return True

    def state(self) -> dict[str, Any]:
        """A snapshot of the current or last job."""
        with self._lock:
            return self._state.to_json()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the running job ends (tests, shutdown); True when it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.state()["running"]

    # -- the worker thread -------------------------------------------------------------------

    def _update(self, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(self._state, key, value)

    def _stage_done(self, name: str, report: Any) -> None:
        with self._lock:
            self._state.finished.append(name)
            following = STAGES.index(name) + 1 if name in STAGES else len(STAGES)
            self._state.stage = STAGES[following] if following < len(STAGES) else None
            self._state.done, self._state.total = 0, None

    def _progress(self, stage: str) -> Callable[[int, int], None]:
        def update(done: int, total: int) -> None:
            self._update(stage=stage, done=done, total=total)
        return update

    def _work(self) -> None:
        message, error = None, None
        try:
            with Store(self.db_path) as store:
                message = self._run(store)
        except ScenariosError as exc:
            error = str(exc)
        except Exception as exc:  # the thread must always end its job, or the button stays locked
            log.exception("re-clustering failed")
            error = f"Внутренняя ошибка: {exc}"
        self._update(running=False, stage=None, message=message, error=error, ended_at=time.time())

    def _run(self, store: Store) -> str:
        self._update(stage="lemmatise")
        latest = store.conn.execute("SELECT max(id) FROM runs").fetchone()[0]
        pending = pending_fragments(store, latest) if latest else 0
        report = run(store, self.components.shared_pipeline(store), on_stage=self._stage_done,
                     progress=self._progress, recluster=bool(pending))
        if "cluster" not in report.stages:
            return "Новых фрагментов нет: сценарии и так актуальны."
        runs = store.query("SELECT id, scenarios FROM runs ORDER BY id DESC LIMIT 1")
        return f"Готово: сценариев найдено — {runs[0]['scenarios']}."
