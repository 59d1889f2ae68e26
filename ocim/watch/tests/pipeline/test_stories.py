"""Near-duplicates: a story relayed by several sites becomes one Story that keeps every item
and so every source; unrelated texts, and similar texts of one site, stay apart."""

from datetime import timedelta

import pytest

from ocim.watch.models import Item, Story
from ocim.watch.pipeline import stories as stories_module
from ocim.watch.pipeline.ingest import source_document_ingest
from ocim.watch.pipeline.stories import (
    MIN_SIMILARITY,
    signature_bands,
    similarity,
    story_text_words,
    story_words,
    text_signature,
    text_similarity,
)

from .support import FETCHED_AT, rss, rss_item, source_make

PRESS_RELEASE = (
    "Le Muséum d'histoire naturelle de Toulouse inaugure le 14 mars une galerie consacrée aux "
    "minéraux et aux météorites. Plus de trois cents pièces, dont une météorite tombée dans le "
    "Lot en 1890, y sont présentées avec des dispositifs tactiles conçus avec des associations "
    "de personnes aveugles. Des ateliers accueilleront les classes du primaire chaque mercredi, "
    "et une conférence sur la formation du système solaire ouvrira la saison."
)
OTHER_NEWS = (
    "L'Observatoire de Haute-Provence ouvre ses coupoles au public tout l'été : des soirées "
    "d'observation du ciel sont proposées chaque vendredi, avec un planétarium itinérant pour "
    "les familles et une exposition de photographies de nébuleuses prises par des amateurs."
)


def signature(text: str) -> bytes:
    return text_signature(story_words(text))


@pytest.mark.parametrize(
    "relay",
    [
        PRESS_RELEASE,
        PRESS_RELEASE.replace("Plus de trois cents", "Près de 300"),
        "Communiqué. " + PRESS_RELEASE,
        PRESS_RELEASE.rsplit(".", 2)[0],
        PRESS_RELEASE.replace("Plus de trois cents", "Près de 300").replace(
            "chaque mercredi", "le mercredi"
        ),
        PRESS_RELEASE.upper().replace("É", "E"),
    ],
    ids=["same", "one-phrase", "intro", "cut", "two-edits", "case-accents"],
)
def test_relays_are_similar_and_share_a_band(relay):
    original, copy = signature(PRESS_RELEASE), signature(relay)
    assert similarity(original, copy) >= MIN_SIMILARITY
    assert set(enumerate(signature_bands(original))) & set(enumerate(signature_bands(copy)))


def test_other_texts_are_not_similar():
    assert similarity(signature(PRESS_RELEASE), signature(OTHER_NEWS)) < 0.2
    assert not set(enumerate(signature_bands(signature(PRESS_RELEASE)))) & set(
        enumerate(signature_bands(signature(OTHER_NEWS)))
    )
    assert text_signature(story_words("Trop peu de mots pour juger.")) is None


def _ingest(source, items, *, at=FETCHED_AT):
    return source_document_ingest(
        source=source,
        body=rss(items),
        content_type="application/rss+xml",
        encoding=None,
        final_url=source.url,
        fetched_at=at,
    )


@pytest.mark.django_db
def test_a_story_relayed_by_three_sites_is_one_story_with_every_source():
    museum, press, network = source_make(), source_make(), source_make()
    _ingest(
        museum, [rss_item(1, link="https://museum.example.org/galerie", description=PRESS_RELEASE)]
    )
    report = _ingest(
        press,
        [
            rss_item(
                1,
                title="Toulouse : une galerie des minéraux",
                link="https://journal.example.org/toulouse/galerie",
                description=PRESS_RELEASE.replace("Plus de trois cents", "Près de 300"),
            ),
            rss_item(2, link="https://journal.example.org/ohp", description=OTHER_NEWS),
        ],
        at=FETCHED_AT + timedelta(hours=5),
    )
    assert report.stories_joined == 1
    story = Story.objects.get()
    assert story.item_count == 2
    assert story.title == "Actualité 1"
    _ingest(
        network,
        [rss_item(7, link="https://reseau.example.org/relais", description=PRESS_RELEASE)],
        at=FETCHED_AT + timedelta(days=2),
    )
    story.refresh_from_db()
    assert story.item_count == 3
    assert story.last_seen_at == FETCHED_AT + timedelta(days=2)
    sources = set(Item.objects.filter(story=story).values_list("sightings__source", flat=True))
    assert sources == {museum.pk, press.pk, network.pk}
    assert Item.objects.get(url="https://journal.example.org/ohp").story is None


@pytest.mark.django_db
def test_similar_texts_of_one_site_or_old_items_are_not_grouped():
    museum, press = source_make(), source_make()
    _ingest(
        museum,
        [
            rss_item(1, link="https://museum.example.org/a", description=PRESS_RELEASE),
            rss_item(2, link="https://museum.example.org/b", description=PRESS_RELEASE + " Bis."),
        ],
    )
    assert not Story.objects.exists()
    _ingest(
        press,
        [rss_item(1, link="https://journal.example.org/x", description=PRESS_RELEASE)],
        at=FETCHED_AT + timedelta(days=30),
    )
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_a_much_relayed_text_is_compared_with_its_latest_relays_only(monkeypatch):
    """A band key that many items share: a new relay is compared with the most recent ones
    only (bounded work whatever the table holds), and still joins their story."""
    from ocim.watch.pipeline import stories

    monkeypatch.setattr(stories, "MAX_CANDIDATES_PER_KEY", 3)
    for number in range(6):
        _ingest(
            source_make(),
            [rss_item(1, link=f"https://relais{number}.example.org/a", description=PRESS_RELEASE)],
            at=FETCHED_AT + timedelta(hours=number),
        )
    story = Story.objects.get()
    compared = []
    agreement = stories._agreement
    monkeypatch.setattr(
        stories, "_agreement", lambda first, second: compared.append(1) or agreement(first, second)
    )

    report = _ingest(
        source_make(),
        [rss_item(1, link="https://dernier.example.org/a", description=PRESS_RELEASE)],
        at=FETCHED_AT + timedelta(hours=8),
    )

    assert report.stories_joined == 1
    assert len(compared) == 3
    story.refresh_from_db()
    assert story.item_count == 7


