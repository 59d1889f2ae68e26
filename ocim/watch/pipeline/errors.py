"""Errors of the pipeline: expected, explainable failures with translated messages."""

from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError


class FeedParseError(ApplicationError):
    """Nothing could be read from a fetched document. ``code`` says why (stable, for the
    source's health record); ``message`` explains it to staff."""

    default_message = _("The document could not be read as a feed.")
    default_code = "feed_unreadable"
    status = 422


class ExtractionRulesError(ApplicationError):
    """A page source's extraction rules are not usable. ``extra["errors"]`` maps each faulty
    key ("engine", "item", "title"…) to its message, for a form to show beside the field."""

    default_message = _("The extraction rules are not valid.")
    default_code = "extraction_rules_invalid"


class ClassificationRuleError(ApplicationError):
    """A classification rule's condition cannot be used (a regular expression that does not
    compile or is too costly)."""

    default_message = _("The classification rule is not valid.")
    default_code = "classification_rule_invalid"
