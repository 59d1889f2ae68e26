"""Texts of the demonstration magazine: invented issues, articles and people, written for this
project (no text is taken from real issues of La Lettre de l'Ocim).

Issue dates are given in months before today, so that the demo always shows open issues and
issues still behind the moving wall.
"""

MAGAZINE = {
    "title": "La Lettre de l'Ocim",
    "slug": "lettre",
    "subtitle": "Musées, patrimoine et culture scientifique et technique",
    "issn_print": "0994-1908",
    "publisher": "Ocim – Université Bourgogne Europe",
    "intro": (
        "<p>Trois numéros par an, chacun construit autour d'un dossier thématique, pour les "
        "professionnels des musées, du patrimoine et de la culture scientifique. Les textes "
        "sont en accès ouvert un an après leur parution.</p>"
    ),
    "masthead": [
        ("Directeur de la publication", "Direction de l'Ocim"),
        ("Rédactrice en chef", "Rédaction de la Lettre"),
        ("Édition électronique", "Service numérique de l'Ocim"),
    ],
}

# The callout added to the "Édition" mission page (main menu), leading to the magazine.
MISSION_TITLE = "La Lettre de l'Ocim"
MISSION_LINK_LABEL = "Lire les numéros de La Lettre de l'Ocim"

RUBRICS = [
    ("dossier", "Dossier", 10),
    ("articles", "Articles", 20),
    ("observatoire", "Observatoire", 30),
    ("reperes", "Repères", 40),
]

# key: (first name, last name, affiliation)
PEOPLE = {
    "aubert": ("Claire", "Aubert", "Muséum d'histoire naturelle (démonstration)"),
    "benhamou": ("Karim", "Benhamou", "Université de démonstration, laboratoire de muséologie"),
    "carpentier": ("Élise", "Carpentier", "Planétarium municipal (démonstration)"),
    "delorme": ("Thomas", "Delorme", "Centre de culture scientifique (démonstration)"),
    "esnault": ("Marion", "Esnault", "Jardin botanique universitaire (démonstration)"),
    "fabre": ("Julien", "Fabre", "Ocim, observatoire"),
    "garnier": ("Sophie", "Garnier", "Réseau des tiers-lieux de science (démonstration)"),
    "hamel": ("Nicolas", "Hamel", "Service des collections universitaires (démonstration)"),
}

