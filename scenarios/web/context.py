"""What a request reaches through the app: its store and the app-wide helpers.

Every accessor lives here, so blueprints import this module and never `app.py`: the import graph
of `web/` has no circle (`app` imports the blueprints; the blueprints import `context`; `context`
imports only the extension classes, which import no blueprint and no `context`;
`tests/test_imports.py` checks it). The objects themselves are all made in
:func:`scenarios.web.app.create_app`, under the keys below.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, g

from ..store import Store
from .components import Components
from .digest_page import DigestCache
from .jobs import Recluster
from .masker import Masker

log = logging.getLogger(__name__)

COMPONENTS = "scenarios.components"
RECLUSTER = "scenarios.recluster"
DIGEST = "scenarios.digest"
MASKER = "scenarios.masker"


def get_store() -> Store:
    """The store of this request, opened on first use and closed when the request ends.

    SQLite connections are not shared across threads, so each request opens its own.
    """
    if "store" not in g:
        g.store = Store(current_app.config["SCENARIOS_DB"])
    return g.store


def close_store(exc: BaseException | None) -> None:
    """Close the request's store (an app-context teardown)."""
    store = g.pop("store", None)
    if store is not None:
        store.close()


def components() -> Components:
    """The app's lazily built lemmatiser and embedder for the fast stages."""
    return current_app.extensions[COMPONENTS]


def recluster_job() -> Recluster:
    """The app's one background re-clustering job."""
    return current_app.extensions[RECLUSTER]


def digest_cache() -> DigestCache:
    """The app's cache of built digests."""
    return current_app.extensions[DIGEST]


def masker() -> Masker:
    """The app's masker of personal data in quotes."""
    return current_app.extensions[MASKER]


def mask(text: str) -> str:
    """`text` with personal data masked as the digest masks it, by the app's one NER model."""
    return masker().mask(text, get_store())


def warm_digest(app: Flask) -> threading.Thread:
    """Build `app`'s default digest in a background thread, so the first visitor does not wait for it."""
    def work() -> None:
        with app.test_request_context("/"):
            try:
                digest_cache().page(get_store())
            except Exception:  # a failure here shows again, with its message, on the first visit
                log.debug("digest warm-up failed", exc_info=True)

    thread = threading.Thread(target=work, name="scenarios-digest-warmup", daemon=True)
    thread.start()
    return thread
