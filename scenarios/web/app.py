"""The Flask app factory: configuration, one store per request, errors as Russian pages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, render_template
from werkzeug.exceptions import HTTPException

from ..config import Config, load_config
from ..errors import NotFound, ScenariosError
from ..ingest import PASTE_MAX_MB
from ..store import Store
from .components import Components
from .jobs import Recluster
from .labels import CHANNEL_NAMES, KIND_NAMES, ROLE_NAMES

HTTP_MESSAGES = {
    404: "Такой страницы нет.",
    405: "Этот адрес меняет данные и принимает только отправку формы (POST).",
    413: "Текст больше лимита: разбейте его на части.",
    500: "Внутренняя ошибка; подробности в окне, где запущен scenarios serve.",
}


def create_app(db_path: str | os.PathLike[str], config_path: str | os.PathLike[str] | None = None, *,
               max_mb: float = PASTE_MAX_MB) -> Flask:
    """A Flask app over the store at `db_path`, with components from `config_path` (TOML).

    With no `config_path`, `scenarios.toml` in the working directory is used when present, as in
    the CLI. `max_mb` is the largest paste accepted, as `scenarios add --max-mb`.
    """
    config = load_config(config_path)
    app = Flask(__name__)
    app.secret_key = os.urandom(24)  # only for one-off messages after a redirect; localhost tool
    limit = int(max_mb * 1024 * 1024)
    app.config.update(
        SCENARIOS_DB=str(Path(db_path)),
        SCENARIOS_CONFIG=config,
        SCENARIOS_MAX_MB=max_mb,
        # A form field holds up to 4 bytes per character; the library checks the exact limit.
        MAX_CONTENT_LENGTH=4 * limit + 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=4 * limit + 1024 * 1024,
        JSON_AS_ASCII=False,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["scenarios.components"] = Components(config)
    app.extensions["scenarios.recluster"] = Recluster(app.config["SCENARIOS_DB"], config)

    from .add import bp as add_bp
    from .pages import bp as pages_bp
    from .recluster import bp as recluster_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(add_bp)
    app.register_blueprint(recluster_bp)
    app.teardown_appcontext(_close_store)
    app.context_processor(lambda: {"CHANNEL_NAMES": CHANNEL_NAMES, "KIND_NAMES": KIND_NAMES,
                                   "ROLE_NAMES": ROLE_NAMES})
    app.register_error_handler(NotFound, lambda exc: _error_page(str(exc), 404))
    app.register_error_handler(ScenariosError, lambda exc: _error_page(str(exc), 400))
    app.register_error_handler(HTTPException, _http_error)
    return app


def get_store() -> Store:
    """The store of this request, opened on first use and closed when the request ends.

    SQLite connections are not shared across threads, so each request opens its own.
    """
    if "store" not in g:
        g.store = Store(current_app.config["SCENARIOS_DB"])
    return g.store


def get_config() -> Config:
    """The configuration the app was created with."""
    return current_app.config["SCENARIOS_CONFIG"]


def components() -> Components:
    """The app's lazily built lemmatiser and embedder for the fast stages."""
    return current_app.extensions["scenarios.components"]


def recluster_job() -> Recluster:
    """The app's one background re-clustering job."""
    return current_app.extensions["scenarios.recluster"]


def _close_store(exc: BaseException | None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def _error_page(message: str, status: int) -> tuple[str, int]:
    return render_template("error.html", message=message, status=status), status


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    return _error_page(HTTP_MESSAGES.get(status, f"Ошибка {status}."), status)
