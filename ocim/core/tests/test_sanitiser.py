import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ocim.core.sanitiser import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, html_to_text, sanitise_html

PAYLOAD_FILE = Path(__file__).parent / "data" / "xss_payloads.txt"
ESCAPES = {"{NL}": "\n", "{CR}": "\r", "{TAB}": "\t", "{FF}": "\f", "{NUL}": "\x00", "{SP}": " "}


def load_payloads():
    payloads = []
    for line in PAYLOAD_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line == "#" or line.startswith("# "):
            continue
        for token, char in ESCAPES.items():
            line = line.replace(token, char)
        payloads.append(line)
    return payloads


PAYLOADS = load_payloads()
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:", "feed:")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def parsed_elements(markup):
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.elements


def browser_view_of_url(value):
    """The URL as a browser reads its scheme: C0 controls and spaces stripped at the start,
    tabs and newlines removed everywhere, case folded."""
    value = re.sub(r"[\t\n\r]", "", value)
    return value.lstrip("".join(chr(c) for c in range(0x21))).lower()


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS), "duplicate payloads hide a missing case"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload):
    output = sanitise_html(payload)

    assert "<script" not in output.lower()
    for tag, attrs in parsed_elements(output):
        assert tag in ALLOWED_TAGS, f"{tag!r} survived in {output!r}"
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        if tag == "a":
            allowed = allowed | {"rel"}
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name!r} in {output!r}"
            assert name != "style", output
            assert name in allowed, f"{tag}[{name}] is not in the allowlist: {output!r}"
            seen = browser_view_of_url(value or "")
            assert not seen.startswith(DANGEROUS_SCHEMES), f"{name}={value!r} in {output!r}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitising_is_idempotent(payload):
    once = sanitise_html(payload)
    assert sanitise_html(once) == once


def test_dropped_elements_lose_their_content_too():
    output = sanitise_html(
        "<p>avant</p><script>var secret = 1;</script><style>p{}</style>"
        "<svg><text>dessin</text></svg><form><label>Nom</label></form><p>après</p>"
    )
    assert output == "<p>avant</p><p>après</p>"


def test_link_keeps_href_and_title_and_gets_a_forced_rel():
    output = sanitise_html(
        '<a href="https://www.ocim.fr/lettre/" title="La Lettre" hreflang="fr" '
        'rel="opener" target="_blank">La Lettre de l’Ocim</a>'
    )
    [(tag, attrs)] = parsed_elements(output)
    attrs = dict(attrs)
    assert tag == "a"
    assert attrs["href"] == "https://www.ocim.fr/lettre/"
    assert attrs["title"] == "La Lettre"
    assert attrs["hreflang"] == "fr"
    assert attrs["rel"] == "noopener noreferrer nofollow"
    assert "target" not in attrs


@pytest.mark.parametrize(
    "href",
    ["mailto:contact@ocim.fr", "tel:+33380000000", "/fr/formations/", "../actualites/", "#note-1"],
)
def test_safe_link_schemes_and_relative_links_are_kept(href):
    [(_tag, attrs)] = parsed_elements(sanitise_html(f'<a href="{href}">lien</a>'))
    assert dict(attrs)["href"] == href


def test_a_table_survives_with_its_structure():
    source = (
        '<table><caption>Fréquentation 2024</caption><thead><tr><th scope="col">Musée</th>'
        '<th scope="col" colspan="2">Visiteurs</th></tr></thead><tbody><tr>'
        '<th scope="row">Muséum de Dijon</th><td>12 000</td><td rowspan="2">+4 %</td></tr>'
        "</tbody><tfoot><tr><td>Total</td><td>12 000</td></tr></tfoot></table>"
    )
    assert sanitise_html(source) == source


def test_figure_with_image_survives_and_images_only_load_from_the_web():
    source = (
        '<figure><img src="https://www.ocim.fr/media/vitrine.jpg" alt="Une vitrine" '
        'width="640" height="480"><figcaption>Une vitrine restaurée</figcaption></figure>'
    )
    assert sanitise_html(source) == source
    assert (
        sanitise_html('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">') == '<img alt="x">'
    )


def test_french_text_with_accents_and_entities_survives():
    output = sanitise_html(
        "<h2>Élément &amp; ça</h2><p>L&rsquo;été à Besançon&nbsp;: « œuvres » "
        "<em>naïves</em>, <strong>côté</strong> cœur…</p>"
    )
    assert output == (
        "<h2>Élément &amp; ça</h2><p>L’été à Besançon&nbsp;: « œuvres » "
        "<em>naïves</em>, <strong>côté</strong> cœur…</p>"
    )


def test_emphasis_lists_quotes_code_and_lang_survive():
    source = (
        '<p lang="en">A <b>b</b> <i>i</i> <u>u</u> <s>s</s> H<sub>2</sub>O x<sup>2</sup> '
        '<mark>m</mark> <abbr title="Office de coopération">Ocim</abbr><br></p>'
        "<ul><li>un</li></ul><ol><li>deux</li></ol><dl><dt>t</dt><dd>d</dd></dl>"
        "<blockquote><p>Citation</p></blockquote><q>court</q> <cite>Œuvre</cite>"
        "<pre><code>print(1)</code></pre><h3>Trois</h3><h6>Six</h6>"
    )
    assert sanitise_html(source) == source


def test_h1_is_demoted_to_text_and_unsafe_attribute_values_are_dropped():
    assert sanitise_html("<h1>Titre</h1>") == "Titre"
    assert sanitise_html('<p lang="fr onclick">x</p>') == "<p>x</p>"
    assert sanitise_html('<td colspan="0">x</td>') == "x"  # a lone cell is not a table
    assert sanitise_html('<table><tr><td colspan="abc">x</td></tr></table>') == (
        "<table><tbody><tr><td>x</td></tr></tbody></table>"
    )


def test_empty_input_gives_empty_output():
    assert sanitise_html("") == ""
    assert html_to_text("") == ""


def test_html_to_text_gives_one_readable_line():
    text = html_to_text(
        "<h2>Les   musées</h2>\n<p>L&rsquo;été &amp; l’hiver&nbsp;:\t<b>visites</b></p>"
        "<script>alert('non')</script><ul><li>un</li><li>deux</li></ul>"
        '<img src="https://ocim.fr/a.png" alt="Une affiche">'
    )
    assert text == "Les musées L’été & l’hiver : visites un deux Une affiche"


def test_html_to_text_does_not_decode_twice():
    assert html_to_text("<p>&amp;lt;script&amp;gt;</p>") == "&lt;script&gt;"
