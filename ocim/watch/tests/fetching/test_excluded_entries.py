"""Entries a rule leaves out are counted in the fetcher's log of the source, where curators
see them in the source's health record: a rule that drops too much shows."""

import pytest
from django.urls import reverse

from ocim.watch.fetching import source_fetch
from ocim.watch.models import ClassificationRule, FetchLog, Item, RuleAction, RuleCondition

from ..admin_builders import user_with_role
from .builders import feed_reply, make_source

pytestmark = pytest.mark.django_db


def test_the_fetch_log_counts_the_entries_left_out(
    client, loopback_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rule = ClassificationRule.objects.create(name="Articles en b", action=RuleAction.EXCLUDE)
        RuleCondition.objects.create(rule=rule, field="title", operator="contains", value="b")
        rule.save()
    # The builder's entries are titled "Article <guid>": the rule matches "Article b" only.
    loopback_server.reply(
        "/flux.xml", feed_reply([("a", "https://m.example/a"), ("b", "https://m.example/b")])
    )
    source = make_source(loopback_server.url("/flux.xml"))
    result = source_fetch(source_id=source.pk)
    assert result.new_entries == 1
    assert list(Item.objects.values_list("title", flat=True)) == ["Article a"]
    log = FetchLog.objects.get(source=source)
    assert (log.new_entries, log.excluded_entries) == (1, 1)

    client.force_login(user_with_role("watch-curator"))
    page = client.get(reverse("watch_health:source", args=[source.pk]))
    assert page.context["log"][0][0].excluded_entries == 1