# (rubric, title, translated title, authors, abstract fr, abstract en, paragraphs)
ISSUES = [
    {
        "months_ago": 44,
        "title": "Médiation des trous noirs / Définir le musée",
        "dossier_title": "Médiation des trous noirs",
        "guest_editors": "Élise Carpentier",
        "editorial": (
            "<p>Comment parler d'un objet que personne n'a jamais vu ? Ce dossier suit des "
            "médiateurs qui ont relevé le défi, du planétarium à la classe. Il croise un débat "
            "qui traverse toute la profession : ce qu'un musée est, et ce qu'il n'est pas.</p>"
        ),
        "articles": [
            (
                "dossier",
                "Montrer l'invisible : les trous noirs au planétarium",
                "Showing the invisible: black holes at the planetarium",
                ["carpentier"],
                "Un planétarium raconte comment il a construit une séance sur les trous noirs "
                "sans image spectaculaire à offrir, en misant sur les questions du public.",
                "A planetarium explains how it built a show on black holes around the "
                "audience's questions rather than spectacular images.",
                [
                    "La première version de la séance promettait beaucoup d'images et peu "
                    "d'explications. Les retours des spectateurs ont conduit l'équipe à inverser "
                    "la démarche : partir des questions les plus fréquentes et construire le "
                    "récit autour d'elles.",
                    "Le dispositif final alterne des moments de projection et des temps "
                    "d'échange avec le médiateur. Il s'appuie sur des analogies testées auprès "
                    "de groupes scolaires avant d'être généralisées.",
                ],
            ),
            (
                "dossier",
                "Des trous noirs en classe : un atelier itinérant",
                "Black holes in the classroom: a travelling workshop",
                ["delorme", "carpentier"],
                "Un centre de culture scientifique présente un atelier itinérant pour les "
                "collèges : manipulations simples, jeu de rôle et carnet d'enquête.",
                "A science centre presents a travelling workshop for secondary schools built "
                "on simple experiments, role play and an investigation notebook.",
                [
                    "L'atelier tient dans deux malles et se déploie en vingt minutes. Les élèves "
                    "y manipulent des modèles de courbure de l'espace réalisés avec des toiles "
                    "tendues et des billes de masses différentes.",
                    "Une enquête menée auprès des enseignants montre que le carnet, emporté en "
                    "classe après la séance, prolonge l'expérience bien plus qu'une fiche "
                    "pédagogique classique.",
                ],
            ),
            (
                "articles",
                "Définir le musée : ce que change la nouvelle définition de l'ICOM",
                "Defining the museum: what the new ICOM definition changes",
                ["benhamou"],
                "Retour sur les débats qui ont conduit à la définition du musée adoptée par "
                "l'ICOM en 2022 et sur ses effets possibles pour les établissements de "
                "culture scientifique.",
                "A look back at the debates behind the museum definition adopted by ICOM in "
                "2022 and at what it may change for science museums.",
                [
                    "La définition adoptée à Prague insiste sur l'accessibilité, l'inclusion et "
                    "la participation des communautés. Pour les établissements de culture "
                    "scientifique, ces termes recouvrent des pratiques déjà anciennes.",
                    "L'article propose une grille de lecture pour situer les centres de "
                    "sciences, les jardins et les planétariums au regard de cette définition.",
                ],
            ),
            (
                "reperes",
                "Repères : ressources pour parler d'astrophysique",
                "Landmarks: resources for talking about astrophysics",
                ["fabre"],
                "Une sélection commentée de ressources pour préparer une médiation sur "
                "l'astrophysique : ouvrages, expositions itinérantes, réseaux.",
                "An annotated selection of resources for astrophysics outreach.",
                [
                    "Cette sélection privilégie les ressources réutilisables par une petite "
                    "équipe : expositions itinérantes empruntables, kits pédagogiques et "
                    "réseaux d'échange entre médiateurs.",
                ],
            ),
        ],
    },
    {
        "months_ago": 32,
        "title": "Cartographier la culture scientifique",
        "dossier_title": "Cartographier les acteurs",
        "guest_editors": "Julien Fabre",
        "editorial": (
            "<p>Qui fait de la culture scientifique, et où ? Recenser les acteurs est un "
            "préalable à toute politique territoriale. Ce dossier présente des méthodes, des "
            "outils et les premiers résultats d'un inventaire national.</p>"
        ),
        "articles": [
            (
                "dossier",
                "Recenser les acteurs : méthode d'un inventaire national",
                "Counting the actors: the method of a national inventory",
                ["fabre"],
                "L'observatoire de l'Ocim expose les critères d'inclusion, les sources et la "
                "méthode de mise à jour de son inventaire des acteurs.",
                "Ocim's observatory sets out the inclusion criteria, sources and update "
                "method of its inventory of actors.",
                [
                    "Un acteur entre dans l'inventaire s'il remplit au moins une condition, la "
                    "première étant la notion d'espace muséal au sens de l'ICOM. Les autres "
                    "conditions couvrent les associations, les tiers-lieux et les services "
                    "universitaires.",
                    "La mise à jour repose sur les acteurs eux-mêmes, sous modération, et sur "
                    "le croisement de sources publiques.",
                ],
            ),
            (
                "dossier",
                "Cartes et territoires : ce que montrent les données",
                "Maps and territories: what the data show",
                ["fabre", "benhamou"],
                "Premiers résultats : densité d'acteurs par département, rapportée à la "
                "population, et zones peu couvertes.",
                "First results: density of actors per department, per inhabitant, and "
                "poorly covered areas.",
                [
                    "Rapportée à la population, la densité d'acteurs varie fortement d'un "
                    "département à l'autre. Les zones rurales ne sont pas toujours les moins "
                    "dotées : les réseaux associatifs y jouent un rôle important.",
                    "Les cartes publiées avec ce dossier sont accompagnées de leurs tableaux, "
                    "afin que chacun puisse vérifier et réutiliser les chiffres.",
                ],
            ),
            (
                "articles",
                "Un atlas participatif en région",
                "A participatory atlas in one region",
                ["delorme"],
                "Un réseau régional raconte la construction d'un atlas des lieux de science "
                "avec ses membres.",
                "A regional network tells how it built an atlas of science venues with its "
                "members.",
                [
                    "Chaque structure du réseau a renseigné sa fiche lors d'ateliers collectifs. "
                    "Ces rencontres ont fait apparaître des partenariats jusque-là invisibles.",
                ],
            ),
            (
                "observatoire",
                "Observatoire : les chiffres de la fréquentation",
                "Observatory: attendance figures",
                ["fabre"],
                "Analyse des chiffres de fréquentation déclarés par les établissements sur "
                "cinq ans.",
                "An analysis of attendance figures reported by institutions over five years.",
                [
                    "Les chiffres déclarés montrent une reprise nette après les années de "
                    "fermeture, mais des écarts importants selon la taille des établissements.",
                ],
            ),
        ],
    },
    {
        "months_ago": 20,
        "title": "Durabilité : muséums et jardins botaniques",
        "dossier_title": "Muséums et jardins botaniques face au défi de la durabilité",
        "guest_editors": "Marion Esnault, Claire Aubert",
        "editorial": (
            "<p>Réduire l'empreinte des expositions, conserver autrement, faire du jardin un "
            "lieu de débat sur le vivant : les muséums et les jardins botaniques n'ont pas "
            "attendu pour agir. Ce dossier rassemble leurs expériences.</p>"
        ),
        "articles": [
            (
                "dossier",
                "Écoconcevoir une exposition de muséum",
                "Eco-designing a natural history exhibition",
                ["aubert"],
                "Un muséum détaille les choix d'écoconception d'une exposition temporaire : "
                "mobilier réemployé, éclairage sobre, transports réduits.",
                "A natural history museum details the eco-design choices of a temporary "
                "exhibition: reused furniture, frugal lighting, fewer transports.",
                [
                    "Le cahier des charges fixait un objectif simple : que la moitié du "
                    "mobilier provienne d'expositions précédentes. L'objectif a été dépassé.",
                    "Le bilan carbone réalisé après l'exposition montre que les transports "
                    "d'œuvres restent le premier poste, loin devant la scénographie.",
                ],
            ),
            (
                "dossier",
                "Le jardin botanique, lieu de débat sur le vivant",
                "The botanical garden as a place of debate on living things",
                ["esnault"],
                "Un jardin universitaire transforme ses visites en ateliers de discussion "
                "sur la biodiversité et le changement climatique.",
                "A university garden turns its tours into discussion workshops on "
                "biodiversity and climate change.",
                [
                    "Les visites commencent désormais par une question posée aux visiteurs, "
                    "qui guide le parcours. Les jardiniers y interviennent comme témoins de "
                    "l'évolution des collections vivantes.",
                ],
            ),
            (
                "dossier",
                "Conserver autrement : climat des réserves et sobriété",
                "Conserving differently: storage climate and frugality",
                ["aubert", "hamel"],
                "Élargir les plages de température et d'humidité des réserves : retour "
                "d'expérience et précautions.",
                "Widening temperature and humidity ranges in storage: lessons learnt and "
                "precautions.",
                [
                    "Des consignes climatiques plus larges réduisent fortement la consommation "
                    "d'énergie, à condition de surveiller les collections les plus sensibles "
                    "et de documenter chaque changement.",
                ],
            ),
            (
                "reperes",
                "Repères : guides et référentiels de l'écoconception",
                "Landmarks: eco-design guides and standards",
                ["fabre"],
                "Les principaux guides disponibles pour écoconcevoir une exposition.",
                "The main guides available for eco-designing an exhibition.",
                [
                    "Ces guides proposent des indicateurs simples, utilisables dès la "
                    "conception d'un projet, et des retours d'expérience détaillés.",
                ],
            ),
        ],
    },
    {
        "months_ago": 14,
        "title": "Tiers-lieux de science",
        "dossier_title": "Les tiers-lieux de science",
        "guest_editors": "Sophie Garnier",
        "editorial": (
            "<p>Fablabs, laboratoires citoyens, cafés des sciences : les tiers-lieux "
            "renouvellent la rencontre entre sciences et société. Quelle place leur faire à "
            "côté des musées ?</p>"
        ),
        "articles": [
            (
                "dossier",
                "Fablabs et musées : des partenariats qui durent",
                "Fablabs and museums: lasting partnerships",
                ["garnier"],
                "Trois partenariats entre fablabs et musées analysés sur plusieurs années.",
                "Three partnerships between fablabs and museums analysed over several years.",
                [
                    "Les partenariats qui durent reposent sur un projet commun identifié dès "
                    "le départ et sur des personnes ressources dans chaque structure.",
                ],
            ),
            (
                "dossier",
                "Sciences participatives dans un laboratoire citoyen",
                "Citizen science in a community laboratory",
                ["garnier", "benhamou"],
                "Comment un laboratoire citoyen organise des protocoles de sciences "
                "participatives avec des chercheurs.",
                "How a community laboratory runs citizen science protocols with researchers.",
                [
                    "Les participants collectent des données selon des protocoles co-écrits "
                    "avec les chercheurs, qui reviennent présenter les résultats.",
                ],
            ),
            (
                "articles",
                "Former les médiateurs à l'animation de tiers-lieux",
                "Training facilitators for third places",
                ["delorme"],
                "Les compétences attendues des médiateurs qui animent un tiers-lieu de "
                "science, et les formations qui y préparent.",
                "The skills expected from facilitators of science third places, and the "
                "training that prepares for them.",
                [
                    "Animer un tiers-lieu demande de savoir accompagner des projets portés par "
                    "les usagers plutôt que de transmettre un contenu préparé à l'avance.",
                ],
            ),
            (
                "observatoire",
                "Observatoire : combien de tiers-lieux de science ?",
                "Observatory: how many science third places?",
                ["fabre"],
                "Un premier comptage des tiers-lieux de science dans l'inventaire.",
                "A first count of science third places in the inventory.",
                [
                    "Le comptage montre une croissance régulière, portée surtout par les "
                    "villes moyennes.",
                ],
            ),
        ],
    },
    {
        "months_ago": 8,
        "title": "Émotions et apprentissages",
        "dossier_title": "L'émotion dans les expositions de sciences",
        "guest_editors": "Karim Benhamou",
        "editorial": (
            "<p>Longtemps tenue à distance, l'émotion est devenue un objet de recherche et un "
            "outil de conception. Ce dossier fait le point sur ce que l'on sait de son rôle "
            "dans les apprentissages.</p>"
        ),
        "articles": [
            (
                "dossier",
                "Ce que la recherche dit de l'émotion au musée",
                "What research says about emotion in museums",
                ["benhamou"],
                "Une synthèse des travaux récents sur le rôle des émotions dans la visite "
                "et la mémorisation.",
                "A review of recent research on the role of emotions in visits and memory.",
                [
                    "Les études convergent : une émotion modérée favorise l'attention et la "
                    "mémorisation, à condition qu'elle soit reliée au contenu.",
                    "Les dispositifs immersifs ne produisent pas automatiquement cet effet ; "
                    "leur conception compte davantage que leur technologie.",
                ],
            ),
            (
                "dossier",
                "Concevoir avec l'émotion : une exposition sur les animaux disparus",
                "Designing with emotion: an exhibition on extinct animals",
                ["aubert"],
                "Les choix de conception d'une exposition qui assume de toucher le visiteur.",
                "Design choices of an exhibition that deliberately moves its visitors.",
                [
                    "L'exposition s'ouvre sur un silence : une salle presque vide, un seul "
                    "spécimen. Les visiteurs y restent plus longtemps que prévu.",
                ],
            ),
            (
                "articles",
                "Évaluer l'émotion sans la réduire",
                "Evaluating emotion without reducing it",
                ["benhamou", "delorme"],
                "Méthodes d'évaluation qualitatives et quantitatives de l'émotion en exposition.",
                "Qualitative and quantitative methods for evaluating emotion in exhibitions.",
                [
                    "Les entretiens à la sortie restent la méthode la plus riche, complétée "
                    "par l'observation des parcours.",
                ],
            ),
            (
                "reperes",
                "Repères : lectures sur l'émotion et les publics",
                "Landmarks: readings on emotion and audiences",
                ["fabre"],
                "Une bibliographie sélective pour aller plus loin.",
                "A selective bibliography for further reading.",
                [
                    "Cette bibliographie rassemble des ouvrages de synthèse et des études de "
                    "cas accessibles aux praticiens.",
                ],
            ),
        ],
    },
    {
        "months_ago": 4,
        "title": "Collections universitaires",
        "dossier_title": "Ouvrir les réserves des universités",
        "guest_editors": "Nicolas Hamel",
        "editorial": (
            "<p>Les universités conservent des collections scientifiques considérables, "
            "souvent méconnues. Ce dossier montre comment elles s'ouvrent aux chercheurs, aux "
            "étudiants et au public.</p>"
        ),
        "open_early": 0,  # the first article is opened early (free to read at once)
        "articles": [
            (
                "dossier",
                "Inventorier avant d'ouvrir : le chantier des collections",
                "Inventory before opening: the collections project",
                ["hamel"],
                "Un service universitaire décrit le récolement de ses collections "
                "scientifiques, préalable à toute ouverture.",
                "A university service describes the inventory of its scientific "
                "collections, the first step before opening them.",
                [
                    "Le récolement a duré trois ans et mobilisé des étudiants formés à la "
                    "manipulation des spécimens et à la saisie des données.",
                    "Il a permis de retrouver des ensembles oubliés, dont certains sont "
                    "aujourd'hui exposés.",
                ],
            ),
            (
                "dossier",
                "Des réserves visitables pour les étudiants",
                "Visitable storage for students",
                ["hamel", "esnault"],
                "Aménager une réserve pour accueillir des groupes d'étudiants sans mettre "
                "les collections en danger.",
                "Fitting out storage to welcome groups of students without endangering the "
                "collections.",
                [
                    "Un parcours balisé et des vitrines de consultation permettent des "
                    "visites régulières de petits groupes accompagnés.",
                ],
            ),
            (
                "articles",
                "Collections en fluide : sécurité et conservation",
                "Fluid-preserved collections: safety and conservation",
                ["aubert"],
                "Les bonnes pratiques de conservation et de sécurité pour les collections "
                "en fluide.",
                "Good practice for the conservation and safety of fluid-preserved collections.",
                [
                    "Le contrôle régulier des niveaux et la traçabilité des liquides sont les "
                    "deux piliers d'une conservation sûre.",
                ],
            ),
            (
                "observatoire",
                "Observatoire : les collections universitaires en chiffres",
                "Observatory: university collections in figures",
                ["fabre", "hamel"],
                "Une estimation du nombre de collections universitaires et de leur "
                "ouverture au public.",
                "An estimate of the number of university collections and of their opening "
                "to the public.",
                [
                    "Moins d'un tiers des collections recensées accueillent le public de "
                    "façon régulière.",
                ],
            ),
        ],
    },
]

# Issues appear three times a year: January-April, May-August, September-December.
PERIODS = [
    (1, "janvier-avril"),
    (5, "mai-août"),
    (9, "septembre-décembre"),
]
FIRST_NUMBER = 207
