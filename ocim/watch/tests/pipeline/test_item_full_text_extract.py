"""Full text: the article's main text is kept (not the navigation or scripts), as plain text,
and what it names is attached to the item; a page without text is a clean error."""

import pytest

from ocim.core.models import Concept
from ocim.watch.models import ConceptOrigin, Item, ItemConcept
from ocim.watch.pipeline.fulltext import FullTextError, item_full_text_extract

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
