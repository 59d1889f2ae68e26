"""Builds the demonstration training catalogue: a catalogue page in French and English, ten
courses with trainers and price options, 25 sessions past and future across French regions, and
registrations in the states the registration services can reach.

``training_demo_ensure()`` is idempotent: existing pages, trainers and sessions are left alone.
It needs the demo site (home pages) and the territories; the thesaurus is used when loaded.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale
from wagtail.rich_text import RichText

from ocim.core.demo import (
    mission_link_attrs,
    mission_page_callout_ensure,
    register_demo_builder,
)
from ocim.core.errors import ApplicationError
from ocim.core.models import Concept, HomePage
from ocim.core.selectors import commune_get

from . import demo_content
from . import services as training_services
from .models import (
    CourseIndexPage,
    CoursePage,
    CoursePriceOption,
    Registration,
    Session,
    SessionPart,
    SessionStatus,
    TailorMadeRequest,
    Trainer,
)
from .roles import catalogue_permissions_grant

logger = logging.getLogger(__name__)

DEMO_PARTICIPANT_DOMAIN = "participants.demo.ocim.fr"
DEMO_PARTICIPANTS = [
    ("Amandine", "Roux", "Régisseuse des collections", "Muséum de Toulouse"),
    ("Bastien", "Leroy", "Médiateur scientifique", "Cap Sciences"),
    ("Chloé", "Martin", "Chargée des publics", "Musée des Confluences"),
    ("David", "Nguyen", "Préparateur", "Muséum d'histoire naturelle de Dijon"),
    ("Élodie", "Petit", "Chargée d'exposition", "Espace des sciences"),
    ("Farid", "Haddad", "Conservateur", "Muséum de Grenoble"),
    ("Gaëlle", "Bernard", "Responsable de l'action éducative", "Le Vaisseau"),
    ("Hugo", "Lambert", "Technicien d'exposition", "Musée Fabre"),
]


@dataclass
class TrainingDemoReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def _index(home_fr: HomePage, report) -> CourseIndexPage:
    existing = CourseIndexPage.objects.child_of(home_fr).first()
    if existing is not None:
        return existing
    content = demo_content.INDEX["fr"]
    index = CourseIndexPage(
        title=content["title"],
        slug=content["slug"],
        intro=content["intro"],
        show_in_menus=False,
        locale=home_fr.locale,
    )
    home_fr.add_child(instance=index)
    index.save_revision().publish()
    catalogue_permissions_grant(index)
    report.add("catalogue page (fr)")
    return index


def _index_translation(index: CourseIndexPage, report) -> CourseIndexPage | None:
    locale = Locale.objects.filter(language_code="en").first()
    if locale is None:
        return None
    existing = index.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    if index.get_parent().get_translation_or_none(locale) is None:
        return None  # no English home page to hold it
    content = demo_content.INDEX["en"]
    template = CourseIndexPage.objects.get(pk=index.pk)
    template.slug = content["slug"]
    translated = template.copy_for_translation(locale).specific
    translated.title = content["title"]
    translated.intro = content["intro"]
    translated.save_revision().publish()
    catalogue_permissions_grant(translated)
    report.add("catalogue page (en)")
    return translated


MISSION_PAGE_SLUGS = {"fr": "formation", "en": "training"}
MISSION_CALLOUT = {
    "fr": (
        "Nos formations",
        "Consulter le catalogue et les prochaines sessions",
        "Demander une formation sur mesure",
    ),
    "en": (
        "Our courses",
        "See the catalogue and the upcoming sessions",
        "Request a tailor-made course",
    ),
}


def _mission_page_link(index: CourseIndexPage | None, language: str, report) -> None:
    """The "Training" mission page (in the main menu) leads to the catalogue and to the
    tailor-made request form."""
    if index is None:
        return
    title, label, request_label = MISSION_CALLOUT[language]
    with translation.override(language):
        request_url = reverse("training:tailormade_request")
    html = (
        f"<p><a {mission_link_attrs(index)}>{label}</a></p>"
        f'<p><a href="{request_url}">{request_label}</a></p>'
    )
    if mission_page_callout_ensure(
        target=index, slug=MISSION_PAGE_SLUGS[language], title=title, links_html=html
    ):
        report.add(f"link to the catalogue on the training mission page ({language})")


def _trainers(report) -> dict[str, Trainer]:
    trainers = {}
    for key, values in demo_content.TRAINERS.items():
        trainer, created = Trainer.objects.get_or_create(
            name=values["name"],
            defaults={k: v for k, v in values.items() if k != "name"},
        )
        if created:
            report.add(f"trainer {trainer.name}")
        trainers[key] = trainer
    return trainers


def _trainer_account(trainers: dict[str, Trainer], report) -> None:
    """The demo account of the trainer role is the first demo trainer, so that signing in as
    that account shows what a trainer sees (their sessions' participants)."""
    from ocim.accounts.services import DEMO_DOMAIN

    account = get_user_model().objects.filter(email=f"trainer@{DEMO_DOMAIN}").first()
    if account is None or Trainer.objects.filter(user=account).exists() or not trainers:
        return
    trainer = next(iter(trainers.values()))
    if trainer.user_id is None:
        trainer.user = account
        trainer.save(update_fields=["user"])
        report.add(f"demo trainer account linked to {trainer.name}")


def _course(index, spec, trainers, report) -> tuple[CoursePage, bool]:
    existing = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing.specific, False
    page = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        locale=index.locale,
        format=spec["format"],
        objectives=spec["objectives"],
        audience=spec["audience"],
        prerequisites=spec["prerequisites"],
        programme=[
            ("day", {"title": title, "body": RichText(body)}) for title, body in spec["programme"]
        ],
        teaching_methods=spec["teaching_methods"],
        assessment_methods=spec.get("assessment_methods", demo_content.STANDARD_ASSESSMENT),
        duration_hours=Decimal(spec["duration_hours"]),
        duration_days=Decimal(spec["duration_days"]),
        accessibility=demo_content.ACCESSIBILITY,
        disability_contact_name=demo_content.DISABILITY_CONTACT["name"],
        disability_contact_email=demo_content.DISABILITY_CONTACT["email"],
        access_lead_time=spec["access_lead_time"],
        content_updated_on=timezone.localdate(),
        search_description=spec["audience"],
    )
    page.price_options = [
        CoursePriceOption(label=label, amount=Decimal(amount), description=description)
        for label, amount, description in spec["prices"]
    ]
    page.trainers = [trainers[key] for key in spec["trainers"]]
    page.domains = list(Concept.objects.filter(slug__in=spec["domains"]))
    index.add_child(instance=page)
    page.save_revision().publish()
    report.add(f"course {spec['title']}")
    return CoursePage.objects.get(pk=page.pk), True


