"""Fixtures shared by the core tests. Other apps reuse the loopback server by importing the
fixtures in their own conftest: ``from ocim.core.tests.conftest import loopback_server,
loopback_server_factory  # noqa: F401``."""

import pytest

from .servers import LoopbackServer


@pytest.fixture
def loopback_server_factory():
    """Start scriptable HTTP servers on loopback (``make(host="127.0.0.1", port=0)``); all are
    stopped at the end of the test."""
    servers = []

    def make(host="127.0.0.1", port=0):
        server = LoopbackServer(host, port).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def loopback_server(loopback_server_factory):
    """One scriptable HTTP server on 127.0.0.1 and a random port."""
    return loopback_server_factory()
