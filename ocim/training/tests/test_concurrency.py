"""Seats are never oversold under real concurrency (PostgreSQL, one connection per thread).

The main test fires many simultaneous registrations at the last seats of a session, round
after round, through the real service. The control tests show that the race is real: a naive
"count the holders, then insert" allocation oversells once the database's own guard (the
capacity trigger) is removed, and is refused by the database when the guard is in place.
"""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, connections, transaction

from ocim.training import services
from ocim.training.models import SEAT_HOLDING_STATUSES, Registration, Session

from .core_builders import make_course, make_session, registration_data

pytestmark = [
    pytest.mark.postgres,
    # Decided before any database work: a skipped transactional test would still flush the data.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://…"
    ),
    # Real commits (threads cannot see a test's open transaction). No serialized rollback:
    # pytest-django runs transactional tests after all the others, an earlier transactional
    # test may already have flushed the tables (recreating content types under new ids, which
    # a serialized reload then collides with), and the builders plant their own page tree.
    pytest.mark.django_db(transaction=True),
]

ATTEMPTS = 40  # simultaneous people
SEATS_LEFT = 5
HELD_BEFORE = 3
ROUNDS = 20
CONTROL_ROUNDS = 5


@pytest.fixture
def people():
    user_model = get_user_model()
    user_model.objects.bulk_create(
        user_model(email=f"concurrence{i}@exemple.fr", first_name="Camille", last_name=f"N{i}")
        for i in range(ATTEMPTS + HELD_BEFORE)
    )
    return list(user_model.objects.filter(email__startswith="concurrence").order_by("pk"))


class Crowd:
    """One thread per person, each with its own database connection, kept from round to round
    (opening hundreds of connections would dominate the test's time)."""

    def __init__(self, size: int):
        self.size = size
        self.pool = ThreadPoolExecutor(max_workers=size)

    def run(self, function, arguments, *, last: bool = False):
        """Run ``function(argument)`` for each argument, all threads released at once.

        Returns (results, unexpected exceptions)."""
        assert len(arguments) == self.size  # one task per thread: the barrier needs them all
        barrier = threading.Barrier(self.size)

        def run(argument):
            try:
                barrier.wait(timeout=30)
                return function(argument), None
            except Exception as exc:
                return None, exc
            finally:
                if last:
                    connections.close_all()

        outcomes = list(self.pool.map(run, arguments))
        return [r for r, e in outcomes if e is None], [e for _r, e in outcomes if e is not None]

    def close(self):
        # Each worker thread closes its own connection (a connection belongs to its thread).
        self.run(lambda _argument: None, [None] * self.size, last=True)
        self.pool.shutdown()


def _session_with_last_seats(course, people):
    session = make_session(course, capacity=HELD_BEFORE + SEATS_LEFT)
    for user in people[:HELD_BEFORE]:
        services.registration_create(session=session, user=user, data=registration_data())
    return session


def _held(session) -> list[int]:
    return list(
        Registration.objects.filter(session=session, status__in=SEAT_HOLDING_STATUSES)
        .order_by("seat_number")
        .values_list("seat_number", flat=True)
    )


def test_parallel_registrations_never_oversell(people, monkeypatch):
    # E-mails go out after the commit, outside the critical section: rendering hundreds of them
    # would only slow this test down (test_services_registration checks them).
    monkeypatch.setattr(services, "_mail_on_commit", lambda registration, kind: None)
    started = time.monotonic()
    course = make_course()
    contenders = people[HELD_BEFORE:]
    crowd = Crowd(ATTEMPTS)
    try:
        for _round in range(ROUNDS):
            _race_round(crowd, course, people, contenders)
    finally:
        crowd.close()
    assert time.monotonic() - started < 60


def _race_round(crowd, course, people, contenders):
    session = _session_with_last_seats(course, people)

    def register(user, session=session):
        return services.registration_create(
            session=session, user=user, data=registration_data(payer="employer")
        )

    results, errors = crowd.run(register, contenders)
    assert errors == [], f"unexpected exceptions: {errors!r}"
    assert len(results) == ATTEMPTS
    seats = _held(session)
    assert seats == list(range(1, session.capacity + 1)), "oversold or seat left empty"
    winners = [r for r in results if r.status == "pending"]
    losers = [r for r in results if r.status == "waitlisted"]
    assert len(winners) == SEATS_LEFT
    assert len(losers) == ATTEMPTS - SEATS_LEFT
    assert sorted(r.waitlist_rank for r in losers) == list(range(1, len(losers) + 1))


# --- Control: the race is real ----------------------------------------------------------------

_tickets = itertools.count(1)


