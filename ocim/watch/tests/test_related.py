"""The watch's section of an actor's public page: the latest items of its own sources, and the
items mentioning it once kept by a curator; a title and a link to the original, nothing else."""

import pytest
from django.urls import reverse

from ocim.inventory.tests.admin_builders import actor, territories
from ocim.watch.selectors import items_about_actor

from .admin_builders import SourceFactory, item, sighting

pytestmark = pytest.mark.django_db


@pytest.fixture
def museum():
    places = territories()
    return actor("Muséum de Dijon", type_slug="museum-histoire-naturelle", commune=places["dijon"])


def test_own_items_and_kept_mentions_are_listed_newest_first(museum):
    own = SourceFactory(actor=museum, title="Actualités du muséum")
    other = SourceFactory(title="Presse")
    news = item(source=own, title="Nouvelle salle")
    relayed = item(source=other, title="Relayé par la presse")
    sighting(relayed, own)
    mention = item(source=other, title="Article sur le muséum", curated=True)
    mention.actors.add(museum)
    unchecked = item(source=other, title="Homonyme peut-être")
    unchecked.actors.add(museum)
    item(source=other, title="Sans rapport")

    # The builder dates each new item a minute before the previous one.
    found = [record.title for record in items_about_actor(museum)]
    assert found == [news.title, relayed.title, mention.title]


def test_the_actor_page_links_to_the_originals(client, museum):
    own = SourceFactory(actor=museum, title="Actualités du muséum")
    item(
        source=own,
        title="Nouvelle salle des minéraux",
        url="https://museum.exemple.fr/actualites/minéraux",
        summary="Un résumé qui reste chez l'éditeur",
    )
    html = client.get(reverse("inventory:actor", kwargs={"slug": museum.slug})).content.decode()
    assert "Nouvelle salle des minéraux" in html
    assert 'href="https://museum.exemple.fr/actualites/minéraux"' in html
    assert "Actualités du muséum" in html
    assert "Un résumé qui reste" not in html


def test_an_actor_without_items_gets_no_section(client, museum):
    other = SourceFactory()
    item(source=other, title="Homonyme", url="https://exemple.fr/a").actors.add(museum)
    html = client.get(reverse("inventory:actor", kwargs={"slug": museum.slug})).content.decode()
    assert "Homonyme" not in html
