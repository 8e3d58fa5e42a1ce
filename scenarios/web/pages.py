"""Read pages for everyone: the digest (`/`) with its filters, and the scenarios with search."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup

from ..browse import list_stories, story_heading
from ..digest import ScenarioDigest
from ..overview import scenarios_of
from ..store import Store
from .context import components, digest_cache, get_store, mask
from .filters import read_filters
from .labels import colour_of
from .queries import run_info

bp = Blueprint("pages", __name__)
SEARCH_LIMIT = 20


@bp.get("/")
def digest() -> str:
    """The digest of the latest run, with the navigation and the filters on top."""
    store = get_store()
    info = run_info(store)
    if info is None:
        return no_scenarios("digest")
    filters = read_filters(store, info.id)
    page = digest_cache().page(store, filters.options())
    top = render_template("_nav.html", active="digest") + render_template("_filters.html", filters=filters,
                                                                          action=url_for("pages.digest"))
    return put_first_in_body(page, top)


def put_first_in_body(html: str, top: str) -> str:
    """`html` (a full page) with `top` put first in its body."""
    lower = html.lower()
    at = lower.find("<body")
    if at < 0:
        return top + html
    close = lower.find(">", at)
    return html[:close + 1] + top + html[close + 1:]


@bp.get("/scenarios")
def scenarios() -> str:
    """Scenarios grouped by kind with size, tone, growth and a quote; filters and lemma search."""
    store = get_store()
    info = run_info(store)
    if info is None:
        return no_scenarios("scenarios")
    filters = read_filters(store, info.id)
    digest = digest_cache().digest(store, filters.options())
    query = request.args.get("q", "").strip()
    found = _search(store, info.id, query) if query else None
    sections = []
    for section in digest.sections:
        items = [s for s in section.scenarios if found is None or s.id in found["scenarios"]]
        if items:
            sections.append((section, items))
    hidden = [v for v in scenarios_of(store, info.id, include_hidden=True) if v.hidden]
    return render_template("scenarios.html", active="scenarios", info=info, digest=digest, sections=sections,
                           hidden=hidden, filters=filters, query=query, found=found, colour_of=colour_of,
                           first_quote=_first_quote)


def _first_quote(s: ScenarioDigest) -> Any:
    return s.quotes[0] if s.quotes else None


def _search(store: Store, run_id: int, query: str) -> dict[str, Any]:
    """Stories whose client speech has the query's lemmas, and the scenarios they are in."""
    rows = list_stories(store, search=query, limit=500, lemmatiser=components().lemmatiser())
    ids = [r["id"] for r in rows]
    scenario_ids: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        scenario_ids |= {r[0] for r in store.conn.execute(
            f"SELECT DISTINCT m.scenario_id FROM fragments f JOIN memberships m ON m.hash = f.hash "
            f"AND m.run_id = ? WHERE m.scenario_id IS NOT NULL AND f.story_id IN ({marks})", (run_id, *chunk))}
    shown = [{"id": r["id"], "heading": story_heading(r), "opening": mask(r["opening"] or "")}
             for r in rows[:SEARCH_LIMIT]]
    return {"total": len(rows), "stories": shown, "scenarios": scenario_ids}


def no_scenarios(active: str) -> str:
    """The page shown before the first clustering."""
    store = get_store()
    stories = store.count("stories")
    if stories:
        message = Markup("Историй в хранилище: {n}. Сценариев ещё нет: нажмите «Пересчитать сценарии» вверху "
                         "справа.").format(n=stories)
    else:
        message = Markup("Историй пока нет. <a href=\"{url}\">Добавьте первую историю</a>, затем нажмите "
                         "«Пересчитать сценарии».").format(url=url_for("add.form"))
    return render_template("message.html", title="Сценариев ещё нет", active=active, message=message)
