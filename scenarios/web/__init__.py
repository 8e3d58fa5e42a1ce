"""`scenarios serve`: a local web page for managers over the same library the CLI uses.

Pages: the digest (`/`), a paste form (`/add`), the scenarios (`/scenarios`, `/scenario/<id>`) and
one story with its turns and highlighted fragments (`/story/<id>`). Re-clustering runs in a
background thread started by a button (`POST /recluster`) and reports progress at `/progress`.

Examples:
    >>> from scenarios.web import create_app, warm_digest
    >>> app = create_app("scenarios.db")
    >>> warm_digest(app)  # optional: build the front page's digest before the first visit
    >>> app.run(host="127.0.0.1", port=8000)
"""

from .app import create_app
from .context import warm_digest

__all__ = ["create_app", "warm_digest"]
