"""The digest as the web page's front page: built by `scenarios.digest`, cached per store state.

Building a digest masks personal data with an NER model, which takes seconds, so the rendered
page is kept until the store changes (a new or re-described run, added stories, curation) and
`serve` builds it once in the background at start.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable

from flask import Flask, current_app, url_for

from ..store import Store
from .app import get_store

log = logging.getLogger(__name__)


class DigestCache:
    """The last rendered digest and the store state it was built from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable = None
        self._html = ""

    def page(self, store: Store) -> str:
        """The digest HTML for the store as it is now; built at most once per state."""
        key = state_of(store)
        with self._lock:  # a second request waits for the first build instead of repeating it
            if key != self._key:
                self._html = _build(store)
                self._key = key
            return self._html


def state_of(store: Store) -> Hashable:
    """What the digest depends on: the latest run and its description, stories, memberships, curation."""
    return tuple(store.conn.execute(
        """SELECT r.id, r.described_at, r.scenarios,
                  (SELECT count(*) FROM stories),
                  (SELECT count(*) FROM memberships m WHERE m.run_id = r.id),
                  (SELECT count(*) || max(updated_at) FROM curation)
           FROM (SELECT * FROM runs ORDER BY id DESC LIMIT 1) r""").fetchone() or ())


def digest_cache() -> DigestCache:
    """The app's digest cache."""
    return current_app.extensions.setdefault("scenarios.digest", DigestCache())


def warm(app: Flask) -> threading.Thread:
    """Build the digest in a background thread, so the first visitor does not wait for it."""
    def work() -> None:
        with app.test_request_context("/"):
            try:
                digest_cache().page(get_store())
            except Exception:  # a failure here shows again, with its message, on the first visit
                log.debug("digest warm-up failed", exc_info=True)

    thread = threading.Thread(target=work, name="scenarios-digest-warmup", daemon=True)
    thread.start()
    return thread


def _build(store: Store) -> str:
    from ..digest import DigestOptions, build_digest, render_html

    digest = build_digest(store, DigestOptions(appendix=False))
    return render_html(digest, story_url=lambda story_id, start, end: url_for(
        "pages.story", story_id=story_id, start=start, end=end, _anchor="quote"))
