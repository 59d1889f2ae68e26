"""The pipeline's fast plain text of sanitised HTML gives what the core's reference
(``html_to_text``, an HTML parser in Python) gives, whatever the case of the source markup
and the kinds of whitespace."""

import pytest

from ocim.core.sanitiser import html_to_text, sanitise_html
from ocim.watch.pipeline.text import sanitised_to_text, title_to_text

SOURCES = [
    "<P>Un</P><DIV>deux<BR>trois</DIV><IMG SRC='https://e.fr/a.png' ALT='Quatre'>cinq",
    "<p>Espaces\u00a0insécables,\u2028séparateurs\u3000et\ttabulations\n\n</p>  fin  ",
    "<UL><LI>Premier</LI><li>Second</LI></UL><H2>Titre</H2>texte &amp; suite",
    "<p>Contrôles\x0bgardés\x1cà part</p>",
]


@pytest.mark.parametrize("source", SOURCES)
def test_plain_text_of_sanitised_html_is_the_reference_one(source):
    sanitised = sanitise_html(source)
    assert sanitised_to_text(sanitised) == html_to_text(sanitised)


def test_titles_are_one_line():
    assert title_to_text(" Un\u00a0titre\n sur  deux lignes ") == "Un titre sur deux lignes"
