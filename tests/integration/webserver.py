"""A tiny static file server for the web consumer tests: 127.0.0.1 only, ephemeral port.

Chromium treats ``http://127.0.0.1`` as a secure context, so a PWA served from it can
register a service worker and be installable, with no TLS. MIME types are pinned rather than
taken from the host's ``/etc/mime.types``: ``.webmanifest`` as ``application/manifest+json``
(PLATFORM_SPEC §4.1) and ``.js`` as ``text/javascript`` (a service worker script must have a
JavaScript MIME type).

    with serve(dist / "web") as server:
        page.goto(server.url)          # http://127.0.0.1:<port>/
        server.requests                # paths served so far, in order
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".svg": "image/svg+xml",
}


@dataclass
class Server:
    """A running server: its base URL and the request paths it has answered."""

    url: str
    root: Path
    requests: list[str] = field(default_factory=list)


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {"": "application/octet-stream", **MIME_TYPES}
    server_record: Server

    def end_headers(self) -> None:
        # No HTTP caching: the service worker's cache is the only cache under test.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        # Apple's association file has no extension and must be served as JSON (README).
        if Path(path).name == "apple-app-site-association":
            return "application/json"
        return super().guess_type(path)

    def do_GET(self) -> None:
        self.server_record.requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        """Silence the per-request log on stderr."""


@contextmanager
def serve(root: Path) -> Iterator[Server]:
    """Serve ``root`` on ``http://127.0.0.1:<ephemeral port>/`` until the block exits."""
    record = Server(url="", root=root)
    handler = type("Handler", (_Handler,), {"server_record": record})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    httpd.daemon_threads = True
    host, port = httpd.server_address[:2]
    record.url = f"http://{host}:{port}/"
    thread = threading.Thread(target=httpd.serve_forever, name=f"webserver-{port}", daemon=True)
    thread.start()
    try:
        yield record
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
