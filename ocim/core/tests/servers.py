"""A scriptable HTTP server on a loopback address, for tests of code that fetches URLs.

Each test gets its own server on a random port (fixtures ``loopback_server`` and
``loopback_server_factory`` in ``ocim/core/tests/conftest.py``). Script it per path::

    server.reply("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>"))
    server.reply("/slow", Reply(200, body=iter([b"a"] * 100), delay=1.0))   # one byte a second
    server.reply("/raw", RawReply([b"HTTP/1.1 200 OK\\r\\n", b"garbage"]))  # hostile bytes
    server.reply("/echo", lambda request: Reply(200, body=request.headers["User-Agent"].encode()))

and inspect what it received in ``server.requests`` (method, path, headers, body). Unknown
paths answer 404. The server is hostile-friendly: bodies may be endless generators, may lie
about their length, and may trickle; a client that hangs up ends the reply quietly.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # with the query string
    headers: HTTPMessage  # case-insensitive: request.headers["if-none-match"]
    body: bytes
    client: tuple


@dataclass
class Reply:
    """An HTTP response. ``body`` is bytes (Content-Length added unless ``headers`` sets it)
    or an iterable of chunks (streamed, connection closed at the end, no Content-Length unless
    given). ``delay`` pauses before each chunk."""

    status: int = 200
    headers: dict | list = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    delay: float = 0.0

    @classmethod
    def redirect(cls, location, status=302):
        return cls(status, {"Location": location})


@dataclass
class RawReply:
    """Bytes written verbatim (status line and headers included), ``delay`` before each."""

    chunks: Iterable[bytes]
    delay: float = 0.0


Script = Reply | RawReply | Callable[[RecordedRequest], "Reply | RawReply"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "OcimTestServer/1.0"
    sys_version = ""

    def setup(self):
        super().setup()
        # Without it, Nagle's algorithm and delayed ACKs add ~40 ms to every small reply.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self.server.owner._serve(self)
        except _CLIENT_GONE:
            self.close_connection = True

    def log_message(self, format, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class LoopbackServer:
    def __init__(self, host="127.0.0.1", port=0):
        self.host = host
        self._requested_port = port
        self.requests: list[RecordedRequest] = []
        self._scripts: dict[str, Script] = {}
        self._stopping = threading.Event()
        self._httpd = None
        self._thread = None

    # --- lifecycle
    def start(self):
        server_class = _Server
        if ":" in self.host:
            server_class = type("_Server6", (_Server,), {"address_family": socket.AF_INET6})
        self._httpd = server_class((self.host, self._requested_port), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # --- scripting
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def url(self, path="/") -> str:
        return f"http://{self.netloc}{path}"

    def reply(self, path: str, script: Script):
        """Answer requests for ``path`` (query string ignored) with ``script``."""
        self._scripts[path] = script
        return self

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if urlsplit(request.path).path == path]

    # --- serving
    def _serve(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=handler.command,
            path=handler.path,
            headers=handler.headers,
            body=body,
            client=handler.client_address,
        )
        self.requests.append(request)
        script = self._scripts.get(urlsplit(handler.path).path)
        if script is None:
            script = Reply(404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found")
        if callable(script) and not isinstance(script, Reply | RawReply):
            script = script(request)
        if isinstance(script, RawReply):
            self._write_chunks(handler, script.chunks, script.delay)
            handler.close_connection = True
            return
        self._write_reply(handler, script)

    def _write_reply(self, handler, reply):
        headers = list(reply.headers.items() if isinstance(reply.headers, dict) else reply.headers)
        names = {name.lower() for name, _value in headers}
        streamed = not isinstance(reply.body, bytes | bytearray)
        if not streamed and "content-length" not in names and "transfer-encoding" not in names:
            headers.append(("Content-Length", str(len(reply.body))))
        if streamed and "content-length" not in names:
            headers.append(("Connection", "close"))
            handler.close_connection = True
        handler.send_response(reply.status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        if handler.command == "HEAD":
            return
        chunks = reply.body if streamed else [bytes(reply.body)]
        self._write_chunks(handler, chunks, reply.delay)

    def _write_chunks(self, handler, chunks, delay):
        for chunk in chunks:
            if self._stopping.is_set():
                break
            if delay:
                time.sleep(delay)
            handler.wfile.write(chunk)
            handler.wfile.flush()
