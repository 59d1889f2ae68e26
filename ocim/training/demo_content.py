# ruff: noqa: E501 -- editorial prose: string pieces are indented deep inside data structures.
"""Editorial content of the demonstration training catalogue (French, the site's default).

Real, publishable drafts: course descriptions with the items a certified training provider
must publish, trainers described by their role (fictional people), prices and sessions.
Session dates are offsets in days from the day the demo is built, so the catalogue always has
past and upcoming sessions.
"""

INDEX = {
    "fr": {
        "title": "Formations",
        "slug": "formations",
        "intro": (
            "<p>L'Ocim propose chaque année des formations courtes aux professionnels des musées, "
            "du patrimoine et de la culture scientifique : stages de deux à trois jours, visites "
            "thématiques, journées d'atelier et journées d'étude, en présentiel ou à distance. "
            "Les tarifs sont exonérés de TVA ; la facture est adressée après la formation.</p>"
        ),
    },
    "en": {
        "title": "Training",
        "slug": "courses",
        "intro": (
            "<p>Every year Ocim runs short courses for the professionals of museums, heritage "
            "and science culture: two- and three-day courses, thematic visits, workshop days and "
            "study days, on site or online. Courses are taught in French. Prices are exempt from "
            "VAT; the invoice is sent after the course.</p>"
        ),
    },
}

DISABILITY_CONTACT = {"name": "Claire Morel, référente handicap", "email": "formation@ocim.fr"}

ACCESSIBILITY = (
    "<p>Nos formations sont ouvertes aux personnes en situation de handicap. Les lieux "
    "d'accueil sont accessibles aux personnes à mobilité réduite, sauf mention contraire sur la "
    "session. Pour tout besoin d'adaptation (supports en gros caractères, interprétation en "
    "langue des signes, rythme, accès au lieu), contactez notre référente handicap au moins "
    "trois semaines avant la formation : nous étudions chaque demande avec vous.</p>"
)

TRAINERS = {
    "osteo": {
        "name": "Marc Vasseur",
        "role": "Préparateur en ostéologie",
        "organisation": "Muséum d'histoire naturelle de Dijon",
        "bio": "<p>Préparateur depuis vingt ans, il a remonté plus de quarante squelettes de vertébrés, du campagnol au rorqual, pour des expositions permanentes et des collections d'étude.</p>",
    },
    "lighting": {
        "name": "Sophie Lambert",
        "role": "Éclairagiste de musée",
        "organisation": "Atelier indépendant",
        "bio": "<p>Conceptrice lumière, elle éclaire des expositions de sciences et d'art depuis 2008 et enseigne la conservation préventive appliquée à la lumière.</p>",
    },
    "mediation": {
        "name": "Julien Perrot",
        "role": "Responsable de la médiation",
        "organisation": "Centre de culture scientifique, technique et industrielle",
        "bio": "<p>Il conçoit des jeux, ateliers et parcours ludiques pour tous les publics et accompagne des équipes dans la création de dispositifs de médiation.</p>",
    },
    "research": {
        "name": "Nadia Benali",
        "role": "Maîtresse de conférences en sciences de l'information et de la communication",
        "organisation": "Université Bourgogne Europe",
        "bio": "<p>Ses recherches portent sur la réception des expositions de sciences, les émotions des visiteurs et les méthodes d'étude des publics.</p>",
    },
    "writing": {
        "name": "Hélène Roussel",
        "role": "Éditrice et rédactrice d'exposition",
        "organisation": "Ocim",
        "bio": "<p>Éditrice à l'Ocim, elle a écrit et relu les textes de nombreuses expositions et anime des ateliers d'écriture pour les équipes de musées.</p>",
    },
    "fluid": {
        "name": "Thomas Girard",
        "role": "Chargé de conservation des collections en fluide",
        "organisation": "Muséum d'histoire naturelle",
        "bio": "<p>Il a conduit le chantier des collections en fluide de son établissement (plus de 20 000 bocaux) et forme les équipes aux risques chimiques et aux gestes de reconditionnement.</p>",
    },
    "participation": {
        "name": "Camille Fontaine",
        "role": "Cheffe de projet participation",
        "organisation": "Musée de société",
        "bio": "<p>Elle mène des projets de coconstruction avec des habitants, des associations et des classes, et coordonne un réseau régional de médiateurs.</p>",
    },
}

