"""`ixm preview --watch`: the sheet served on 127.0.0.1, reloaded after every saved change.

``watchfiles`` (Rust ``notify``: inotify, FSEvents, …) reports changes; the page learns of a
new version through server-sent events and reloads itself. Nothing here polls: the watcher
blocks in the kernel, and each event stream blocks on a condition variable until the version
changes (with a keep-alive comment now and then, so a dead browser tab is noticed).
A manifest that does not validate is shown as its diagnostics, and the watch goes on.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from ixm_cli.errors import Diagnostic, IxmError
from ixm_cli.manifest.resolve import Workspace

from . import tenant_sheet
from .sheet import Reload, render_errors

EVENTS = "/events"
KEEPALIVE_S = 15.0
DEBOUNCE_MS = 50
"""watchfiles groups the events of one save (editors write, rename and chmod) for this long;
its default of 1.6 s would spend the whole reload budget waiting."""


@dataclass
class Served:
    """The current page and its version, shared by the watcher and the HTTP threads."""

    html: bytes = b""
    version: int = 0
    stopping: bool = False
    dirs: list[Path] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, html: str) -> None:
        with self.changed:
            self.html = html.encode("utf-8")
            self.changed.notify_all()


def _news(state: Served, sent: int) -> bool:
    return state.version != sent or state.stopping


def _handler(state: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?", 1)[0]
            if path == "/":
                with state.changed:
                    body = state.html
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
            elif path == EVENTS:
                self._events()
            else:
                self.send_error(404)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.close_connection = True
            sent = -1
            try:
                while True:
                    with state.changed:
                        state.changed.wait_for(partial(_news, state, sent), KEEPALIVE_S)
                        version, stopping = state.version, state.stopping
                    if stopping:
                        return
                    if version != sent:
                        self.wfile.write(f"data: {version}\n\n".encode("ascii"))
                        sent = version
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Requests are not worth a line on the designer's terminal."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A closed browser tab resets its connection: not worth a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _render(ws: Workspace, slug: str, env: str | None, state: Served,
            report: Callable[[Iterable[Diagnostic]], None]) -> None:
    """Render the next version (the sheet, or the diagnostics) and publish it."""
    with state.changed:
        version = state.version + 1
    reload = Reload(EVENTS, version)
    try:
        sheet = tenant_sheet(ws, slug, env, reload=reload)
    except IxmError as exc:
        report(exc.diagnostics)
        html = render_errors(slug, exc.diagnostics, reload)
    else:
        report(sheet.warnings)
        state.dirs = sorted({ws.tenants / slug, *(f.parent for f in sheet.merged.files)})
        html = sheet.html
    with state.changed:
        state.html = html.encode("utf-8")
        state.version = version
        state.changed.notify_all()


def _relevant(state: Served, changes: set[tuple[watchfiles.Change, str]]) -> bool:
    for _, raw in changes:
        path = Path(raw)
        if any(path == d or path.is_relative_to(d) for d in state.dirs):
            return True
    return False


def serve(
    ws: Workspace,
    slug: str,
    env: str | None,
    *,
    ready: Callable[[str], None],
    report: Callable[[Iterable[Diagnostic]], None],
    rendered: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    port: int = 0,
) -> None:
    """Serve the sheet until ``stop`` is set (or Ctrl+C); ``ready`` gets the URL."""
    stop = stop or threading.Event()
    state = Served(dirs=[ws.tenants / slug])
    _render(ws, slug, env, state, report)
    httpd = _Server(("127.0.0.1", port), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, name="ixm-preview", daemon=True)
    thread.start()
    host, bound = httpd.server_address[:2]
    ready(f"http://{host!s}:{bound}/")
    try:
        for changes in watchfiles.watch(
            ws.tenants, debounce=DEBOUNCE_MS, step=DEBOUNCE_MS, stop_event=stop,
            raise_interrupt=True,
        ):
            if _relevant(state, changes):
                _render(ws, slug, env, state, report)
                if rendered is not None:
                    rendered(state.version)
    finally:
        with state.changed:
            state.stopping = True
            state.changed.notify_all()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
