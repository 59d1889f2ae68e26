"""Models of the editorial workflow (imported at the end of ``ocim.publishing.models``).

An article is part of an issue: it must not be public before its issue. When the editor-in-chief
approves an article whose issue is not live yet, the approved revision is kept in
``PendingArticleRelease`` (the article stays not live); publishing the issue publishes it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask


class IssueAwareApprovalTask(AbstractGroupApprovalTask):
    """The last step of the magazine workflow: members of the chosen groups approve; an
    article approved while its issue is not live waits for the issue instead of going live.

    The rule itself lives in ``ocim.publishing.workflow.services.approval_task_action``."""

    def on_action(self, task_state, user, action_name, **kwargs):
        from .services import approval_task_action

        return approval_task_action(self, task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve; an approved article goes live with its "
            "issue, not before."
        )

    class Meta:
        verbose_name = _("approval published with the issue")
        verbose_name_plural = _("approvals published with the issue")


class PendingArticleRelease(models.Model):
    """An article approved while its issue was not live: ``revision`` goes live when the issue
    is published, provided it is still the article's latest revision. Who approved it is in
    the audit log (``publishing.article.approved_for_issue``) and in Wagtail's task states."""

    article = models.OneToOneField(
        "publishing.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="pending_release",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("approved revision"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        verbose_name = _("article waiting for its issue")
        verbose_name_plural = _("articles waiting for their issue")

    def __str__(self):
        return str(self.article)
