"""SSRF defences through the fetch of a source: robots.txt and the source's own request go
through the SSRF-safe helper, so no source address — literal, behind a redirect or behind a
changing DNS answer — reaches a forbidden network. A spy on httpcore's socket backend records
every TCP connection attempt; the loopback servers record every request they get.

The test settings allow loopback so the other tests can reach their servers; here that
allowance is removed (or narrowed to 127.0.0.1, which then plays a public server).
"""

import socket

import pytest

from ocim.core.tests.servers import Reply
from ocim.core.tests.test_fetch_ssrf import FORBIDDEN_URLS, LOOPBACK_HOSTS
from ocim.watch.fetching import source_fetch
from ocim.watch.models import FetchLog

from .builders import make_source

pytestmark = pytest.mark.django_db

FEED = Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>")


@pytest.fixture
def no_allowance(settings):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []


def read(source):
    result = source_fetch(source_id=source.pk)
    source.refresh_from_db()
    return result


@pytest.mark.usefixtures("no_allowance")
@pytest.mark.parametrize(("template", "code"), FORBIDDEN_URLS)
def test_a_source_at_a_forbidden_address_is_refused_before_any_connection(
    template, code, loopback_server, connect_spy, pipeline_spy
):
    """Loopback, private, link-local, CGNAT, NAT64, IPv4-mapped, 6to4/Teredo, decimal, octal
    and hexadecimal IP literals, non-HTTP schemes, credentials: recorded as the source's
    error, nothing connected, nothing received."""
    loopback_server.reply("/", FEED)
    loopback_server.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow:\n"))
    source = make_source(template.format(port=loopback_server.port))

    result = read(source)

    assert (result.outcome, result.error_code) == ("error", code)
    assert source.last_error_code == code
    assert connect_spy.calls == []
    assert loopback_server.requests == []
    assert pipeline_spy.calls == []
    assert FetchLog.objects.get(source=source).error_code == code


@pytest.mark.usefixtures("no_allowance")
@pytest.mark.parametrize(
    "answers",
    [
        ["10.1.2.3"],
        ["169.254.169.254"],
        ["93.184.216.34", "127.0.0.1"],
        ["::ffff:10.0.0.1"],
        ["64:ff9b::a00:1"],
        ["100.64.1.1"],
        ["fe80::1"],
    ],
)
def test_a_public_name_resolving_to_a_private_address_is_refused(
    answers, connect_spy, monkeypatch, pipeline_spy
):
    def resolver(host, *args, **kwargs):
        assert host == "actualites.example.org"
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 80))
            for a in answers
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    source = make_source("http://actualites.example.org/flux.xml")

    assert read(source).error_code == "forbidden_address"
    assert "resolves to" in source.last_error
    assert connect_spy.calls == []


@pytest.mark.allow_hosts(LOOPBACK_HOSTS)
def test_a_redirect_to_a_private_target_is_refused(loopback_server_factory, settings, pipeline_spy):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.1/32"]  # 127.0.0.1 plays a public server
    public = loopback_server_factory("127.0.0.1")
    internal = loopback_server_factory("127.0.0.2")
    public.reply("/flux.xml", Reply.redirect(internal.url("/admin/flux.xml"), status=301))
    internal.reply("/admin/flux.xml", FEED)
    source = make_source(public.url("/flux.xml"))

    result = read(source)

    assert result.error_code == "forbidden_address"
    assert len(public.requests_to("/flux.xml")) == 1
    assert internal.requests == []
    assert pipeline_spy.calls == []


@pytest.mark.allow_hosts(LOOPBACK_HOSTS)
def test_a_robots_txt_redirecting_to_a_private_target_is_not_followed(
    loopback_server_factory, settings, pipeline_spy
):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.1/32"]
    public = loopback_server_factory("127.0.0.1")
    internal = loopback_server_factory("127.0.0.2")
    public.reply("/robots.txt", Reply.redirect(internal.url("/robots.txt")))
    internal.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow:\n"))
    public.reply("/flux.xml", FEED)
    source = make_source(public.url("/flux.xml"))

    # robots.txt unreachable behind a refused redirect counts as "no rules": the feed is read.
    assert read(source).outcome == "content"
    assert internal.requests == []


@pytest.mark.allow_hosts(LOOPBACK_HOSTS)
def test_a_dns_answer_changing_between_robots_txt_and_the_feed_reaches_nothing_internal(
    loopback_server_factory, settings, monkeypatch, pipeline_spy
):
    """The name first resolves to the allowed server (robots.txt is read there), then to the
    internal one: the feed's request is refused; the internal server never hears from us."""
    settings.OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.1/32"]
    public = loopback_server_factory("127.0.0.1")
    internal = loopback_server_factory("127.0.0.2", public.port)
    public.reply("/flux.xml", FEED)
    internal.reply("/flux.xml", Reply(200, body=b"secret"))
    internal.reply("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow:\n"))
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            lookups.append(host)
            target = "127.0.0.1" if len(lookups) == 1 else "127.0.0.2"
            return real_getaddrinfo(target, *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    source = make_source(f"http://rebind.example:{public.port}/flux.xml")

    result = read(source)

    assert result.error_code == "forbidden_address"
    assert len(lookups) == 2
    assert [r.path for r in public.requests] == ["/robots.txt"]
    assert internal.requests == []


@pytest.mark.usefixtures("no_allowance")
def test_localhost_through_the_system_resolver_is_refused(connect_spy, pipeline_spy):
    source = make_source("http://localhost/flux.xml")

    assert read(source).error_code == "forbidden_address"
    assert connect_spy.calls == []
