"""One story: its turns (a page of them at a time), client fragments marked by scenario, a quote.

A story is titled by channel, date and client, never by its file name. Long stories (a pasted
day of chat: thousands of turns) are shown `TURNS_PER_PAGE` turns at a time; a link to a quote
opens the page that holds it.
"""

from __future__ import annotations

import bisect
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..browse import get_story, own_title, story_heading
from .context import get_store
from .labels import NOT_YET, ROLE_NAMES, UNPLACED
from .marks import Mark, quote_span, turn_views
from .queries import memberships_of_story, run_info, scenario_tags

bp = Blueprint("story", __name__)
TURNS_PER_PAGE = 150


@bp.get("/story/<story_id>")
def story(story_id: str) -> str | Response:
    """A page of a story's turns; `?start=&end=` marks a quote and opens its page, `?page=` another."""
    store = get_store()
    view = get_story(store, story_id)
    if view.story["id"] != story_id:
        kept: dict[str, Any] = request.args.to_dict()  # the quote and page asked for
        return redirect(url_for("story.story", story_id=view.story["id"], **kept))
    info = run_info(store)
    tags = scenario_tags(store, info.id) if info else {}
    members = memberships_of_story(store, view.story["id"], info.id) if info else {}
    quote = quote_span(len(view.story["text"]), request.args.get("start"), request.args.get("end"))
    turns = view.turns
    pages = max(1, -(-len(turns) // TURNS_PER_PAGE))
    page = _page_of(turns, quote) if quote and "page" not in request.args else request.args.get("page", 1, type=int)
    page = min(max(1, page or 1), pages)
    shown = turns[(page - 1) * TURNS_PER_PAGE:page * TURNS_PER_PAGE]
    low = shown[0]["start"] if shown else 0
    high = shown[-1]["end"] if shown else 0
    marks = [_mark(f, members, tags) for f in view.fragments]
    visible = [m for m in marks if m.start < high and m.end > low]
    legend: dict[str, tuple[Any, list[Mark]]] = {}
    for mark in marks:
        if mark.tag:
            legend.setdefault(mark.tag.id, (mark.tag, []))[1].append(mark)
    texts = {f["id"]: f["text"] for f in view.fragments}
    return render_template(
        "story.html", active=None, story=view.story, heading=story_heading(view.story),
        own_title=own_title(view.story), turns=turn_views(view.story["text"], shown, visible, quote),
        turn_count=len(turns), marks=marks, visible=visible, texts=texts, info=info,
        legend=list(legend.values()), quote=quote, page=page, pages=pages, per_page=TURNS_PER_PAGE,
        ROLE_NAMES=ROLE_NAMES, UNPLACED=UNPLACED, NOT_YET=NOT_YET)


def _mark(fragment: dict[str, Any], members: dict[str, dict[str, Any]], tags: dict[str, Any]) -> Mark:
    member = members.get(fragment["id"], {})
    return Mark(fragment["id"], fragment["idx"], fragment["start"], fragment["end"],
                tags.get(member.get("scenario_id") or ""), member.get("pass"))


def _page_of(turns: list[dict[str, Any]], quote: tuple[int, int]) -> int:
    """The page holding the turn the quote starts in."""
    starts = [t["start"] for t in turns]
    index = max(0, bisect.bisect_right(starts, quote[0]) - 1)
    return index // TURNS_PER_PAGE + 1