def _session(course, spec, today, report) -> Session | None:
    offset, days, insee, place, capacity, extra_parts = spec
    first = today + dt.timedelta(days=offset)
    remote = insee is None
    commune = None
    if not remote:
        try:
            commune = commune_get(insee)
        except ApplicationError:
            report.skipped.append(f"session of {course.title} in {insee}: territories not loaded")
            return None
    past = offset < 0
    opens_at = timezone.make_aware(dt.datetime.combine(first - dt.timedelta(days=120), dt.time(9)))
    closes_at = timezone.make_aware(dt.datetime.combine(first - dt.timedelta(days=1), dt.time(12)))
    session = Session(
        course=course,
        status=SessionStatus.OPEN,
        capacity=capacity,
        place_name="" if remote else place,
        commune=commune,
        is_remote=remote,
        registration_opens_at=opens_at,
        registration_closes_at=closes_at,
        approval_required=course.format == "course",
    )
    session.save()
    for day in range(days):
        SessionPart.objects.create(
            session=session,
            date=first + dt.timedelta(days=day),
            start_time=dt.time(9, 30) if not remote else dt.time(14, 0),
            end_time=dt.time(17, 0),
            mode="remote" if remote else "onsite",
        )
    for extra_offset, mode in extra_parts:
        SessionPart.objects.create(
            session=session,
            date=today + dt.timedelta(days=extra_offset),
            start_time=dt.time(14, 0) if remote else dt.time(9, 30),
            end_time=dt.time(17, 0),
            mode=mode,
        )
    report.add(f"session of {course.title} on {first:%d/%m/%Y}")
    session._demo_past = past
    return session


