"""The digest as the web page's front page: built by `scenarios.digest`, cached per store state.

Building a digest masks personal data with an NER model, which takes seconds, so each built
digest (per filter: period, channel, kind, segments) is kept until the store changes (a new or
re-described run, added stories, curation), and `serve` builds the default one in the background
at start. The export reads the same cached digest, so its quotes are masked the same way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping

from flask import url_for

from ..digest import Digest, DigestOptions, build_digest, render_html
from ..store import Store

KEEP = 8  # filtered digests kept per store state


class DigestCache:
    """Built digests and their pages, for the store state they were built from."""

    def __init__(self, kind_titles: Mapping[str, str] | None = None) -> None:
        self.kind_titles = dict(kind_titles or {})
        self._lock = threading.Lock()
        self._key: Hashable = None
        self._digests: OrderedDict[DigestOptions, Digest] = OrderedDict()
        self._pages: dict[DigestOptions, str] = {}

    def digest(self, store: Store, options: DigestOptions | None = None) -> Digest:
        """The digest with `options` for the store as it is now; built at most once per state."""
        options = options or DigestOptions(appendix=False)
        key = state_of(store)
        with self._lock:  # a second request waits for the first build instead of repeating it
            if key != self._key:
                self._digests.clear()
                self._pages.clear()
                self._key = key
            if options not in self._digests:
                self._digests[options] = build_digest(store, options, kind_titles=self.kind_titles)
                while len(self._digests) > KEEP:
                    dropped, _ = self._digests.popitem(last=False)
                    self._pages.pop(dropped, None)
            return self._digests[options]

    def page(self, store: Store, options: DigestOptions | None = None) -> str:
        """The digest's HTML, quotes linking to the story pages."""
        options = options or DigestOptions(appendix=False)
        digest = self.digest(store, options)
        with self._lock:
            if options not in self._pages:
                self._pages[options] = render_html(digest, story_url=lambda story_id, start, end: url_for(
                    "story.story", story_id=story_id, start=start, end=end, _anchor="quote"))
            return self._pages[options]


def state_of(store: Store) -> Hashable:
    """What the digest depends on: the latest run and its description, stories, memberships, curation.

    Curation is compared by content (a small table): two edits within one second differ too.
    """
    return tuple(store.conn.execute(
        """SELECT r.id, r.described_at, r.scenarios,
                  (SELECT count(*) FROM stories),
                  (SELECT count(*) FROM memberships m WHERE m.run_id = r.id),
                  (SELECT group_concat(scenario_id || '|' || coalesce(name, '') || '|' || hidden || '|'
                          || coalesce(merged_into, '') || '|' || coalesce(pinned, ''), '¦') FROM curation)
           FROM (SELECT * FROM runs ORDER BY id DESC LIMIT 1) r""").fetchone() or ())

