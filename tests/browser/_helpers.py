"""Helpers shared by the browser tests and benchmarks/jupyter_latency.py: where things are, Chromium,
and a static file server for the built site.

* :data:`CHROMIUM` / :data:`CHROMIUM_ARGS`: Debian's Chromium (``$CHROMIUM`` overrides the path) and
  the flags that keep it from reaching the network on its own (updates, sync, QUIC).
* :func:`launch_chromium` starts headless Chromium through Playwright and closes it after.
* :func:`serve_directory` serves a directory on 127.0.0.1 (a free port, in a thread) and yields its URL.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# DTAO_SITE_DIR points the site tests at another build (e.g. `jupyter-book build --path-output /tmp/x .`
# puts the site in /tmp/x/_build/html).
HTML = Path(os.environ.get("DTAO_SITE_DIR", ROOT / "_build" / "html"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """Headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log each request (keeps test output readable)."""

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_directory(directory: Path, handler: type[http.server.BaseHTTPRequestHandler] = QuietHandler
                    ) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port, a daemon thread); yield the base URL; stop after."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
