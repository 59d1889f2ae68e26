"""Training: courses (Wagtail pages), sessions, their parts, and registrations.

The seat guarantee lives in the database, not only in the services:

* a registration that holds a seat has a ``seat_number`` (and only then: a check constraint);
* ``(session, seat_number)`` is unique, so two registrations never share a seat;
* a trigger (migration ``0002``) refuses a ``seat_number`` above the session's capacity and a
  capacity below the highest seat number held.

Together: the number of seats held is at most the capacity, whichever code path writes, with or
without the lock the services take.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ocim.core.blocks import RICH_TEXT_FEATURES
from ocim.core.models import BaseModel

from .querysets import RegistrationQuerySet, SessionQuerySet
from .validators import validate_siret


class Trainer(index.Indexed, models.Model):
    """A person who teaches Ocim courses (a Wagtail snippet)."""

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    bio = RichTextField(_("biography"), features=RICH_TEXT_FEATURES, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    # The trainer's account, when they have one: it lets them see their sessions' participants.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainer_profile",
        help_text=_("Linked account: the trainer then sees the participants of their sessions."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("organisation"),
        FieldPanel("bio"),
        FieldPanel("email"),
        FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CourseIndexPage(Page):
    """The catalogue: lists upcoming sessions of its courses."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["training.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")


class CourseFormat(models.TextChoices):
    COURSE = "course", _("Course")
    VISIT = "visit", _("Thematic visit")
    WORKSHOP = "workshop", _("Workshop day")
    STUDY_DAY = "study_day", _("Study day / professional meeting")
    REMOTE = "remote", _("Remote")


class ProgrammeDayBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    body = blocks.RichTextBlock(label=_("content"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "date"
        label = _("Day")


DEFAULT_VAT_MENTION = "Exonéré de TVA (article 261-4-4° du CGI)"


class CoursePage(Page):
    """A course and every item a certified training provider must publish about it."""

    format = models.CharField(
        _("format"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.COURSE
    )
    domains = ParentalManyToManyField(
        "core.Concept", verbose_name=_("domains"), blank=True, related_name="courses"
    )
    objectives = RichTextField(_("objectives"), features=RICH_TEXT_FEATURES, blank=True)
    audience = models.TextField(_("intended audience"), blank=True)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    programme = StreamField([("day", ProgrammeDayBlock())], verbose_name=_("programme"), blank=True)
    teaching_methods = models.TextField(_("teaching methods"), blank=True)
    assessment_methods = models.TextField(_("assessment methods"), blank=True)
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    duration_days = models.DecimalField(
        _("duration (days)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    trainers = ParentalManyToManyField(
        Trainer, verbose_name=_("trainers"), blank=True, related_name="courses"
    )
    accessibility = RichTextField(_("disability access"), features=RICH_TEXT_FEATURES, blank=True)
    disability_contact_name = models.CharField(
        _("disability contact (name)"), max_length=200, blank=True
    )
    disability_contact_email = models.EmailField(_("disability contact (e-mail)"), blank=True)
    access_lead_time = models.CharField(_("access lead time"), max_length=255, blank=True)
    vat_mention = models.CharField(
        _("VAT mention"), max_length=255, default=DEFAULT_VAT_MENTION, blank=True
    )
    content_updated_on = models.DateField(_("content last updated on"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("format"),
        FieldPanel("domains"),
        FieldPanel("objectives"),
        FieldPanel("audience"),
        FieldPanel("prerequisites"),
        FieldPanel("programme"),
        MultiFieldPanel(
            [FieldPanel("teaching_methods"), FieldPanel("assessment_methods")],
            heading=_("Methods"),
        ),
        MultiFieldPanel(
            [FieldPanel("duration_hours"), FieldPanel("duration_days")], heading=_("Duration")
        ),
        FieldPanel("trainers"),
        MultiFieldPanel(
            [
                FieldPanel("accessibility"),
                FieldPanel("disability_contact_name"),
                FieldPanel("disability_contact_email"),
                FieldPanel("access_lead_time"),
            ],
            heading=_("Access"),
        ),
        InlinePanel("price_options", label=_("price options")),
        FieldPanel("vat_mention"),
        FieldPanel("content_updated_on"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("objectives"),
        index.SearchField("audience"),
        index.SearchField("programme"),
        index.FilterField("format"),
    ]
    parent_page_types = ["training.CourseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")


class CoursePriceOption(Orderable):
    """A price formula ("with lunches", "with accommodation", "one day")."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="price_options")
    label = models.CharField(_("label"), max_length=200)
    amount = models.DecimalField(
        _("amount (euros)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("label"), FieldPanel("amount"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("price option")
        verbose_name_plural = _("price options")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="training_price_option_amount_gte_0"
            )
        ]

    def __str__(self):
        return f"{self.label} — {self.amount} €"


# Participants cancel online, free of charge, until this many days before the start.
DEFAULT_CANCELLATION_NOTICE_DAYS = 14


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class Session(ClusterableModel, BaseModel):
    """One run of a course: one or more parts, a capacity, registration dates.

    "Full" is not stored: it is ``seats_left == 0`` (see the selectors and querysets).
    """

    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("label"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=15)
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True
    )
    approval_required = models.BooleanField(_("approval required"), default=False)
    is_private = models.BooleanField(
        _("private (tailor-made)"),
        default=False,
        help_text=_("Private sessions are hidden from the catalogue, open to invited people."),
    )
    place_name = models.CharField(_("place"), max_length=255, blank=True)
    address = models.TextField(_("address"), blank=True)
    commune = models.ForeignKey(
        "core.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_remote = models.BooleanField(_("fully remote"), default=False)
    offer_hours = models.PositiveIntegerField(
        _("offer validity (hours)"),
        default=48,
        help_text=_("How long a seat offered to the waiting list is held."),
    )
    promotion_cutoff_hours = models.PositiveIntegerField(
        _("waiting-list cut-off (hours before the start)"),
        default=48,
        help_text=_("No seat is offered from the waiting list after this point."),
    )
    cancellation_notice_days = models.PositiveIntegerField(
        _("cancellation notice (days)"),
        default=DEFAULT_CANCELLATION_NOTICE_DAYS,
        help_text=_(
            "Participants may cancel online until this many days before the start; later, "
            "they contact Ocim and the terms of sale apply."
        ),
    )

    objects = SessionQuerySet.as_manager()

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("status"),
        FieldPanel("capacity"),
        FieldPanel("registration_opens_at"),
        FieldPanel("registration_closes_at"),
        FieldPanel("approval_required"),
        FieldPanel("is_private"),
        FieldPanel("place_name"),
        FieldPanel("address"),
        FieldPanel("commune"),
        FieldPanel("is_remote"),
        FieldPanel("offer_hours"),
        FieldPanel("promotion_cutoff_hours"),
        FieldPanel("cancellation_notice_days"),
        InlinePanel("parts", label=_("parts"), min_num=1),
    ]

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="training_session_capacity_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_opens_at__lte=models.F("registration_closes_at")),
                name="training_session_registration_dates_ordered",
            ),
        ]

    def __str__(self):
        label = self.title or self.course.title
        first = self.starts_on
        return f"{label} ({first:%d/%m/%Y})" if first else label

    @property
    def accepts_registrations(self) -> bool:
        """Open and within its registration dates (the rule of ``open_for_registration()``)."""
        now = timezone.now()
        return (
            self.status == "open"
            and (self.registration_opens_at is None or self.registration_opens_at <= now)
            and (self.registration_closes_at is None or self.registration_closes_at > now)
        )

    @property
    def starts_on(self):
        """The date of the first part (annotated by selectors when listing many sessions)."""
        if "starts_on" in self.__dict__:
            return self.__dict__["starts_on"]
        first = min((part.date for part in self.parts.all()), default=None)
        return first

    @starts_on.setter
    def starts_on(self, value):
        self.__dict__["starts_on"] = value

    @property
    def ends_on(self):
        if "ends_on" in self.__dict__:
            return self.__dict__["ends_on"]
        return max((part.date for part in self.parts.all()), default=None)

    @ends_on.setter
    def ends_on(self, value):
        self.__dict__["ends_on"] = value

    @property
    def seats_held(self) -> int:
        if "seats_held" in self.__dict__:
            return self.__dict__["seats_held"]
        return self.registrations.holding_seat().count()

    @seats_held.setter
    def seats_held(self, value):
        self.__dict__["seats_held"] = value

    @property
    def seats_left(self) -> int:
        if "seats_left" in self.__dict__:
            return self.__dict__["seats_left"]
        return max(self.capacity - self.seats_held, 0)

    @seats_left.setter
    def seats_left(self, value):
        self.__dict__["seats_left"] = value


class PartMode(models.TextChoices):
    ONSITE = "onsite", _("On site")
    REMOTE = "remote", _("Remote")


class SessionPart(Orderable):
    """A day or half-day of a session, on site or remote."""

    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="parts")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    mode = models.CharField(
        _("mode"), max_length=10, choices=PartMode.choices, default=PartMode.ONSITE
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    remote_url = models.URLField(_("remote link"), blank=True)

    panels = [
        FieldPanel("date"),
        FieldPanel("start_time"),
        FieldPanel("end_time"),
        FieldPanel("mode"),
        FieldPanel("place"),
        FieldPanel("remote_url"),
    ]

    class Meta:
        verbose_name = _("session part")
        verbose_name_plural = _("session parts")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="training_session_part_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    WAITLISTED = "waitlisted", _("Waiting list")
    OFFERED = "offered", _("Seat offered")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that hold a seat (and therefore have a seat number).
SEAT_HOLDING_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.OFFERED,
    RegistrationStatus.ATTENDED,
    RegistrationStatus.NO_SHOW,
)
# Statuses of a registration that is over: the person may register again.
INACTIVE_STATUSES = (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED)


class Payer(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    OPCO = "opco", _("Training fund (OPCO)")
    SELF = "self", _("Myself")


class Registration(BaseModel):
    """A person's registration to a session, from the waiting list to attendance."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="registrations"
    )
    # Nullable: on account deletion the row stays, anonymised, as evidence of the training given.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_registrations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
        db_index=True,
    )
    seat_number = models.PositiveIntegerField(_("seat number"), null=True, blank=True)
    waitlist_rank = models.PositiveIntegerField(_("waiting-list rank"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    employer_name = models.CharField(_("employer"), max_length=255, blank=True)
    employer_siret = models.CharField(
        _("employer SIRET"), max_length=14, blank=True, validators=[validate_siret]
    )
    employer_address = models.TextField(_("employer address"), blank=True)
    payer = models.CharField(
        _("who pays"), max_length=10, choices=Payer.choices, default=Payer.EMPLOYER
    )
    signatory_name = models.CharField(_("signatory (name)"), max_length=200, blank=True)
    signatory_email = models.EmailField(_("signatory (e-mail)"), blank=True)
    admin_contact_name = models.CharField(
        _("administrative contact (name)"), max_length=200, blank=True
    )
    admin_contact_email = models.EmailField(_("administrative contact (e-mail)"), blank=True)
    expectations = models.TextField(_("expectations"))
    accommodation_needs = models.TextField(_("disability or accommodation needs"), blank=True)
    price_option = models.ForeignKey(
        CoursePriceOption,
        verbose_name=_("price option"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()
    # Registrations are not content: keeping them out of Wagtail's reference index spares a
    # background task per write on the hottest path of the app.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["session", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=SEAT_HOLDING_STATUSES, seat_number__isnull=False)
                    | (
                        ~models.Q(status__in=SEAT_HOLDING_STATUSES)
                        & models.Q(seat_number__isnull=True)
                    )
                ),
                name="training_registration_seat_iff_holding",
            ),
            models.CheckConstraint(
                condition=models.Q(seat_number__isnull=True) | models.Q(seat_number__gte=1),
                name="training_registration_seat_number_gte_1",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=RegistrationStatus.WAITLISTED, waitlist_rank__isnull=False)
                    | (
                        ~models.Q(status=RegistrationStatus.WAITLISTED)
                        & models.Q(waitlist_rank__isnull=True)
                    )
                ),
                name="training_registration_rank_iff_waitlisted",
            ),
            models.CheckConstraint(
                condition=models.Q(waitlist_rank__isnull=True) | models.Q(waitlist_rank__gte=1),
                name="training_registration_waitlist_rank_gte_1",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=RegistrationStatus.OFFERED, offer_expires_at__isnull=False)
                    | ~models.Q(status=RegistrationStatus.OFFERED)
                ),
                name="training_registration_offer_has_expiry",
            ),
            models.UniqueConstraint(
                fields=["session", "seat_number"], name="training_registration_one_per_seat"
            ),
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~models.Q(status__in=INACTIVE_STATUSES),
                name="training_registration_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["session", "waitlist_rank"],
                condition=models.Q(status=RegistrationStatus.WAITLISTED),
                name="training_registration_unique_waitlist_rank",
            ),
        ]
        indexes = [models.Index(fields=["status", "offer_expires_at"])]

    def __str__(self):
        who = self.user or _("deleted user")
        return f"{who} — {self.session_id} ({self.get_status_display()})"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING_STATUSES


