"""Small reusable filters for sessions and registrations."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

# Kept here (not imported from models) to avoid a circular import; models re-check them.
SEAT_HOLDING = ("pending", "confirmed", "offered", "attended", "no_show")


class SessionQuerySet(models.QuerySet):
    def with_seats(self):
        """Annotate ``seats_held``, ``seats_left`` and ``waitlist_length``.

        Subqueries rather than joins, so the counts stay right when combined with other
        annotations (``with_dates`` joins the parts).
        """
        from .models import Registration

        def count_of(statuses):
            return Coalesce(
                Subquery(
                    Registration.objects.filter(session=OuterRef("pk"), status__in=statuses)
                    .order_by()
                    .values("session")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=models.IntegerField(),
                ),
                Value(0),
            )

        return self.annotate(
            seats_held=count_of(SEAT_HOLDING), waitlist_length=count_of(("waitlisted",))
        ).annotate(seats_left=Greatest(F("capacity") - F("seats_held"), Value(0)))

    def with_dates(self):
        """Annotate ``starts_on`` and ``ends_on`` from the parts."""
        return self.annotate(starts_on=Min("parts__date"), ends_on=Max("parts__date"))

    def visible_in_catalogue(self):
        return self.filter(is_private=False).exclude(status__in=("draft",))

    def upcoming(self, today=None):
        today = today or timezone.localdate()
        return self.filter(parts__date__gte=today).distinct()

    def open_for_registration(self, now=None):
        now = now or timezone.now()
        return self.filter(status="open").filter(
            Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now),
            Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
        )


class RegistrationQuerySet(models.QuerySet):
    def holding_seat(self):
        return self.filter(status__in=SEAT_HOLDING)

    def active(self):
        return self.exclude(status__in=("cancelled", "declined"))

    def waitlisted(self):
        return self.filter(status="waitlisted").order_by("waitlist_rank")

    def offers_expired(self, now=None):
        now = now or timezone.now()
        return self.filter(status="offered", offer_expires_at__lte=now)

    def for_user(self, user):
        return self.filter(user=user)
