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
