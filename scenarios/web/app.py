"""The Flask app factory: configuration, every extension, the blueprints, errors as Russian pages.

Blueprints reach the store and the extensions through :mod:`.context`, never through this
module, so `web/` imports in one direction: `app` -> blueprints -> `context`.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from ..config import load_config
from ..digest import charts, present, words
from ..digest.words import date_label, number, percent, tone_line
from ..errors import NotFound, ScenariosError
from ..overview import configured_kind_titles
from ..stages.ingest import PASTE_MAX_MB
from . import add, context, export, pages, recluster, scenario_page, story_page
from .components import Components
from .digest_page import DigestCache
from .jobs import Recluster
from .labels import CHANNEL_NAMES
from .masker import Masker

#: The digest's words and sentences for templates (`p.plural`, `p.source`, `p.growth`...), so the
#: page says dates, numbers and shares exactly as the digest does.
WORDS = SimpleNamespace(**{k: v for module in (words, present) for k, v in vars(module).items()
                           if not k.startswith("_")}, kind_colour=charts.kind_colour)

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
    config = load_config(None if config_path is None else Path(config_path))
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
    components = Components(config)  # the page and the job share one pipeline and its models
    app.extensions[context.COMPONENTS] = components
    app.extensions[context.RECLUSTER] = Recluster(app.config["SCENARIOS_DB"], config, components)
    app.extensions[context.DIGEST] = DigestCache(configured_kind_titles(config))
    app.extensions[context.MASKER] = Masker()
    for module in (pages, scenario_page, story_page, add, export, recluster):
        app.register_blueprint(module.bp)
    app.teardown_appcontext(context.close_store)
    app.context_processor(lambda: {"CHANNEL_NAMES": CHANNEL_NAMES, "date_label": date_label, "percent": percent,
                                   "number": number, "tone_line": tone_line, "p": WORDS})
    app.register_error_handler(NotFound, lambda exc: _error_page(str(exc), 404))
    app.register_error_handler(ScenariosError, lambda exc: _error_page(str(exc), 400))
    app.register_error_handler(HTTPException, _http_error)
    return app


def _error_page(message: str, status: int) -> tuple[str, int]:
    return render_template("error.html", message=message, status=status), status


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    return _error_page(HTTP_MESSAGES.get(status, f"Ошибка {status}."), status)