PRICES_COURSE = [
    ("Formule avec déjeuners", "700.00", "Formation et déjeuners des jours de formation."),
    ("Formule avec hébergement", "960.00", "Formation, déjeuners et nuits d'hôtel."),
]
PRICES_DAY = [("Journée", "110.00", "Une journée, déjeuner compris.")]
PRICES_REMOTE = [("Tarif unique", "250.00", "Accès aux séances en ligne et aux ressources.")]

STANDARD_ASSESSMENT = (
    "Questionnaire de positionnement avant la formation, évaluation des acquis par un exercice "
    "pratique en fin de session, questionnaire de satisfaction à chaud puis à trois mois. Une "
    "attestation de fin de formation est remise à chaque participant."
)

# Sessions: (first day offset, number of consecutive days, commune INSEE code, place, capacity,
# extra parts as (offset, mode) after the main days — for hybrid sessions).
COURSES = [
    {
        "slug": "montage-osteologique",
        "title": "Montage ostéologique : préparer et monter un squelette",
        "format": "course",
        "domains": ["osteology", "natural-history-collections", "exhibition-production"],
        "objectives": "<ul><li>Identifier les étapes de la préparation d'un squelette, du nettoyage au montage.</li><li>Choisir les matériaux de soclage et d'armature adaptés à la conservation.</li><li>Monter un squelette de petit vertébré en vue d'une présentation.</li></ul>",
        "audience": "Préparateurs, régisseurs, techniciens de collections d'histoire naturelle.",
        "prerequisites": "Avoir déjà manipulé des spécimens naturalisés ou ostéologiques.",
        "programme": [
            (
                "Jour 1 – Préparer",
                "<p>Nettoyage, dégraissage et blanchiment : méthodes, produits et risques. Inventaire et marquage des os.</p>",
            ),
            (
                "Jour 2 – Armer",
                "<p>Lecture anatomique, choix des armatures (acier, laiton, fibre), perçages et articulations.</p>",
            ),
            (
                "Jour 3 – Monter et présenter",
                "<p>Montage d'un squelette de petit mammifère, soclage, documentation du montage.</p>",
            ),
        ],
        "teaching_methods": "Apports théoriques, démonstrations et travaux pratiques en atelier sur spécimens d'étude ; trois participants par poste.",
        "duration_hours": "21",
        "duration_days": "3",
        "trainers": ["osteo"],
        "access_lead_time": "Inscription jusqu'à 15 jours avant le début de la session.",
        "prices": PRICES_COURSE,
        "sessions": [
            (-120, 3, "21231", "Muséum d'histoire naturelle de Dijon", 12, []),
            (45, 3, "21231", "Muséum d'histoire naturelle de Dijon", 12, []),
            (210, 3, "31555", "Muséum de Toulouse", 12, []),
        ],
    },
    {
        "slug": "eclairage-exposition",
        "title": "Éclairer une exposition : lumière, conservation et perception",
        "format": "course",
        "domains": ["museum-lighting", "preventive-conservation", "scenography"],
        "objectives": "<ul><li>Comprendre les grandeurs de l'éclairage et leurs effets sur les objets.</li><li>Concevoir un plan lumière qui concilie conservation et confort de visite.</li><li>Dialoguer avec un éclairagiste et rédiger un cahier des charges.</li></ul>",
        "audience": "Chargés d'exposition, régisseurs, conservateurs, scénographes.",
        "prerequisites": "Aucun.",
        "programme": [
            (
                "Jour 1 – Mesurer",
                "<p>Éclairement, luminance, température de couleur, rendu des couleurs ; mesures en salle avec luxmètre et spectromètre.</p>",
            ),
            (
                "Jour 2 – Concevoir",
                "<p>Doses annuelles d'exposition, choix des sources LED, pilotage et maintenance ; étude de cas d'une salle à rééclairer.</p>",
            ),
        ],
        "teaching_methods": "Apports, mesures en salle d'exposition, travail en sous-groupes sur un projet réel.",
        "duration_hours": "14",
        "duration_days": "2",
        "trainers": ["lighting"],
        "access_lead_time": "Inscription jusqu'à 15 jours avant le début de la session.",
        "prices": PRICES_COURSE,
        "sessions": [
            (-60, 2, "69123", "Musée des Confluences", 15, []),
            (30, 2, "69123", "Musée des Confluences", 15, []),
            (150, 2, "44109", "Muséum d'histoire naturelle de Nantes", 15, []),
        ],
    },
    {
        "slug": "ludo-education",
        "title": "Ludo-éducation : concevoir un jeu de médiation scientifique",
        "format": "workshop",
        "domains": ["edutainment", "scientific-mediation"],
        "objectives": "<ul><li>Distinguer jeu, gamification et ludo-éducation.</li><li>Concevoir la mécanique d'un jeu au service d'un objectif de médiation.</li><li>Tester un prototype avec des joueurs et l'améliorer.</li></ul>",
        "audience": "Médiateurs, animateurs scientifiques, chargés d'action éducative.",
        "prerequisites": "Aucun.",
        "programme": [
            (
                "Journée d'atelier",
                "<p>Matin : panorama de jeux de médiation et analyse de leurs mécaniques. Après-midi : prototypage en équipes et séance de test croisé.</p>",
            ),
        ],
        "teaching_methods": "Atelier de création en petits groupes, matériel de prototypage fourni.",
        "duration_hours": "7",
        "duration_days": "1",
        "trainers": ["mediation"],
        "access_lead_time": "Inscription jusqu'à 7 jours avant l'atelier.",
        "prices": PRICES_DAY,
        "sessions": [
            (-30, 1, "13055", "Centre de culture scientifique, Marseille", 16, []),
            (20, 1, "59350", "Forum départemental des sciences, Lille", 16, []),
            (95, 1, "35238", "Espace des sciences, Rennes", 16, []),
        ],
    },
    {
        "slug": "emotion-expositions-sciences",
        "title": "L'émotion dans les expositions de sciences",
        "format": "study_day",
        "domains": ["visitor-experience", "exhibition-design", "audience-studies"],
        "objectives": "<ul><li>Connaître les apports de la recherche sur les émotions des visiteurs.</li><li>Analyser la place de l'émotion dans des expositions récentes.</li><li>Échanger entre professionnels sur des choix de conception.</li></ul>",
        "audience": "Concepteurs d'exposition, médiateurs, chercheurs, étudiants en muséologie.",
        "prerequisites": "Aucun.",
        "programme": [
            (
                "Journée d'étude",
                "<p>Conférences de chercheurs, retours d'expérience de trois établissements et table ronde sur l'émotion, la peur et l'émerveillement face aux sciences.</p>",
            ),
        ],
        "teaching_methods": "Conférences, études de cas et table ronde avec temps d'échange.",
        "duration_hours": "6",
        "duration_days": "1",
        "trainers": ["research"],
        "access_lead_time": "Inscription jusqu'à 3 jours avant la journée.",
        "prices": PRICES_DAY,
        "sessions": [
            (-200, 1, "21231", "Université Bourgogne Europe, Dijon", 80, []),
            (60, 1, "75056", "Muséum national d'histoire naturelle, Paris", 80, []),
        ],
    },
    {
        "slug": "projets-participatifs",
        "title": "Conduire un projet participatif avec les publics",
        "format": "course",
        "domains": ["co-creation", "participatory-science", "audience-development"],
        "objectives": "<ul><li>Situer les degrés de participation, de la consultation à la coconstruction.</li><li>Construire la gouvernance et le calendrier d'un projet participatif.</li><li>Anticiper la valorisation et l'évaluation du projet.</li></ul>",
        "audience": "Médiateurs, chargés des publics, chefs de projet d'exposition.",
        "prerequisites": "Avoir un projet participatif en cours ou en préparation est un plus.",
        "programme": [
            (
                "Jour 1 – Comprendre",
                "<p>Formes et enjeux de la participation, études de cas, rôle de chacun.</p>",
            ),
            (
                "Jour 2 – Construire",
                "<p>Atelier de conception à partir des projets des participants ; outils d'animation et d'évaluation.</p>",
            ),
        ],
        "teaching_methods": "Apports, études de cas, ateliers à partir des projets des participants.",
        "duration_hours": "14",
        "duration_days": "2",
        "trainers": ["participation"],
        "access_lead_time": "Inscription jusqu'à 15 jours avant le début de la session.",
        "prices": PRICES_COURSE,
        "sessions": [
            (-90, 2, "33063", "Cap Sciences, Bordeaux", 15, []),
            (75, 2, "67482", "Le Vaisseau, Strasbourg", 15, []),
        ],
    },
    {
        "slug": "ecrire-textes-exposition",
        "title": "Écrire les textes d'une exposition",
        "format": "course",
        "domains": ["exhibition-text", "exhibition-design"],
        "objectives": "<ul><li>Hiérarchiser les niveaux de textes d'une exposition.</li><li>Écrire des textes lisibles, justes et adaptés aux publics.</li><li>Relire et faire relire : méthode et outils.</li></ul>",
        "audience": "Commissaires, chargés d'exposition, médiateurs, chercheurs associés.",
        "prerequisites": "Aucun.",
        "programme": [
            (
                "Jour 1 – Structurer",
                "<p>Du synopsis aux niveaux de textes ; lisibilité, longueur, ton ; analyse de cartels.</p>",
            ),
            (
                "Jour 2 – Écrire",
                "<p>Ateliers d'écriture sur les projets des participants ; relecture croisée et accessibilité (FALC, gros caractères).</p>",
            ),
        ],
        "teaching_methods": "Apports et ateliers d'écriture ; chaque participant apporte un texte en cours.",
        "duration_hours": "14",
        "duration_days": "2",
        "trainers": ["writing"],
        "access_lead_time": "Inscription jusqu'à 15 jours avant le début de la session.",
        "prices": PRICES_COURSE,
        "sessions": [
            (-40, 2, "21231", "Ocim, Dijon", 12, []),
            (35, 2, "21231", "Ocim, Dijon", 12, []),
            (130, 2, "34172", "Musée Fabre, Montpellier", 12, []),
        ],
    },
    {
        "slug": "connaitre-ses-publics",
        "title": "Connaître ses publics : méthodes d'enquête",
        "format": "remote",
        "domains": ["audience-studies", "evaluation"],
        "objectives": "<ul><li>Choisir une méthode d'étude adaptée à sa question (comptage, questionnaire, entretien, observation).</li><li>Construire un questionnaire et un plan d'échantillonnage.</li><li>Analyser et restituer les résultats.</li></ul>",
        "audience": "Chargés des publics, responsables d'établissement, médiateurs.",
        "prerequisites": "Disposer d'un ordinateur avec micro et caméra et d'une connexion stable.",
        "programme": [
            (
                "Séance 1 – Questionner",
                "<p>De la question à la méthode ; panorama des études de publics.</p>",
            ),
            (
                "Séance 2 – Enquêter",
                "<p>Questionnaire, échantillon, passation ; exercices sur les projets des participants.</p>",
            ),
            (
                "Séance 3 – Analyser",
                "<p>Traitement des données, restitution et usage des résultats.</p>",
            ),
        ],
        "teaching_methods": "Classes virtuelles de trois heures, exercices entre les séances, ressources en ligne.",
        "duration_hours": "9",
        "duration_days": "1.5",
        "trainers": ["research"],
        "access_lead_time": "Inscription jusqu'à 7 jours avant la première séance.",
        "prices": PRICES_REMOTE,
        "sessions": [
            (-15, 1, None, "En ligne", 20, [(-8, "remote"), (-1, "remote")]),
            (50, 1, None, "En ligne", 20, [(57, "remote"), (64, "remote")]),
        ],
    },
    {
        "slug": "collections-en-fluide",
        "title": "Conserver les collections en fluide",
        "format": "course",
        "domains": ["fluid-collections", "preventive-conservation", "storage"],
        "objectives": "<ul><li>Identifier les fluides de conservation et leurs risques.</li><li>Diagnostiquer l'état d'une collection en fluide.</li><li>Reconditionner un spécimen en sécurité et planifier un chantier.</li></ul>",
        "audience": "Conservateurs, régisseurs, préparateurs de collections d'histoire naturelle.",
        "prerequisites": "Travailler avec des collections en fluide.",
        "programme": [
            (
                "Jour 1 – Diagnostiquer (Dijon)",
                "<p>Fluides, contenants et scellements ; risques chimiques ; diagnostic en réserve.</p>",
            ),
            (
                "Jour 2 – Reconditionner (Dijon)",
                "<p>Travaux pratiques de reconditionnement, équipements de protection, traçabilité.</p>",
            ),
            (
                "Jour 3 – Retour d'expérience (à distance, deux mois plus tard)",
                "<p>Chaque participant présente le plan de chantier de son établissement ; conseils et corrections.</p>",
            ),
        ],
        "teaching_methods": "Session hybride : deux jours de travaux pratiques en réserve, puis une journée en ligne deux mois plus tard pour suivre la mise en œuvre.",
        "duration_hours": "21",
        "duration_days": "3",
        "trainers": ["fluid"],
        "access_lead_time": "Inscription jusqu'à 21 jours avant le début de la session.",
        "prices": PRICES_COURSE,
        "sessions": [
            (-100, 2, "21231", "Muséum d'histoire naturelle de Dijon", 10, [(-40, "remote")]),
            (40, 2, "21231", "Muséum d'histoire naturelle de Dijon", 10, [(100, "remote")]),
        ],
    },
    {
        "slug": "visite-reserves-mutualisees",
        "title": "Visite thématique : des réserves mutualisées",
        "format": "visit",
        "domains": ["storage", "collections-management"],
        "objectives": "<ul><li>Découvrir l'organisation d'un centre de conservation mutualisé.</li><li>Échanger avec l'équipe sur les choix d'aménagement et de gestion.</li></ul>",
        "audience": "Régisseurs, conservateurs, responsables de collections.",
        "prerequisites": "Aucun.",
        "programme": [
            (
                "Journée de visite",
                "<p>Visite commentée des réserves, présentation du chantier des collections, échanges avec l'équipe.</p>",
            ),
        ],
        "teaching_methods": "Visite commentée et temps d'échange avec les professionnels du lieu.",
        "duration_hours": "6",
        "duration_days": "1",
        "trainers": ["fluid"],
        "access_lead_time": "Inscription jusqu'à 10 jours avant la visite.",
        "prices": PRICES_DAY,
        "sessions": [
            (-10, 1, "76540", "Centre de conservation, Rouen", 20, []),
            (25, 1, "45234", "Centre de conservation, Orléans", 20, []),
        ],
    },
    {
        "slug": "mediation-handicap",
        "title": "Accueillir les publics en situation de handicap",
        "format": "workshop",
        "domains": ["disabled-visitors", "accessibility", "cultural-mediation"],
        "objectives": "<ul><li>Connaître le cadre légal et les familles de handicap.</li><li>Adapter une visite ou un atelier existant.</li><li>Construire un partenariat avec des associations.</li></ul>",
        "audience": "Agents d'accueil, médiateurs, chargés des publics.",
        "prerequisites": "Aucun.",
        "programme": [
            (
                "Journée d'atelier",
                "<p>Mises en situation, analyse d'outils de médiation adaptés, atelier d'adaptation d'une visite.</p>",
            ),
        ],
        "teaching_methods": "Mises en situation, témoignages, atelier en sous-groupes.",
        "duration_hours": "7",
        "duration_days": "1",
        "trainers": ["mediation", "participation"],
        "access_lead_time": "Inscription jusqu'à 7 jours avant l'atelier.",
        "prices": PRICES_DAY,
        "sessions": [
            (-5, 1, "38185", "Muséum de Grenoble", 16, []),
            (15, 1, "63113", "Muséum Henri-Lecoq, Clermont-Ferrand", 16, []),
            (120, 1, "86194", "Espace Mendès France, Poitiers", 16, []),
        ],
    },
]


