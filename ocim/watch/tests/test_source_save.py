"""``services.source_save``: curators create and edit sources; the address must be one the
fetcher may read, a web page needs extraction rules, pausing and resuming are recorded."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from ocim.core.models import AuditLogEntry
from ocim.watch.models import Source, SourceKind, SourceState
from ocim.watch.services import SourceError, source_save, source_url_clean

from .admin_builders import SourceCategoryFactory, SourceFactory, concept, territories

pytestmark = pytest.mark.django_db


def new_source(**fields) -> Source:
    values = {"title": "Muséum de Lyon", "url": "https://museum.exemple.fr/flux.xml"}
    values.update(fields)
    return Source(**values)


def actions(source) -> list[str]:
    return list(
        AuditLogEntry.objects.filter(object_id=str(source.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://Museum.EXEMPLE.fr/flux.xml", "https://museum.exemple.fr/flux.xml"),
        ("https://museum.exemple.fr:443/flux.xml#top", "https://museum.exemple.fr/flux.xml"),
        ("http://museum.exemple.fr:80/rss?lang=fr", "http://museum.exemple.fr/rss?lang=fr"),
        ("  https://museum.exemple.fr:8443/rss  ", "https://museum.exemple.fr:8443/rss"),
    ],
)
def test_addresses_are_stored_in_their_canonical_form(given, stored):
    assert source_url_clean(given) == stored


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ("", "Give the address"),
        ("museum.exemple.fr/flux.xml", "not valid"),
        ("ftp://museum.exemple.fr/flux.xml", "http and https"),
        ("file:///etc/passwd", "http and https"),
        ("https://user:secret@museum.exemple.fr/", "not valid"),
        ("https://10.0.0.5/flux.xml", "private, local or reserved"),
        ("https://169.254.169.254/latest/meta-data/", "private, local or reserved"),
        ("http://[::ffff:10.0.0.1]/", "private, local or reserved"),
        ("http://0x7f000001/", "private, local or reserved"),
        ("http://100.64.0.1/", "private, local or reserved"),
        ("https://exa mple.fr/", "not valid"),
        ("https://museum.exemple.fr/" + "a" * 2100, "longer than"),
    ],
)
def test_addresses_the_fetcher_cannot_read_are_refused(given, fragment, settings):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    with translation.override("en"):
        with pytest.raises(SourceError) as caught:
            source_url_clean(given)
        assert fragment in str(caught.value.message)
    assert caught.value.field == "url"


def test_a_new_source_is_due_at_once_with_its_categories_and_concepts(user):
    category = SourceCategoryFactory(name="Musées")
    botany = concept()
    places = territories()
    source = source_save(
        new_source(department=places["rhone"], language=" FR_fr "),
        user=user,
        categories=[category],
        concepts=[botany],
    )
    source.refresh_from_db()
    assert source.next_fetch_at is not None and source.next_fetch_at <= timezone.now()
    assert source.region_id == "84"  # follows the department
    assert source.language == "fr-fr"
    assert list(source.categories.all()) == [category]
    assert list(source.concepts.all()) == [botany]
    assert actions(source) == ["watch.source.created"]


def test_the_same_address_is_not_watched_twice(user):
    existing = SourceFactory(url="https://museum.exemple.fr/flux.xml", title="Le muséum")
    with pytest.raises(SourceError) as caught:
        source_save(new_source(url="https://MUSEUM.exemple.fr/flux.xml#x"), user=user)
    assert caught.value.field == "url"
    assert "Le muséum" in str(caught.value.message)
    assert Source.objects.get() == existing


def test_a_web_page_needs_valid_extraction_rules_and_a_feed_keeps_none(user):
    with pytest.raises(SourceError) as caught:
        source_save(new_source(kind=SourceKind.PAGE, extraction_rules={}), user=user)
    assert caught.value.field == "extraction_rules"
    with pytest.raises(SourceError) as caught:
        source_save(
            new_source(kind=SourceKind.PAGE, extraction_rules={"engine": "css", "item": "a["}),
            user=user,
        )
    assert set(caught.value.extra["errors"]) == {"item", "link"}
    assert not Source.objects.exists()
    page = source_save(
        new_source(
            kind=SourceKind.PAGE,
            extraction_rules={"engine": "css", "item": " article ", "link": "a", "date": ""},
        ),
        user=user,
    )
    assert page.extraction_rules == {"engine": "css", "item": "article", "link": "a"}
    feed = source_save(
        new_source(url="https://autre.exemple.fr/rss", extraction_rules={"item": "article"}),
        user=user,
    )
    assert feed.extraction_rules == {}


def test_an_edit_leaves_what_the_fetcher_wrote_meanwhile(user):
    source = source_save(new_source(), user=user)
    form_copy = Source.objects.get(pk=source.pk)  # loaded by the form
    Source.objects.filter(pk=source.pk).update(
        etag='"v2"', consecutive_errors=2, lease_token="worker-1", fetch_count=7
    )
    form_copy.title = "Nouveau titre"
    source_save(form_copy, user=user)
    stored = Source.objects.get(pk=source.pk)
    assert stored.title == "Nouveau titre"
    assert (stored.etag, stored.consecutive_errors, stored.lease_token, stored.fetch_count) == (
        '"v2"',
        2,
        "worker-1",
        7,
    )


def test_a_new_address_forgets_the_old_validators_and_is_due(user):
    source = source_save(new_source(), user=user)
    later = timezone.now() + dt.timedelta(hours=5)
    Source.objects.filter(pk=source.pk).update(etag='"v1"', last_modified="x", next_fetch_at=later)
    source.refresh_from_db()
    source.url = "https://museum.exemple.fr/nouveau-flux.xml"
    source_save(source, user=user)
    stored = Source.objects.get(pk=source.pk)
    assert (stored.etag, stored.last_modified) == ("", "")
    assert stored.next_fetch_at <= timezone.now()


def test_a_department_outside_the_region_is_refused(user):
    places = territories()
    with pytest.raises(SourceError) as caught:
        source_save(new_source(region=places["bfc"], department=places["rhone"]), user=user)
    assert caught.value.field == "department"
    assert not Source.objects.exists()


def test_pausing_and_resuming_are_recorded(user):
    source = source_save(new_source(), user=user)
    source.state = SourceState.PAUSED
    source.state_reason = "Site en travaux"
    source_save(source, user=user)
    source.refresh_from_db()
    assert source.state == SourceState.PAUSED and source.state_changed_at is not None
    source.state = SourceState.ACTIVE
    source_save(source, user=user)
    source.refresh_from_db()
    assert source.state_reason == "" and source.next_fetch_at <= timezone.now()
    assert actions(source) == [
        "watch.source.created",
        "watch.source.changed",
        "watch.source.paused",
        "watch.source.changed",
        "watch.source.resumed",
    ]
    changed = AuditLogEntry.objects.filter(action="watch.source.changed").first()
    assert changed.data["fields"] == ["state", "state_reason"]


def test_curators_cannot_suspend_a_source_by_hand(user):
    source = source_save(new_source(), user=user)
    source.state = SourceState.SUSPENDED
    with pytest.raises(SourceError) as caught:
        source_save(source, user=user)
    assert caught.value.field == "state"
    assert Source.objects.get().state == SourceState.ACTIVE


def test_a_title_is_required(user):
    with pytest.raises(SourceError) as caught:
        source_save(new_source(title="   "), user=user)
    assert caught.value.field == "title"
