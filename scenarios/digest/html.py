"""The digest as ONE self-contained HTML file: inline CSS and SVG, no scripts, no external URLs.

Works offline and as an e-mail attachment, reads in light mode and prints. Every piece of story
text goes through Jinja's autoescape (a pasted `<script>` shows as text). Quotes link either to
the appendix in the same file (the full redacted story with its quotes in `<mark>`, opened by CSS
`:target` so the page stays short and prints in full), or, when the web page passes `story_url`,
to its own story view.
"""

from __future__ import annotations

from collections.abc import Callable

import jinja2
from markupsafe import Markup, escape

from . import charts, present
from ._template import TEMPLATE
from .model import AppendixStory, Digest, Quote
from .words import CLIENTS, SCENARIOS, STORIES, channel_name, date_label, percent, plural, word

StoryUrl = Callable[[str, int, int], str]
#: An appendix story longer than this shows only the text around its quotes.
EXCERPT_LIMIT = 20_000
CONTEXT = 3_000


def render_html(digest: Digest, *, story_url: StoryUrl | None = None) -> str:
    """The digest as a standalone HTML page.

    Args:
        digest: From :func:`build_digest`.
        story_url: `(story_id, start, end) -> URL` of a story view; quotes link there and the
            appendix is left out. `None` (a standalone file): quotes link to the appendix.
    """

    def quote_href(quote: Quote) -> str:
        if story_url is not None:
            return story_url(quote.story_id, quote.start, quote.end)
        return f"#story-{quote.story_id}"

    highlight = digest.current_months
    environment = _environment()
    template = environment.from_string(TEMPLATE)
    return template.render(
        d=digest, p=present, charts=charts, percent=percent, date_label=date_label, channel_name=channel_name,
        plural=plural, word=word, STORIES=STORIES, CLIENTS=CLIENTS, SCENARIOS=SCENARIOS,
        quote_href=quote_href, highlight=highlight,
        appendix=[] if story_url is not None else digest.appendix,
        story_html=story_html,
        size_bars=Markup(charts.size_bars(digest.sections, digest.total_stories)),
        month_range=charts.month_range(digest.months), lead=_lead(digest),
    )


def _lead(digest: Digest) -> Markup:
    """The lead sentence with the scenario's name in bold."""
    text = escape(present.lead(digest))
    leads = digest.growing or digest.new or digest.biggest
    if not leads:
        return Markup(text)
    lead_id = leads[0]
    name = escape(f"«{digest.scenario(lead_id).name}»")
    return Markup(str(text).replace(str(name), f"<b>{name}</b>", 1))


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def story_html(story: AppendixStory) -> Markup:
    """A story's text, escaped, with its quotes in `<mark id=...>`; long stories cut around the quotes."""
    text = story.text
    windows = [(0, len(text))]
    if len(text) > EXCERPT_LIMIT and story.marks:
        windows = []
        for mark in story.marks:
            start, end = _snap(text, mark.start - CONTEXT, left=True), _snap(text, mark.end + CONTEXT, left=False)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], end))
            else:
                windows.append((start, end))
    out: list[str] = []
    for i, (start, end) in enumerate(windows):
        if start > 0:
            out.append('<span class="gap">[…]</span>\n')
        cursor = start
        for mark in story.marks:
            if mark.start < start or mark.end > end:
                continue
            out.append(str(escape(text[cursor:mark.start])))
            out.append(f'<mark id="{escape(mark.anchor)}">{escape(text[mark.start:mark.end])}</mark>')
            cursor = mark.end
        out.append(str(escape(text[cursor:end])))
        if end < len(text) and i == len(windows) - 1:
            out.append('\n<span class="gap">[…]</span>')
    return Markup("".join(out))


def _snap(text: str, offset: int, *, left: bool) -> int:
    """Move a cut to the nearest line break or space, so an excerpt never splits a word."""
    offset = max(0, min(len(text), offset))
    if offset in (0, len(text)):
        return offset
    if left:
        found = max(text.rfind("\n", 0, offset), text.rfind(" ", 0, offset))
        return found + 1 if found >= 0 else 0
    breaks = [i for i in (text.find("\n", offset), text.find(" ", offset)) if i >= 0]
    return min(breaks) if breaks else len(text)
