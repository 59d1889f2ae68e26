"""SSRF defences of safe_fetch(): every forbidden address is refused before any connection.

The test settings allow loopback so that the functional tests can reach their own servers;
these tests remove that allowance (or narrow it) to see the production rules at work. A spy on
httpcore's socket backend records every TCP connection attempt, so "refused before connecting"
is checked, not assumed. No test connects to a non-loopback address.
"""

import ipaddress
import socket
import threading
import time

import httpcore
import pytest

from ocim.core.fetch import (
    ConnectionFailed,
    DeadlineExceeded,
    ForbiddenAddress,
    InvalidURL,
    UnsupportedScheme,
    forbidden_reason,
    literal_address,
    safe_fetch,
)
from ocim.core.fetch.addresses import HostError, refusal
from ocim.core.tests.servers import Reply

LOOPBACK_HOSTS = ["127.0.0.1", "127.0.0.2", "::1"]


@pytest.fixture
def no_allowance(settings):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []


class ConnectSpy:
    """Records (host, port) of every TCP connection httpcore opens; in "block" mode it fails
    the connection instead of opening it (to stand for an unreachable public server)."""

    def __init__(self):
        self.calls = []
        self.block = False


@pytest.fixture
def connect_spy(monkeypatch):
    spy = ConnectSpy()
    original = httpcore.SyncBackend.connect_tcp

    def spying_connect(backend, host, port, *args, **kwargs):
        spy.calls.append((host, port))
        if spy.block:
            raise httpcore.ConnectError(f"blocked by the test: {host}")
        return original(backend, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", spying_connect)
    return spy


FORBIDDEN_URLS = [
    ("http://127.0.0.1:{port}/", "forbidden_address"),
    ("http://localhost:{port}/", "forbidden_address"),
    ("http://LOCALHOST:{port}/", "forbidden_address"),
    ("http://[::1]:{port}/", "forbidden_address"),
    ("http://10.0.0.1/", "forbidden_address"),
    ("http://172.16.0.1/", "forbidden_address"),
    ("http://172.31.255.254/", "forbidden_address"),
    ("http://192.168.1.1/", "forbidden_address"),
    ("http://169.254.169.254/latest/meta-data/", "forbidden_address"),
    ("http://100.64.0.1/", "forbidden_address"),
    ("http://[64:ff9b::7f00:1]:{port}/", "forbidden_address"),
    ("http://[64:ff9b:1::a00:1]/", "forbidden_address"),
    ("http://[::ffff:127.0.0.1]:{port}/", "forbidden_address"),
    ("http://[::ffff:7f00:1]:{port}/", "forbidden_address"),
    ("http://[::ffff:a9fe:a9fe]/", "forbidden_address"),
    ("http://[::127.0.0.1]:{port}/", "forbidden_address"),
    ("http://[2002:7f00:1::1]/", "forbidden_address"),  # 6to4 around 127.0.0.1
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "forbidden_address"),  # Teredo
    ("http://[fc00::1]/", "forbidden_address"),
    ("http://[fd12:3456:789a::1]/", "forbidden_address"),
    ("http://[fe80::1]/", "forbidden_address"),
    ("http://[::]:{port}/", "forbidden_address"),
    ("http://[ff02::1]/", "forbidden_address"),
    ("http://0.0.0.0:{port}/", "forbidden_address"),
    ("http://0:{port}/", "forbidden_address"),
    ("http://224.0.0.1/", "forbidden_address"),
    ("http://255.255.255.255/", "forbidden_address"),
    ("http://240.0.0.1/", "forbidden_address"),
    ("http://198.18.0.1/", "forbidden_address"),
    ("http://2130706433:{port}/", "forbidden_address"),
    ("http://0x7f000001:{port}/", "forbidden_address"),
    ("http://017700000001:{port}/", "forbidden_address"),
    ("http://0x7f.0.0.1:{port}/", "forbidden_address"),
    ("http://0x7f.1:{port}/", "forbidden_address"),
    ("http://127.1:{port}/", "forbidden_address"),
    ("http://127.0.1:{port}/", "forbidden_address"),
    ("http://127.0.0.1.:{port}/", "forbidden_address"),
    ("http://0xa9.0xfe.0xa9.0xfe/", "forbidden_address"),
    ("http://2852039166/", "forbidden_address"),  # 169.254.169.254
    # httpx itself refuses dotted quads with leading zeros: refused outright, never resolved.
    ("http://0177.0.0.1:{port}/", "invalid_url"),
    ("http://0177.0.0.01:{port}/", "invalid_url"),
    ("http://[fe80::1%25eth0]/", "invalid_url"),
    ("http://%31%32%37.0.0.1:{port}/", "invalid_url"),
    ("http://127.0.0.1.5:{port}/", "invalid_url"),
    ("http://256.0.0.1/", "invalid_url"),
    ("http://example.0x7f/", "invalid_url"),
    ("http://user:secret@127.0.0.1:{port}/", "invalid_url"),
    ("http://127.0.0.1:0/", "invalid_url"),
    ("file:///etc/passwd", "unsupported_scheme"),
    ("gopher://127.0.0.1:{port}/_GET", "unsupported_scheme"),
    ("ftp://127.0.0.1/", "unsupported_scheme"),
    ("javascript:alert(1)", "unsupported_scheme"),
    ("//127.0.0.1:{port}/", "invalid_url"),
    ("http:///etc/passwd", "invalid_url"),
    # A host whose IDNA form cannot be decoded: refused, not an unexpected exception.
    ("http://xn--/", "invalid_url"),
    ("http://xn--a.example/", "invalid_url"),
]


