"""Full text: the article's main text is kept (not the navigation or scripts), as plain text,
and what it names is attached to the item; a page without text is a clean error."""

import pytest

from ocim.core.models import Concept
from ocim.watch.models import ConceptOrigin, Item, ItemConcept
from ocim.watch.pipeline.full_text import FullTextError, item_full_text_extract
from ocim.watch.search import item_search_condition

from .support import FETCHED_AT, source_make

pytestmark = pytest.mark.django_db

PARAGRAPH = (
    "Les équipes du planétarium ont préparé une saison consacrée à la paléontologie et aux "
    "fossiles découverts dans la région, avec des ateliers pour les familles et des visites "
    "commentées par les chercheurs du laboratoire partenaire. "
)
PAGE = f"""<!DOCTYPE html><html lang="fr"><head><title>Saison</title>
<script>var tracking = "paléontologie";</script><style>p {{ color: red }}</style></head>
<body><nav><ul><li><a href="/">Accueil</a></li><li><a href="/agenda">Agenda</a></li></ul></nav>
<article><h1>Une saison au planétarium</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>
<p>Réservation conseillée &lt;en ligne&gt; &amp; sur place.</p></article>
<footer>Mentions légales — Plan du site — Contact</footer></body></html>"""


def _item(**fields):
    source = source_make()
    return Item.objects.create(
        source=source,
        guid="g",
        url="https://planetarium.example.org/saison",
        title="Une saison",
        published_at=FETCHED_AT,
        first_seen_at=FETCHED_AT,
        **fields,
    )


def test_the_main_text_is_kept_and_classified():
    fossils = Concept.objects.create(
        slug="t-palaeo", label_fr="Paléontologie", label_en="Palaeontology"
    )
    item = _item()
    text = item_full_text_extract(item, PAGE)
    item.refresh_from_db()
    assert item.full_text == text
    assert "consacrée à la paléontologie" in text
    assert "Réservation conseillée <en ligne> & sur place." in text
    assert "tracking" not in text and "Mentions légales" not in text and "Agenda" not in text
    assert item.language == "fr"
    assert ItemConcept.objects.filter(
        item=item, concept=fossils, origin=ConceptOrigin.THESAURUS
    ).exists()
    assert Item.objects.filter(item_search_condition("fossiles")).get() == item
    # Again: the links already there are not an error.
    item_full_text_extract(item, PAGE)
    assert ItemConcept.objects.filter(item=item).count() == 1


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html><body><nav>Menu</nav></body></html>", "\x00\x01 binaire", None],
)
def test_a_page_without_main_text_is_a_clean_error(html):
    item = _item(language="en")
    with pytest.raises(FullTextError) as raised:
        item_full_text_extract(item, html)
    assert str(raised.value.message)
    item.refresh_from_db()
    assert (item.full_text, item.language) == ("", "en")


# A page where the article sits beside a long aside that automatic extraction may keep.
SELECTED_PAGE = f"""<html><body>
<div class="sidebar"><p>{PARAGRAPH}</p><p>Abonnez-vous à la lettre d'information.</p></div>
<div class="contenu-article"><h1>Nuit des musées</h1><p>Le muséum ouvre ses portes<br>de 19 h
à minuit, &amp; les réserves se visitent.</p><script>var x = 1;</script>
<ul><li>Visites guidées</li><li>Ateliers pour les familles, sur inscription auprès de
l'accueil</li></ul><div class="contenu-article"><p>Imbriqué : lu une fois.</p></div></div>
</body></html>"""


def test_the_sources_main_text_selector_chooses_the_text_kept():
    item = _item()
    item.source.full_text_selector = ".contenu-article"
    item.source.save(update_fields=["full_text_selector"])
    text = item_full_text_extract(item, SELECTED_PAGE)
    assert text == (
        "Nuit des musées\n\nLe muséum ouvre ses portes\nde 19 h à minuit, & les réserves se "
        "visitent.\n\nVisites guidées\n\nAteliers pour les familles, sur inscription auprès de "
        "l'accueil\n\nImbriqué : lu une fois."
    )
    assert "Abonnez-vous" not in text and "var x" not in text


def test_a_selector_that_finds_nothing_falls_back_to_the_automatic_extraction():
    item = _item()
    item.source.full_text_selector = "main.introuvable"
    item.source.save(update_fields=["full_text_selector"])
    text = item_full_text_extract(item, PAGE)
    assert "consacrée à la paléontologie" in text and "Mentions légales" not in text
