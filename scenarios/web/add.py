"""The paste form: add a story through `add_text`, as `scenarios add` does, then the fast stages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import InputError, ScenariosError
from ..ingest import STDIN, IngestOptions, add_text, prepare
from ..readers import read_text
from ..records import StoryRecord
from ..store import Store
from .app import components, get_store
from .labels import CHANNELS

bp = Blueprint("add", __name__)
FIELDS = ("channel", "client", "date", "title")


@bp.get("/add")
def form() -> str:
    """The empty paste form."""
    return _form({"text": "", "channel": "interview", "client": "", "date": "", "title": ""})


@bp.post("/add")
def submit() -> tuple[str, int] | Response:
    """Store the pasted story, assign its fragments to the scenarios, show the story.

    Bad input shows the library's message above the form, which keeps what was typed.
    """
    values = {"text": request.form.get("text", ""), **{k: request.form.get(k, "").strip() for k in FIELDS}}
    if values["channel"] not in CHANNELS:
        return _form(values, error=f"Неизвестный канал «{values['channel']}»: выберите из списка."), 400
    options = IngestOptions(max_mb=current_app.config["SCENARIOS_MAX_MB"])
    store = get_store()
    try:
        report = add_text(store, values["text"], options=options,
                          **{k: values[k] or None for k in FIELDS})
    except InputError as exc:
        return _form(values, error=str(exc)), 400
    if not report.added:
        stored = _stored_ids(store, values["text"], options)
        return _form(values, duplicate=stored[0] if stored else None), 409
    _run_fast_stages(store)
    if len(report.story_ids) > 1:
        flash(f"Текст длинный: он сохранён как {len(report.story_ids)} истории по частям; это первая.", "info")
    if report.duplicates:
        flash(f"Части, которые уже были в хранилище, пропущены: {report.duplicates}.", "info")
    return redirect(url_for("pages.story", story_id=report.story_ids[0], added=1))


def _run_fast_stages(store: Store) -> None:
    """Lemmatise, embed and assign; a failure here leaves the story stored and says so."""
    try:
        result = components().fast_stages(store)
    except ScenariosError as exc:
        flash(f"История сохранена, но не распределена по сценариям: {exc}", "error")
        return
    if result.assigned is None:
        flash("Сценариев ещё нет: нажмите «Пересчитать сценарии», чтобы найти их.", "info")


def _stored_ids(store: Store, text: str, options: IngestOptions) -> list[str]:
    """Ids of the stories this paste makes that are already stored (a duplicate paste)."""
    ids = []
    for item in read_text(text, STDIN, options.read).items:
        if isinstance(item, StoryRecord):
            try:
                ids.append(prepare(item, options).id)
            except InputError:
                continue
    return [i for i in ids if store.count("stories", "id = ?", (i,))]


def _form(values: dict[str, str], *, error: str | None = None, duplicate: str | None = None) -> str:
    return render_template("add.html", active="add", values=values, channels=CHANNELS, error=error,
                           duplicate=duplicate)