def _naive_register(session_id: int, user_id: int, numbers) -> str:
    """What a path that forgets the lock would do: count the seats held, then insert.

    Seat numbers come from a ticket counter, so they never collide: only the capacity check
    stands between this path and an oversold session. The pause stands for the work a real
    request does between its read and its write (validation, rendering).
    """
    with transaction.atomic():
        capacity = Session.objects.values_list("capacity", flat=True).get(pk=session_id)
        held = Registration.objects.filter(
            session_id=session_id, status__in=SEAT_HOLDING_STATUSES
        ).count()
        time.sleep(0.02)
        if held >= capacity:
            return "full"
        Registration.objects.create(
            session_id=session_id,
            user_id=user_id,
            status="confirmed",
            seat_number=next(numbers),
            expectations="Apprendre.",
        )
        return "seat"


def _trigger_sql():
    from importlib import import_module

    migration = import_module("ocim.training.migrations.0002_seat_capacity_triggers")
    return migration.POSTGRES_FORWARD, migration.POSTGRES_BACKWARD


def _naive_round(course, people):
    session = make_session(course, capacity=SEATS_LEFT)
    numbers = itertools.count(1)

    def attempt(user):
        try:
            return _naive_register(session.pk, user.pk, numbers)
        except IntegrityError:
            return "refused by the database"

    crowd = Crowd(ATTEMPTS)
    try:
        results, errors = crowd.run(attempt, people[:ATTEMPTS])
    finally:
        crowd.close()
    assert errors == []
    return session, results


def test_control_without_the_trigger_the_naive_path_oversells(people):
    forward, backward = _trigger_sql()
    course = make_course()
    with connection.cursor() as cursor:
        for statement in backward:
            cursor.execute(statement)
    try:
        oversold = []
        for _round in range(CONTROL_ROUNDS):
            session, _results = _naive_round(course, people)
            held = len(_held(session))
            if held > session.capacity:
                oversold.append(held)
                break
        assert oversold, "the naive path never oversold: the control proves nothing"
    finally:
        with connection.cursor() as cursor:
            for statement in forward:
                cursor.execute(statement)


def test_control_with_the_trigger_the_database_refuses_the_naive_path(people):
    course = make_course()
    refused = 0
    for _round in range(CONTROL_ROUNDS):
        session, results = _naive_round(course, people)
        assert len(_held(session)) <= session.capacity
        refused += results.count("refused by the database")
        if refused:
            break
    assert refused > 0, "the race never happened: the control proves nothing"


# --- Registrations to one session run side by side ----------------------------------------------


class _Held(Exception):
    """Raised to roll back a registration that was held open on purpose."""


def _hold_open_registration(session, user, *, taken, release, fail=False):
    """In a thread: register ``user`` inside a transaction kept open until ``release`` is set
    (its seat claimed, not yet committed); roll it back when ``fail``."""
    outcome = {}
    try:
        with transaction.atomic():
            registration = services.registration_create(
                session=session, user=user, data=registration_data()
            )
            outcome["seat"] = registration.seat_number
            taken.set()
            assert release.wait(timeout=20)
            if fail:
                raise _Held()
    except _Held:
        outcome["rolled_back"] = True
    finally:
        taken.set()
        connections.close_all()
    return outcome


def test_a_registration_in_flight_does_not_hold_up_the_next_one(people, monkeypatch):
    """PostgreSQL: registrations hold the session row FOR SHARE and claim their seat, so a
    second person does not wait for the first one's commit (and its disk write)."""
    monkeypatch.setattr(services, "_mail_on_commit", lambda registration, kind: None)
    session = make_session(make_course(), capacity=3)
    taken, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(
            _hold_open_registration, session, people[0], taken=taken, release=release
        )
        assert taken.wait(timeout=20)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting for the first would fail here
        try:
            second = services.registration_create(
                session=session, user=people[1], data=registration_data()
            )
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
            release.set()
        assert first.result(timeout=20) == {"seat": 1}
    assert second.seat_number == 2  # the first one's seat was claimed, not yet committed
    assert _held(session) == [1, 2]


def test_the_last_seat_of_a_registration_that_fails_goes_to_the_next_person(people, monkeypatch):
    """The only free seat is being taken: the next person waits for that registration rather
    than joining the waiting list, and gets the seat when it fails."""
    monkeypatch.setattr(services, "_mail_on_commit", lambda registration, kind: None)
    session = make_session(make_course(), capacity=1)
    taken, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(
            _hold_open_registration, session, people[0], taken=taken, release=release, fail=True
        )
        assert taken.wait(timeout=20)

        def second_person():
            try:
                return services.registration_create(
                    session=session, user=people[1], data=registration_data()
                )
            finally:
                connections.close_all()

        second = pool.submit(second_person)
        time.sleep(0.3)
        assert not second.done(), "the second person did not wait for the seat being taken"
        release.set()
        assert first.result(timeout=20) == {"seat": 1, "rolled_back": True}
        registration = second.result(timeout=20)
    assert (registration.status, registration.seat_number) == ("confirmed", 1)
    assert _held(session) == [1]
