"""A corpus of feeds for the watch's ingest benchmark, generated from a seed (same seed, same
bytes).

    from bench.watch_corpus import corpus_generate
    corpus = corpus_generate(seed=6, feeds=320)

What it holds, by design:

- formats: RSS 2.0 (with and without ``content:encoded``), Atom 1.0 (HTML, XHTML and text
  content), RSS 1.0 (RDF), RSS 0.91/0.92 and JSON Feed 1.1;
- French and English texts written from sentence patterns about museums, science centres,
  gardens, research and their territories, naming thesaurus concepts, regions, departments and
  the actors the benchmark creates (``ACTOR_NAMES``);
- sizes from about 5 KB to 5 MB: most feeds small (a few entries, summaries), some medium
  (full articles), a few large (hundreds to thousands of entries), the largest near 5 MB;
- markup as sites write it: paragraphs, headings, lists, relative links and images, entities,
  and some scripts, frames, styles and event handlers that the sanitiser must remove;
- relays: stories published by several feeds with another headline, an added intro or a small
  edit, and links with tracking parameters (``relay_groups`` lists them, for checking the
  near-duplicate detection);
- about 6 % malformed feeds: truncated, wrong charset, control characters, bare ampersands and
  HTML entities, an entity bomb, a web page instead of a feed, binary noise, broken JSON.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape

MIN_BYTES = 5 * 1000
MAX_BYTES = 5 * 1000 * 1000
FORMATS = [("rss2", 50), ("atom", 22), ("json", 10), ("rss1", 9), ("rss091", 9)]
MALFORMATIONS = [
    "truncated", "latin1_declared_utf8", "control_characters", "ampersands_entities",
    "entity_bomb", "html_page", "binary", "json_truncated",
]  # fmt: skip

PLACES_FR = [
    "en Haute-Savoie", "en Bretagne", "à Lyon, dans le Rhône", "en Occitanie", "dans le Finistère",
    "en Nouvelle-Aquitaine", "dans le département du Nord", "en Île-de-France", "dans le Cher",
    "à Marseille, dans les Bouches-du-Rhône", "en Auvergne-Rhône-Alpes", "dans le Jura",
    "en Normandie", "dans les Hauts-de-France", "à Strasbourg, dans le Bas-Rhin", "en Corse",
    "à Toulouse", "dans la Manche", "au bord de la Loire", "à Nantes",
]  # fmt: skip
PLACES_EN = [
    "in Brittany", "in the Haute-Savoie", "in Lyon", "in Occitanie", "in Normandie",
    "in the Grand Est region", "near Paris", "in Corse", "in Nouvelle-Aquitaine", "in Toulouse",
]  # fmt: skip
TOPICS_FR = [
    "la biodiversité", "les volcans", "l'astronomie", "la paléontologie", "les minéraux",
    "l'intelligence artificielle", "la robotique", "les océans", "le climat", "la génétique",
    "les plantes médicinales", "les insectes pollinisateurs", "la physique quantique",
    "l'histoire des techniques", "le patrimoine industriel", "les mathématiques", "les fossiles",
    "la microbiologie", "les énergies renouvelables", "l'archéologie",
]  # fmt: skip
TOPICS_EN = [
    "biodiversity", "volcanoes", "astronomy", "palaeontology", "minerals", "artificial "
    "intelligence", "robotics", "the oceans", "climate science", "genetics", "pollinating "
    "insects", "quantum physics", "industrial heritage", "mathematics", "fossils",
    "microbiology", "renewable energy", "archaeology",
]  # fmt: skip
VENUES_FR = [
    "Le muséum", "Le planétarium", "Le jardin botanique", "Le centre de sciences", "Le fablab",
    "L'écomusée", "L'aquarium", "Le tiers-lieu", "Le musée des techniques", "L'observatoire",
    "La médiathèque", "Le laboratoire", "Le parc zoologique", "L'association",
]  # fmt: skip
VENUES_EN = [
    "The museum", "The planetarium", "The botanical garden", "The science centre",
    "The fab lab", "The aquarium", "The observatory", "The research institute", "The zoo",
]  # fmt: skip
VERBS_FR = [
    "inaugure", "présente", "prépare", "accueille", "lance", "consacre", "propose", "annonce",
    "ouvre", "programme", "restaure", "numérise", "documente", "célèbre",
]  # fmt: skip
THINGS_FR = [
    "une exposition temporaire", "un cycle de conférences", "des ateliers pour les scolaires",
    "une résidence d'artistes", "un appel à projets", "une nuit des étoiles",
    "un parcours accessible", "une collection de météorites", "des visites guidées",
    "un programme de sciences participatives", "une galerie rénovée", "un escape game",
    "une formation pour les médiateurs", "des rencontres avec des chercheurs",
]  # fmt: skip
VERBS_EN = ["opens", "presents", "launches", "hosts", "announces", "restores", "celebrates"]
THINGS_EN = [
    "a temporary exhibition", "a lecture series", "school workshops", "an artist residency",
    "a call for projects", "a stargazing night", "an accessible trail", "guided tours",
    "a citizen science programme", "a renovated gallery", "training for educators",
]  # fmt: skip
CLAUSES_FR = [
    "avec le soutien de la région", "en partenariat avec l'université",
    "pour les familles et les curieux", "jusqu'à la fin de l'été",
    "chaque premier dimanche du mois",
    "en présence des équipes de recherche", "grâce au mécénat d'entreprises locales",
    "dans le cadre de la Fête de la science", "avec des dispositifs tactiles et sonores",
    "pour tous les publics dès six ans", "sur réservation", "avec une programmation en ligne",
]  # fmt: skip
CLAUSES_EN = [
    "with support from the region", "in partnership with the university", "for families",
    "until the end of the summer", "every first Sunday of the month", "with the research teams",
    "as part of the science festival", "for all audiences", "with an online programme",
]  # fmt: skip
# Sentences without the domain's words: real articles name their subject a few times, not in
# every sentence.
GENERIC_FR = [
    "Les inscriptions sont ouvertes jusqu'à la fin du mois prochain.",
    "Le programme complet sera publié dans les prochains jours.",
    "Cette initiative s'inscrit dans une démarche engagée depuis plusieurs années.",
    "L'entrée est libre dans la limite des places disponibles.",
    "Les équipes remercient chaleureusement toutes les personnes qui ont participé.",
    "Un temps d'échange convivial clôturera la journée.",
    "Les horaires d'ouverture changent pendant les vacances scolaires.",
    "Pour toute question, l'accueil reste joignable du mardi au samedi.",
    "Le bilan de l'an dernier a dépassé les attentes des organisateurs.",
    "Une navette gratuite relie la gare au site toutes les demi-heures.",
    "Les détails pratiques figurent dans la brochure téléchargeable.",
    "Plusieurs bénévoles rejoindront l'équipe pour l'occasion.",
]
GENERIC_EN = [
    "Registration is open until the end of next month.",
    "The full programme will be published in the coming days.",
    "Admission is free, subject to availability.",
    "The team warmly thanks everyone who took part.",
    "Opening hours change during the school holidays.",
    "Last year's results exceeded the organisers' expectations.",
    "A free shuttle runs from the station every half hour.",
    "Practical details are in the downloadable leaflet.",
]
DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "septembre", "octobre"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "September", "October"]
PEOPLE = [
    "Claire Dubois", "Malik Benali", "Sophie Laurent", "Yann Le Goff", "Inès Garcia",
    "Paul Mercier", "Léa Rousseau", "Hugo Lefèvre", "Nadia Haddad", "Jules Perrin",
]  # fmt: skip
# Share of sentences that speak of the domain (venues, topics, places, actors).
DOMAIN_SHARE = 0.35
ACTOR_NAMES = [
    f"{kind} {place}"
    for kind in (
        "Muséum d'histoire naturelle de", "Planétarium de", "Jardin des sciences de",
        "Maison de la nature de", "Centre de culture scientifique de", "Observatoire de",
    )
    for place in (
        "Quimperlé", "Vierzon", "Annecy-le-Vieux", "Millau", "Roubaix", "Lannion", "Figeac",
        "Saint-Claude", "Aurillac", "Draguignan", "Montbéliard", "Honfleur", "Bastia", "Cahors",
    )
]  # fmt: skip


@dataclass
class CorpusFeed:
    name: str
    format: str
    language: str
    body: bytes
    content_type: str
    size_class: str
    entries: int
    # None for a well-formed feed, else the kind of damage.
    malformed: str | None = None


@dataclass
class Corpus:
    feeds: list[CorpusFeed]
    # Each relay group: the (feed name, entry link) of the entries telling one story (an
    # original and its relays, relays of relays included).
    relay_groups: list[list[tuple[str, str]]] = field(default_factory=list)
    # The story every entry link tells: the link of the entry first written (its own link for
    # an entry that is nobody's relay). Two entries tell the same story when these are equal.
    story_of: dict[str, str] = field(default_factory=dict)


@dataclass
class Entry:
    guid: str
    link: str
    title: str
    summary: str
    content: str
    date: datetime | None
    author: str
    # The link of the original entry this one relays ("" for an original).
    story: str = ""


def _sentence(rng: random.Random, language: str, *, domain: bool = False) -> str:
    if not domain and rng.random() > DOMAIN_SHARE:
        # Not word for word the same in every article: a date, a number, a name changes.
        sentence = rng.choice(GENERIC_FR if language == "fr" else GENERIC_EN)
        detail = (
            f" ({rng.choice(DAYS_FR)} {rng.randint(1, 28)} {rng.choice(MONTHS_FR)},"
            f" {rng.choice(PEOPLE)})"
            if language == "fr"
            else f" ({rng.choice(MONTHS_EN)} {rng.randint(1, 28)}, {rng.choice(PEOPLE)})"
        )
        return sentence[:-1] + detail + "."
    if language == "fr":
        parts = [
            rng.choice(VENUES_FR), rng.choice(VERBS_FR), rng.choice(THINGS_FR), "sur",
            rng.choice(TOPICS_FR), rng.choice(PLACES_FR), rng.choice(CLAUSES_FR),
        ]  # fmt: skip
        if rng.random() < 0.25:
            parts.insert(1, f"({rng.choice(ACTOR_NAMES)})")
        if rng.random() < 0.5:
            parts.append(f"et {rng.randint(2, 400)} participants attendus")
    else:
        parts = [
            rng.choice(VENUES_EN), rng.choice(VERBS_EN), rng.choice(THINGS_EN), "about",
            rng.choice(TOPICS_EN), rng.choice(PLACES_EN), rng.choice(CLAUSES_EN),
        ]  # fmt: skip
        if rng.random() < 0.5:
            parts.append(f"with {rng.randint(2, 400)} guests expected")
    return " ".join(parts) + "."


def _paragraph(rng: random.Random, language: str, sentences: int) -> str:
    # The first sentence of a paragraph states its subject.
    return " ".join(_sentence(rng, language, domain=not n) for n in range(sentences))


def _article_html(rng: random.Random, language: str, paragraphs: int) -> str:
    parts = []
    topics = TOPICS_FR if language == "fr" else TOPICS_EN
    for number in range(paragraphs):
        text = escape(_paragraph(rng, language, rng.randint(2, 5)))
        roll = rng.random()
        if roll < 0.15:
            parts.append(f"<h2>{escape(rng.choice(topics)).capitalize()}</h2>")
        if roll < 0.3:
            words = text.split(" ")
            cut = rng.randint(1, max(1, len(words) - 2))
            text = (
                " ".join(words[:cut])
                + f' <a href="/agenda/{number}?utm_source=rss&amp;utm_medium=feed">'
                + " ".join(words[cut : cut + 2])
                + "</a> "
                + " ".join(words[cut + 2 :])
            )
        parts.append(f'<p style="margin:0" class="c{number}">{text}</p>')
        if roll > 0.9:
            parts.append(
                f'<figure><img src="images/photo-{number}.jpg"'
                f' alt="{escape(rng.choice(THINGS_FR))}"'
                ' width="800" height="600" onerror="x()"><figcaption>Photo</figcaption></figure>'
            )
        elif roll > 0.85:
            items = "".join(f"<li>{escape(rng.choice(CLAUSES_FR))}</li>" for _ in range(3))
            parts.append(f"<ul>{items}</ul>")
        elif roll > 0.83:
            parts.append("<script>document.write('<img src=//tracker.example/p.gif>')</script>")
        elif roll > 0.81:
            parts.append('<iframe src="https://video.example.org/embed/1"></iframe>')
    return "".join(parts)


def _title(rng: random.Random, language: str) -> str:
    if language == "fr":
        return (
            f"{rng.choice(VENUES_FR)} {rng.choice(VERBS_FR)} {rng.choice(THINGS_FR)}"
            f" sur {rng.choice(TOPICS_FR)}"
        )
    return f"{rng.choice(VENUES_EN)} {rng.choice(VERBS_EN)} {rng.choice(THINGS_EN)}"


def _entries(
    rng: random.Random,
    name: str,
    language: str,
    count: int,
    *,
    full: bool,
    paragraphs: int,
    start: datetime,
) -> list[Entry]:
    entries = []
    for number in range(count):
        title = _title(rng, language)
        summary = escape(_paragraph(rng, language, rng.randint(1, 3)))
        content = (
            _article_html(rng, language, rng.randint(max(1, paragraphs // 2), paragraphs))
            if full
            else ""
        )
        roll = rng.random()
        # Within the last 300 days, so that no entry is past the retention age (365 days).
        step = min(30.0, 7200 / count)
        date = None if roll < 0.05 else start - timedelta(hours=number * step * rng.uniform(0.5, 1))
        section = "actualites" if language == "fr" else "news"
        slug = title[:30].lower().replace(" ", "-")
        entries.append(
            Entry(
                guid=f"https://{name}.example.org/?p={number + 1}",
                link=f"https://{name}.example.org/{section}/{number + 1}-{slug}",
                title=title,
                summary=summary,
                content=content,
                date=date,
                author=rng.choice(["Service communication", "Camille Martin", "", "Alex Moreau"]),
            )
        )
    return entries


def _rfc822(date: datetime) -> str:
    return date.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _render(
    fmt: str, name: str, language: str, entries: list[Entry], *, encoding: str = "utf-8"
) -> tuple[bytes, str]:
    title = f"Actualités de {name}" if language == "fr" else f"News from {name}"
    site = f"https://{name}.example.org/"
    if fmt == "json":
        items = []
        for entry in entries:
            item = {
                "id": entry.guid,
                "url": entry.link,
                "title": entry.title,
                "summary": entry.summary,
            }
            if entry.content:
                item["content_html"] = entry.content
            else:
                item["content_text"] = entry.summary
            if entry.date:
                item["date_published"] = entry.date.isoformat().replace("+00:00", "Z")
            if entry.author:
                item["authors"] = [{"name": entry.author}]
            items.append(item)
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": site,
            "language": language,
            "items": items,
        }
        return json.dumps(document, ensure_ascii=False).encode(), "application/feed+json"
    chunks = []
    if fmt == "atom":
        chunks.append(
            f'<?xml version="1.0" encoding="{encoding}"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">'
            f'<title>{escape(title)}</title><id>{site}</id><link href="{site}"/>'
            "<updated>2026-03-10T10:00:00Z</updated>"
        )
        for number, entry in enumerate(entries):
            date = (entry.date or datetime(2026, 3, 1, tzinfo=UTC)).isoformat()
            chunks.append(
                f'<entry><title type="html">{escape(escape(entry.title))}</title>'
                f'<id>{escape(entry.guid)}</id><link rel="alternate" href="{escape(entry.link)}"/>'
                f"<updated>{date}</updated>"
            )
            if entry.author:
                chunks.append(f"<author><name>{escape(entry.author)}</name></author>")
            chunks.append(f'<summary type="html">{escape(entry.summary)}</summary>')
            if entry.content:
                if number % 3 == 0:
                    chunks.append(
                        f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{entry.summary}</p></div></content>'
                    )
                else:
                    chunks.append(f'<content type="html">{escape(entry.content)}</content>')
            chunks.append("</entry>")
        chunks.append("</feed>")
        return "".join(chunks).encode(encoding, errors="xmlcharrefreplace"), "application/atom+xml"
    if fmt == "rss1":
        chunks.append(
            f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f'<channel rdf:about="{site}"><title>{escape(title)}</title><link>{site}</link>'
            f"<description>{escape(title)}</description><dc:language>{language}</dc:language>"
            "</channel>"
        )
        for entry in entries:
            chunks.append(
                f'<item rdf:about="{escape(entry.link)}"><title>{escape(entry.title)}</title>'
                f"<link>{escape(entry.link)}</link>"
                f"<description>{escape(entry.summary)}</description>"
            )
            if entry.date:
                chunks.append(f"<dc:date>{entry.date.isoformat()}</dc:date>")
            if entry.author:
                chunks.append(f"<dc:creator>{escape(entry.author)}</dc:creator>")
            if entry.content:
                chunks.append(f"<content:encoded><![CDATA[{entry.content}]]></content:encoded>")
            chunks.append("</item>")
        chunks.append("</rdf:RDF>")
        return "".join(chunks).encode(encoding, errors="xmlcharrefreplace"), "application/rdf+xml"
    version = "0.91" if fmt == "rss091" else "2.0"
    namespaces = (
        ""
        if fmt == "rss091"
        else ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    chunks.append(
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="{version}"{namespaces}>'
        f"<channel><title>{escape(title)}</title><link>{site}</link>"
        f"<description>{escape(title)}</description><language>{language}</language>"
    )
    for entry in entries:
        chunks.append(
            f"<item><title>{escape(entry.title)}</title><link>{escape(entry.link)}</link>"
        )
        if fmt != "rss091":
            chunks.append(f'<guid isPermaLink="false">{escape(entry.guid)}</guid>')
            if entry.author:
                chunks.append(f"<dc:creator>{escape(entry.author)}</dc:creator>")
        if entry.date:
            chunks.append(f"<pubDate>{_rfc822(entry.date)}</pubDate>")
        chunks.append(f"<description>{escape(entry.summary)}</description>")
        if entry.content and fmt != "rss091":
            chunks.append(f"<content:encoded><![CDATA[{entry.content}]]></content:encoded>")
        chunks.append("</item>")
    chunks.append("</channel></rss>")
    return "".join(chunks).encode(encoding, errors="xmlcharrefreplace"), "application/rss+xml"


def _damage(kind: str, body: bytes, rng: random.Random) -> tuple[bytes, str]:
    if kind == "truncated":
        return body[: int(len(body) * rng.uniform(0.3, 0.9))], "application/rss+xml"
    if kind == "latin1_declared_utf8":
        return body.decode("utf-8").encode("latin-1", errors="replace"), "application/rss+xml"
    if kind == "control_characters":
        data = bytearray(body)
        for _ in range(max(5, len(data) // 2000)):
            data.insert(rng.randrange(len(data) // 2, len(data)), rng.choice([0, 1, 8, 11, 27]))
        return bytes(data), "application/rss+xml"
    if kind == "ampersands_entities":
        return body.replace(b"&amp;", b"&").replace(b"\xc3\xa9", b"&eacute;"), "application/rss+xml"
    if kind == "entity_bomb":
        bomb = (
            b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(
                b"<!ENTITY " + name + b' "' + (b"&" + previous + b";") * 10 + b'">'
                for previous, name in zip(b"abcde", b"bcdef", strict=True)
                for previous, name in [(bytes([previous]), bytes([name]))]
            )
            + b"]>"
        )
        head, rest = body.split(b"\n", 1)
        return head + b"\n" + bomb + rest.replace(
            b"<title>", b"<title>&f;", 3
        ), "application/rss+xml"
    if kind == "html_page":
        return (
            b"<!DOCTYPE html><html><head><title>Accueil</title></head><body>"
            + b"<p>Bienvenue</p>" * 200
            + b"</body></html>",
            "text/html",
        )
    if kind == "binary":
        return bytes(rng.randrange(256) for _ in range(20_000)), "application/octet-stream"
    if kind == "json_truncated":
        return body[: len(body) // 2], "application/feed+json"
    raise ValueError(kind)


def _relay(rng: random.Random, entry: Entry, feed: str, language: str, number: int) -> Entry:
    """Another site's copy of ``entry``: new headline, maybe an intro or an edit, its own link
    (or the same link with tracking parameters)."""
    summary = entry.summary
    content = entry.content
    roll = rng.random()
    if roll < 0.3:
        intro = escape(_sentence(rng, language))
        summary = f"{intro} {summary}"
        content = f"<p>{intro}</p>{content}" if content else ""
    elif roll < 0.6:
        words = summary.split(" ")
        position = rng.randrange(len(words))
        words[position] = rng.choice(["nouvelle", "grande", "belle", "new", "great"])
        summary = " ".join(words)
    same_link = rng.random() < 0.3
    link = (
        entry.link + ("&" if "?" in entry.link else "?") + "utm_source=relay&fbclid=x"
        if same_link
        else f"https://{feed}.example.org/relais/{number}"
    )
    return Entry(
        guid=f"https://{feed}.example.org/?relay={number}",
        link=link,
        title=_title(rng, language),
        summary=summary,
        content=content,
        date=entry.date,
        author="Rédaction",
        # A relay of a relay tells the first entry's story.
        story=entry.story or entry.link,
    )


def corpus_generate(
    *, seed: int = 6, feeds: int = 320, relays: int = 120, scale: float = 1.0
) -> Corpus:
    """The corpus (see the module docstring). ``scale`` multiplies every feed's entry count
    (0.1 for a quick run)."""
    rng = random.Random(seed)
    formats = [name for name, weight in FORMATS for _ in range(weight)]
    start = datetime(2026, 3, 10, 12, tzinfo=UTC)
    plans = []
    for number in range(feeds):
        roll = rng.random()
        if number == 0:
            size_class, count, full, paragraphs = "large", 1200, True, 8
        elif number == 1:
            size_class, count, full, paragraphs = "small", 4, False, 0
        elif roll < 0.66:
            size_class, count, full, paragraphs = "small", rng.randint(5, 25), rng.random() < 0.3, 3
        elif roll < 0.96:
            size_class, count, full, paragraphs = (
                "medium",
                rng.randint(20, 60),
                True,
                rng.randint(4, 10),
            )
        else:
            size_class, count, full, paragraphs = (
                "large",
                rng.randint(250, 1500),
                True,
                rng.randint(4, 8),
            )
        count = max(1, int(count * scale))
        fmt = rng.choice(formats)
        language = "fr" if rng.random() < 0.7 else "en"
        plans.append((f"site{number:03d}", fmt, language, size_class, count, full, paragraphs))

    entries_by_feed = {
        name: _entries(rng, name, language, count, full=full, paragraphs=paragraphs, start=start)
        for name, _fmt, language, _size, count, full, paragraphs in plans
    }
    # Relays: a story of one feed told again by one to three other feeds of the same language.
    relay_groups = []
    names_by_language = {}
    for name, _fmt, language, *_rest in plans:
        names_by_language.setdefault(language, []).append(name)
    for number in range(relays):
        name, _fmt, language, *_rest = rng.choice(plans[2:])
        original = rng.choice(entries_by_feed[name][:20])
        # A relay may be chosen as an original, an original chosen twice: their groups are
        # merged below, by story.
        group = [(name, original.link)]
        others = [other for other in names_by_language[language] if other != name]
        for other in rng.sample(others, rng.randint(1, 3)):
            copy = _relay(rng, original, other, language, number)
            entries_by_feed[other].insert(
                rng.randrange(min(5, len(entries_by_feed[other])) + 1), copy
            )
            group.append((other, copy.link))
        relay_groups.append(group)

    damaged = set(rng.sample(range(2, feeds), max(len(MALFORMATIONS), feeds * 6 // 100)))
    result = []
    links: dict[str, set[str]] = {}
    story_of: dict[str, str] = {}
    for index, (name, fmt, language, size_class, _count, _full, _paragraphs) in enumerate(plans):
        entries = entries_by_feed[name]
        malformed = None
        if index in damaged:
            malformed = MALFORMATIONS[sorted(damaged).index(index) % len(MALFORMATIONS)]
            if malformed == "json_truncated":
                fmt = "json"
            elif fmt == "json":
                fmt = "rss2"
        body, content_type = _render(fmt, name, language, entries)
        # Sizes stay within [MIN_BYTES, MAX_BYTES] (before any damage).
        while len(body) > MAX_BYTES and len(entries) > 1:
            entries = entries[: int(len(entries) * MAX_BYTES / len(body) * 0.97)]
            body, content_type = _render(fmt, name, language, entries)
        while len(body) < MIN_BYTES:
            entries = entries + _entries(
                rng, name, language, 2, full=False, paragraphs=0, start=start
            )
            for extra, entry in enumerate(entries[-2:]):
                entry.guid += f"-more{len(entries)}{extra}"
                entry.link += f"-more{len(entries)}{extra}"
            body, content_type = _render(fmt, name, language, entries)
        links[name] = {entry.link for entry in entries}
        for entry in entries:
            story_of[entry.link] = entry.story or entry.link
        if malformed:
            body, content_type = _damage(malformed, body, rng)
        result.append(
            CorpusFeed(
                name=name, format=fmt, language=language, body=body, content_type=content_type,
                size_class=size_class, entries=len(entries), malformed=malformed,
            )
        )  # fmt: skip
    # Groups of the same story merged (a story relayed twice, or a relay relayed again).
    merged: dict[str, list[tuple[str, str]]] = {}
    for group in relay_groups:
        for feed, link in group:
            members = merged.setdefault(story_of_link(link, entries_by_feed, feed), [])
            if (feed, link) not in members:
                members.append((feed, link))
    # Relays that landed in a damaged feed cannot be checked.
    broken = {feed.name for feed in result if feed.malformed}
    relay_groups = [
        group
        for group in merged.values()
        if len(group) > 1
        and not {feed for feed, _link in group} & broken
        and all(link in links[feed] for feed, link in group)
    ]
    return Corpus(feeds=result, relay_groups=relay_groups, story_of=story_of)


def story_of_link(link: str, entries_by_feed: dict[str, list[Entry]], feed: str) -> str:
    """The story the entry of ``feed`` with ``link`` tells."""
    for entry in entries_by_feed[feed]:
        if entry.link == link:
            return entry.story or entry.link
    return link
