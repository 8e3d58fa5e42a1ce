"""`POST /recluster` starts re-clustering in the background; `GET /progress` reports on it."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response

from .context import recluster_job

bp = Blueprint("recluster", __name__)


@bp.post("/recluster")
def start() -> Response:
    """Start a job, or say one is running; back to the page the button was on."""
    if recluster_job().start():
        flash("Пересчёт сценариев запущен. Страница обновится, когда он закончится.", "info")
    else:
        flash("Пересчёт уже идёт: дождитесь его окончания.", "error")
    return redirect(_back())


@bp.get("/progress")
def progress() -> Response:
    """The current or last job as JSON: running, stage, done/total, stages, message, error."""
    response = jsonify(recluster_job().state())
    response.headers["Cache-Control"] = "no-store"
    return response


def _back() -> str:
    """The page the form was sent from when it is on this site, else the scenarios page."""
    referrer = urlparse(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("pages.scenarios")
