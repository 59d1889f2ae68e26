"""Demonstration data: pages in French and English, reference data, roles and demo users.

Safe to run any number of times: it only creates what is missing.
"""

from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocim.core.demo import demo_site_ensure


class Command(BaseCommand):
    help = "Create the demonstration site (pages, reference data, roles and users) if missing."

    def handle(self, *args, **options):
        report = demo_site_ensure()
        if report.created:
            for item in report.created:
                self.stdout.write(f"  + {item}")
        else:
            self.stdout.write(_("Site pages: unchanged."))

        self._reference_data()
        self._roles_and_users()
        self._domain_demos()
        self.stdout.write(
            _("To create an administrator of your own, run: manage.py createsuperuser")
        )

    def _domain_demos(self):
        # After the territories and users: domain demos use real communes and demo people.
        from ocim.core.demo import demo_builders

        # Demo content goes through the real services, which e-mail the people concerned;
        # those messages are addressed to invented people, so they are kept, not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            for _name, builder in demo_builders():
                report = builder()
                for item in report.created:
                    self.stdout.write(f"  + {item}")
                for item in report.skipped:
                    self.stderr.write(self.style.WARNING(item))
            kept = len(mail.outbox)
            mail.outbox = []
        if kept:
            self.stdout.write(
                ngettext(
                    "%(count)d e-mail of the demo content was not sent.",
                    "%(count)d e-mails of the demo content were not sent.",
                    kept,
                )
                % {"count": kept}
            )

    def _warn_missing(self, what, error):
        self.stderr.write(
            self.style.WARNING(
                _("Skipped %(what)s: %(error)s")
                % {
                    "what": what,
                    "error": error,
                }
            )
        )

    def _reference_data(self):
        try:
            from ocim.core.services import territories_load, thesaurus_load
        except ImportError as error:
            self._warn_missing(_("territories and thesaurus"), error)
            return
        for name, loader in (("territories", territories_load), ("thesaurus", thesaurus_load)):
            result = loader()
            self.stdout.write(f"{name}: {result}")

    def _roles_and_users(self):
        try:
            from ocim.accounts.roles import roles_ensure
        except ImportError as error:
            self._warn_missing(_("roles"), error)
        else:
            roles_ensure()
            self.stdout.write(_("Roles: ensured."))
        try:
            from ocim.accounts.services import demo_users_ensure
        except ImportError as error:
            self._warn_missing(_("demo users"), error)
            return
        for role, email, password in demo_users_ensure():
            if password is None:
                self.stdout.write(f"{role}: {email} ({_('unchanged')})")
            else:
                # Shown once: the password is generated at creation and stored only as a hash.
                self.stdout.write(f"{role}: {email} / {password}")
