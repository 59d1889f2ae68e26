"""The page cache's view of the moving wall: readers recognised by their address.

An institutional subscription opens the full text to every client address in its ranges, even
without an account or a cookie. Such a reader must never get the cached anonymous page (it
lacks the full text) and their page (with it) must never be stored for others:
``institutional_subscriber`` is listed in ``OCIM_PAGE_CACHE_BYPASS_CHECKS`` for that.

Individual subscribers and staff are logged in (a session cookie): the cache already passes
them by.

``exact=True`` asks the access rule itself (``access.subscription_covers``, one query): the
page cache uses it around every page it may store. ``exact=False`` (every cached answer) uses
the active ranges kept in memory per process, reloaded when a subscription is saved or deleted
(a version in the shared cache, so every web node sees it), when the day changes, and at the
latest every ``RANGES_MAX_AGE`` seconds (a change that bypassed the signals, e.g. a queryset
``update()``, shows that late; until then such a subscriber may get the anonymous page — less
than their due, never more to anyone).
"""

from __future__ import annotations

import ipaddress
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import Subscription, SubscriptionKind
from .validators import parse_ip_ranges

VERSION_KEY = "ocim:publishing:subscriptions:version"
RANGES_MAX_AGE = 60

_memo: dict = {"key": None, "loaded_at": 0.0, "networks": ()}


def client_address(request):
    """The reader's address as the access rule reads it (``REMOTE_ADDR``), IPv4-mapped IPv6
    addresses as IPv4; None when missing or malformed."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _subscriptions_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:  # never set, or evicted: a new value, unlike any a memo may hold
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return version


def subscriptions_changed(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # never set, or evicted: any new value differs from the memo's
        cache.add(VERSION_KEY, time.time_ns(), None)


def active_institutional_networks() -> tuple:
    """The networks of the institutional subscriptions active today (see the module
    docstring for how fresh they are)."""
    today = timezone.localdate()
    key = (_subscriptions_version(), today)
    now = time.monotonic()
    if _memo["key"] == key and now - _memo["loaded_at"] < RANGES_MAX_AGE:
        return _memo["networks"]
    networks = []
    for ranges in Subscription.objects.filter(
        kind=SubscriptionKind.INSTITUTIONAL, starts_on__lte=today, ends_on__gte=today
    ).values_list("ip_ranges", flat=True):
        try:
            networks.extend(parse_ip_ranges(ranges))
        except ValidationError:
            continue  # the access rule ignores it too
    _memo.update(key=key, loaded_at=now, networks=tuple(networks))
    return _memo["networks"]


def institutional_subscriber(request, *, exact: bool) -> bool:
    """True when an active institutional subscription covers the reader's address."""
    if exact:
        from .access import subscription_covers

        return subscription_covers(user=None, ip=request.META.get("REMOTE_ADDR", ""))
    address = client_address(request)
    if address is None:
        return False
    return any(
        address.version == network.version and address in network
        for network in active_institutional_networks()
    )


post_save.connect(subscriptions_changed, sender=Subscription, dispatch_uid="ocim-pc-sub-save")
post_delete.connect(subscriptions_changed, sender=Subscription, dispatch_uid="ocim-pc-sub-del")
