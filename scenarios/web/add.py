"""Adding stories from the page: a paste, or an upload of files or folders.

A paste is one story, or several split by a separator line or by table rows. Both go through the
same library calls as `scenarios add`, with its messages; then the fast stages assign the new
fragments to the scenarios.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePosixPath

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from ..browse import story_heading
from ..errors import InputError, ScenariosError
from ..readers import READERS, read_text
from ..records import StoryRecord
from ..stages.ingest import STDIN, IngestOptions, IngestReport, add_pasted, add_paths, prepare, report_lines
from ..store import Store
from .context import components, get_store
from .labels import CHANNELS

bp = Blueprint("add", __name__)
FIELDS = ("channel", "client", "date", "title")
SPLITS = (("none", "одна история"), ("separator", "несколько историй, разделённых строкой --- или ==="),
          ("table", "таблица: история в каждой строке (первая строка — заголовки)"))
_UNSAFE = re.compile(r"[^\w.\- ]")  # Cyrillic names are kept: a date in a name is the story's date
UPLOAD_TYPES = ", ".join(sorted(READERS))


@bp.get("/add")
def form() -> str:
    """The empty paste and upload forms."""
    return _form(_blank())


@bp.post("/add")
def submit() -> tuple[str, int] | Response:
    """Store the pasted story (or stories), assign their fragments to the scenarios, show the first.

    Bad input shows the library's message above the form, which keeps what was typed.
    """
    values = {"text": request.form.get("text", ""), **{k: request.form.get(k, "").strip() for k in FIELDS},
              "split": request.form.get("split", "none")}
    if values["channel"] not in CHANNELS:
        return _form(values, error=f"Неизвестный канал «{values['channel']}»: выберите из списка."), 400
    options = IngestOptions(max_mb=current_app.config["SCENARIOS_MAX_MB"])
    store = get_store()
    try:
        report = add_pasted(store, values["text"], split=values["split"], options=options,
                            **{k: values[k] or None for k in FIELDS})
    except InputError as exc:
        return _form(values, error=str(exc)), 400
    if not report.added:
        stored = _stored_ids(store, values["text"], options) if values["split"] == "none" else []
        if stored or values["split"] == "none":
            return _form(values, duplicate=stored[0] if stored else None), 409
        return _form(values, error="Все истории из этого текста уже есть в хранилище."), 409
    _run_fast_stages(store)
    if len(report.story_ids) > 1:
        if values["split"] == "none":
            flash(f"Текст длинный: он сохранён как {len(report.story_ids)} истории по частям; это первая.", "info")
        else:
            _flash_report(report)
            return redirect(url_for("add.added", ids=",".join(report.story_ids)))
    if report.duplicates:
        flash(f"Части, которые уже были в хранилище, пропущены: {report.duplicates}.", "info")
    return redirect(url_for("story.story", story_id=report.story_ids[0], added=1))


@bp.post("/upload")
def upload() -> tuple[str, int] | Response:
    """Store uploaded files (txt, md, docx, csv, tsv, json, jsonl; a folder's files keep their paths).

    The files are read exactly as `scenarios add FOLDER` reads them, and its messages are shown.
    """
    files = [f for f in request.files.getlist("files") + request.files.getlist("folder") if f.filename]
    channel = request.form.get("channel", "").strip() or None
    if not files:
        return _form(_blank(), upload_error="Выберите файлы или папку."), 400
    store = get_store()
    options = IngestOptions(channel=channel if channel in CHANNELS else None,
                            max_mb=current_app.config["SCENARIOS_MAX_MB"])
    with tempfile.TemporaryDirectory(prefix="scenarios-upload-") as tmp:
        for storage in files:
            _save(storage, Path(tmp))
        report = add_paths(store, [tmp], options=options)
    if report.added:
        _run_fast_stages(store)
    _flash_report(report, hide=f"{tmp}/")  # the names as uploaded
    if not report.story_ids:
        return redirect(url_for("add.form"))
    return redirect(url_for("add.added", ids=",".join(report.story_ids)))


@bp.get("/added")
def added() -> str:
    """The stories one paste or upload added, each linking to its page."""
    ids = [i for i in request.args.get("ids", "").split(",") if i][:500]
    store = get_store()
    marks = ",".join("?" * len(ids)) or "NULL"
    rows = store.query(f"SELECT id, channel, date, client, title, external_id, "
                       f"(SELECT count(*) FROM turns t WHERE t.story_id = s.id) AS turns FROM stories s "
                       f"WHERE id IN ({marks})", tuple(ids))
    order = {i: n for n, i in enumerate(ids)}
    rows.sort(key=lambda r: order[r["id"]])
    return render_template("added.html", active="add", stories=[(r, story_heading(r)) for r in rows])


def _save(storage: FileStorage, root: Path) -> None:
    """Write an uploaded file under `root`, keeping a folder upload's relative path, made safe."""
    raw = PurePosixPath((storage.filename or "").replace("\\", "/")).parts
    parts = [_UNSAFE.sub("_", p).lstrip(".") or "file" for p in raw if p not in ("", ".", "..", "/")]
    target = root.joinpath(*(parts or ["file"]))
    stem, n = target, 1
    while target.exists():
        target = stem.with_name(f"{stem.stem}-{n}{stem.suffix}")
        n += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    storage.save(target)


def _flash_report(report: IngestReport, hide: str = "") -> None:
    """The library's report as `scenarios add` prints it, each line a message; `hide` cut from names."""
    rejections, totals = report_lines(report)
    for line in rejections:
        flash(line.replace(hide, "") if hide else line, "error")
    flash(totals, "info" if report.added or not rejections else "error")


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


def _blank() -> dict[str, str]:
    return {"text": "", "channel": "interview", "client": "", "date": "", "title": "", "split": "none"}


def _form(values: dict[str, str], *, error: str | None = None, duplicate: str | None = None,
          upload_error: str | None = None) -> str:
    return render_template("add.html", active="add", values=values, channels=CHANNELS, error=error,
                           duplicate=duplicate, upload_error=upload_error, splits=SPLITS, upload_types=UPLOAD_TYPES)
