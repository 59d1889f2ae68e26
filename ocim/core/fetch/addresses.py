"""Which network addresses an outbound fetch may reach, and what a URL's host really denotes.

The rule is "public unicast Internet only": anything that could reach the machine itself, the
private network it sits in, a cloud metadata service or a translation of one of those (NAT64,
IPv4-mapped IPv6, 6to4) is refused. The only exception is the explicit
``OCIM_FETCH_ALLOW_ADDRESSES`` setting (CIDRs), empty everywhere but in the test settings.
"""

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str | IPAddress]]

_FORBIDDEN_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        # IPv4
        "0.0.0.0/8",  # "this network", 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes 255.255.255.255 broadcast
        # IPv6
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b::/96",  # NAT64 well-known prefix
        "64:ff9b:1::/48",  # NAT64 local-use prefix
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, includes Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)


def forbidden_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched (English, for logs), or None when it is public.

    Addresses that embed an IPv4 address (IPv4-mapped, 6to4) are judged on the embedded one
    too, so no translation trick can reach a private IPv4 network.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "IPv6 address with a zone identifier"
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            reason = forbidden_reason(embedded)
            if reason:
                return f"embeds {embedded}, {reason}"
    for network in _FORBIDDEN_NETWORKS:
        if address.version == network.version and address in network:
            return f"in reserved network {network}"
    # Belt and braces: the standard library's registry also covers ranges added after this
    # list was written.
    if (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    ):
        return "not a public unicast address"
    return None


def allowed_networks():
    """The networks of ``OCIM_FETCH_ALLOW_ADDRESSES``, read at call time (tests override it)."""
    return [
        ipaddress.ip_network(cidr, strict=False)
        for cidr in getattr(settings, "OCIM_FETCH_ALLOW_ADDRESSES", [])
    ]


def refusal(address: IPAddress, allowed=None) -> str | None:
    """Why ``address`` is refused under the current settings, or None when it may be fetched."""
    allowed = allowed_networks() if allowed is None else allowed
    if any(address.version == net.version and address in net for net in allowed):
        return None
    return forbidden_reason(address)


# --- What a host name denotes ---------------------------------------------------------------

_HOSTNAME = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_IPV4_PART = re.compile(r"^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$")


class HostError(ValueError):
    """The host of a URL is malformed or ambiguous."""


def _parse_ipv4_part(part):
    if not _IPV4_PART.match(part):
        raise HostError(f"{part!r} is not an IPv4 number")
    if part.startswith("0x"):
        return int(part[2:], 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part, 10)


def _parse_legacy_ipv4(host):
    """Read ``host`` the way inet_aton() and browsers do: 1 to 4 dot-separated numbers in
    decimal, octal (leading 0) or hex (0x), the last one filling the remaining bytes.
    "2130706433", "0177.0.0.1", "0x7f.1" and "127.1" all denote 127.x addresses."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        raise HostError(f"{host!r} has too many parts for an IPv4 address")
    numbers = [_parse_ipv4_part(part) for part in parts]
    *head, last = numbers
    if any(number > 255 for number in head) or last >= 256 ** (5 - len(numbers)):
        raise HostError(f"{host!r} is out of range for an IPv4 address")
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def literal_address(host: str) -> IPAddress | None:
    """The IP address ``host`` denotes by itself (no DNS), or None when it is a name.

    ``host`` is the host of an already parsed URL (lower case, IPv6 without brackets, IDNA
    already applied). Any host whose last label is numeric is an IPv4 literal in some legacy
    notation and is read as such: it is never handed to the system resolver, whose permissive
    parsing would turn "127.1" into loopback behind our back. Raises HostError for a host that
    is neither a valid name nor a valid address.
    """
    host = host.lower()
    if ":" in host:
        if "%" in host:
            raise HostError("IPv6 zone identifiers are not allowed")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise HostError(str(exc)) from exc
    if host.endswith("."):
        host = host[:-1]
    if not host or len(host) > 253:
        raise HostError("empty or overlong host name")
    last_label = host.rsplit(".", 1)[-1]
    if _NUMERIC_LABEL.match(last_label):
        return _parse_legacy_ipv4(host)
    if not _HOSTNAME.match(host):
        raise HostError(f"{host!r} is not a valid host name")
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the operating system (DNS, /etc/hosts), TCP addresses only."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [info[4][0] for info in infos]


def as_address(value: str | IPAddress) -> IPAddress:
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return value
    # A resolver answers canonical literals; ip_address() refuses legacy forms and zone ids
    # would be caught by forbidden_reason().
    return ipaddress.ip_address(value)
