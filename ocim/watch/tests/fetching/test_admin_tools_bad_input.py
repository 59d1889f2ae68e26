"""The curators' tools that take free input — finding a site's feeds, a source's preview, a
rule's trial, the export, a new source's form filled from a link — answer junk with a message
or a refusal, never a server error, and reach no forbidden address."""

import pytest

from ..admin_builders import item, user_with_role

pytestmark = pytest.mark.django_db

JUNK = [
    "\x00",
    "http://\x00x",
    "é" * 5000,
    "http://[::1",
    "http://a b/",
    "//",
    "javascript:alert(1)",
    "http://xn--/",
    "https://" + "a" * 300 + ".fr/",
    "http://127.0.0.1:99999/",
    "\u202e",
    "0x7f.1",
    "%00",
    "ht!tp://x",
    "http://example.com:-1/",
    "-1",
    "9" * 30,
]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_never_makes_a_server_error(client, junk, settings, connect_spy):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    client.force_login(user_with_role("watch-curator"))
    item()
    posts = [
        ("/admin/watch/sources/discover/", {"address": junk}),
        (
            "/admin/watch/sources/preview/",
            {
                "url": junk,
                "kind": junk,
                "rules_item": junk,
                "language": junk,
                "source": junk,
                "title": junk,
            },
        ),
        (
            "/admin/watch/sources/preview/",
            {"url": "https://10.0.0.1/", "kind": "page", "rules_item": junk, "rules_link": junk},
        ),
        ("/admin/watch/rules/trial/", {"conditions-TOTAL_FORMS": junk, "match": junk}),
        (
            "/admin/watch/rules/trial/",
            {
                "conditions-TOTAL_FORMS": "2",
                "conditions-0-field": junk,
                "conditions-0-operator": "regex",
                "conditions-0-value": junk,
                "conditions-1-field": "title",
                "conditions-1-operator": "regex",
                "conditions-1-value": junk,
            },
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code < 500, (url, response.status_code)
    for params in [
        {"format": junk},
        {"format": "csv", "source": junk},
        {"format": "xlsx", "q": junk},
        {"format": "csv", "concept": junk, "date_from": junk},
    ]:
        response = client.get("/admin/watch/items/export/", params)
        assert response.status_code < 500, (params, response.status_code)
    prefill = {"url": junk, "title": junk, "kind": junk, "language": junk, "site_url": junk}
    assert client.get("/admin/watch/sources/new/", prefill).status_code == 200
    # Nothing public was allowed: no connection was even attempted.
    assert connect_spy.calls == []


STREAM_FILTERS = (
    "q", "source", "category", "concept", "family", "territory", "language", "date_from",
    "date_to", "kept", "read", "story", "p",
)  # fmt: skip
HEALTH_FILTERS = ("state", "kind", "category", "problem", "sort", "p", "q")


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_the_reading_views_never_makes_a_server_error(client, junk):
    client.force_login(user_with_role("watch-curator"))
    record = item()
    for key in STREAM_FILTERS:
        response = client.get("/admin/watch/items/", {key: junk})
        assert response.status_code < 500, (key, response.status_code)
    for key in HEALTH_FILTERS:
        response = client.get("/admin/watch/health/", {key: junk})
        assert response.status_code < 500, (key, response.status_code)
    for method, url, data in [
        ("get", "/admin/watch/opml/export/", {"download": "1", "category": junk}),
        ("get", "/admin/watch/sources/", {"q": junk, "state": junk, "ordering": junk}),
        ("post", "/admin/watch/items/read/", {"up_to": junk}),
        ("post", f"/admin/watch/items/{record.pk}/mark/", {"mark": junk, "value": junk}),
        ("post", f"/admin/watch/items/{record.pk}/read/", {"read": junk, "next": junk}),
        ("post", "/admin/watch/items/saved/?q=x", {"name": junk, "shared": junk}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (url, response.status_code)


def test_a_story_number_beyond_any_id_is_a_filter_error(client):
    client.force_login(user_with_role("watch-curator"))
    response = client.get("/admin/watch/items/", {"story": "9" * 30})
    assert response.status_code == 200
    assert "story" in response.context["form"].errors
