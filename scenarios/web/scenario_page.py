"""One scenario as a manager works with it: numbers, trend, quotes, fragments, and curation.

Curation (rename, merge into another scenario, hide/show, pin/unpin a quote) calls the same
library functions as the CLI (:mod:`scenarios.curate`); it is kept by scenario id, so it
survives re-clustering, and the digest shows it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from .. import curate
from ..curate import curation
from ..digest import ScenarioDigest
from ..digest.charts import kind_colour, trend_chart
from ..digest.model import Digest, Quote
from ..errors import NotFound, ScenariosError
from ..overview import ScenarioView, kind_title, scenarios_of
from .context import digest_cache, get_store, mask
from .labels import colour_of
from .pages import no_scenarios
from .queries import count_fragments, fragments_of_scenario, run_info

bp = Blueprint("scenario", __name__)
PER_PAGE = 100


@bp.get("/scenario/<scenario_id>")
def scenario(scenario_id: str) -> str | Response:
    """One scenario: size, tone, growth, the monthly trend, quotes, companies, fragments, curation."""
    store = get_store()
    info = run_info(store)
    if info is None:
        return no_scenarios("scenarios")
    views = scenarios_of(store, info.id, include_hidden=True)
    view = next((v for v in views if v.id == scenario_id), None)
    if view is None:
        target = curation(store).get(scenario_id, {}).get("merged_into")
        if target:
            return redirect(url_for("scenario.scenario", scenario_id=target))
        raise NotFound(f"Сценарий «{scenario_id}» не найден: возможно, его объединили с другим или "
                       "пересчёт нашёл сценарии заново.")
    digest = digest_cache().digest(store)
    shown: ScenarioDigest | None = next((s for s in digest.scenarios if s.id == scenario_id), None)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    total = count_fragments(store, info.id, scenario_id)
    fragments = fragments_of_scenario(store, info.id, scenario_id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template(
        "scenario.html", active="scenarios", view=view, shown=shown, digest=digest, quotes=_quotes(view, shown),
        fragments=fragments, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        others=[v for v in views if v.id != view.id and not v.hidden], colour=colour_of(view.id),
        kind_colour=kind_colour(view.kind), kind_title=kind_title(view.kind, digest_cache().kind_titles),
        trend=_trend(digest, shown, kind_colour(view.kind)))


def _trend(digest: Digest, shown: ScenarioDigest | None, colour: str) -> Markup | None:
    """The digest's monthly trend chart of the scenario, larger."""
    if shown is None or len(digest.months) < 2:
        return None
    return Markup(trend_chart(digest.months, shown.trend_shares, shown.trend, colour=colour,
                              highlight=digest.current_months, width=520, height=150,
                              title=f"{shown.name}: доля историй по месяцам"))


@dataclass
class ShownQuote(Quote):
    """A quote as the digest shows it (masked text, its source), plus its fragment for pin/unpin."""

    fragment_id: str | None = None
    pinned: bool = False


def _quotes(view: ScenarioView, shown: ScenarioDigest | None) -> list[ShownQuote]:
    """The quotes the digest shows (masked as there), each with its fragment id for pin/unpin.

    A hidden scenario is not in the digest: its stored quotes are masked here the same way.
    """
    by_span = {(q["story_id"], q["start"]): q for q in view.quotes}
    if shown is not None and shown.quotes:
        out = []
        for q in shown.quotes:
            fragment_id = by_span.get((q.story_id, q.start), {}).get("fragment_id")
            out.append(ShownQuote(**vars(q), fragment_id=fragment_id, pinned=fragment_id in view.pinned))
        return out
    return [ShownQuote(mask(q["text"]), q["story_id"], q["start"], q["end"], None, q["date"], q["channel"],
                       fragment_id=q["fragment_id"], pinned=q["fragment_id"] in view.pinned) for q in view.quotes[:3]]


@bp.post("/scenario/<scenario_id>/rename")
def rename(scenario_id: str) -> Response:
    """Give the scenario a name; an empty name restores the automatic one."""
    name = request.form.get("name", "").strip()
    return _curate(scenario_id, lambda: curate.rename(get_store(), scenario_id, name or None),
                   f"Название сохранено: «{name}»." if name else "Вернулось автоматическое название.")


@bp.post("/scenario/<scenario_id>/hide")
def hide(scenario_id: str) -> Response:
    """Hide the scenario from the digest and the list, or show it again."""
    hidden = request.form.get("hidden") == "1"
    return _curate(scenario_id, lambda: curate.hide(get_store(), scenario_id, hidden),
                   "Сценарий скрыт из дайджеста и списка." if hidden else "Сценарий снова виден в дайджесте.")


@bp.post("/scenario/<scenario_id>/merge")
def merge(scenario_id: str) -> Response:
    """Merge this scenario into the chosen one, now and after every re-clustering."""
    target = request.form.get("target", "")
    if not target:
        flash("Выберите сценарий, с которым объединить.", "error")
        return redirect(url_for("scenario.scenario", scenario_id=scenario_id))
    return _curate(scenario_id, lambda: curate.merge(get_store(), scenario_id, target),
                   "Сценарии объединены; так будет и после пересчёта.", go_to=target)


@bp.post("/scenario/<scenario_id>/pin")
def pin(scenario_id: str) -> Response:
    """Pin a fragment as the scenario's first quote, or unpin it (`unpin=1`)."""
    fragment_id = request.form.get("fragment_id", "")
    unpin = request.form.get("unpin") == "1"
    return _curate(scenario_id, lambda: curate.pin_quote(get_store(), scenario_id, fragment_id, unpin=unpin),
                   "Цитата откреплена." if unpin else "Цитата закреплена: она идёт первой в дайджесте.",
                   anchor="quotes")


def _curate(scenario_id: str, action: Any, done: str, *, go_to: str | None = None,
            anchor: str | None = None) -> Response:
    """Run a curation call; its Russian error, if any, is shown on the scenario page."""
    try:
        action()
    except ScenariosError as exc:
        flash(str(exc), "error")
        go_to = None
    else:
        flash(done, "info")
    return redirect(url_for("scenario.scenario", scenario_id=go_to or scenario_id, _anchor=anchor))
