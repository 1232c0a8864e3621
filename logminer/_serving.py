"""A local HTTP server served from a background thread: what the sandbox billing and the explorer share."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# How often serve_forever looks for a stop request: stop() waits at most this long.
POLL_SECONDS = 0.05


class BackgroundServer:
    """A ``ThreadingHTTPServer`` bound at once to ``(host, port)`` (port 0: a free one).

    ``start()`` serves from a daemon thread, ``serve_forever()`` from this one (until ``stop()`` from
    another thread, or KeyboardInterrupt); ``stop()`` ends either and closes the socket. As a context
    manager it starts (unless already serving) and stops.
    """

    thread_name = "logminer-server"

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        self._thread: threading.Thread | None = None
        self._serving = False
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True

    @property
    def port(self) -> int:
        """The port listened on (the one picked when 0 was asked)."""
        return self._httpd.server_address[1]

    def start(self) -> int:
        """Serve from a daemon thread; returns the port."""
        self._serving = True
        self._thread = threading.Thread(target=self.serve_forever, name=self.thread_name, daemon=True)
        self._thread.start()
        return self.port

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (from another thread) or KeyboardInterrupt."""
        self._serving = True
        try:
            self._httpd.serve_forever(poll_interval=POLL_SECONDS)
        finally:
            self._serving = False

    def stop(self) -> None:
        """Stop serving (if serving) and close the socket."""
        if self._serving:
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Any:
        if self._thread is None and not self._serving:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
