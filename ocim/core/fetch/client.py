"""safe_fetch(): the only way the platform fetches a URL it was given by someone else."""

import codecs
import concurrent.futures
import datetime as dt
import threading
import time
import zlib
from dataclasses import dataclass
from email.utils import format_datetime

import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import addresses
from .errors import (
    ConnectionFailed,
    DeadlineExceeded,
    ForbiddenAddress,
    InsecureRedirect,
    InvalidResponse,
    InvalidURL,
    TooLarge,
    TooManyRedirects,
    UnsupportedScheme,
)
from .transport import DeadlineReached, PinnedTransport

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_DEADLINE = 30.0
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_USER_AGENT = "OcimBot/1.0 (+https://www.ocim.fr)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# Headers the helper owns: letting callers set them would break the size cap (encoding), the
# pinning (Host) or the framing of the request.
_RESERVED_HEADERS = frozenset(
    {
        "host", "accept-encoding", "content-length", "transfer-encoding", "connection", "te",
        "upgrade", "keep-alive", "proxy-authorization", "proxy-connection",
        "if-none-match", "if-modified-since",
    }
)  # fmt: skip
# Sent to the first origin only: a redirect to another origin must not carry credentials.
_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie"})
_DECODE_STEP = 64 * 1024  # the most a decompressor may produce in one call

_resolver_pool = None
_resolver_pool_lock = threading.Lock()