def _participants():
    User = get_user_model()
    users = []
    for first_name, last_name, job, employer in DEMO_PARTICIPANTS:
        email = f"{first_name.lower()}.{last_name.lower()}@{DEMO_PARTICIPANT_DOMAIN}"
        email = email.replace("é", "e").replace("ë", "e").replace("É", "e")
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=None,
                first_name=first_name,
                last_name=last_name,
                job_title=job,
                employer_name=employer,
                email_verified_at=timezone.now(),
            )
        users.append(user)
    return users


def _form_data(user, course, index):
    option = course.price_options.order_by("sort_order").first()
    return {
        "job_title": user.job_title,
        "employer_name": user.employer_name,
        "employer_address": "1 place de la Mairie",
        "payer": ("employer", "opco", "self")[index % 3],
        "signatory_name": "Direction de l'établissement",
        "signatory_email": "direction@exemple.fr",
        "expectations": "Mettre en pratique dans mon établissement et échanger avec des pairs.",
        "price_option": option,
        "consent": True,
    }


def _register(session, user, index, now=None):
    return training_services.registration_create(
        session=session,
        user=user,
        data=_form_data(user, session.course, index),
        idempotency_key=f"demo-{session.pk}-{user.pk}",
        now=now,
    )


def _registrations(sessions: list[Session], users, report) -> None:
    """Registrations through the services, in every state they can reach."""
    future = [s for s in sessions if not s._demo_past]
    past = [s for s in sessions if s._demo_past]
    # Past sessions: registered before they began (then "completed").
    for session in past:
        first = session.parts.order_by("date").first().date
        before = timezone.make_aware(
            dt.datetime.combine(first - dt.timedelta(days=20), dt.time(10))
        )
        for number, user in enumerate(users[:4]):
            registration = _register(session, user, number, now=before)
            if registration.status == "pending":
                training_services.registration_confirm(registration=registration, now=before)
        # Attendance recorded the evening of the first day: one participant did not come.
        evening = timezone.make_aware(dt.datetime.combine(first, dt.time(18)))
        confirmed = Registration.objects.filter(session=session, status="confirmed")
        for position, registration in enumerate(confirmed.order_by("seat_number")):
            training_services.registration_attendance_record(
                registration=registration, attended=position != 1, now=evening
            )
        Session.objects.filter(pk=session.pk).update(status=SessionStatus.COMPLETED)
    if not future:
        return
    # The first upcoming session is made full with a waiting list, an offer and a decline.
    small = future[0]
    Session.objects.filter(pk=small.pk).update(capacity=3)
    small.refresh_from_db()
    registrations = [_register(small, user, number) for number, user in enumerate(users[:7])]
    holders = [r for r in registrations if r.seat_number]
    waiting = [r for r in registrations if r.status == "waitlisted"]
    pending = [r for r in holders if r.status == "pending"]
    if pending:
        training_services.registration_confirm(registration=pending[0])
    # A participant cancels: the first person waiting is offered the seat.
    training_services.registration_cancel(registration=holders[-1], reason="Demo")
    offered = Registration.objects.filter(session=small, status="offered").first()
    if offered is not None:
        training_services.offer_decline(registration=offered)  # passes to the next one
    if len(waiting) > 3:
        training_services.waitlist_leave(registration=Registration.objects.get(pk=waiting[-1].pk))
    # Ordinary registrations on the other upcoming sessions.
    for session_index, session in enumerate(future[1:8]):
        for number, user in enumerate(users[session_index % 3 : session_index % 3 + 3]):
            _register(session, user, number)
    # One upcoming session is cancelled by Ocim.
    if len(future) > 8:
        training_services.session_cancel(
            session=future[-1], reason="Formateur indisponible (démonstration)."
        )
    report.add("registrations")


