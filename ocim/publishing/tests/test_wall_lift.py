"""The wall lifts by itself: the periodic job records newly opened articles and tells followers."""

import datetime as dt
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.core.scheduler import periodic_registry
from ocim.publishing.models import MagazineFollow, WallDigest, WallDigestDelivery, WallLift
from ocim.publishing.services import wall_digest_send, wall_lift_run

from . import builders

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(3, 0)))


@pytest.fixture
def magazine():
    return builders.site_with_magazine(moving_wall_months=12)


@pytest.fixture
def follower(magazine):
    user = UserFactory(preferred_language="fr")
    MagazineFollow.objects.create(magazine=magazine, user=user)
    return user


def test_the_job_is_registered():
    assert "publishing.wall.lift" in {job.name for job in periodic_registry.jobs()}


def test_only_articles_whose_wall_lifted_are_recorded(
    magazine, follower, django_capture_on_commit_callbacks
):
    opening = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    later = builders.issue(magazine, number=181, publication_date=dt.date(2025, 5, 15))
    long_open = builders.issue(magazine, number=150, publication_date=dt.date(2020, 1, 15))
    opened = builders.article(opening, title="Ouvert aujourd'hui")
    early = builders.article(opening, title="Ouvert en avance", open_early=True)
    walled = builders.article(later, title="Encore sous le mur")
    archive = builders.article(long_open, title="Archive ouverte depuis longtemps")

    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY)) == 1

    assert list(WallLift.objects.values_list("article_id", "opened_on")) == [(opened.pk, TODAY)]
    assert not WallLift.objects.filter(article__in=[early, walled, archive]).exists()
    assert AuditLogEntry.objects.filter(
        action="publishing.wall.lifted", object_id=str(opened.pk)
    ).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [follower.email]
    assert opened.title in message.body
    assert walled.title not in message.body
    assert message.alternatives and "Ouvert aujourd" in message.alternatives[0][0]


def test_running_twice_records_and_mails_once(
    magazine, follower, django_capture_on_commit_callbacks
):
    issue = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    builders.article(issue, title="Premier")
    builders.article(issue, title="Second")
    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY)) == 0
        assert wall_lift_run(now=_at(TODAY + dt.timedelta(days=1))) == 0
    assert WallLift.objects.count() == 2
    assert len(mail.outbox) == 1  # one digest for both articles, one run
    assert "Premier" in mail.outbox[0].body and "Second" in mail.outbox[0].body


def test_next_run_announces_only_the_newly_opened(
    magazine, follower, django_capture_on_commit_callbacks
):
    first = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    second = builders.issue(magazine, number=181, publication_date=dt.date(2025, 1, 20))
    builders.article(first, title="Janvier")
    builders.article(second, title="Plus tard")
    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY)) == 1
        assert wall_lift_run(now=_at(dt.date(2026, 1, 20))) == 1
    assert len(mail.outbox) == 2
    assert "Plus tard" in mail.outbox[1].body
    assert "Janvier" not in mail.outbox[1].body


def test_a_missed_day_is_caught_up(magazine, django_capture_on_commit_callbacks):
    issue = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    article = builders.article(issue)
    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY + dt.timedelta(days=10))) == 1
    assert WallLift.objects.get().article_id == article.pk
    assert mail.outbox == []  # nobody follows the magazine


def test_drafts_are_not_announced(magazine, follower, django_capture_on_commit_callbacks):
    issue = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    builders.article(issue).unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY)) == 0
    assert mail.outbox == []


def test_the_digest_is_in_the_followers_language(magazine, django_capture_on_commit_callbacks):
    from django.utils import translation

    english = UserFactory(preferred_language="en")
    MagazineFollow.objects.create(magazine=magazine, user=english)
    issue = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    builders.article(issue)
    with django_capture_on_commit_callbacks(execute=True):
        wall_lift_run(now=_at(TODAY))
    msgid = "%(title)s: articles now open to everyone"
    with translation.override("en"):
        expected = translation.gettext(msgid) % {"title": magazine.title}
    assert mail.outbox[0].subject == expected


class FailingFor:
    """An e-mail backend (the provider boundary) that refuses the addresses in ``FAILING``."""

    FAILING: set[str] = set()


class _Backend(locmem.EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & FailingFor.FAILING:
                raise SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}._Backend"
    yield FailingFor.FAILING
    FailingFor.FAILING.clear()


def test_a_digest_sent_again_after_a_failure_reaches_each_follower_once(
    magazine, flaky_mail, django_capture_on_commit_callbacks
):
    followers = [UserFactory(preferred_language="fr") for _ in range(3)]
    for user in followers:
        MagazineFollow.objects.create(magazine=magazine, user=user)
    issue = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    builders.article(issue, title="Ouvert aujourd'hui")
    flaky_mail.add(followers[1].email)

    def recipients():
        return sorted(address for message in mail.outbox for address in message.to)

    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY)) == 1
    assert recipients() == sorted([followers[0].email, followers[2].email])
    digest = WallDigest.objects.get()
    assert digest.completed_at is None  # someone is still missing it

    # The next hourly run queues the digest again: still failing for the second follower,
    # and the others are not mailed again.
    with django_capture_on_commit_callbacks(execute=True):
        assert wall_lift_run(now=_at(TODAY) + dt.timedelta(hours=1)) == 0
    assert recipients() == sorted([followers[0].email, followers[2].email])

    # The mailbox works again: the second follower gets it, and only them.
    flaky_mail.clear()
    with django_capture_on_commit_callbacks(execute=True):
        wall_lift_run(now=_at(TODAY) + dt.timedelta(hours=2))
    assert recipients() == sorted(user.email for user in followers)
    digest.refresh_from_db()
    assert digest.completed_at is not None
    assert WallDigestDelivery.objects.filter(digest=digest).count() == 3

    # Sent once to everyone: neither a later run nor the task run by hand sends it again.
    with django_capture_on_commit_callbacks(execute=True):
        wall_lift_run(now=_at(TODAY) + dt.timedelta(hours=3))
    assert wall_digest_send(digest_id=digest.pk) == 0
    assert len(mail.outbox) == 3


def test_two_sendings_of_one_digest_mail_each_follower_once(
    magazine, follower, django_capture_on_commit_callbacks
):
    issue = builders.issue(magazine, number=180, publication_date=dt.date(2025, 1, 15))
    builders.article(issue)
    with django_capture_on_commit_callbacks(execute=False):
        wall_lift_run(now=_at(TODAY))
    digest = WallDigest.objects.get()
    # The task queued twice (a retry while the first was still waiting in the queue).
    assert wall_digest_send(digest_id=digest.pk) == 1
    assert wall_digest_send(digest_id=digest.pk) == 0
    assert [message.to for message in mail.outbox] == [[follower.email]]
