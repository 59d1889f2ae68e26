# ruff: noqa: E501 -- editorial prose: string pieces are indented deep inside data structures.
"""Editorial content of the demonstration site: home page, mission pages and legal pages.

Texts are real, publishable drafts in French (the site's default language) and English. They
use role titles and generic contact addresses only; editors complete them in the admin.
"""

CONTACT_EMAIL = "contact@ocim.fr"
UNIVERSITY = "Université Bourgogne Europe"
UNIVERSITY_ADDRESS_FR = (
    "Université Bourgogne Europe – Maison de l'université, Esplanade Érasme, 21078 Dijon Cedex"
)
UNIVERSITY_ADDRESS_EN = (
    "Université Bourgogne Europe – Maison de l'université, Esplanade Érasme, 21078 Dijon Cedex, "
    "France"
)

ORGANISATION = {
    "organisation_name": "Ocim",
    "parent_organisation": UNIVERSITY,
    "address": "Ocim – Université Bourgogne Europe\n36 rue Chabot-Charny\n21000 Dijon\nFrance",
    "contact_email": CONTACT_EMAIL,
    "publication_director": "Le président de l'Université Bourgogne Europe",
    "host": (
        "Université Bourgogne Europe – direction du numérique, "
        "Maison de l'université, Esplanade Érasme, 21078 Dijon Cedex, France"
    ),
    "accessibility_status": "partial",
}

# Each body item is (kind, value): "h2"/"h3" headings, "p" rich-text HTML, "callout" (title, html).

HOME = {
    "fr": {
        "title": "Au service des professionnels des musées, du patrimoine et de la culture scientifique",
        "seo_title": "Accueil",
        "slug": "accueil",
        "search_description": (
            "L'Ocim, centre national de ressources des professionnels des musées, du patrimoine "
            "et de la culture scientifique, technique et industrielle : édition, formation et "
            "observation."
        ),
        "intro": (
            "<p>L'Ocim est le centre national de ressources des professionnels des musées, du "
            "patrimoine et de la culture scientifique, technique et industrielle (PCSTI). Service "
            "de l'Université Bourgogne Europe à Dijon, placé sous la tutelle du ministère chargé "
            "de l'enseignement supérieur et de la recherche, il accompagne celles et ceux qui "
            "conservent les collections, conçoivent les expositions et partagent les sciences "
            "avec tous les publics.</p>"
        ),
        "missions": [
            {
                "page": "publishing",
                "title": "Éditer et diffuser",
                "text": (
                    "La Lettre de l'Ocim, revue de référence des professionnels, des articles en "
                    "ligne et l'actualité du secteur : analyses, retours d'expérience et dossiers "
                    "thématiques pour nourrir les pratiques."
                ),
                "link_label": "Découvrir nos publications",
            },
            {
                "page": "training",
                "title": "Former",
                "text": (
                    "Des formations professionnelles courtes conçues avec les acteurs du terrain, "
                    "des sessions en présentiel ou à distance et des formations sur mesure pour "
                    "les équipes des établissements."
                ),
                "link_label": "Consulter l'offre de formation",
            },
            {
                "page": "observation",
                "title": "Observer",
                "text": (
                    "Un inventaire des acteurs sur une carte et dans un annuaire, une veille "
                    "stratégique partagée et des études qui éclairent l'évolution du secteur et "
                    "les politiques publiques."
                ),
                "link_label": "Explorer l'observatoire",
            },
        ],
    },
    "en": {
        "title": "Serving the professionals of museums, heritage and science culture",
        "seo_title": "Home",
        "slug": "home",
        "search_description": (
            "Ocim, the French national resource centre for the professionals of museums, "
            "heritage and scientific, technical and industrial culture: publishing, training "
            "and observation."
        ),
        "intro": (
            "<p>Ocim is the French national resource centre for the professionals of museums, "
            "heritage and scientific, technical and industrial culture (known in France as "
            "PCSTI). A service of Université Bourgogne Europe in Dijon, under the ministry of "
            "higher education and research, it supports the people who care for collections, "
            "design exhibitions and share science with every audience.</p>"
        ),
        "missions": [
            {
                "page": "publishing",
                "title": "Publishing",
                "text": (
                    "La Lettre de l'Ocim, the reference magazine of the profession, online "
                    "articles and sector news: analyses, case studies and thematic features that "
                    "inform everyday practice."
                ),
                "link_label": "Discover our publications",
            },
            {
                "page": "training",
                "title": "Training",
                "text": (
                    "Short professional courses designed with practitioners, sessions on site or "
                    "online, and tailor-made training for the teams of museums and science "
                    "centres."
                ),
                "link_label": "See the training offer",
            },
            {
                "page": "observation",
                "title": "Observation",
                "text": (
                    "An inventory of the sector's actors on a map and in a directory, a shared "
                    "strategic watch and studies that shed light on how the sector and public "
                    "policies evolve."
                ),
                "link_label": "Explore the observatory",
            },
        ],
    },
}

