"""Personal data held by the training app (see ocim.core.personal_data).

Registrations are evidence of the training given (certification audits, funders' checks,
statistics): on account deletion the rows stay, but everything that names or reaches the
person goes, and the link to the account is cleared.
"""

from ocim.core import personal_data as pd

from .services import REGISTRATION_FIELDS

# Everything the person typed in the registration form, plus the states and dates around it.
REGISTRATION_EXPORT = (
    "session",
    "status",
    "seat_number",
    "waitlist_rank",
    "offer_expires_at",
    *REGISTRATION_FIELDS,
    "price_option",
    "consent_at",
    "confirmed_at",
    "cancelled_at",
    "created_at",
)


def _anonymise_registrations(queryset, user) -> None:
    # Kept: session, status, seat, employer (an organisation), payer, price, dates.
    # Gone: the account link, the people named, free text that may describe the person, and
    # the idempotency key (a form token that could be matched against server logs).
    queryset.update(
        user=None,
        job_title="",
        employer_address="",
        signatory_name="",
        signatory_email="",
        admin_contact_name="",
        admin_contact_email="",
        expectations="",
        accommodation_needs="",
        idempotency_key=None,
    )


pd.register(
    "training.Registration",
    "user",
    export=REGISTRATION_EXPORT,
    erase=pd.Anonymise(_anonymise_registrations),
)


# Tailor-made requests are commercial records of a structure: the request stays, the person who
# wrote it (name, address, telephone, their own words) goes.
TAILOR_MADE_EXPORT = (
    "status",
    "structure_name",
    "contact_name",
    "contact_job_title",
    "contact_email",
    "contact_phone",
    "topic",
    "description",
    "audience_size",
    "wished_dates",
    "place",
    "budget",
    "consent_at",
    "created_at",
)


def _anonymise_tailor_made(queryset, user) -> None:
    queryset.update(
        user=None,
        contact_name="",
        contact_job_title="",
        contact_email="",
        contact_phone="",
        description="",
        idempotency_key=None,
    )


pd.register(
    "training.TailorMadeRequest",
    "user",
    export=TAILOR_MADE_EXPORT,
    erase=pd.Anonymise(_anonymise_tailor_made),
)
# Staff links: the work stays, the name of the staff member goes with their account.
pd.register("training.TailorMadeRequest", "assigned_to", export=None, erase=pd.ON_DELETE)
pd.register(
    "training.TailorMadeNote",
    "author",
    export=("request", "body", "created_at"),
    erase=pd.ON_DELETE,
)
pd.register("training.SessionInvitation", "invited_by", export=None, erase=pd.ON_DELETE)
pd.register("training.Trainer", "user", export=("name", "role", "organisation"), erase=pd.ON_DELETE)


def _invitations_of(user):
    from .models import SessionInvitation

    return SessionInvitation.objects.filter(email__iexact=user.email)


def _export_invitations(user) -> list[dict]:
    return [
        {"session": invitation.session_id, "name": invitation.name, "sent_at": invitation.sent_at}
        for invitation in _invitations_of(user)
    ]


def _erase_invitations(user) -> None:
    # An invitation names the person by address only; it means nothing once the account is gone.
    _invitations_of(user).delete()


pd.register_extra(
    "training.SessionInvitation.email", export=_export_invitations, erase=_erase_invitations
)
