"""The relevance test set of the publishing search: a small realistic corpus (issues, articles
with French and English abstracts, news and web articles in French and English) and queries in
both languages with the documents each must find in its first ten results.

Used by ``test_search_relevance.py`` on SQLite and on PostgreSQL (recall@10 ≥ 0.95).
The corpus deliberately exercises accents (évènement / événements / evenement), elision
(l'exposition, d'histoire), French and English stemming and the moving wall: ``sobriete`` and
``trous-noirs`` are behind the wall, so only their public text may be found.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from wagtail.models import Locale

from ocim.core.models import Concept
from ocim.publishing.models import ArticleAbstract, ArticlePage, NewsIndexPage

from . import builders, news_builders

# --- Corpus ---------------------------------------------------------------------------------

ISSUES = {
    "numero-190": {
        "number": 190,
        "publication_date": dt.date(2022, 5, 15),
        "dossier_title": "Définir le musée",
        "editorial": (
            "<p>Après des années de consultation, l'ICOM a adopté à Prague une nouvelle "
            "définition du musée. Ce numéro revient sur les débats qui l'ont préparée et sur "
            "ce qu'elle change pour les professionnels.</p>"
        ),
    },
    "numero-195": {
        "number": 195,
        "publication_date": dt.date(2023, 9, 15),
        "dossier_title": "Jardins botaniques et collections vivantes",
        "editorial": (
            "<p>Serres, arboretums et banques de graines : les jardins botaniques conservent "
            "des collections vivantes menacées par le réchauffement.</p>"
        ),
    },
    # Published two months ago: its articles are behind the twelve-month wall.
    "numero-200": {
        "number": 200,
        "months_ago": 2,
        "dossier_title": "Sobriété et transition écologique des musées",
        "editorial": (
            "<p>Réduire la consommation d'énergie sans renoncer aux missions : un dossier sur "
            "la transition écologique des établissements culturels.</p>"
        ),
    },
}

# key: (issue, rubric, title, translated title, French abstract, English abstract,
#       keywords (concept slugs), body, open early)
ARTICLES = {
    "definir-musee": (
        "numero-190",
        "Dossier",
        "Définir le musée : vingt ans de débats à l'ICOM",
        "Defining the museum: twenty years of debate at ICOM",
        "Retour sur le processus qui a conduit l'ICOM à adopter une nouvelle définition du "
        "musée, plus inclusive et ouverte à la participation des communautés.",
        "How ICOM came to adopt a new museum definition, more inclusive and open to the "
        "participation of communities, after years of consultation.",
        ["definition-du-musee"],
        "La définition adoptée à Prague en août 2022 insiste sur l'accessibilité, "
        "l'inclusivité, la diversité et la durabilité. Les comités nationaux ont été consultés "
        "à plusieurs reprises.",
        False,
    ),
    "osteologie": (
        "numero-190",
        "Articles",
        "L'ostéologie au musée : préparer et conserver les squelettes",
        "Osteology in the museum: preparing and conserving skeletons",
        "Préparer un squelette pour les collections demande des savoir-faire rares : "
        "macération, dégraissage, blanchiment et remontage des os.",
        "Preparing skeletons for natural history collections: maceration, degreasing, "
        "whitening and mounting bones.",
        ["osteologie"],
        "Les dermestes, petits coléoptères nécrophages, nettoient les os sans les abîmer. "
        "L'ostéothèque du muséum conserve plus de deux mille squelettes de vertébrés.",
        False,
    ),
    "cartographie": (
        "numero-190",
        "Observatoire",
        "Cartographier les musées de France grâce aux données ouvertes",
        "Mapping French museums with open data",
        "La cartographie des musées s'appuie sur les données ouvertes du patrimoine et sur "
        "la géolocalisation des établissements.",
        "Mapping museums with open heritage data and the geolocation of institutions across "
        "the French regions.",
        ["cartographie"],
        "Un système d'information géographique croise la base Muséofile, les communes et la "
        "population pour repérer les territoires éloignés de toute offre culturelle.",
        False,
    ),
    "jardins-climat": (
        "numero-195",
        "Dossier",
        "Les jardins botaniques face au changement climatique",
        "Botanical gardens facing climate change",
        "Les jardins botaniques adaptent leurs collections vivantes au réchauffement : "
        "arrosage, ombrage, choix des espèces et banques de graines.",
        "Botanical gardens adapt their living collections to global warming: watering, "
        "shading, species selection and seed banks.",
        ["jardin-botanique"],
        "Dans les serres tropicales, la consommation d'eau a été réduite de moitié. Les "
        "banques de graines conservent des espèces menacées d'extinction.",
        False,
    ),
    "herbiers": (
        "numero-195",
        "Dossier",
        "Herbiers numérisés : une mine pour la recherche",
        "Digitised herbaria: a goldmine for research",
        "La numérisation des herbiers ouvre les planches à la recherche et aux sciences "
        "participatives.",
        "Digitising herbarium sheets opens them to researchers and to citizen science.",
        ["jardin-botanique", "numerisation"],
        "Plus de cinq millions de planches d'herbier ont été photographiées ; des bénévoles "
        "transcrivent les étiquettes manuscrites en ligne.",
        False,
    ),
    "eclairage": (
        "numero-195",
        "Repères",
        "Éclairer les expositions : LED et conservation préventive",
        "Lighting exhibitions: LEDs and preventive conservation",
        "L'éclairage des expositions concilie confort de visite et conservation préventive : "
        "niveaux de lux, ultraviolets et température de couleur.",
        "Exhibition lighting must balance visitor comfort and preventive conservation: lux "
        "levels, ultraviolet and colour temperature.",
        ["eclairage"],
        "Les luminaires à LED réduisent la chaleur émise ; un indice de rendu des couleurs "
        "élevé est indispensable pour les peintures.",
        False,
    ),
    "sobriete": (
        "numero-200",
        "Dossier",
        "Vers des musées sobres en énergie",
        "Towards energy-frugal museums",
        "Comment réduire la consommation d'énergie des musées sans mettre en danger les "
        "collections ?",
        "How museums can reduce their energy consumption without endangering collections.",
        ["developpement-durable"],
        # Behind the wall: these words must not be found before it lifts.
        "La thermofrigopompe installée dans les réserves récupère la chaleur des groupes "
        "froids ; une sonde géothermique complète le dispositif.",
        False,
    ),
    "ecoconception": (
        "numero-200",
        "Dossier",
        "Écoconception des expositions temporaires",
        "Eco-design of temporary exhibitions",
        "Concevoir une exposition temporaire en pensant au réemploi des matériaux et à "
        "l'analyse du cycle de vie.",
        "Designing temporary exhibitions for the reuse of materials, with life-cycle assessment.",
        ["developpement-durable"],
        # Opened early: the body is searchable at once.
        "La scénographie modulaire a été conçue pour trois expositions successives ; les "
        "cimaises sont stockées puis remontées.",
        True,
    ),
    "trous-noirs": (
        "numero-200",
        "Articles",
        "Trous noirs et médiation scientifique au planétarium",
        "Black holes and science outreach at the planetarium",
        "Comment un planétarium peut-il expliquer les trous noirs au jeune public ?",
        "How can a planetarium explain black holes to young audiences? Shows, models and "
        "workshops on the mediation of astrophysics.",
        ["mediation-scientifique"],
        "La première image de l'ombre d'un trou noir, publiée par la collaboration Event "
        "Horizon Telescope, sert de fil rouge à la séance.",
        False,
    ),
    "ccsti": (
        "numero-190",
        "Articles",
        "Les centres de culture scientifique, technique et industrielle en région",
        "Science centres in the French regions",
        "Les CCSTI animent la culture scientifique dans les territoires : expositions "
        "itinérantes, ateliers et Fête de la science.",
        "Science centres bring science culture to the regions with travelling exhibitions, "
        "workshops and the science festival.",
        ["mediation-scientifique"],
        "Le réseau des centres de sciences compte une quarantaine de structures labellisées.",
        False,
    ),
    "numerisation-3d": (
        "numero-195",
        "Articles",
        "Numériser en 3D les collections d'histoire naturelle",
        "3D digitisation of natural history collections",
        "Photogrammétrie et scanner : numériser en trois dimensions les spécimens d'histoire "
        "naturelle pour les étudier et les partager.",
        "Photogrammetry and scanning: digitising natural history specimens in three "
        "dimensions to study and share them.",
        ["numerisation"],
        "Les modèles tridimensionnels sont publiés sous licence libre.",
        False,
    ),
    "publics-museums": (
        "numero-195",
        "Observatoire",
        "Les publics des muséums d'histoire naturelle",
        "Visitors to natural history museums",
        "Une enquête auprès de vingt muséums décrit leurs visiteurs : familles, scolaires et "
        "amateurs de naturalisme.",
        "A survey of twenty natural history museums describes their visitors: families, "
        "school groups and amateur naturalists.",
        [],
        "La fréquentation a retrouvé son niveau d'avant la pandémie.",
        False,
    ),
}

CONCEPTS = {
    "definition-du-musee": ("Définition du musée", "Museum definition"),
    "osteologie": ("Ostéologie", "Osteology"),
    "cartographie": ("Cartographie", "Mapping"),
    "jardin-botanique": ("Jardin botanique", "Botanical garden"),
    "numerisation": ("Numérisation", "Digitisation"),
    "eclairage": ("Éclairage", "Lighting"),
    "developpement-durable": ("Développement durable", "Sustainability"),
    "mediation-scientifique": ("Médiation scientifique", "Science communication"),
}

# key: (language, kind, date, title, lead, body)
NEWS = {
    "appel-sciences-participatives": (
        "fr",
        "news",
        dt.date(2024, 3, 4),
        "Appel à projets : sciences participatives au jardin",
        "Les jardins botaniques sont invités à rejoindre un observatoire de la biodiversité.",
        "Les projets retenus recevront un accompagnement pour former leurs bénévoles au "
        "suivi des pollinisateurs.",
    ),
    "journees-patrimoine": (
        "fr",
        "news",
        dt.date(2025, 9, 1),
        "Journées européennes du patrimoine : le programme des évènements",
        "Visites des réserves, ateliers et conférences : les évènements proposés par le réseau.",
        "Plus de deux cents événements sont annoncés dans les musées de la région, dont "
        "l'ouverture exceptionnelle d'une ostéothèque.",
    ),
    "formation-eclairage": (
        "fr",
        "news",
        dt.date(2025, 2, 10),
        "Formation : l'éclairage muséographique",
        "Trois jours pour maîtriser l'éclairage des vitrines et des salles d'exposition.",
        "Au programme : mesure de l'éclairement, choix des luminaires et scénographie lumineuse.",
    ),
    "reseau-bourgogne": (
        "fr",
        "news",
        dt.date(2023, 6, 20),
        "Un nouveau réseau des muséums de Bourgogne-Franche-Comté",
        "Huit muséums mettent en commun leurs réserves et leurs programmes de médiation.",
        "Le réseau prépare une exposition itinérante sur les insectes.",
    ),
    "reserves-dijon": (
        "fr",
        "article",
        dt.date(2024, 11, 5),
        "Reportage : dans les réserves du muséum de Dijon",
        "Une visite des réserves, entre herbiers, ostéothèque et squelettes de cétacés.",
        "Le squelette de rorqual, long de dix-huit mètres, a été démonté pièce par pièce "
        "avant le déménagement des collections.",
    ),
    "musee-histoire-nantes": (
        "fr",
        "article",
        dt.date(2025, 4, 18),
        "Le musée d'histoire de Nantes rénove son parcours",
        "L'exposition permanente du musée d'histoire fait peau neuve après deux ans de travaux.",
        "Le nouveau parcours consacre une salle entière à la traite atlantique et à ses mémoires.",
    ),
    "europe-sustainability": (
        "en",
        "news",
        dt.date(2025, 5, 12),
        "Museums and sustainability: a European survey",
        "A survey of 600 museums measures their carbon footprint and energy use.",
        "Most museums plan to cut their energy consumption by a quarter before 2030; "
        "travelling exhibitions weigh heavily in their footprint.",
    ),
    "black-hole-exhibits": (
        "en",
        "news",
        dt.date(2024, 10, 2),
        "Science centres open new black hole exhibits",
        "Planetariums and science centres team up on an exhibition about black holes.",
        "Visitors can fly around a simulated black hole and learn how astronomers "
        "photographed one.",
    ),
    "mapping-heritage": (
        "en",
        "article",
        dt.date(2023, 2, 14),
        "Mapping heritage collections with open data",
        "How open data and maps help the public discover heritage collections.",
        "Geolocated records of botanical gardens and museums are published as open data.",
    ),
    "rencontres-definir": (
        "fr",
        "news",
        dt.date(2025, 1, 8),
        "Rencontres de l'Ocim : définir le musée de demain",
        "Deux journées d'échanges sur la nouvelle définition du musée et ses effets.",
        "Les intervenants reviendront sur l'inclusivité et la participation des publics.",
    ),
}


# --- Queries --------------------------------------------------------------------------------

# (query, keys of the documents expected in the first ten results)
QUERIES: list[tuple[str, set[str]]] = [
    # Accents, case and spelling variants of one word.
    ("évènement", {"journees-patrimoine"}),
    ("evenement", {"journees-patrimoine"}),
    ("Événements", {"journees-patrimoine"}),
    ("EVENEMENTS patrimoine", {"journees-patrimoine"}),
    # Elision.
    ("l'exposition permanente", {"musee-histoire-nantes"}),
    ("d'histoire Nantes", {"musee-histoire-nantes"}),
    ("l’éclairage", {"eclairage", "formation-eclairage"}),
    # French stemming.
    ("définir le musée", {"definir-musee", "rencontres-definir", "numero-190"}),
    ("définition du musée", {"definir-musee", "rencontres-definir", "numero-190"}),
    ("ostéologie", {"osteologie"}),
    ("squelettes", {"osteologie", "reserves-dijon"}),
    ("squelette cétacé", {"reserves-dijon"}),
    ("jardins botaniques", {"jardins-climat", "herbiers", "appel-sciences-participatives"}),
    ("jardin botanique changement climatique", {"jardins-climat"}),
    ("herbier numérisé", {"herbiers"}),
    ("numérisation 3D", {"numerisation-3d"}),
    ("cartographier les musées", {"cartographie"}),
    ("cartographie données ouvertes", {"cartographie"}),
    ("éclairage exposition", {"eclairage", "formation-eclairage"}),
    ("conservation préventive", {"eclairage"}),
    ("trous noirs", {"trous-noirs"}),
    ("médiation scientifique planétarium", {"trous-noirs"}),
    ("centres de culture scientifique", {"ccsti"}),
    ("sciences participatives", {"herbiers", "appel-sciences-participatives"}),
    ("musées sobres en énergie", {"sobriete"}),
    ("consommation d'énergie", {"sobriete", "numero-200"}),
    ("transition écologique", {"numero-200"}),
    ("écoconception expositions temporaires", {"ecoconception"}),
    ("réemploi des matériaux", {"ecoconception"}),
    ("scénographie modulaire", {"ecoconception"}),  # body opened early
    ("muséums Bourgogne", {"reseau-bourgogne"}),
    ("réserves du muséum", {"reserves-dijon", "reseau-bourgogne"}),
    ("publics des muséums", {"publics-museums"}),
    ("dermestes", {"osteologie"}),  # open body
    ("banques de graines", {"jardins-climat", "numero-195"}),
    # Thesaurus keywords (French and English labels).
    ("développement durable", {"sobriete", "ecoconception"}),
    # English stemming: English abstracts, translated titles and English pages.
    ("black holes", {"trous-noirs", "black-hole-exhibits"}),
    ("botanical gardens", {"jardins-climat", "mapping-heritage"}),
    ("museum definition", {"definir-musee"}),
    ("exhibition lighting", {"eclairage"}),
    ("mapping museums", {"cartographie"}),
    ("open data mapping", {"cartographie", "mapping-heritage"}),
    ("sustainability", {"europe-sustainability", "sobriete", "ecoconception"}),
    ("energy consumption", {"sobriete", "europe-sustainability"}),
    ("osteology skeletons", {"osteologie"}),
    ("science centres", {"ccsti", "black-hole-exhibits"}),
    ("digitised herbaria", {"herbiers"}),
    ("natural history museums visitors", {"publics-museums"}),
    ("citizen science", {"herbiers"}),
    ("carbon footprint", {"europe-sustainability"}),
    ("planetariums", {"trous-noirs", "black-hole-exhibits"}),
    ("preventive conservation", {"eclairage"}),
]


# --- Building the corpus --------------------------------------------------------------------


def _months_ago(months: int) -> dt.date:
    from ocim.publishing.access import add_months

    return add_months(timezone.localdate(), -months)


def _english_news_index(french_index: NewsIndexPage) -> NewsIndexPage:
    english, _created = Locale.objects.get_or_create(language_code="en")
    home = french_index.get_parent().specific
    english_home = home.copy_for_translation(english)
    english_home.save_revision().publish()
    english_index = NewsIndexPage(title="News", slug="news", locale=english)
    english_home.add_child(instance=english_index)
    english_index.save_revision().publish()
    return NewsIndexPage.objects.get(pk=english_index.pk)


def build_corpus(magazine) -> dict[str, int]:
    """Create the corpus under ``magazine`` (and a news index); returns page ids by key."""
    pages: dict[str, int] = {}
    concepts = {
        slug: Concept.objects.get_or_create(
            slug=f"test-{slug}", defaults={"label_fr": label_fr, "label_en": label_en}
        )[0]
        for slug, (label_fr, label_en) in CONCEPTS.items()
    }
    issues = {}
    for key, spec in ISSUES.items():
        spec = dict(spec)
        months = spec.pop("months_ago", None)
        if months is not None:
            spec["publication_date"] = _months_ago(months)
        issues[key] = builders.issue(magazine, **spec)
        pages[key] = issues[key].pk
    author = builders.person("Lambert", "Hélène")
    for key, spec in ARTICLES.items():
        issue_key, rubric, title, translated, abstract_fr, abstract_en, keywords, body, early = spec
        article = builders.article(
            issues[issue_key],
            title=title,
            translated_title=translated,
            rubric_value=builders.rubric(rubric),
            authors=[author],
            body_text=body,
            open_early=early,
        )
        ArticleAbstract.objects.filter(page=article).delete()
        ArticleAbstract.objects.create(page=article, language="fr", text=abstract_fr)
        ArticleAbstract.objects.create(page=article, language="en", text=abstract_en)
        article.keywords.set([concepts[slug] for slug in keywords])
        article.save_revision().publish()
        pages[key] = ArticlePage.objects.get(pk=article.pk).pk
    french_index = news_builders.news_index(magazine)
    english_index = _english_news_index(french_index)
    for key, (language, kind, date, title, lead, body) in NEWS.items():
        index = french_index if language == "fr" else english_index
        news = news_builders.news(
            index,
            title=title,
            date=date,
            kind=kind,
            lead=lead,
            body_text=body,
            locale=index.locale,
        )
        pages[key] = news.pk
    return pages
