"""Read-only pages: the digest, the scenarios, one scenario, one story."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..browse import get_story
from ..curate import curation
from ..errors import NotFound
from ..overview import scenarios_of
from .app import get_store
from .digest_page import digest_cache
from .labels import KIND_ORDER, PASS_NAMES, colour_of
from .marks import Mark, quote_span, turn_views
from .queries import fragments_of_scenario, memberships_of_story, run_info, scenario_tags

bp = Blueprint("pages", __name__)


@bp.get("/")
def digest() -> str | Response:
    """The digest of the latest run, with the page's navigation on top."""
    store = get_store()
    if run_info(store) is None:
        return _no_scenarios("digest")
    return with_nav(digest_cache().page(store))


def with_nav(html: str) -> str:
    """The digest's own full page with the navigation bar put first in its body."""
    nav = render_template("_nav.html", active="digest")
    lower = html.lower()
    at = lower.find("<body")
    if at < 0:
        return nav + html
    close = lower.find(">", at)
    return html[:close + 1] + nav + html[close + 1:]


@bp.get("/scenarios")
def scenarios() -> str:
    """Scenarios of the latest run grouped by kind, each with its size and first quote."""
    store = get_store()
    info = run_info(store)
    if info is None:
        return _no_scenarios("scenarios")
    views = scenarios_of(store)
    groups = [(kind, [v for v in views if v.kind == kind]) for kind in (*KIND_ORDER, None)]
    return render_template("scenarios.html", active="scenarios", info=info, colour_of=colour_of,
                           groups=[(kind, items) for kind, items in groups if items], total=len(views))


@bp.get("/scenario/<scenario_id>")
def scenario(scenario_id: str) -> str | Response:
    """One scenario with all its fragments, each linking to its story, and its companies."""
    store = get_store()
    info = run_info(store)
    view = next((v for v in scenarios_of(store, include_hidden=True) if v.id == scenario_id), None) if info else None
    if view is None or info is None:
        target = curation(store).get(scenario_id, {}).get("merged_into")
        if target:
            return redirect(url_for("pages.scenario", scenario_id=target))
        raise NotFound(f"Сценарий «{scenario_id}» не найден в последнем прогоне.")
    fragments = fragments_of_scenario(store, info.id, scenario_id)
    return render_template("scenario.html", active="scenarios", view=view, fragments=fragments, info=info,
                           colour=colour_of(view.id), PASS_NAMES=PASS_NAMES)


@bp.get("/story/<story_id>")
def story(story_id: str) -> str | Response:
    """A story's turns with roles; client fragments marked by scenario, `?start=&end=` a quote."""
    store = get_store()
    view = get_story(store, story_id)
    if view.story["id"] != story_id:
        return redirect(url_for("pages.story", story_id=view.story["id"], **request.args))
    info = run_info(store)
    tags = scenario_tags(store, info.id) if info else {}
    members = memberships_of_story(store, view.story["id"], info.id) if info else {}
    marks = []
    for fragment in view.fragments:
        member = members.get(fragment["id"], {})
        tag = tags.get(member.get("scenario_id") or "")
        marks.append(Mark(fragment["id"], fragment["idx"], fragment["start"], fragment["end"], tag,
                          member.get("pass")))
    quote = quote_span(len(view.story["text"]), request.args.get("start"), request.args.get("end"))
    legend: dict[str, tuple] = {}
    for mark in marks:
        if mark.tag:
            legend.setdefault(mark.tag.id, (mark.tag, []))[1].append(mark)
    return render_template("story.html", active=None, story=view.story, turns=turn_views(
        view.story["text"], view.turns, marks, quote), marks=marks, fragments=view.fragments, info=info,
        legend=list(legend.values()), quote=quote, PASS_NAMES=PASS_NAMES)


def _no_scenarios(active: str) -> str:
    store = get_store()
    stories = store.count("stories")
    if stories:
        message = Markup("Историй в хранилище: {n}. Сценариев ещё нет: нажмите «Пересчитать сценарии» вверху "
                         "справа.").format(n=stories)
    else:
        message = Markup("Историй пока нет. <a href=\"{url}\">Добавьте первую историю</a>, затем нажмите "
                         "«Пересчитать сценарии».").format(url=url_for("add.form"))
    return render_template("message.html", title="Сценариев ещё нет", active=active, message=message)