# --- Private sessions and tailor-made training ---------------------------------------------------


class SessionInvitation(BaseModel):
    """A person invited to a private (tailor-made) session: only they may register for it."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="invitations"
    )
    # Stored in lower case (the services normalise it) so that one address is one invitation.
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["session", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"], name="training_invitation_one_per_email"
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.session_id}"


class TailorMadeStatus(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class TailorMadeRequest(BaseModel):
    """A request for a tailor-made training, from the public form to a private session."""

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TailorMadeStatus.choices,
        default=TailorMadeStatus.NEW,
        db_index=True,
    )
    structure_name = models.CharField(_("structure"), max_length=255)
    structure_siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, validators=[validate_siret]
    )
    structure_address = models.TextField(_("structure address"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_job_title = models.CharField(_("contact job title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"))
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    topic = models.CharField(_("topic"), max_length=255)
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("closest course in the catalogue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tailor_made_requests",
    )
    description = models.TextField(_("needs and context"), blank=True)
    audience_size = models.PositiveIntegerField(
        _("number of participants"), validators=[MinValueValidator(1)]
    )
    wished_dates = models.CharField(_("wished dates"), max_length=255, blank=True)
    place = models.CharField(_("wished place"), max_length=255, blank=True)
    budget = models.DecimalField(
        _("budget (euros)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    language = models.CharField(_("language"), max_length=10, default="fr")
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # The account that sent the request, when signed in.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tailor_made_requests",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quote_amount = models.DecimalField(
        _("quote (euros)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    lost_reason = models.TextField(_("reason lost"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    session = models.ForeignKey(
        Session,
        verbose_name=_("private session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tailor_made_requests",
    )
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("tailor-made request")
        verbose_name_plural = _("tailor-made requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience_size__gte=1),
                name="training_tailormade_audience_gte_1",
            ),
            models.CheckConstraint(
                condition=models.Q(session__isnull=True) | models.Q(status="won"),
                name="training_tailormade_session_only_when_won",
            ),
        ]

    def __str__(self):
        return f"{self.structure_name} — {self.topic}"


class TailorMadeNote(BaseModel):
    """A dated note of the staff on a tailor-made request (calls, quotes, decisions)."""

    request = models.ForeignKey(
        TailorMadeRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("note"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.request_id}: {self.body[:40]}"