# Tailor-made requests of the demo: invented structures and people, our own wording.
# (key, final pipeline step, request fields)
TAILOR_MADE = [
    (
        "reseau-jardins",
        "new",
        {
            "structure_name": "Réseau des jardins botaniques de l'Ouest",
            "structure_address": "12 rue des Serres, 44000 Nantes",
            "contact_name": "Inès Caradec",
            "contact_job_title": "Coordinatrice du réseau",
            "contact_email": "ines.caradec@jardins-ouest.demo.ocim.fr",
            "contact_phone": "02 40 00 00 01",
            "topic": "Médiation auprès des publics éloignés dans les jardins botaniques",
            "description": (
                "Nos douze jardins souhaitent former leurs médiateurs à l'accueil de groupes "
                "du champ social, avec des visites adaptées et des ateliers sensoriels."
            ),
            "audience_size": 14,
            "wished_dates": "Printemps prochain, deux jours consécutifs",
            "place": "Nantes",
            "budget": "4500",
        },
    ),
    (
        "ccsti-montagne",
        "qualify",
        {
            "structure_name": "Centre de culture scientifique des Hautes-Alpes",
            "structure_address": "3 place du Marché, 05000 Gap",
            "contact_name": "Romain Faure",
            "contact_job_title": "Directeur",
            "contact_email": "romain.faure@ccsti-alpes.demo.ocim.fr",
            "topic": "Concevoir une exposition itinérante sur le climat en montagne",
            "description": (
                "Équipe de six personnes, sans expérience de l'itinérance : conception, "
                "transport, montage et documentation pour les lieux d'accueil."
            ),
            "audience_size": 6,
            "wished_dates": "Octobre ou novembre",
            "place": "Gap ou à distance",
        },
    ),
    (
        "universite-collections",
        "send_quote",
        {
            "structure_name": "Université de démonstration – service des collections",
            "structure_address": "Campus de la Doua, 69100 Villeurbanne",
            "contact_name": "Sophie Marchand",
            "contact_job_title": "Responsable des collections scientifiques",
            "contact_email": "sophie.marchand@univ.demo.ocim.fr",
            "topic": "Conservation préventive des collections en fluide",
            "description": (
                "Récolement de 3 000 bocaux : former les techniciens au contrôle des niveaux, "
                "au changement de liquide et aux règles de sécurité."
            ),
            "audience_size": 8,
            "wished_dates": "Février",
            "place": "Villeurbanne",
            "budget": "3200",
        },
    ),
    (
        "musee-ville",
        "win",
        {
            "structure_name": "Musée d'histoire naturelle de la ville (démonstration)",
            "structure_address": "5 boulevard du Muséum, 21000 Dijon",
            "contact_name": "Lucie Perrin",
            "contact_job_title": "Responsable des publics",
            "contact_email": "lucie.perrin@musee-ville.demo.ocim.fr",
            "topic": "Écrire les textes d'une exposition permanente",
            "description": (
                "Refonte de la galerie de zoologie : toute l'équipe rédige les textes et "
                "cartels. Nous souhaitons une formation dans nos murs."
            ),
            "audience_size": 10,
            "wished_dates": "Dans trois mois",
            "place": "Dans nos locaux, à Dijon",
            "budget": "2800",
        },
    ),
    (
        "association-fablab",
        "lose",
        {
            "structure_name": "Association Fabrique des sciences",
            "contact_name": "Yanis Benali",
            "contact_email": "yanis.benali@fabrique.demo.ocim.fr",
            "topic": "Animer un fablab dans un musée",
            "audience_size": 4,
            "wished_dates": "Cet été",
        },
    ),
]
# The course (by slug) a won request becomes a private session of.
TAILOR_MADE_COURSE = "ecrire-textes-exposition"
