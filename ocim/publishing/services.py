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
from .models import (
    ArticlePage,
    IssuePage,
    MagazineFollow,
    MagazinePage,
    WallDigest,
    WallDigestDelivery,
    WallLift,
)

logger = logging.getLogger(__name__)

# How far back the job looks for walls that lifted: it catches up after an outage of up to a
# month, and its first run does not announce the whole back catalogue as "new".
WALL_LOOKBACK = dt.timedelta(days=31)
# A digest some follower has not received (a failed e-mail) is queued again by each run of the
# job from this long after it was created (time for the first sending to happen) and for this
# long at most (then the missing followers are given up on; the failures are in the log).
DIGEST_RETRY_AFTER = dt.timedelta(minutes=30)
DIGEST_RETRY_FOR = dt.timedelta(days=7)


def wall_lift_run(*, now: dt.datetime | None = None) -> int:
    """Record every article whose moving wall lifted since the last run, and queue one digest
    per magazine for its followers.

    An article is announced when its issue is live, its opening day (see
    ``ocim.publishing.access.article_opens_on``) is today or within ``WALL_LOOKBACK`` before,
    it was not opened early (it was never behind the wall) and it has no ``WallLift`` yet.

    Side effects: one ``WallLift`` row and one audit entry (``publishing.wall.lifted``) per
    article; one ``WallDigest`` per magazine with new articles, sent after commit by the
    ``send_wall_digest`` task. Digests that some follower has not received yet (a failure
    while sending) are queued again, for ``DIGEST_RETRY_FOR``. Idempotent: the ``WallLift``
    row is unique per article, so a second run (or two runs at once) announces nothing twice,
    and a digest reaches each follower once (``wall_digest_send``). Returns the number of
    articles recorded.
    """
    from .search.indexing import search_wall_sync

    moment = now or timezone.now()
    today = timezone.localdate(moment)
    recorded = 0
    for magazine in MagazinePage.objects.live():
        lifts: list[WallLift] = []
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
                            lift = WallLift.objects.create(article=article, opened_on=opens_on)
                    except IntegrityError:
                        continue  # another run recorded it first
                    audit_log(
                        action="publishing.wall.lifted",
                        obj=article,
                        data={"opened_on": opens_on.isoformat(), "issue": issue.pk},
                    )
                    lifts.append(lift)
            if lifts:
                digest = WallDigest.objects.create(magazine=magazine, created_at=moment)
                WallLift.objects.filter(pk__in=[lift.pk for lift in lifts]).update(digest=digest)
                _digest_on_commit(digest.pk)
            # The search index follows the wall: bodies now open become searchable.
            search_wall_sync(magazine=magazine, now=now)
        recorded += len(lifts)
    # Digests left unfinished by a failure: sent again to the followers still missing them.
    unfinished = WallDigest.objects.filter(
        completed_at__isnull=True,
        created_at__gte=moment - DIGEST_RETRY_FOR,
        created_at__lt=moment - DIGEST_RETRY_AFTER,
    ).values_list("pk", flat=True)
    for digest_id in unfinished:
        _digest_on_commit(digest_id)
    return recorded


def _digest_on_commit(digest_id: int) -> None:
    def enqueue() -> None:
        from .tasks import send_wall_digest

        send_wall_digest.enqueue(digest_id)

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


def wall_digest_send(*, digest_id: int) -> int:
    """Send the digest ``digest_id`` to every active follower of its magazine who has not been
    sent it yet (the worker's side of ``wall_lift_run``). Articles unpublished meanwhile are
    left out. Returns the number of e-mails sent.

    Each follower is claimed before the e-mail leaves (a ``WallDigestDelivery`` row, unique
    per digest and follower, committed first), so a digest sent again after a failure, or by
    two workers at once, never reaches the same person twice. If an e-mail cannot be sent, its
    claim is released and the digest stays unfinished: the next ``wall_lift_run`` queues it
    again for the followers still missing it. Once everyone has it, ``completed_at`` is set.
    """
    digest = WallDigest.objects.select_related("magazine").filter(pk=digest_id).first()
    if digest is None or digest.completed_at is not None:
        return 0
    magazine = MagazinePage.objects.live().filter(pk=digest.magazine_id).first()
    articles = list(ArticlePage.objects.live().filter(wall_lift__digest=digest).order_by("path"))
    if magazine is None or not articles:
        WallDigest.objects.filter(pk=digest.pk).update(completed_at=timezone.now())
        return 0
    follows = (
        MagazineFollow.objects.filter(magazine=magazine, user__is_active=True)
        .exclude(user__email="")
        .exclude(user__in=WallDigestDelivery.objects.filter(digest=digest).values("user"))
        .select_related("user")
        .order_by("pk")
    )
    sent, failed = 0, 0
    for follow in follows:
        try:
            with transaction.atomic():
                delivery = WallDigestDelivery.objects.create(digest=digest, user=follow.user)
        except IntegrityError:
            continue  # claimed meanwhile by another worker
        try:
            wall_digest_render(magazine=magazine, articles=articles, user=follow.user).send(
                fail_silently=False
            )
        except Exception:
            logger.exception(
                "Wall digest %s not sent to user %s; it will be sent again.",
                digest.pk,
                follow.user_id,
            )
            WallDigestDelivery.objects.filter(pk=delivery.pk).delete()
            failed += 1
            continue
        sent += 1
    if not failed:
        WallDigest.objects.filter(pk=digest.pk, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
    return sent