LEAD = (
    "Le parc zoologique propose une formation pour les médiateurs sur les fossiles en Normandie "
    "sur réservation."
)
ARTICLE = (
    "Les inscriptions sont ouvertes jusqu'à la fin du mois prochain. Le programme complet sera "
    "publié dans les prochains jours, avec des ateliers pour les scolaires, des visites "
    "guidées des réserves et une conférence sur la paléontologie régionale."
)


def test_a_short_text_relayed_after_an_intro_is_contained_in_the_relay():
    intro = "Communiqué de presse diffusé ce matin par le service des publics du parc."
    assert text_similarity(story_words(LEAD), story_words(f"{intro} {LEAD}")) == 1.0


def test_stock_phrases_scattered_in_a_longer_text_do_not_make_a_copy():
    """A short text whose runs of three words all occur in a longer one, but not in one
    piece: the longer text tells another story with the same phrases."""
    other = (
        "Le parc zoologique propose une formation pour les médiateurs sur les océans en "
        "Normandie sur réservation. Le musée des techniques prépare une galerie rénovée sur les "
        "fossiles en Corse avec une programmation en ligne."
    )
    short, longer = story_words(LEAD), story_words(other)
    assert len(stories_module._shingles(short) - stories_module._shingles(longer)) <= 2
    assert text_similarity(short, longer) < MIN_SIMILARITY


def test_items_compared_on_their_summary_when_one_feed_carries_no_content():
    """The original's feed has the full article, the relay's feed only the summary: both are
    compared on the summary, the part every feed format carries."""
    words = story_text_words(PRESS_RELEASE, ARTICLE)
    assert words == story_words(PRESS_RELEASE)
    assert story_text_words("Lire la suite", ARTICLE) == story_words(ARTICLE)


@pytest.mark.django_db
def test_a_relay_without_the_full_article_joins_the_story():
    museum, press = source_make(), source_make()
    _ingest(
        museum,
        [
            rss_item(
                1,
                link="https://museum.example.org/galerie",
                description=PRESS_RELEASE,
                content=f"<p>{ARTICLE}</p>",
            )
        ],
    )
    report = _ingest(
        press,
        [rss_item(1, link="https://journal.example.org/galerie", description=PRESS_RELEASE)],
        at=FETCHED_AT + timedelta(hours=2),
    )
    assert report.stories_joined == 1
    assert Story.objects.get().item_count == 2


@pytest.mark.django_db
def test_an_estimate_above_the_threshold_is_confirmed_on_the_texts(monkeypatch):
    """Signatures that agree by chance (32 bins estimate within ±0.15) do not group texts
    whose words differ: the texts decide."""
    from ocim.watch.pipeline import stories

    museum, press = source_make(), source_make()
    _ingest(museum, [rss_item(1, link="https://museum.example.org/a", description=PRESS_RELEASE)])
    # Every signature the same: every pair looks identical to the estimate.
    same = stories.text_signature(story_words(PRESS_RELEASE))
    monkeypatch.setattr(stories, "text_signature", lambda words: same)
    monkeypatch.setattr("ocim.watch.pipeline.ingest.text_signature", lambda words: same)
    report = _ingest(
        press,
        [
            rss_item(1, link="https://journal.example.org/ohp", description=OTHER_NEWS),
            rss_item(2, link="https://journal.example.org/copie", description=PRESS_RELEASE),
        ],
        at=FETCHED_AT + timedelta(hours=2),
    )
    assert report.stories_joined == 1
    story = Story.objects.get()
    assert set(story.items.values_list("url", flat=True)) == {
        "https://museum.example.org/a",
        "https://journal.example.org/copie",
    }


@pytest.mark.django_db
def test_the_upgrade_signs_the_items_of_the_window_on_their_summary():
    """Items signed on their content before the upgrade are signed again on their summary
    (migration 0008), those past the grouping window are left alone."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module(
        "ocim.watch.migrations.0008_story_signatures_from_summaries"
    )
    source = source_make()
    old_signature = signature(ARTICLE)
    now = timezone.now()
    recent, old = (
        Item.objects.create(
            source=source,
            guid=f"urn:{number}",
            url=f"https://museum.example.org/{number}",
            title="Galerie",
            summary=PRESS_RELEASE,
            content_text=ARTICLE,
            published_at=now,
            first_seen_at=seen_at,
            minhash=old_signature,
            **{f"story_band{band}": key for band, key in enumerate(signature_bands(old_signature))},
        )
        for number, seen_at in ((1, now - timedelta(days=1)), (2, now - timedelta(days=30)))
    )
    migration.signatures_remake(apps, None)
    recent.refresh_from_db()
    old.refresh_from_db()
    assert bytes(recent.minhash) == signature(PRESS_RELEASE)
    assert recent.story_band0 == signature_bands(signature(PRESS_RELEASE))[0]
    assert bytes(old.minhash) == old_signature
