"""An httpx transport that connects only to addresses we validated, within one deadline.

httpx would normally resolve the host name again when it connects. Between our check and that
second resolution a hostile DNS server can change its answer ("DNS rebinding") and send us to
127.0.0.1. So the transport is built for one (host, port) and the list of addresses we already
checked: the network backend connects to those IP addresses and nothing else, while httpcore
keeps using the host name for the Host header, TLS SNI and certificate verification.

Every network operation also gets a timeout no longer than the time left before the fetch's
deadline, so a server that trickles bytes cannot keep one read blocked past it.
"""

import functools
import time
import typing

import httpcore
import httpx


class DeadlineReached(Exception):
    """Raised inside the transport when no time is left; the caller maps it to an error."""


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineReached
    return left


def _clamp(timeout, deadline):
    left = _remaining(deadline)
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """Wraps a connected stream so each read/write waits at most until the deadline."""

    def __init__(self, stream, deadline):
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes, timeout=None):
        return self._stream.read(max_bytes, _clamp(timeout, self._deadline))

    def write(self, buffer, timeout=None):
        self._stream.write(buffer, _clamp(timeout, self._deadline))

    def close(self):
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        stream = self._stream.start_tls(
            ssl_context, server_hostname=server_hostname, timeout=_clamp(timeout, self._deadline)
        )
        return _DeadlineStream(stream, self._deadline)

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connects ``host:port`` to one of ``addresses`` (already validated), in order."""

    def __init__(self, *, host, port, addresses, deadline):
        self.host = self._normalise(host)
        self.port = port
        self.addresses = [str(address) for address in addresses]
        self.deadline = deadline
        self.connected_to = None
        # Created here, not shared: the sync backend keeps no state, but tests may watch it.
        self._inner = httpcore.SyncBackend()

    @staticmethod
    def _normalise(host):
        return host.lower().strip("[]").rstrip(".")

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        if self._normalise(host) != self.host or port != self.port:
            # A transport is built for one origin; anything else is a programming error that
            # must not turn into an unchecked connection.
            raise httpcore.ConnectError(f"transport pinned to {self.host}:{self.port}, not {host}")
        last_error = None
        for address in self.addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=_clamp(timeout, self.deadline),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last_error = exc
                continue
            self.connected_to = address
            return _DeadlineStream(stream, self.deadline)
        raise last_error or httpcore.ConnectError("no address to connect to")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are never used for outbound fetches")

    def sleep(self, seconds):
        time.sleep(min(seconds, _remaining(self.deadline)))


@functools.cache
def _ssl_context():
    # Loading the CA bundle costs ~40 ms; one verifying context is shared by every fetch
    # (SSLContext is safe to use from several threads once configured).
    return httpx.create_ssl_context(trust_env=False)


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream):
        self._stream = stream

    def __iter__(self):
        yield from self._stream

    def close(self):
        if hasattr(self._stream, "close"):
            self._stream.close()


class PinnedTransport(httpx.BaseTransport):
    """A one-origin HTTP/1.1 transport over :class:`PinnedBackend`. No proxy, no env config:
    a proxy from the environment would resolve names itself and defeat the pinning."""

    def __init__(self, *, host, port, addresses, deadline):
        self.backend = PinnedBackend(host=host, port=port, addresses=addresses, deadline=deadline)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=1,
            max_keepalive_connections=0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=self.backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        core_response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(core_response.stream),
            extensions=core_response.extensions,
        )

    def close(self):
        self._pool.close()