@dataclass(frozen=True)
class FetchResult:
    """What a fetch returned. Every HTTP status is a result, including 4xx and 5xx: callers
    such as the feed fetcher decide what a 404, 410 or 503 means for them (``Retry-After`` is
    in ``headers``). Only refusals and transport failures raise :class:`FetchError`."""

    url: str
    final_url: str
    status_code: int
    headers: httpx.Headers
    content: bytes
    encoding: str | None
    redirects: tuple[str, ...]
    elapsed: float
    connected_address: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def not_modified(self) -> bool:
        """The server answered 304 to a conditional request: keep the copy you have."""
        return self.status_code == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 when absent or unknown)."""
        encoding = self.encoding or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError:
            encoding = "utf-8"
        return self.content.decode(encoding, errors="replace")


def safe_fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    etag: str | None = None,
    last_modified: str | dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    accept: str = "*/*",
    resolver: addresses.Resolver | None = None,
) -> FetchResult:
    """Fetch ``url`` from the public Internet, defending the platform against its content.

    Rules: http and https only (any port: the address rules, not the port, protect internal
    services); every address the host resolves to must be public (see
    :mod:`ocim.core.fetch.addresses`), and the connection goes to the address that was checked
    (DNS pinning); numeric hosts in legacy notations ("2130706433", "0x7f.1") are read as the
    address they denote, never handed to the system resolver. Redirects are followed by hand,
    at most ``max_redirects``, each hop checked again; https never downgrades to http. The body
    is capped at ``max_bytes`` after decompression (``gzip`` and ``deflate`` only are
    advertised) and the whole fetch, redirects and slow bodies included, ends at ``deadline``
    seconds.

    ``etag`` and ``last_modified`` are sent independently as If-None-Match and
    If-Modified-Since (a ``datetime`` is formatted as an HTTP date); a 304 gives a result with
    ``not_modified`` true and an empty body. ``resolver(host, port)`` returns the host's
    addresses; the default asks the operating system. Only GET and HEAD are supported.

    Raises a :class:`~ocim.core.fetch.errors.FetchError` subclass: InvalidURL,
    UnsupportedScheme, ForbiddenAddress, TooManyRedirects, InsecureRedirect, TooLarge,
    DeadlineExceeded, ConnectionFailed or InvalidResponse. No side effects besides the request.
    """
    started = time.monotonic()
    deadline_at = started + deadline
    method = method.upper()
    if method not in {"GET", "HEAD"}:
        raise ValueError(f"safe_fetch supports GET and HEAD, not {method}")
    resolver = resolver or addresses.system_resolver
    allowed = addresses.allowed_networks()
    request_headers = _request_headers(
        headers, accept=accept, etag=etag, last_modified=last_modified
    )

    requested = parse_url(url)
    current = requested
    redirects = []
    seen = {_without_fragment(current)}
    while True:
        targets = _checked_addresses(current, resolver, allowed, deadline_at)
        response, content, connected = _exchange(
            current, targets, method, request_headers, max_bytes=max_bytes, deadline_at=deadline_at
        )
        location = response.headers.get("location")
        if response.status_code not in REDIRECT_STATUSES or not location:
            return FetchResult(
                url=str(requested),
                final_url=str(current),
                status_code=response.status_code,
                headers=response.headers,
                content=content,
                encoding=_charset(response),
                redirects=tuple(redirects),
                elapsed=time.monotonic() - started,
                connected_address=connected,
            )
        if len(redirects) >= max_redirects:
            raise TooManyRedirects(url=current, detail=f"more than {max_redirects} redirects")
        target = validate_redirect(current, location)
        if _without_fragment(target) in seen:
            raise TooManyRedirects(
                _("The address redirects in a loop."), url=target, detail="redirect loop"
            )
        seen.add(_without_fragment(target))
        redirects.append(str(current))
        if response.status_code == 303 and method != "HEAD":
            method = "GET"
        if _origin(target) != _origin(current):
            request_headers = {
                name: value
                for name, value in request_headers.items()
                if name.lower() not in _CREDENTIAL_HEADERS
            }
        current = target


def parse_url(value) -> httpx.URL:
    """Parse and check an absolute http(s) URL; raise InvalidURL or UnsupportedScheme."""
    try:
        url = value if isinstance(value, httpx.URL) else httpx.URL(str(value))
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidURL(url=value, detail=str(exc)) from exc
    if not url.scheme:
        raise InvalidURL(url=value, detail="not an absolute URL")
    if url.scheme not in SCHEMES:
        raise UnsupportedScheme(url=value, detail=f"scheme {url.scheme!r}")
    try:
        # Decoding an IDNA host ("xn--…") may fail only now (idna.IDNAError, a ValueError).
        host = url.host
    except ValueError as exc:
        raise InvalidURL(url=value, detail=f"host: {exc}") from exc
    if not host:
        raise InvalidURL(url=value, detail="no host")
    if url.userinfo:
        raise InvalidURL(url=value, detail="credentials in the URL are not supported")
    if url.port is not None and not 1 <= url.port <= 65535:
        raise InvalidURL(url=value, detail=f"port {url.port} out of range")
    try:
        addresses.literal_address(host)
    except addresses.HostError as exc:
        raise InvalidURL(url=value, detail=str(exc)) from exc
    return url


def validate_redirect(current, location) -> httpx.URL:
    """The URL a redirect from ``current`` to ``location`` leads to, or the error it deserves
    (scheme, syntax, https→http downgrade). Addresses are checked when the hop is fetched."""
    current = parse_url(current)
    target = parse_url(_join(current, location))
    if current.scheme == "https" and target.scheme == "http":
        raise InsecureRedirect(url=target, detail=f"{current} redirected to {target}")
    return target


def _join(current, location):
    try:
        return current.join(location)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidURL(url=location, detail=f"bad Location header: {exc}") from exc


def _without_fragment(url):
    return str(url.copy_with(fragment=None))


def _origin(url):
    return (url.scheme, url.host, url.port or DEFAULT_PORTS[url.scheme])


def _request_headers(extra, *, accept, etag, last_modified):
    headers = {
        "User-Agent": getattr(settings, "OCIM_FETCH_USER_AGENT", DEFAULT_USER_AGENT),
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
    }
    for name, value in (extra or {}).items():
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"safe_fetch sets the {name} header itself")
        headers[name] = value
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        if isinstance(last_modified, dt.datetime):
            if last_modified.tzinfo is None:
                raise ValueError("last_modified must be an aware datetime")
            last_modified = format_datetime(last_modified.astimezone(dt.UTC), usegmt=True)
        headers["If-Modified-Since"] = last_modified
    for name, value in headers.items():
        if any(char in str(value) for char in "\r\n\x00"):
            raise ValueError(f"the {name} header contains a line break")
    return headers


def _remaining(deadline_at, url):
    left = deadline_at - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded(url=url, detail="deadline reached")
    return left


def _resolve(resolver, host, port, timeout):
    global _resolver_pool
    with _resolver_pool_lock:
        if _resolver_pool is None:
            # Name resolution cannot be given a timeout, so it runs on a worker thread and we
            # stop waiting at the deadline (a stuck lookup ends on the resolver's own timeout).
            _resolver_pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=8, thread_name_prefix="ocim-fetch-dns"
            )
    future = _resolver_pool.submit(lambda: list(resolver(host, port)))
    return future.result(timeout=timeout)


def _checked_addresses(url, resolver, allowed, deadline_at):
    """The addresses ``url``'s host stands for, all of them allowed, or an error."""
    host = url.host
    port = url.port or DEFAULT_PORTS[url.scheme]
    literal = addresses.literal_address(host)
    if literal is not None:
        candidates = [literal]
    else:
        try:
            answers = _resolve(resolver, host, port, _remaining(deadline_at, url))
        except concurrent.futures.TimeoutError as exc:
            raise DeadlineExceeded(url=url, detail=f"resolving {host} took too long") from exc
        except (OSError, UnicodeError) as exc:
            raise ConnectionFailed(url=url, detail=f"could not resolve {host}: {exc}") from exc
        try:
            candidates = [addresses.as_address(answer) for answer in answers]
        except ValueError as exc:
            raise ConnectionFailed(url=url, detail=f"bad resolver answer: {exc}") from exc
        if not candidates:
            raise ConnectionFailed(url=url, detail=f"{host} has no address")
    for candidate in candidates:
        reason = addresses.refusal(candidate, allowed)
        if reason:
            # One bad answer refuses the whole host: picking the "good" one would let a hostile
            # DNS server steer us by ordering, and a host mixing public and private addresses
            # is misconfigured at best.
            raise ForbiddenAddress(url=url, detail=f"{host} resolves to {candidate}: {reason}")
    # Deduplicate, keeping the resolver's order of preference.
    return list(dict.fromkeys(candidates))


