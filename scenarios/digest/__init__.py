"""The digest: the scenarios of a run as leadership reads them, quotes first, numbers second.

`build_digest(store, DigestOptions(...))` gathers plain data (`Digest`); the renderers turn it
into a terminal view (rich), Markdown, or one self-contained HTML file; `screenshot` takes a PNG
of the HTML in headless Chromium. Personal data in quoted text is masked by `redact` unless
`DigestOptions(redact=False)`.

Examples:
    >>> with Store("scenarios.db") as store:
    ...     digest = build_digest(store, DigestOptions(period_days=90, by="channel"))
    >>> Path("digest.html").write_text(render_html(digest), encoding="utf-8")
"""

from .browser import screenshot
from .build import build_digest
from .html import render_html
from .markdown import render_markdown
from .model import Digest, DigestOptions, Quote, ScenarioDigest
from .redact import Redactor, redact
from .terminal import render_terminal

__all__ = ["Digest", "DigestOptions", "Quote", "Redactor", "ScenarioDigest", "build_digest", "redact",
           "render_html", "render_markdown", "render_terminal", "screenshot"]
