"""The moving wall: the one place that decides who may read an article's full text.

Every channel that shows full text or its PDF (the article page, the PDF view, feeds, the API,
link previews, the publishing search) asks ``article_full_text_allowed`` or ``article_is_open``.
The publishing search index (``ocim.publishing.search``) holds an article's body only once
``article_is_open`` is true; Wagtail's own index never holds it (see ``ArticlePage``).

The client IP given to these functions is ``request.META["REMOTE_ADDR"]``: the reverse proxy is
configured (elsewhere) so that this is the reader's address, not the proxy's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import ipaddress

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import ArticlePage, IssuePage, MagazinePage, Subscription, SubscriptionKind
from .validators import parse_ip_ranges


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def article_issue_and_magazine(
    article: ArticlePage,
) -> tuple[IssuePage | None, MagazinePage | None]:
    """The issue and magazine of ``article`` (cached on the instance), None when the article
    is not where the page tree says it must be."""
    cached = getattr(article, "_publishing_parents", None)
    if cached is None:
        issue = article.get_parent().specific
        if not isinstance(issue, IssuePage):
            cached = (None, None)
        else:
            magazine = issue.get_parent().specific
            cached = (issue, magazine if isinstance(magazine, MagazinePage) else None)
        article._publishing_parents = cached
    return cached


def issue_opens_on(issue: IssuePage, magazine: MagazinePage) -> dt.date:
    """The day the full text of ``issue`` opens to everyone: publication + the wall."""
    return add_months(issue.publication_date, magazine.moving_wall_months)


def article_opens_on(article: ArticlePage) -> dt.date | None:
    """The day the article's full text opens to everyone (its issue's publication date plus the
    magazine's moving wall), whether or not it was opened early; None if the article is not in
    an issue of a magazine (it then never opens by itself)."""
    issue, magazine = article_issue_and_magazine(article)
    if issue is None or magazine is None:
        return None
    return issue_opens_on(issue, magazine)


def article_is_open(article: ArticlePage, *, now: dt.datetime | None = None) -> bool:
    """True when everyone may read the full text: opened early, or the wall has lifted
    (the opening day has come, in the site's time zone)."""
    if article.open_early:
        return True
    opens_on = article_opens_on(article)
    return opens_on is not None and opens_on <= _today(now)


def _active_subscriptions(today: dt.date):
    return Subscription.objects.filter(starts_on__lte=today, ends_on__gte=today)


def subscription_covers(*, user, ip: str | None, now: dt.datetime | None = None) -> bool:
    """True when an active subscription covers ``user`` (individual) or ``ip`` (institutional:
    one of the institution's ranges contains the address; IPv4 and IPv6)."""
    active = _active_subscriptions(_today(now))
    is_member = user is not None and user.is_authenticated
    if is_member and active.filter(kind=SubscriptionKind.INDIVIDUAL, user=user).exists():
        return True
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    # An IPv4 client seen through an IPv6 socket (::ffff:192.0.2.1) is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for ranges in active.filter(kind=SubscriptionKind.INSTITUTIONAL).values_list(
        "ip_ranges", flat=True
    ):
        try:
            networks = parse_ip_ranges(ranges)
        except ValidationError:
            continue  # written around the form's validation: ignore it rather than fail open
        if any(address.version == net.version and address in net for net in networks):
            return True
    return False


def article_full_text_allowed(
    article: ArticlePage, *, user, ip: str | None, now: dt.datetime | None = None
) -> bool:
    """May this reader read the full text (body and PDF) of ``article`` now?

    Yes when the article is open (see ``article_is_open``), when ``user`` may edit the page
    (staff preparing it), or when an active subscription covers ``user`` or ``ip``.
    """
    if article_is_open(article, now=now):
        return True
    if user is not None and user.is_authenticated and article.permissions_for_user(user).can_edit():
        return True
    return subscription_covers(user=user, ip=ip, now=now)


def issue_full_text_allowed(
    issue: IssuePage, *, user, ip: str | None, now: dt.datetime | None = None
) -> bool:
    """May this reader download the whole-issue PDF? The same rule as for an article, the
    issue being open when its wall has lifted (articles opened early do not open the issue)."""
    magazine = issue.get_parent().specific
    if isinstance(magazine, MagazinePage) and issue_opens_on(issue, magazine) <= _today(now):
        return True
    if user is not None and user.is_authenticated and issue.permissions_for_user(user).can_edit():
        return True
    return subscription_covers(user=user, ip=ip, now=now)
