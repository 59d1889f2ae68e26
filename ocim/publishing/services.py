"""Writes of the publishing app: the moving wall lifting, and the digest that announces it."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ocim.core.audit import audit_log

from .access import issue_opens_on
from .models import ArticlePage, IssuePage, MagazineFollow, MagazinePage, WallLift

logger = logging.getLogger(__name__)

# How far back the job looks for walls that lifted: it catches up after an outage of up to a
# month, and its first run does not announce the whole back catalogue as "new".
WALL_LOOKBACK = dt.timedelta(days=31)


def wall_lift_run(*, now: dt.datetime | None = None) -> int:
    """Record every article whose moving wall lifted since the last run, and queue one digest
    per magazine for its followers.

    An article is announced when its issue is live, its opening day (see
    ``ocim.publishing.access.article_opens_on``) is today or within ``WALL_LOOKBACK`` before,
    it was not opened early (it was never behind the wall) and it has no ``WallLift`` yet.

    Side effects: one ``WallLift`` row and one audit entry (``publishing.wall.lifted``) per
    article; after commit, a ``send_wall_digest`` task per magazine with new articles.
    Idempotent: the ``WallLift`` row is unique per article, so a second run (or two runs at
    once) announces nothing twice. Returns the number of articles recorded.
    """
    from .search.indexing import search_wall_sync

    today = timezone.localdate(now or timezone.now())
    recorded = 0
    for magazine in MagazinePage.objects.live():
        opened_ids: list[int] = []
        with transaction.atomic():
            for issue in IssuePage.objects.child_of(magazine).live().order_by("publication_date"):
                opens_on = issue_opens_on(issue, magazine)
                if not today - WALL_LOOKBACK <= opens_on <= today:
                    continue
                articles = (
                    ArticlePage.objects.child_of(issue)
                    .live()
                    .filter(open_early=False, wall_lift__isnull=True)
                    .order_by("path")
                )
                for article in articles:
                    try:
                        with transaction.atomic():
                            WallLift.objects.create(article=article, opened_on=opens_on)
                    except IntegrityError:
                        continue  # another run recorded it first
                    audit_log(
                        action="publishing.wall.lifted",
                        obj=article,
                        data={"opened_on": opens_on.isoformat(), "issue": issue.pk},
                    )
                    opened_ids.append(article.pk)
            if opened_ids:
                _digest_on_commit(magazine.pk, opened_ids)
            # The search index follows the wall: bodies now open become searchable.
            search_wall_sync(magazine=magazine, now=now)
        recorded += len(opened_ids)
    return recorded


def _digest_on_commit(magazine_id: int, article_ids: list[int]) -> None:
    def enqueue() -> None:
        from .tasks import send_wall_digest

        send_wall_digest.enqueue(magazine_id, article_ids)

    transaction.on_commit(enqueue, robust=True)


def _language_of(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "preferred_language", None)
    return language if language in codes else settings.LANGUAGE_CODE


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def wall_digest_render(
    *, magazine: MagazinePage, articles: list[ArticlePage], user
) -> EmailMultiAlternatives:
    """The digest e-mail (text and HTML) announcing ``articles`` to ``user``, in their language."""
    language = _language_of(user)
    with translation.override(language):
        items = [
            {"article": article, "url": _absolute(article.localized.get_url() or "")}
            for article in articles
        ]
        context = {
            "user": user,
            "magazine": magazine,
            "magazine_url": _absolute(magazine.localized.get_url() or ""),
            "items": items,
            "language": language,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = " ".join(
            render_to_string("publishing/email/wall_digest_subject.txt", context).split()
        )
        text = render_to_string("publishing/email/wall_digest.txt", context)
        html = render_to_string("publishing/email/wall_digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def wall_digest_send(*, magazine_id: int, article_ids: list[int]) -> int:
    """Send the digest of ``article_ids`` to every active follower of the magazine (the worker's
    side of ``wall_lift_run``). Articles unpublished meanwhile are left out. Returns the number
    of e-mails sent."""
    magazine = MagazinePage.objects.live().filter(pk=magazine_id).first()
    if magazine is None:
        return 0
    articles = list(ArticlePage.objects.live().filter(pk__in=article_ids).order_by("path"))
    if not articles:
        return 0
    follows = (
        MagazineFollow.objects.filter(magazine=magazine, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for follow in follows:
        wall_digest_render(magazine=magazine, articles=articles, user=follow.user).send(
            fail_silently=False
        )
        sent += 1
    return sent