# Pages under the home page, in creation order. "menu": shown in the main navigation.
PAGES = [
    {
        "key": "publishing",
        "menu": True,
        "fr": {
            "title": "Édition",
            "slug": "edition",
            "lead": (
                "L'Ocim publie La Lettre de l'Ocim, des articles en ligne et une actualité du "
                "secteur pour partager les savoirs et les pratiques des professionnels."
            ),
            "body": [
                ("h2", "La Lettre de l'Ocim"),
                (
                    "p",
                    (
                        "<p>Revue bimestrielle de référence, <i>La Lettre de l'Ocim</i> donne la parole "
                        "aux professionnels des musées, du patrimoine et de la culture scientifique. "
                        "Chaque numéro réunit des articles de fond, des retours d'expérience et des "
                        "dossiers thématiques consacrés à la conservation, à la médiation, à la "
                        "muséographie ou à la gestion des établissements.</p>"
                    ),
                ),
                (
                    "p",
                    (
                        "<p>Les numéros récents sont réservés aux abonnés ; les articles plus anciens "
                        "sont ouverts à tous en ligne, avec leurs références pour les citer.</p>"
                    ),
                ),
                ("h2", "Articles et actualités"),
                (
                    "p",
                    (
                        "<p>Des articles publiés directement en ligne prolongent la revue : comptes "
                        "rendus de rencontres professionnelles, présentations de projets, portraits "
                        "de métiers. L'actualité du secteur signale appels à projets, colloques, "
                        "offres de formation et nouvelles publications.</p>"
                    ),
                ),
                (
                    "callout",
                    (
                        "Proposer un article",
                        (
                            "<p>Vous avez conduit un projet ou une recherche qui peut servir à vos "
                            "collègues ? Le comité de rédaction étudie toutes les propositions : écrivez "
                            "à l'adresse de contact de l'Ocim.</p>"
                        ),
                    ),
                ),
            ],
        },
        "en": {
            "title": "Publishing",
            "slug": "publishing",
            "lead": (
                "Ocim publishes La Lettre de l'Ocim, online articles and sector news to share the "
                "knowledge and practice of professionals."
            ),
            "body": [
                ("h2", "La Lettre de l'Ocim"),
                (
                    "p",
                    (
                        "<p>A bimonthly reference magazine, <i>La Lettre de l'Ocim</i> gives a voice to "
                        "the professionals of museums, heritage and science culture. Each issue brings "
                        "together in-depth articles, case studies and thematic features on "
                        "conservation, public engagement, exhibition design and the management of "
                        "institutions.</p>"
                    ),
                ),
                (
                    "p",
                    (
                        "<p>Recent issues are reserved for subscribers; older articles are open to "
                        "everyone online, with the references needed to cite them.</p>"
                    ),
                ),
                ("h2", "Articles and news"),
                (
                    "p",
                    (
                        "<p>Articles published directly online extend the magazine: reports from "
                        "professional meetings, project presentations, portraits of professions. "
                        "Sector news points to calls for projects, conferences, training offers and "
                        "new publications.</p>"
                    ),
                ),
                (
                    "callout",
                    (
                        "Propose an article",
                        (
                            "<p>Have you led a project or a study that could help your colleagues? The "
                            "editorial board reviews every proposal: write to Ocim's contact address.</p>"
                        ),
                    ),
                ),
            ],
        },
    },
    {
        "key": "training",
        "menu": True,
        "fr": {
            "title": "Formation",
            "slug": "formation",
            "lead": (
                "Des formations professionnelles pour développer les compétences des équipes "
                "des musées, du patrimoine et de la culture scientifique."
            ),
            "body": [
                ("h2", "Un catalogue de formations courtes"),
                (
                    "p",
                    (
                        "<p>Chaque année, l'Ocim propose des formations de un à trois jours conçues "
                        "avec des praticiens : conservation préventive, médiation et accueil des "
                        "publics, conception d'expositions, numérique, gestion de projet. Elles "
                        "s'adressent aux personnels des musées, des centres de sciences, des services "
                        "patrimoniaux et des associations.</p>"
                    ),
                ),
                ("h2", "Des sessions partout en France"),
                (
                    "p",
                    (
                        "<p>Les sessions se déroulent à Dijon, chez nos partenaires en région ou à "
                        "distance. Vous pouvez vous inscrire en ligne, suivre votre dossier, recevoir "
                        "convocation et attestation, et être prévenu si une place se libère.</p>"
                    ),
                ),
                ("h2", "Des formations sur mesure"),
                (
                    "p",
                    (
                        "<p>Pour une équipe ou un réseau, l'Ocim construit des formations adaptées à "
                        "vos besoins, dans vos locaux ou à distance. Décrivez votre projet : nous vous "
                        "proposons un programme et un devis.</p>"
                    ),
                ),
            ],
        },
        "en": {
            "title": "Training",
            "slug": "training",
            "lead": (
                "Professional training to develop the skills of the teams of museums, heritage "
                "and science culture."
            ),
            "body": [
                ("h2", "A catalogue of short courses"),
                (
                    "p",
                    (
                        "<p>Every year Ocim offers one- to three-day courses designed with "
                        "practitioners: preventive conservation, public engagement and visitor "
                        "services, exhibition design, digital practice, project management. They are "
                        "open to the staff of museums, science centres, heritage services and "
                        "associations.</p>"
                    ),
                ),
                ("h2", "Sessions across France"),
                (
                    "p",
                    (
                        "<p>Sessions take place in Dijon, with our partners in the regions or online. "
                        "You can register online, follow your application, receive your notice of "
                        "attendance and certificate, and be told when a seat becomes free.</p>"
                    ),
                ),
                ("h2", "Tailor-made training"),
                (
                    "p",
                    (
                        "<p>For a team or a network, Ocim designs courses that fit your needs, on your "
                        "premises or online. Describe your project and we will send you a programme "
                        "and a quote.</p>"
                    ),
                ),
            ],
        },
    },
    {
        "key": "observation",
        "menu": True,
        "fr": {
            "title": "Observation",
            "slug": "observation",
            "lead": (
                "Connaître les acteurs du secteur, suivre ses évolutions et en rendre compte : "
                "l'observatoire de l'Ocim au service des professionnels et des décideurs."
            ),
            "body": [
                ("h2", "L'inventaire des acteurs"),
                (
                    "p",
                    (
                        "<p>Musées, centres de sciences, planétariums, associations, services "
                        "universitaires de culture scientifique : l'inventaire recense les acteurs de "
                        "la culture scientifique, technique et industrielle. Il se consulte sur une "
                        "carte et dans un annuaire, par territoire, par type de structure et par "
                        "thème, et chaque acteur peut proposer la mise à jour de sa fiche.</p>"
                    ),
                ),
                ("h2", "La veille stratégique"),
                (
                    "p",
                    (
                        "<p>L'Ocim suit chaque jour les publications, appels à projets, textes "
                        "officiels et initiatives du secteur. La veille est classée par thème et "
                        "partagée sous forme d'alertes et de bulletins.</p>"
                    ),
                ),
                ("h2", "Études"),
                (
                    "p",
                    (
                        "<p>À partir de l'inventaire et d'enquêtes, l'Ocim publie des études et des "
                        "tableaux de bord territoriaux sur l'emploi, les publics, les équipements et "
                        "les financements du secteur.</p>"
                    ),
                ),
            ],
        },
        "en": {
            "title": "Observation",
            "slug": "observation",
            "lead": (
                "Knowing the sector's actors, following how it changes and reporting on it: "
                "Ocim's observatory serves professionals and decision-makers."
            ),
            "body": [
                ("h2", "The inventory of actors"),
                (
                    "p",
                    (
                        "<p>Museums, science centres, planetariums, associations, university science "
                        "culture services: the inventory lists the actors of scientific, technical "
                        "and industrial culture. Browse it on a map and in a directory, by territory, "
                        "type of organisation and theme; every actor can propose updates to its "
                        "entry.</p>"
                    ),
                ),
                ("h2", "Strategic watch"),
                (
                    "p",
                    (
                        "<p>Every day Ocim follows the sector's publications, calls for projects, "
                        "official texts and initiatives. The watch is classified by theme and shared "
                        "as alerts and bulletins.</p>"
                    ),
                ),
                ("h2", "Studies"),
                (
                    "p",
                    (
                        "<p>Drawing on the inventory and on surveys, Ocim publishes studies and "
                        "territorial dashboards on the sector's jobs, audiences, facilities and "
                        "funding.</p>"
                    ),
                ),
            ],
        },
    },
]

