"""Writes about readers who follow the magazine (they get the digest of articles whose moving
wall lifted, see ``services.wall_lift_run``)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ocim.core.audit import audit_log

from .models import MagazineFollow, MagazinePage


@transaction.atomic
def magazine_follow_start(*, user, magazine: MagazinePage) -> bool:
    """Make ``user`` follow ``magazine``. Idempotent: returns False (and records nothing) when
    the reader already follows it, True when the follow is new. Audited
    (``publishing.follow.started``)."""
    if MagazineFollow.objects.filter(magazine=magazine, user=user).exists():
        return False
    try:
        with transaction.atomic():
            MagazineFollow.objects.create(magazine=magazine, user=user)
    except IntegrityError:
        return False  # a double click won the race: the reader follows, as asked
    audit_log(
        action="publishing.follow.started",
        actor=user,
        obj=magazine,
        data={"magazine": magazine.pk},
    )
    return True


@transaction.atomic
def magazine_follow_stop(*, user, magazine: MagazinePage) -> bool:
    """Stop ``user`` following ``magazine``. Idempotent: returns False when the reader did not
    follow it. Audited (``publishing.follow.stopped``)."""
    deleted, _details = MagazineFollow.objects.filter(magazine=magazine, user=user).delete()
    if not deleted:
        return False
    audit_log(
        action="publishing.follow.stopped",
        actor=user,
        obj=magazine,
        data={"magazine": magazine.pk},
    )
    return True
