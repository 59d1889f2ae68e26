"""Public views of the publishing app (the pages themselves are Wagtail pages)."""

from __future__ import annotations

import mimetypes
import os

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .access import article_full_text_allowed, issue_full_text_allowed
from .models import ArticlePage, IssuePage


def client_ip(request) -> str:
    """The reader's address: ``REMOTE_ADDR`` (the reverse proxy, configured elsewhere, sets it
    to the client's own address)."""
    return request.META.get("REMOTE_ADDR", "")


def _serve_document(document) -> FileResponse:
    name = os.path.basename(document.file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        document.file.open("rb"), as_attachment=False, filename=name, content_type=content_type
    )
    # Who may read it depends on the reader: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def article_pdf(request, pk: int):
    """The article's PDF, to the readers allowed to read its full text; 403 to the others
    (the document's own URL is never revealed)."""
    article = get_object_or_404(ArticlePage.objects.live().public(), pk=pk)
    if article.pdf is None:
        raise Http404
    if not article_full_text_allowed(article, user=request.user, ip=client_ip(request)):
        raise PermissionDenied
    return _serve_document(article.pdf)


@require_safe
def issue_pdf(request, pk: int):
    """The whole-issue PDF, under the same rule as the articles' full text."""
    issue = get_object_or_404(IssuePage.objects.live().public(), pk=pk)
    if issue.pdf is None:
        raise Http404
    if not issue_full_text_allowed(issue, user=request.user, ip=client_ip(request)):
        raise PermissionDenied
    return _serve_document(issue.pdf)
