from django.core.management.base import BaseCommand

from ocim.publishing.workflow.services import editorial_workflow_ensure


class Command(BaseCommand):
    help = (
        "Create the magazine's editorial workflow (editor review, then editor-in-chief "
        "approval) and assign it to the magazine pages (idempotent)."
    )

    def handle(self, *args, **options):
        workflow = editorial_workflow_ensure()
        tasks = ", ".join(task.name for task in workflow.tasks)
        pages = ", ".join(page.title for page in workflow.all_pages())
        self.stdout.write(f"{workflow.name}: {tasks} → {pages or '-'}")