@pytest.mark.usefixtures("no_allowance")
@pytest.mark.parametrize(("template", "code"), FORBIDDEN_URLS)
def test_forbidden_addresses_are_refused_before_connecting(
    template, code, loopback_server, connect_spy
):
    loopback_server.reply("/", Reply(200, body=b"secret"))
    url = template.format(port=loopback_server.port)

    with pytest.raises(Exception) as caught:
        safe_fetch(url)

    assert getattr(caught.value, "code", None) == code, repr(caught.value)
    assert connect_spy.calls == []
    assert loopback_server.requests == []


def test_the_allowance_is_what_lets_the_tests_reach_loopback(loopback_server, settings):
    """Control for the test above: the same server is reachable once loopback is allowed."""
    loopback_server.reply("/", Reply(200, body=b"secret"))
    # ::1 too: "localhost" may also resolve to it; the server only listens on 127.0.0.1, so
    # the fetch then falls back to the next checked address.
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.0/8", "::1/128"]
    hosts = ["127.0.0.1", "2130706433", "127.1", "0x7f.0.0.1", "127.0.0.1.", "localhost"]
    for host in hosts:
        assert safe_fetch(f"http://{host}:{loopback_server.port}/").content == b"secret"
    assert len(loopback_server.requests) == len(hosts)


@pytest.mark.usefixtures("no_allowance")
@pytest.mark.parametrize(
    "answers",
    [
        ["10.1.2.3"],
        ["192.168.0.10"],
        ["169.254.169.254"],
        ["93.184.216.34", "127.0.0.1"],  # one bad answer is enough
        ["::ffff:10.0.0.1"],
        ["fd00::1", "2606:4700:4700::1111"],
        ["64:ff9b::a00:1"],
    ],
)
def test_a_public_name_resolving_to_a_private_address_is_refused(answers, connect_spy):
    with pytest.raises(ForbiddenAddress) as caught:
        safe_fetch("https://actualites.example.org/flux.xml", resolver=lambda host, port: answers)

    assert caught.value.code == "forbidden_address"
    assert "actualites.example.org resolves to" in caught.value.detail
    assert connect_spy.calls == []


@pytest.mark.usefixtures("no_allowance")
def test_localhost_is_refused_through_the_real_system_resolver(connect_spy):
    with pytest.raises(ForbiddenAddress):
        safe_fetch("http://localhost/")
    assert connect_spy.calls == []


@pytest.mark.usefixtures("no_allowance")
def test_dns_rebinding_connects_to_the_checked_address_only(loopback_server, connect_spy):
    """The resolver first answers a public address, then loopback. The connection must go to
    the public address we checked (here made unreachable by the spy), never to loopback."""
    loopback_server.reply("/", Reply(200, body=b"internal"))
    calls = []

    def rebinding_resolver(host, port):
        calls.append(host)
        return ["93.184.216.34"] if len(calls) == 1 else ["127.0.0.1"]

    connect_spy.block = True
    with pytest.raises(ConnectionFailed):
        safe_fetch(f"http://rebind.example:{loopback_server.port}/", resolver=rebinding_resolver)

    assert connect_spy.calls == [("93.184.216.34", loopback_server.port)]
    assert calls == ["rebind.example"]
    assert loopback_server.requests == []