# Pipeline steps, in order, to bring a new request to each final state of the demo.
_PIPELINE = {
    "new": [],
    "qualify": ["qualify"],
    "send_quote": ["qualify", "send_quote"],
    "win": ["qualify", "send_quote", "win"],
    "lose": ["qualify", "lose"],
}


def _tailor_made(index: CourseIndexPage, users, report) -> None:
    """Requests at every step of the pipeline; the won one is a private session with its
    invitations (three demo participants)."""
    from . import tailormade

    actor = get_user_model().objects.filter(email__startswith="training-manager@").first()
    today = timezone.localdate()
    for key, final, fields in demo_content.TAILOR_MADE:
        idempotency_key = f"demo-tailormade-{key}"
        if TailorMadeRequest.objects.filter(idempotency_key=idempotency_key).exists():
            continue
        request = tailormade.tailormade_request_create(
            data={**fields, "consent": True}, language="fr", idempotency_key=idempotency_key
        )
        for action in _PIPELINE[final]:
            request = tailormade.tailormade_request_transition(
                request=request,
                action=action,
                actor=actor,
                quote_amount=Decimal(fields.get("budget") or "2400"),
                lost_reason="Budget non disponible cette année ; à recontacter.",
            )
        tailormade.tailormade_note_add(
            request=request,
            body="Premier échange téléphonique : besoins confirmés, calendrier à préciser.",
            actor=actor,
        )
        if final == "win":
            course = (
                CoursePage.objects.child_of(index)
                .filter(slug=demo_content.TAILOR_MADE_COURSE)
                .first()
            )
            start = today + dt.timedelta(days=75)
            session = tailormade.tailormade_session_create(
                request=request,
                actor=actor,
                course=course.specific if course else None,
                new_course=course is None,
                parts=[
                    tailormade.PartData(
                        date=start + dt.timedelta(days=day),
                        start_time=dt.time(9, 30),
                        end_time=dt.time(17, 0),
                    )
                    for day in range(2)
                ],
                place_name=fields["structure_name"],
                address=fields["structure_address"],
            )
            tailormade.session_invitations_create(
                session=session,
                text="\n".join(f"{user.get_full_name()} <{user.email}>" for user in users[:3]),
                actor=actor,
            )
            _register(session, users[0], 0)
        report.add(f"tailor-made request ({request.get_status_display()})")


@transaction.atomic
def training_demo_ensure() -> TrainingDemoReport:
    """Create the demonstration training catalogue if it is missing (see the module docstring).

    Skips (and says so in the report) when the French home page does not exist yet.
    """
    report = TrainingDemoReport()
    home_fr = HomePage.objects.filter(depth=2, locale__language_code="fr").first()
    if home_fr is None:
        report.skipped.append("no French home page: run the site demo first")
        return report
    index = _index(home_fr, report)
    index_en = _index_translation(index, report)
    _mission_page_link(index, "fr", report)
    _mission_page_link(index_en, "en", report)
    trainers = _trainers(report)
    _trainer_account(trainers, report)
    today = timezone.localdate()
    new_sessions = []
    for spec in demo_content.COURSES:
        course, created = _course(index, spec, trainers, report)
        if not created and course.sessions.exists():
            continue
        for session_spec in spec["sessions"]:
            session = _session(course, session_spec, today, report)
            if session is not None:
                new_sessions.append(session)
    if new_sessions:
        new_sessions.sort(key=lambda s: s.parts.order_by("date").first().date)
        _registrations(new_sessions, _participants(), report)
    _tailor_made(index, _participants(), report)
    return report


register_demo_builder("training", training_demo_ensure, order=10)