def _exchange(url, targets, method, headers, *, max_bytes, deadline_at):
    """One request/response on a connection pinned to ``targets``; returns the response, its
    decoded body (empty for redirects) and the address actually connected to."""
    left = _remaining(deadline_at, url)
    transport = PinnedTransport(
        host=url.host,
        port=url.port or DEFAULT_PORTS[url.scheme],
        addresses=targets,
        deadline=deadline_at,
    )
    request = httpx.Request(
        method,
        url,
        headers=headers,
        extensions={"timeout": {"connect": left, "read": left, "write": left, "pool": left}},
    )
    try:
        response = transport.handle_request(request)
        response.request = request
        try:
            if response.status_code in REDIRECT_STATUSES and response.headers.get("location"):
                content = b""
            else:
                content = _read_body(response, url, max_bytes=max_bytes, deadline_at=deadline_at)
        finally:
            response.close()
    except DeadlineReached as exc:
        raise DeadlineExceeded(url=url, detail="deadline reached during the exchange") from exc
    except (httpcore.TimeoutException, httpx.TimeoutException) as exc:
        raise DeadlineExceeded(url=url, detail=f"{type(exc).__name__}: {exc}") from exc
    except (httpcore.ConnectError, httpx.ConnectError) as exc:
        raise ConnectionFailed(url=url, detail=f"{type(exc).__name__}: {exc}") from exc
    except (httpcore.ProtocolError, httpx.ProtocolError, httpx.DecodingError) as exc:
        raise InvalidResponse(url=url, detail=f"{type(exc).__name__}: {exc}") from exc
    except (httpcore.NetworkError, httpx.NetworkError, httpx.TransportError, OSError) as exc:
        raise ConnectionFailed(url=url, detail=f"{type(exc).__name__}: {exc}") from exc
    finally:
        transport.close()
    return response, content, transport.backend.connected_to or ""


def _read_body(response, url, *, max_bytes, deadline_at):
    declared = response.headers.get("content-length")
    # A HEAD or 304 answer announces the size of a body it does not send.
    has_body = response.request.method != "HEAD" and response.status_code not in {204, 304}
    if has_body and declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise TooLarge(url=url, detail=f"Content-Length {declared} > {max_bytes}")
    decoder = _Decoder.for_response(response, url)
    received = 0
    size = 0
    chunks = []
    for raw in response.iter_raw():
        # The wall clock is checked on every chunk: a server sending one byte a second never
        # lets a single read time out, so the read timeouts alone would not end the fetch.
        _remaining(deadline_at, url)
        received += len(raw)
        if received > max_bytes:
            raise TooLarge(url=url, detail=f"more than {max_bytes} bytes received")
        for piece in decoder.decode(raw):
            size += len(piece)
            if size > max_bytes:
                raise TooLarge(url=url, detail=f"more than {max_bytes} bytes once decoded")
            chunks.append(piece)
    chunks.extend(decoder.finish())
    return b"".join(chunks)


class _Decoder:
    """Undoes Content-Encoding in steps of at most ``_DECODE_STEP`` bytes, so a compression
    bomb is stopped when it passes the cap instead of being inflated whole in memory."""

    def __init__(self, encoding, url):
        self.encoding = encoding
        self.url = url
        self._fed = False
        if encoding == "gzip":
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            # "deflate" should be zlib-wrapped; some servers send raw deflate. Decided on the
            # first bytes.
            self._inflater = None
        else:
            self._inflater = False

    @classmethod
    def for_response(cls, response, url):
        codings = [
            coding.strip().lower()
            for coding in response.headers.get("content-encoding", "").split(",")
            if coding.strip() and coding.strip().lower() != "identity"
        ]
        if not codings:
            return cls("identity", url)
        if len(codings) > 1 or codings[0] not in {"gzip", "x-gzip", "deflate"}:
            raise InvalidResponse(url=url, detail=f"unsupported Content-Encoding {codings}")
        return cls("gzip" if codings[0] == "x-gzip" else codings[0], url)

    def decode(self, data):
        if self._inflater is False:
            if data:
                yield data
            return
        if not data:
            return
        self._fed = True
        if self._inflater is None:
            zlib_wrapped = (
                len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            )
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
        pending = data
        while pending and not self._inflater.eof:
            try:
                piece = self._inflater.decompress(pending, _DECODE_STEP)
            except zlib.error as exc:
                raise InvalidResponse(url=self.url, detail=f"bad {self.encoding} data") from exc
            pending = self._inflater.unconsumed_tail
            if piece:
                yield piece

    def finish(self):
        if self._inflater is False or not self._fed:
            return []
        if not self._inflater.eof:
            raise InvalidResponse(url=self.url, detail=f"truncated {self.encoding} body")
        return []


def _charset(response):
    charset = response.charset_encoding
    return charset.strip().lower() if charset else None