@pytest.mark.allow_hosts(LOOPBACK_HOSTS)
def test_dns_rebinding_with_real_servers_reaches_the_checked_server(
    loopback_server_factory, settings, monkeypatch
):
    """127.0.0.1 plays the public address (allowed), 127.0.0.2 the internal one (not allowed),
    both on the same port. Whatever resolves the name a second time (our resolver or the
    system's) answers 127.0.0.2; the request must still reach 127.0.0.1, and only it."""
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.1/32"]
    checked = loopback_server_factory("127.0.0.1")
    internal = loopback_server_factory("127.0.0.2", checked.port)
    checked.reply("/", Reply(200, body=b"public"))
    internal.reply("/", Reply(200, body=b"internal"))
    answers = iter([["127.0.0.1"]])

    def rebinding_resolver(host, port):
        return next(answers, ["127.0.0.2"])

    real_getaddrinfo = socket.getaddrinfo

    def system_rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            return real_getaddrinfo("127.0.0.2", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", system_rebinding)

    result = safe_fetch(f"http://rebind.example:{checked.port}/", resolver=rebinding_resolver)

    assert result.content == b"public"
    assert result.connected_address == "127.0.0.1"
    assert checked.requests[0].headers["Host"] == f"rebind.example:{checked.port}"
    assert internal.requests == []


@pytest.mark.allow_hosts(LOOPBACK_HOSTS)
def test_a_redirect_to_a_forbidden_address_is_refused(loopback_server_factory, settings):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.1/32"]
    allowed = loopback_server_factory("127.0.0.1")
    internal = loopback_server_factory("127.0.0.2")
    allowed.reply("/", Reply.redirect(internal.url("/admin")))
    internal.reply("/admin", Reply(200, body=b"internal"))

    with pytest.raises(ForbiddenAddress) as caught:
        safe_fetch(allowed.url("/"))

    assert caught.value.url == internal.url("/admin")
    assert len(allowed.requests) == 1
    assert internal.requests == []


@pytest.mark.allow_hosts(LOOPBACK_HOSTS)
def test_the_same_redirect_is_followed_when_the_target_is_allowed(
    loopback_server_factory, settings
):
    """Control for the test above: the second server is reachable, so its silence there means
    the redirect was refused, not that it could not be reached."""
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.0/8"]
    allowed = loopback_server_factory("127.0.0.1")
    internal = loopback_server_factory("127.0.0.2")
    allowed.reply("/", Reply.redirect(internal.url("/admin")))
    internal.reply("/admin", Reply(200, body=b"internal"))

    assert safe_fetch(allowed.url("/")).content == b"internal"
    assert len(internal.requests) == 1


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://0xa9fea9fe/",
        "http://10.0.0.1:8080/",
        "http://[::1]:22/",
    ],
)
def test_redirects_to_internal_forms_are_refused(loopback_server, settings, connect_spy, location):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.1/32"]
    loopback_server.reply("/", Reply.redirect(location))

    with pytest.raises(ForbiddenAddress):
        safe_fetch(loopback_server.url("/"))

    assert connect_spy.calls == [("127.0.0.1", loopback_server.port)]


@pytest.mark.usefixtures("no_allowance")
def test_a_resolver_failure_is_a_connection_failure(connect_spy):
    def failing_resolver(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(ConnectionFailed) as caught:
        safe_fetch("https://inconnu.example.org/", resolver=failing_resolver)

    assert "could not resolve" in caught.value.detail
    assert connect_spy.calls == []


@pytest.mark.usefixtures("no_allowance")
def test_a_slow_resolver_is_bounded_by_the_deadline(connect_spy):
    release = threading.Event()

    def slow_resolver(host, port):
        release.wait(5)
        return ["93.184.216.34"]

    started = time.monotonic()
    try:
        with pytest.raises(DeadlineExceeded):
            safe_fetch("https://lent.example.org/", resolver=slow_resolver, deadline=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 1.5
    assert connect_spy.calls == []


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("10.258", "10.0.1.2"),
        ("0", "0.0.0.0"),  # noqa: S104 - a host name we parse, not a bind address
        ("8.8.8.8", "8.8.8.8"),
        ("192.168.1.1.", "192.168.1.1"),
        ("::ffff:7f00:1", "::ffff:7f00:1"),
    ],
)
def test_numeric_hosts_denote_the_address_a_libc_would_see(host, address):
    assert literal_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "host", ["www.ocim.fr", "xn--muse-dma.fr", "a-b.example", "_dmarc.ocim.fr", "1password.com"]
)
def test_names_are_not_literals(host):
    assert literal_address(host) is None


@pytest.mark.parametrize(
    "host",
    ["1.2.3.4.5", "256.1.1.1", "1.16777216", "0x", "09.1.1.1", "a.1", "exa mple.fr", "-a.fr"],
)
def test_ambiguous_or_malformed_hosts_are_errors(host):
    with pytest.raises(HostError):
        literal_address(host)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a01:e0a:1::1"]
)
def test_public_addresses_are_allowed(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is None


def test_only_the_setting_opens_forbidden_addresses(settings):
    loopback = ipaddress.ip_address("127.0.0.1")
    private = ipaddress.ip_address("10.0.0.1")
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.0/8"]
    assert forbidden_reason(loopback) is not None  # the rule itself never changes
    assert refusal(loopback) is None
    assert refusal(private) is not None
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    assert refusal(loopback) is not None


def test_base_settings_allow_nothing():
    from ocim.settings import base

    assert base.OCIM_FETCH_ALLOW_ADDRESSES == []


@pytest.mark.usefixtures("no_allowance")
def test_error_codes_are_stable_and_the_url_is_reported():
    with pytest.raises(InvalidURL) as invalid:
        safe_fetch("http://exa mple.fr/")
    with pytest.raises(UnsupportedScheme) as scheme:
        safe_fetch("ftp://ocim.fr/")
    assert (invalid.value.code, scheme.value.code) == ("invalid_url", "unsupported_scheme")
    assert scheme.value.extra["url"] == "ftp://ocim.fr/"