LEGAL_PAGES = [
    {
        "key": "legal_notice",
        "setting": "legal_notice_page",
        "fr": {
            "title": "Mentions légales",
            "slug": "mentions-legales",
            "lead": "Informations sur l'éditeur, l'hébergement et les droits attachés à ce site.",
            "body": [
                ("h2", "Éditeur"),
                (
                    "p",
                    (
                        "<p>Ce site est édité par l'Ocim, service de l'Université Bourgogne Europe, "
                        "établissement public d'enseignement supérieur et de recherche placé sous la "
                        f"tutelle du ministère chargé de l'enseignement supérieur et de la recherche."
                        f"</p><p>Siège : {UNIVERSITY_ADDRESS_FR}.<br>Ocim : 36 rue Chabot-Charny, "
                        f'21000 Dijon.<br>Contact : <a href="mailto:{CONTACT_EMAIL}">'
                        f"{CONTACT_EMAIL}</a></p>"
                    ),
                ),
                ("h2", "Direction de la publication"),
                (
                    "p",
                    (
                        "<p>Le directeur de la publication est le président de l'Université Bourgogne "
                        "Europe. La responsabilité éditoriale est assurée par la direction de l'Ocim."
                        "</p>"
                    ),
                ),
                ("h2", "Hébergement"),
                (
                    "p",
                    (
                        "<p>Le site est hébergé par l'Université Bourgogne Europe (direction du "
                        f"numérique), {UNIVERSITY_ADDRESS_FR}, sur des serveurs situés en France.</p>"
                    ),
                ),
                ("h2", "Propriété intellectuelle"),
                (
                    "p",
                    (
                        "<p>La structure du site, ses textes, images, logos et documents sont protégés "
                        "par le code de la propriété intellectuelle. Les articles de <i>La Lettre de "
                        "l'Ocim</i> restent la propriété de leurs auteurs et de l'Ocim ; les images "
                        "portent la mention de leurs auteurs et ne peuvent être réutilisées sans leur "
                        "accord.</p>"
                    ),
                ),
                ("h2", "Licence et réutilisation"),
                (
                    "p",
                    (
                        "<p>Sauf mention contraire, les textes éditoriaux de ce site sont publiés sous "
                        "licence Creative Commons Attribution 4.0 International (CC BY 4.0) : vous "
                        "pouvez les reprendre en citant l'Ocim et l'adresse de la page. Les données "
                        "ouvertes (inventaire des acteurs, référentiels) sont diffusées sous Licence "
                        "Ouverte / Etalab 2.0. Les données géographiques proviennent de l'INSEE (Code "
                        "officiel géographique) et de l'IGN (Admin Express), sous Licence Ouverte / "
                        "Etalab 2.0.</p><p>Le code source de la plateforme est un logiciel libre "
                        "publié sous licence GNU Affero General Public License, version 3 ou "
                        "ultérieure.</p>"
                    ),
                ),
                ("h2", "Liens"),
                (
                    "p",
                    (
                        "<p>Vous pouvez créer un lien vers toute page de ce site sans autorisation "
                        "préalable. L'Ocim n'est pas responsable du contenu des sites vers lesquels il "
                        "renvoie.</p>"
                    ),
                ),
            ],
        },
        "en": {
            "title": "Legal notice",
            "slug": "legal-notice",
            "lead": "Information about the publisher, the hosting and the rights attached to this site.",
            "body": [
                ("h2", "Publisher"),
                (
                    "p",
                    (
                        "<p>This site is published by Ocim, a service of Université Bourgogne Europe, "
                        "a public higher education and research institution under the French ministry "
                        "of higher education and research.</p>"
                        f"<p>Head office: {UNIVERSITY_ADDRESS_EN}.<br>Ocim: 36 rue Chabot-Charny, "
                        f'21000 Dijon, France.<br>Contact: <a href="mailto:{CONTACT_EMAIL}">'
                        f"{CONTACT_EMAIL}</a></p>"
                    ),
                ),
                ("h2", "Publication director"),
                (
                    "p",
                    (
                        "<p>The publication director is the president of Université Bourgogne Europe. "
                        "Editorial responsibility lies with the management of Ocim.</p>"
                    ),
                ),
                ("h2", "Hosting"),
                (
                    "p",
                    (
                        "<p>The site is hosted by Université Bourgogne Europe (digital services "
                        f"department), {UNIVERSITY_ADDRESS_EN}, on servers located in France.</p>"
                    ),
                ),
                ("h2", "Intellectual property"),
                (
                    "p",
                    (
                        "<p>The structure of the site, its texts, images, logos and documents are "
                        "protected by the French intellectual property code. Articles from <i>La "
                        "Lettre de l'Ocim</i> remain the property of their authors and of Ocim; "
                        "images carry their authors' credits and may not be reused without their "
                        "consent.</p>"
                    ),
                ),
                ("h2", "Licence and reuse"),
                (
                    "p",
                    (
                        "<p>Unless stated otherwise, the editorial texts of this site are published "
                        "under the Creative Commons Attribution 4.0 International licence (CC BY 4.0): "
                        "you may reuse them by crediting Ocim and the page address. Open data (the "
                        "inventory of actors, reference lists) is published under the Licence Ouverte "
                        "/ Etalab 2.0. Geographic data comes from INSEE (Code officiel géographique) "
                        "and IGN (Admin Express), under the Licence Ouverte / Etalab 2.0.</p><p>The "
                        "platform's source code is free software published under the GNU Affero "
                        "General Public License, version 3 or later.</p>"
                    ),
                ),
                ("h2", "Links"),
                (
                    "p",
                    (
                        "<p>You may link to any page of this site without prior permission. Ocim is "
                        "not responsible for the content of the sites it links to.</p>"
                    ),
                ),
            ],
        },
    },
    {
        "key": "accessibility",
        "setting": "accessibility_page",
        "fr": {
            "title": "Déclaration d'accessibilité",
            "slug": "accessibilite",
            "lead": (
                "L'Université Bourgogne Europe s'engage à rendre ses sites internet accessibles "
                "conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005."
            ),
            "body": [
                ("p", ("<p>Cette déclaration d'accessibilité s'applique au site de l'Ocim.</p>")),
                ("h2", "État de conformité"),
                (
                    "p",
                    (
                        "<p>Le site de l'Ocim est <strong>partiellement conforme</strong> avec le "
                        "référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1. "
                        "Il a été conçu pour respecter ce référentiel, mais aucun audit complet n'a "
                        "encore été réalisé : un audit par un organisme indépendant est programmé et "
                        "cette déclaration sera mise à jour avec ses résultats.</p>"
                    ),
                ),
                ("h2", "Contenus non accessibles"),
                ("h3", "Non-conformités connues"),
                (
                    "p",
                    (
                        "<ul><li>Certains documents PDF des anciens numéros de <i>La Lettre de "
                        "l'Ocim</i> sont des numérisations sans structure ni texte alternatif.</li>"
                        "<li>La carte interactive des acteurs n'est pas entièrement utilisable au "
                        "clavier ; l'annuaire présente les mêmes informations sous forme de liste "
                        "accessible.</li></ul>"
                    ),
                ),
                ("h3", "Contenus non soumis à l'obligation d'accessibilité"),
                (
                    "p",
                    (
                        "<ul><li>Les documents bureautiques publiés avant le 23 septembre 2018.</li>"
                        "<li>Les contenus de tiers repris dans la veille (titres et extraits d'articles "
                        "d'autres sites), qui ne sont ni financés ni développés par l'Ocim.</li></ul>"
                    ),
                ),
                ("h2", "Établissement de cette déclaration"),
                (
                    "p",
                    (
                        "<p>Cette déclaration a été établie à la mise en ligne du site, sur la base "
                        "d'une auto-évaluation. Technologies utilisées : HTML, CSS et, pour le seul "
                        "menu sur petit écran, JavaScript. Des tests automatiques et manuels sont "
                        "réalisés avec un lecteur d'écran et la navigation au clavier.</p>"
                    ),
                ),
                ("h2", "Retour d'information et contact"),
                (
                    "p",
                    (
                        "<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez-"
                        "nous pour être orienté vers une alternative accessible ou obtenir le contenu "
                        f'sous une autre forme : <a href="mailto:{CONTACT_EMAIL}">{CONTACT_EMAIL}'
                        "</a> (objet : « Accessibilité »), ou par courrier à l'Ocim, 36 rue "
                        "Chabot-Charny, 21000 Dijon.</p>"
                    ),
                ),
                ("h2", "Voies de recours"),
                (
                    "p",
                    (
                        "<p>Si vous nous avez signalé un défaut d'accessibilité qui vous empêche "
                        "d'accéder à un contenu ou à un service et que vous n'avez pas obtenu de "
                        "réponse satisfaisante, vous pouvez saisir le Défenseur des droits :</p>"
                        "<ul><li>par le formulaire en ligne du site du Défenseur des droits "
                        '(<a href="https://formulaire.defenseurdesdroits.fr/">'
                        "formulaire.defenseurdesdroits.fr</a>) ;</li>"
                        "<li>en contactant le délégué du Défenseur des droits de votre région ;</li>"
                        "<li>par téléphone au 09 69 39 00 00 ;</li>"
                        "<li>par courrier gratuit, sans timbre : Défenseur des droits, Libre réponse "
                        "71120, 75342 Paris CEDEX 07.</li></ul>"
                    ),
                ),
            ],
        },
        "en": {
            "title": "Accessibility statement",
            "slug": "accessibility",
            "lead": (
                "Université Bourgogne Europe is committed to making its websites accessible, in "
                "accordance with article 47 of French law no. 2005-102 of 11 February 2005."
            ),
            "body": [
                ("p", "<p>This accessibility statement applies to the Ocim website.</p>"),
                ("h2", "Compliance status"),
                (
                    "p",
                    (
                        "<p>The Ocim website is <strong>partially compliant</strong> with the French "
                        "accessibility framework (RGAA), version 4.1. It was designed to meet this "
                        "framework, but no full audit has been carried out yet: an audit by an "
                        "independent body is planned and this statement will be updated with its "
                        "results.</p>"
                    ),
                ),
                ("h2", "Non-accessible content"),
                ("h3", "Known non-compliance"),
                (
                    "p",
                    (
                        "<ul><li>Some PDF documents of past issues of <i>La Lettre de l'Ocim</i> are "
                        "scans without structure or text alternatives.</li><li>The interactive map "
                        "of actors cannot be fully operated with a keyboard; the directory gives the "
                        "same information as an accessible list.</li></ul>"
                    ),
                ),
                ("h3", "Content exempt from the accessibility obligation"),
                (
                    "p",
                    (
                        "<ul><li>Office documents published before 23 September 2018.</li><li>"
                        "Third-party content shown in the strategic watch (titles and excerpts of "
                        "articles from other sites), which Ocim neither funds nor develops.</li></ul>"
                    ),
                ),
                ("h2", "Preparation of this statement"),
                (
                    "p",
                    (
                        "<p>This statement was prepared when the site went online, based on a "
                        "self-assessment. Technologies used: HTML, CSS and, for the small-screen menu "
                        "only, JavaScript. Automated and manual tests are run with a screen reader and "
                        "keyboard navigation.</p>"
                    ),
                ),
                ("h2", "Feedback and contact"),
                (
                    "p",
                    (
                        "<p>If you cannot access some content or a service, contact us to be directed "
                        "to an accessible alternative or to obtain the content in another form: "
                        f'<a href="mailto:{CONTACT_EMAIL}">{CONTACT_EMAIL}</a> (subject: '
                        "“Accessibility”), or by post to Ocim, 36 rue Chabot-Charny, 21000 Dijon, "
                        "France.</p>"
                    ),
                ),
                ("h2", "Remedies"),
                (
                    "p",
                    (
                        "<p>If you reported an accessibility problem that prevents you from accessing "
                        "content or a service and did not receive a satisfactory answer, you may "
                        "refer the matter to the Défenseur des droits (the French rights ombudsman):"
                        "</p><ul><li>through the online form on the Défenseur des droits website "
                        '(<a href="https://formulaire.defenseurdesdroits.fr/">'
                        "formulaire.defenseurdesdroits.fr</a>);</li><li>by contacting the Défenseur "
                        "des droits delegate in your region;</li><li>by telephone on +33 9 69 39 00 00;"
                        "</li><li>by free post, no stamp needed: Défenseur des droits, Libre réponse "
                        "71120, 75342 Paris CEDEX 07, France.</li></ul>"
                    ),
                ),
            ],
        },
    },
    {
        "key": "privacy",
        "setting": "privacy_page",
        "fr": {
            "title": "Politique de confidentialité",
            "slug": "donnees-personnelles",
            "lead": (
                "Comment l'Ocim traite vos données personnelles, pourquoi, combien de temps, et "
                "comment exercer vos droits (règlement général sur la protection des données)."
            ),
            "body": [
                ("h2", "Responsable du traitement"),
                (
                    "p",
                    (
                        "<p>Le responsable des traitements est l'Université Bourgogne Europe, "
                        "représentée par son président, "
                        + UNIVERSITY_ADDRESS_FR
                        + ". Les traitements "
                        "sont mis en œuvre par l'Ocim, service de l'université.</p>"
                    ),
                ),
                ("h2", "Données collectées, finalités et bases légales"),
                (
                    "p",
                    (
                        "<ul>"
                        "<li><strong>Compte personnel</strong> (adresse électronique, nom, prénom, "
                        "structure, fonction) : créer et gérer votre compte. Base légale : exécution "
                        "des conditions d'utilisation du service que vous acceptez.</li>"
                        "<li><strong>Inscriptions aux formations</strong> (identité, employeur, "
                        "coordonnées de facturation, présence, évaluations) : organiser les sessions, "
                        "facturer, délivrer les attestations et répondre aux obligations de la "
                        "formation professionnelle. Bases légales : exécution du contrat et "
                        "obligation légale.</li>"
                        "<li><strong>Abonnements</strong> à la revue, aux alertes et aux lettres "
                        "d'information (adresse électronique, préférences) : vous adresser les "
                        "envois choisis. Base légale : consentement, retirable à tout moment ; "
                        "exécution du contrat pour les abonnements payants.</li>"
                        "<li><strong>Inventaire des acteurs</strong> (coordonnées professionnelles "
                        "des structures, identité des contributeurs) : tenir l'annuaire et "
                        "l'observatoire du secteur. Base légale : mission d'intérêt public de l'Ocim."
                        "</li>"
                        "<li><strong>Journaux techniques</strong> (adresse IP, date, page demandée) : "
                        "sécurité du site. Base légale : intérêt légitime et obligation légale de "
                        "sécurité.</li>"
                        "</ul>"
                    ),
                ),
                ("h2", "Durées de conservation"),
                (
                    "p",
                    (
                        "<ul><li>Compte : jusqu'à sa suppression par vous, ou trois ans après votre "
                        "dernière connexion (vous êtes prévenu avant).</li><li>Dossiers de formation :"
                        " la durée exigée par les contrôles de la formation professionnelle et de la "
                        "comptabilité publique, puis archivage ou suppression.</li><li>Abonnements "
                        "gratuits : jusqu'à votre désinscription.</li><li>Journaux techniques : douze "
                        "mois.</li></ul>"
                    ),
                ),
                ("h2", "Destinataires"),
                (
                    "p",
                    (
                        "<p>Vos données sont accessibles aux seuls personnels habilités de l'Ocim et, "
                        "pour la facturation, aux services financiers de l'université. Les formateurs "
                        "reçoivent la liste des participants de leur session. L'hébergeur n'agit que "
                        "sur instruction de l'université. Vos données ne sont ni vendues ni cédées, "
                        "et ne sont pas transférées hors de l'Union européenne.</p>"
                    ),
                ),
                ("h2", "Vos droits"),
                (
                    "p",
                    (
                        "<p>Vous disposez d'un droit d'accès, de rectification, d'effacement, de "
                        "limitation, d'opposition et de portabilité de vos données, du droit de "
                        "retirer votre consentement et de définir des directives sur leur sort après "
                        "votre décès. Depuis votre compte, vous pouvez télécharger vos données et "
                        "supprimer votre compte vous-même.</p>"
                    ),
                ),
                ("h2", "Délégué à la protection des données"),
                (
                    "p",
                    (
                        "<p>Pour toute question ou pour exercer vos droits, écrivez au délégué à la "
                        "protection des données de l'Université Bourgogne Europe : par courrier à "
                        f"l'adresse de l'université ({UNIVERSITY_ADDRESS_FR}), ou par courriel à "
                        f'<a href="mailto:{CONTACT_EMAIL}">{CONTACT_EMAIL}</a> avec l\'objet '
                        "« Données personnelles », qui lui sera transmis. Une réponse vous est "
                        "apportée dans un délai d'un mois.</p>"
                    ),
                ),
                ("h2", "Réclamation"),
                (
                    "p",
                    (
                        "<p>Si vous estimez que vos droits ne sont pas respectés, vous pouvez "
                        "adresser une réclamation à la Commission nationale de l'informatique et des "
                        'libertés (CNIL), sur <a href="https://www.cnil.fr/">www.cnil.fr</a> ou '
                        "par courrier : CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07.</p>"
                    ),
                ),
            ],
        },
        "en": {
            "title": "Privacy policy",
            "slug": "privacy",
            "lead": (
                "How Ocim processes your personal data, why, for how long, and how to exercise "
                "your rights (General Data Protection Regulation)."
            ),
            "body": [
                ("h2", "Data controller"),
                (
                    "p",
                    (
                        "<p>The data controller is Université Bourgogne Europe, represented by its "
                        f"president, {UNIVERSITY_ADDRESS_EN}. Processing is carried out by Ocim, a "
                        "service of the university.</p>"
                    ),
                ),
                ("h2", "Data collected, purposes and legal bases"),
                (
                    "p",
                    (
                        "<ul>"
                        "<li><strong>Personal account</strong> (e-mail address, name, organisation, "
                        "job title): create and manage your account. Legal basis: performance of the "
                        "terms of use you accept.</li>"
                        "<li><strong>Course registrations</strong> (identity, employer, billing "
                        "details, attendance, evaluations): organise sessions, invoice, issue "
                        "certificates and meet the obligations of professional training. Legal bases: "
                        "performance of a contract and legal obligation.</li>"
                        "<li><strong>Subscriptions</strong> to the magazine, alerts and newsletters "
                        "(e-mail address, preferences): send you what you chose. Legal basis: "
                        "consent, which you may withdraw at any time; performance of a contract for "
                        "paid subscriptions.</li>"
                        "<li><strong>Inventory of actors</strong> (professional contact details of "
                        "organisations, identity of contributors): maintain the sector's directory "
                        "and observatory. Legal basis: Ocim's public-interest mission.</li>"
                        "<li><strong>Technical logs</strong> (IP address, date, page requested): site "
                        "security. Legal basis: legitimate interest and the legal duty of security."
                        "</li>"
                        "</ul>"
                    ),
                ),
                ("h2", "Retention periods"),
                (
                    "p",
                    (
                        "<ul><li>Account: until you delete it, or three years after your last log-in "
                        "(you are warned beforehand).</li><li>Training records: as long as required "
                        "by the rules on professional training and public accounting, then archived "
                        "or deleted.</li><li>Free subscriptions: until you unsubscribe.</li><li>"
                        "Technical logs: twelve months.</li></ul>"
                    ),
                ),
                ("h2", "Recipients"),
                (
                    "p",
                    (
                        "<p>Only authorised Ocim staff can access your data and, for invoicing, the "
                        "university's finance services. Trainers receive the list of participants of "
                        "their session. The host acts only on the university's instructions. Your "
                        "data is neither sold nor transferred to third parties, and is not "
                        "transferred outside the European Union.</p>"
                    ),
                ),
                ("h2", "Your rights"),
                (
                    "p",
                    (
                        "<p>You have the right to access, rectify and erase your data, to restrict and "
                        "object to its processing and to data portability, to withdraw your consent, "
                        "and to give instructions on what happens to your data after your death. From "
                        "your account you can download your data and delete your account yourself.</p>"
                    ),
                ),
                ("h2", "Data protection officer"),
                (
                    "p",
                    (
                        "<p>For any question or to exercise your rights, write to the data protection "
                        "officer of Université Bourgogne Europe: by post at the university's address "
                        f'({UNIVERSITY_ADDRESS_EN}), or by e-mail to <a href="mailto:{CONTACT_EMAIL}'
                        f'">{CONTACT_EMAIL}</a> with the subject “Personal data”, which will be '
                        "forwarded to them. You will receive an answer within one month.</p>"
                    ),
                ),
                ("h2", "Complaints"),
                (
                    "p",
                    (
                        "<p>If you believe your rights are not respected, you may lodge a complaint "
                        'with the French data protection authority (CNIL), at <a href="https://www.'
                        'cnil.fr/">www.cnil.fr</a> or by post: CNIL, 3 place de Fontenoy, TSA 80715, '
                        "75334 Paris Cedex 07, France.</p>"
                    ),
                ),
            ],
        },
    },
    {
        "key": "cookies",
        "setting": "cookies_page",
        "fr": {
            "title": "Cookies",
            "slug": "cookies",
            "lead": (
                "Ce site n'utilise que des cookies strictement nécessaires à son fonctionnement. "
                "Il n'y a ni mesure d'audience, ni publicité, ni réseau social : c'est pourquoi "
                "aucun bandeau ne vous demande votre consentement."
            ),
            "body": [
                ("h2", "Cookies utilisés"),
                (
                    "p",
                    (
                        "<ul>"
                        "<li><strong>sessionid</strong> – maintient votre connexion lorsque vous êtes "
                        "identifié ; supprimé à la déconnexion, sinon au bout de deux semaines.</li>"
                        "<li><strong>csrftoken</strong> – protège les formulaires contre les envois "
                        "frauduleux depuis d'autres sites ; un an.</li>"
                        "<li><strong>messages</strong> – transmet un message de confirmation d'une page "
                        "à la suivante ; supprimé dès qu'il est affiché.</li>"
                        "</ul>"
                    ),
                ),
                (
                    "p",
                    (
                        "<p>La langue du site est indiquée dans l'adresse des pages (/fr/ ou /en/) : "
                        "aucun cookie n'est nécessaire pour la retenir.</p>"
                    ),
                ),
                ("h2", "Pourquoi aucun consentement n'est demandé"),
                (
                    "p",
                    (
                        "<p>Ces cookies sont indispensables au service que vous demandez et ne "
                        "servent à aucun suivi. Conformément à l'article 82 de la loi Informatique et "
                        "Libertés et aux recommandations de la CNIL, ils sont exemptés de "
                        "consentement. Vous pouvez les bloquer dans votre navigateur, mais la "
                        "connexion à votre compte et l'envoi des formulaires ne fonctionneront plus."
                        "</p>"
                    ),
                ),
                ("h2", "Contenus de tiers"),
                (
                    "p",
                    (
                        "<p>Le site ne charge aucun script, police ni contenu depuis un autre site. "
                        "Si une vidéo ou un contenu externe devait être intégré, il ne serait chargé "
                        "qu'après votre accord explicite.</p>"
                    ),
                ),
            ],
        },
        "en": {
            "title": "Cookies",
            "slug": "cookies",
            "lead": (
                "This site only uses cookies that are strictly necessary for it to work. There "
                "is no audience measurement, no advertising and no social network: that is why "
                "no banner asks for your consent."
            ),
            "body": [
                ("h2", "Cookies we use"),
                (
                    "p",
                    (
                        "<ul>"
                        "<li><strong>sessionid</strong> – keeps you logged in; deleted when you log "
                        "out, otherwise after two weeks.</li>"
                        "<li><strong>csrftoken</strong> – protects forms against fraudulent "
                        "submissions from other sites; one year.</li>"
                        "<li><strong>messages</strong> – carries a confirmation message from one page "
                        "to the next; deleted as soon as it is shown.</li>"
                        "</ul>"
                    ),
                ),
                (
                    "p",
                    (
                        "<p>The site's language is part of the page address (/fr/ or /en/): no cookie "
                        "is needed to remember it.</p>"
                    ),
                ),
                ("h2", "Why no consent is asked"),
                (
                    "p",
                    (
                        "<p>These cookies are essential to the service you request and are not used "
                        "for any tracking. Under article 82 of the French data protection act and the "
                        "CNIL's guidance, they are exempt from consent. You can block them in your "
                        "browser, but logging in to your account and sending forms will no longer "
                        "work.</p>"
                    ),
                ),
                ("h2", "Third-party content"),
                (
                    "p",
                    (
                        "<p>The site loads no script, font or content from another site. Should a "
                        "video or other external content ever be embedded, it would only load after "
                        "your explicit consent.</p>"
                    ),
                ),
            ],
        },
    },
]
