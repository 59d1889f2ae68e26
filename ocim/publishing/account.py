"""The magazine's section of the account page: the reader's subscriptions and follows,
registered with ``ocim.accounts.sections`` when this module is imported (by ``views``, which the
URLconf loads before any view runs; registering twice replaces, so importing it again from
``PublishingConfig.ready`` is harmless)."""

from __future__ import annotations

from ocim.accounts.sections import AccountSection, register_account_section

from .selectors import reader_status


def _client_ip(request) -> str:
    # As ``views.client_ip`` (not imported: views imports this module).
    return request.META.get("REMOTE_ADDR", "")


def magazine_account_section(request) -> AccountSection | None:
    """The reader's subscriptions (individual, and the institution covering their address now)
    and the magazines they follow, with a button to follow or stop following each."""
    user = request.user
    if not user.is_authenticated:
        return None
    status = reader_status(user, ip=_client_ip(request))
    if not status.magazines and not status.subscriptions:
        return None
    return AccountSection(
        template_name="publishing/account_section.html", context={"status": status}
    )


register_account_section("publishing", magazine_account_section, order=20)
