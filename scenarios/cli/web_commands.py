"""`scenarios serve`: the local web page for managers."""

from __future__ import annotations

import errno
import socket

import click

from ..stages.ingest import PASTE_MAX_MB
from ._common import UserError, config_option, console, err_console, open_store, store_option, styled
from ._group import cli

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@store_option
@config_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is reachable only from this computer.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--max-mb", type=float, default=PASTE_MAX_MB, show_default=True,
              help="Largest paste accepted, in MB.")
def serve(db_path: str, config_path: str | None, host: str, port: int, max_mb: float) -> None:
    """Open a local web page: the digest, a paste form, scenarios and stories.

    Managers paste a transcript, see its turns and the scenarios its fragments joined, read the
    digest and re-cluster with a button. There is no login: keep the default --host unless the
    network is trusted.

    \b
    Examples:
        scenarios serve
        scenarios serve --db interviews.db --port 8080 --config scenarios.toml
    """
    from werkzeug.serving import make_server

    from ..web import create_app, warm_digest

    with open_store(db_path):
        pass  # fail now, in the terminal, if the store cannot be opened
    problem = _cannot_listen(host, port)
    if problem:
        raise UserError(f"Не удалось открыть {host}:{port}: {problem}. Укажите другой --port или --host.")
    app = create_app(db_path, config_path, max_mb=max_mb)
    server = make_server(host, port, app, threaded=True)
    if host not in LOOPBACK:
        err_console.print(styled("Внимание:", "yellow", f" страница доступна по сети ({host}) без пароля."))
    warm_digest(app)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Страница открыта: http://{shown}:{port}/ — хранилище {db_path}. Остановить: Ctrl-C.")
    try:
        server.serve_forever()  # werkzeug's returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    console.print("\nОстановлено.")


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on `host:port` (taken, unknown address), or None.

    Checked up front because werkzeug prints its own English message and exits on that error.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        return f"адрес не найден ({exc.strerror})"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return "порт уже занят другой программой" if exc.errno == errno.EADDRINUSE else str(exc.strerror or exc)
    return None
