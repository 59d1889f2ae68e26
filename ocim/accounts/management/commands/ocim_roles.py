from django.core.management.base import BaseCommand

from ocim.accounts.roles import ROLES, roles_ensure


class Command(BaseCommand):
    help = "Create the role groups and grant them the registered permissions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also remove permissions that the registry does not grant.",
        )

    def handle(self, *args, prune=False, **options):
        groups = roles_ensure(prune=prune)
        for role in ROLES:
            group = groups[role.key]
            self.stdout.write(f"{role.key}: {group.name} ({group.permissions.count()} permissions)")
