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
        # Notes of the articles, by their position in the issue (called as [1], [2]… in the text).
        "notes": {
            0: [
                "Première séance, présentée pendant six mois à partir de simulations numériques "
                "publiées par des équipes de recherche.",
                "Les questions ont été recueillies sur des fiches laissées à la sortie de la "
                "salle, puis classées par thème avec l'équipe de médiation.",
            ]
        },
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
                    "d'explications [1]. Les retours des spectateurs ont conduit l'équipe à "
                    "inverser la démarche : partir des questions les plus fréquentes et "
                    "construire le récit autour d'elles [2].",
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

# --- News and web articles --------------------------------------------------------------------
# Invented for the demo. Dates are given in days before today; "issue" is the position of the
# related issue in ISSUES (the news is then listed on that issue's dossier page).

PEOPLE.update(
    {
        "lambert": ("Inès", "Lambert", "Ocim, pôle formation"),
        "moreau": ("Paul", "Moreau", "Ocim, veille et documentation"),
        "roux": ("Léa", "Roux", "Ostéothèque d'un muséum (démonstration)"),
    }
)

NEWS_INDEX = {
    "title": "Actualités",
    "slug": "actualites",
    "intro": (
        "<p>La vie du réseau des musées, du patrimoine et de la culture scientifique : appels à "
        "projets, formations, publications, rencontres professionnelles et articles écrits pour "
        "le web.</p>"
    ),
}

# (slug, name)
NEWS_CATEGORIES = [
    ("vie-du-reseau", "Vie du réseau"),
    ("formation", "Formation"),
    ("appels-a-projets", "Appels à projets"),
    ("publications", "Publications"),
    ("rencontres", "Rencontres professionnelles"),
]

# Dossier pages of the magazine: (position of the issue in ISSUES, introduction).
DOSSIERS = [
    (
        2,
        "<p>Réduire l'empreinte des expositions, ménager les collections vivantes et les "
        "collections de référence : les muséums et les jardins botaniques racontent ce qu'ils "
        "ont changé, et ce qui leur résiste.</p>",
    ),
    (
        3,
        "<p>Fablabs, ateliers partagés, cafés des sciences : ce dossier observe comment les "
        "tiers-lieux font une place à la culture scientifique, et ce qu'ils demandent en "
        "retour aux institutions.</p>",
    ),
    (
        5,
        "<p>Herbiers, moulages, instruments, collections d'enseignement : les universités "
        "ouvrent leurs réserves. Le dossier suit les équipes qui inventorient, conservent et "
        "montrent.</p>",
    ),
]

NEWS = [
    {
        "days_ago": 6,
        "kind": "news",
        "category": "formation",
        "tags": ["formation", "éclairage", "conservation préventive"],
        "authors": ["lambert"],
        "title": "Éclairer une exposition sans abîmer les objets : une nouvelle session",
        "lead": (
            "Une formation de trois jours pour concilier confort de visite, lisibilité des "
            "objets et exigences de conservation."
        ),
        "paragraphs": [
            "Les participants travailleront dans une salle d'exposition en cours de montage. "
            "Ils mesureront les niveaux d'éclairement, compareront des sources à LED de "
            "plusieurs températures de couleur et calculeront les doses annuelles reçues par "
            "des œuvres sur papier et des textiles.",
            "La dernière demi-journée est consacrée à la rédaction d'un cahier des charges "
            "d'éclairage, à adapter ensuite à leur établissement. La session s'adresse aux "
            "régisseurs, scénographes et responsables des collections.",
        ],
    },
    {
        "days_ago": 19,
        "kind": "article",
        "category": "publications",
        "tags": ["ostéologie", "collections", "muséum"],
        "authors": ["roux"],
        "title": "Ce que les os racontent : visite d'une ostéothèque",
        "lead": (
            "Squelettes de comparaison, ossements archéologiques, pièces pédagogiques : une "
            "collection de référence rarement montrée, et pourtant consultée chaque semaine."
        ),
        "paragraphs": [
            "L'ostéothèque occupe deux salles au sous-sol du muséum. Chaque boîte porte un "
            "numéro d'inventaire, l'espèce, l'âge estimé et l'origine de l'individu. Les "
            "archéozoologues viennent y comparer des fragments trouvés en fouille ; les "
            "étudiants en vétérinaire y apprennent l'anatomie à partir de vraies pièces.",
            "La conservation pose des questions particulières : les os restent sensibles à "
            "l'humidité et aux variations de température, et certains anciens traitements au "
            "vernis compliquent les analyses. L'équipe reconditionne la collection par lots, "
            "en priorité les pièces les plus consultées.",
            "Une sélection sera présentée au public lors des prochaines journées portes "
            "ouvertes, avec une table de manipulation de moulages.",
        ],
    },
    {
        "days_ago": 34,
        "kind": "news",
        "category": "appels-a-projets",
        "tags": ["appel à projets", "tiers-lieux", "culture scientifique"],
        "authors": [],
        "title": "Appel à projets : la science dans les tiers-lieux ruraux",
        "lead": (
            "Les tiers-lieux situés hors des grandes agglomérations peuvent proposer un "
            "programme d'ateliers scientifiques construit avec un musée ou un laboratoire."
        ),
        "paragraphs": [
            "Les projets retenus recevront une aide au démarrage et un accompagnement par un "
            "médiateur expérimenté pendant une saison. Le partenariat avec au moins une "
            "institution scientifique ou culturelle est obligatoire.",
            "Les dossiers décrivent le public visé, le calendrier des ateliers et la manière "
            "dont les habitants seront associés à leur conception. Les candidatures se font "
            "en ligne, sans pièce justificative à ce stade.",
        ],
    },
    {
        "days_ago": 58,
        "kind": "news",
        "category": "vie-du-reseau",
        "tags": ["collections universitaires", "inventaire"],
        "authors": ["hamel"],
        "title": "Un réseau régional pour les collections universitaires",
        "lead": (
            "Une dizaine d'établissements d'enseignement supérieur mettent en commun leurs "
            "outils d'inventaire et leurs bonnes pratiques de conservation."
        ),
        "paragraphs": [
            "Le réseau est né des échanges suscités par le dernier numéro de la Lettre. Ses "
            "membres ont d'abord recensé les collections de chaque campus : herbiers, "
            "collections de minéraux, instruments de physique, moulages d'anatomie.",
            "Un premier chantier porte sur un vocabulaire commun pour décrire l'état de "
            "conservation des objets, afin de comparer les besoins et de préparer des demandes "
            "de financement groupées.",
        ],
        "issue": 5,
    },
    {
        "days_ago": 85,
        "kind": "article",
        "category": "publications",
        "tags": ["collections universitaires", "herbier", "réserves"],
        "authors": ["esnault", "hamel"],
        "title": "Ouvrir un herbier universitaire au public : carnet de bord",
        "lead": (
            "Comment une équipe de trois personnes a transformé une salle de stockage en "
            "réserve visitable, sans fermer l'herbier aux chercheurs."
        ),
        "paragraphs": [
            "Le projet a commencé par un constat simple : les planches les plus demandées "
            "étaient aussi les plus manipulées, et donc les plus fragiles. L'équipe a choisi "
            "de numériser ces planches en priorité et de présenter des fac-similés lors des "
            "visites.",
            "Les visites ont lieu deux fois par mois, en petits groupes. Un parcours au sol "
            "évite de circuler entre les armoires, et une vitrine climatisée accueille chaque "
            "trimestre une sélection d'originaux choisie avec les chercheurs.",
        ],
        "issue": 5,
    },
    {
        "days_ago": 120,
        "kind": "news",
        "category": "rencontres",
        "tags": ["médiation", "émotions", "rencontre"],
        "authors": ["delorme"],
        "title": "Rencontre : l'émotion, alliée ou obstacle de la médiation ?",
        "lead": (
            "Une journée d'échanges entre médiateurs, chercheurs en sciences de l'éducation et "
            "concepteurs d'exposition, dans le prolongement d'un dossier de la Lettre."
        ),
        "paragraphs": [
            "Les intervenants présenteront des études menées dans des centres de sciences : "
            "ce que les visiteurs retiennent d'une exposition qui les a surpris, inquiétés ou "
            "amusés, et ce qu'ils en disent plusieurs semaines après.",
            "L'après-midi, des ateliers permettront de tester des dispositifs de médiation et "
            "de discuter de leurs effets avec les équipes qui les ont conçus.",
        ],
        "issue": 4,
    },
    {
        "days_ago": 160,
        "kind": "news",
        "category": "formation",
        "tags": ["formation", "médiation", "publics"],
        "authors": ["lambert"],
        "title": "Concevoir une visite pour les publics éloignés des musées : inscriptions",
        "lead": (
            "Le catalogue de formation s'enrichit d'un module consacré aux publics qui ne "
            "viennent pas spontanément dans les musées."
        ),
        "paragraphs": [
            "Le module alterne apports méthodologiques et études de cas : partenariats avec "
            "des structures sociales, visites hors les murs, accueil de groupes en "
            "apprentissage du français.",
            "Chaque participant repart avec un projet de visite esquissé pendant la formation "
            "et relu par les formateurs. Les demandes de formation sur mesure pour une équipe "
            "entière sont également possibles.",
        ],
    },
    {
        "days_ago": 215,
        "kind": "article",
        "category": "vie-du-reseau",
        "tags": ["tiers-lieux", "fablab", "culture scientifique"],
        "authors": ["garnier"],
        "title": "Dans un fablab, une exposition fabriquée par ses visiteurs",
        "lead": (
            "Pendant six mois, les usagers d'un atelier partagé ont conçu et construit les "
            "modules d'une petite exposition sur l'énergie."
        ),
        "paragraphs": [
            "Le musée partenaire a prêté des objets et un scénographe ; le fablab a fourni les "
            "machines et l'animation des séances. Chaque module a été prototypé, testé avec "
            "des enfants du quartier, puis reconstruit.",
            "L'exposition circule désormais dans les médiathèques du département. Les plans "
            "des modules sont publiés sous licence libre pour que d'autres lieux puissent les "
            "reproduire.",
        ],
        "issue": 3,
    },
    {
        "days_ago": 290,
        "kind": "news",
        "category": "publications",
        "tags": ["tiers-lieux", "étude"],
        "authors": ["fabre"],
        "title": "Tiers-lieux de science : les premiers résultats de l'enquête",
        "lead": (
            "Qui sont les tiers-lieux qui proposent des activités scientifiques, et avec "
            "quels moyens ? L'observatoire publie une synthèse."
        ),
        "paragraphs": [
            "La majorité des lieux interrogés fonctionnent avec une équipe salariée réduite et "
            "s'appuient largement sur des bénévoles. Les activités scientifiques y sont "
            "souvent ponctuelles, liées à un partenariat ou à un appel à projets.",
            "Les répondants expriment un besoin de formation à la médiation et d'accès à des "
            "ressources prêtes à l'emploi. La synthèse complète est disponible sur demande "
            "auprès de l'observatoire.",
        ],
        "issue": 3,
    },
    {
        "days_ago": 360,
        "kind": "news",
        "category": "rencontres",
        "tags": ["jardin botanique", "durabilité", "rencontre"],
        "authors": ["esnault"],
        "title": "Les jardins botaniques face aux étés secs",
        "lead": (
            "Une rencontre professionnelle consacrée à l'adaptation des collections vivantes "
            "aux sécheresses répétées."
        ),
        "paragraphs": [
            "Jardiniers et conservateurs partageront leurs choix : récupération des eaux de "
            "pluie, paillage, déplacement de certaines collections, abandon assumé de "
            "quelques espèces trop exigeantes.",
            "Une table ronde abordera la manière d'expliquer ces changements aux visiteurs, "
            "qui découvrent parfois des massifs moins fleuris qu'autrefois.",
        ],
        "issue": 2,
    },
    {
        "days_ago": 430,
        "kind": "article",
        "category": "publications",
        "tags": ["muséum", "durabilité", "exposition"],
        "authors": ["aubert"],
        "title": "Une exposition temporaire presque entièrement réemployée",
        "lead": (
            "Cimaises, vitrines, socles : un muséum a monté sa dernière exposition avec le "
            "mobilier des trois précédentes. Bilan chiffré."
        ),
        "paragraphs": [
            "L'équipe a tenu un inventaire du mobilier démonté depuis plusieurs années, avec "
            "les dimensions et l'état de chaque élément. Le scénographe a conçu le parcours à "
            "partir de ce stock plutôt que d'une page blanche.",
            "Le budget de fabrication a nettement baissé, mais le temps de conception a "
            "augmenté. Le muséum envisage de partager son inventaire avec d'autres "
            "établissements de la région.",
        ],
        "issue": 2,
    },
    {
        "days_ago": 505,
        "kind": "news",
        "category": "appels-a-projets",
        "tags": ["appel à projets", "numérisation", "collections"],
        "authors": [],
        "title": "Numériser les collections d'histoire naturelle : un appel ouvert",
        "lead": (
            "Un programme soutient la numérisation de spécimens et la publication de leurs "
            "données dans des bases ouvertes."
        ),
        "paragraphs": [
            "Les projets doivent porter sur des collections inventoriées et prévoir la "
            "diffusion des images et des données sous une licence ouverte. Les petites "
            "structures peuvent candidater en consortium.",
            "Une session d'information en ligne présentera les critères et répondra aux "
            "questions des candidats.",
        ],
    },
    {
        "days_ago": 580,
        "kind": "news",
        "category": "formation",
        "tags": ["formation", "collections", "régie"],
        "authors": ["lambert"],
        "title": "Régie des collections : une formation en réserve",
        "lead": (
            "Trois jours dans les réserves d'un musée partenaire pour pratiquer le récolement, "
            "le marquage et le conditionnement."
        ),
        "paragraphs": [
            "Les participants manipulent des objets de différentes natures, rédigent des "
            "constats d'état et mettent en œuvre un protocole de récolement sur un ensemble "
            "réel.",
            "La formation s'adresse aux personnes qui prennent en charge des collections sans "
            "formation spécialisée, notamment dans les petits musées et les collections "
            "universitaires.",
        ],
    },
    {
        "days_ago": 660,
        "kind": "article",
        "category": "vie-du-reseau",
        "tags": ["cartographie", "culture scientifique", "observatoire"],
        "authors": ["fabre", "benhamou"],
        "title": "Pourquoi cartographier les acteurs de la culture scientifique ?",
        "lead": (
            "Retour sur les choix faits pour construire une carte des acteurs : ce qu'on "
            "compte, ce qu'on laisse de côté et pourquoi."
        ),
        "paragraphs": [
            "Une carte n'est jamais neutre : elle donne de la visibilité à ceux qu'elle "
            "recense. Les auteurs expliquent les critères retenus et les débats qu'ils ont "
            "suscités, notamment pour les associations et les tiers-lieux.",
            "Ils insistent sur la mise à jour : une carte figée vieillit vite. Les acteurs "
            "peuvent désormais signaler eux-mêmes les changements, vérifiés ensuite par "
            "l'observatoire.",
        ],
        "issue": 1,
    },
    {
        "days_ago": 740,
        "kind": "news",
        "category": "publications",
        "tags": ["cartographie", "territoires"],
        "authors": ["fabre"],
        "title": "La carte des acteurs s'étend aux départements d'outre-mer",
        "lead": (
            "Musées, centres de sciences et associations des territoires ultramarins sont "
            "désormais recensés."
        ),
        "paragraphs": [
            "Le recensement a été mené avec les réseaux régionaux de culture scientifique. "
            "Il fait apparaître une forte présence des structures liées à l'environnement et "
            "à la biodiversité.",
            "Les fiches peuvent être complétées par les structures concernées, qui sont "
            "invitées à vérifier les informations publiées.",
        ],
        "issue": 1,
    },
    {
        "days_ago": 830,
        "kind": "news",
        "category": "rencontres",
        "tags": ["centre de sciences", "médiation", "rencontre"],
        "authors": ["delorme"],
        "title": "Centres de sciences : journée sur les expositions interactives",
        "lead": (
            "Concepteurs et médiateurs partagent leurs retours sur la maintenance et la "
            "durée de vie des éléments interactifs."
        ),
        "paragraphs": [
            "Un élément interactif qui tombe en panne dès la première semaine coûte cher et "
            "déçoit les visiteurs. La journée réunit des témoignages sur la robustesse, la "
            "réparabilité et l'accessibilité des dispositifs.",
            "Un temps sera consacré aux interactifs sans écran, moins fragiles et souvent "
            "mieux compris des jeunes enfants.",
        ],
    },
    {
        "days_ago": 910,
        "kind": "article",
        "category": "vie-du-reseau",
        "tags": ["définition du musée", "ICOM", "déontologie"],
        "authors": ["benhamou"],
        "title": "Définir le musée : ce que le débat a changé dans les équipes",
        "lead": (
            "Plusieurs années de discussion au sein du Conseil international des musées ont "
            "abouti à une nouvelle définition. Qu'en retiennent les professionnels ?"
        ),
        "paragraphs": [
            "Les mots nouveaux de la définition, participation, inclusion, durabilité, ont "
            "d'abord surpris. Les équipes interrogées disent pourtant qu'ils décrivent des "
            "pratiques déjà présentes dans leurs établissements.",
            "Pour certains, la définition sert désormais d'argument dans les échanges avec "
            "les tutelles. Pour d'autres, elle reste un texte lointain. Tous s'accordent sur "
            "l'intérêt d'en discuter en équipe.",
        ],
        "issue": 0,
    },
    {
        "days_ago": 990,
        "kind": "news",
        "category": "publications",
        "tags": ["définition du musée", "ICOM"],
        "authors": ["moreau"],
        "title": "Définition du musée : un dossier documentaire pour s'y retrouver",
        "lead": (
            "Le centre de documentation rassemble les textes, prises de position et analyses "
            "publiés pendant le débat."
        ),
        "paragraphs": [
            "Le dossier suit la chronologie des étapes de consultation et présente les "
            "principales versions discutées, avec des références pour approfondir.",
            "Il est accessible librement en ligne et peut être complété par les lecteurs qui "
            "signalent une ressource manquante.",
        ],
        "issue": 0,
    },
    {
        "days_ago": 1070,
        "kind": "news",
        "category": "formation",
        "tags": ["formation", "astronomie", "médiation"],
        "authors": ["carpentier", "lambert"],
        "title": "Animer une séance de planétarium : la formation revient",
        "lead": (
            "Une formation pour les médiateurs qui débutent sous la coupole ou qui veulent "
            "renouveler leurs séances."
        ),
        "paragraphs": [
            "Les participants apprennent à construire une séance à partir des questions du "
            "public, à gérer le noir et le rythme, et à utiliser le logiciel de simulation "
            "sans se laisser guider par lui.",
            "La formation se déroule dans un planétarium en activité, entre deux séances "
            "publiques observées puis analysées en groupe.",
        ],
        "issue": 0,
    },
    {
        "days_ago": 1150,
        "kind": "article",
        "category": "publications",
        "tags": ["muséum", "taxidermie", "collections"],
        "authors": ["aubert"],
        "title": "Restaurer une galerie de zoologie sans la vider",
        "lead": (
            "Un muséum a choisi de restaurer ses spécimens naturalisés sous les yeux des "
            "visiteurs. Récit d'un chantier ouvert."
        ),
        "paragraphs": [
            "Un atelier vitré installé au cœur de la galerie permet au public de suivre le "
            "travail des restaurateurs. Des panneaux expliquent chaque étape, du "
            "dépoussiérage à la reprise des pelages.",
            "Les médiateurs se sont appuyés sur ce chantier pour proposer des visites "
            "consacrées à l'histoire des collections et aux questions éthiques posées par "
            "les spécimens anciens.",
        ],
    },
    {
        "days_ago": 1240,
        "kind": "news",
        "category": "vie-du-reseau",
        "tags": ["centre de sciences", "réseau"],
        "authors": ["moreau"],
        "title": "Un annuaire des centres de sciences mis à jour",
        "lead": (
            "Coordonnées, thématiques et publics accueillis : l'annuaire du réseau a été "
            "entièrement révisé avec les structures."
        ),
        "paragraphs": [
            "Chaque structure a reçu sa fiche pour relecture. Les thématiques sont désormais "
            "décrites avec le vocabulaire commun utilisé dans toutes les publications de "
            "l'Ocim, ce qui facilite la recherche.",
            "L'annuaire sera mis à jour en continu : les changements signalés sont vérifiés "
            "chaque mois.",
        ],
    },
    {
        "days_ago": 1330,
        "kind": "news",
        "category": "rencontres",
        "tags": ["éclairage", "exposition", "rencontre"],
        "authors": ["delorme"],
        "title": "La lumière dans les expositions de sciences : appel à contributions",
        "lead": (
            "Une rencontre prépare un état des lieux des pratiques d'éclairage dans les "
            "expositions scientifiques et techniques."
        ),
        "paragraphs": [
            "Les organisateurs recherchent des retours d'expérience : passage aux LED, "
            "éclairage des écrans et des manipulations, lumière et fatigue des visiteurs.",
            "Les propositions, courtes, décrivent le projet et ce qu'il a appris à l'équipe. "
            "Une sélection sera présentée lors de la rencontre puis publiée.",
        ],
    },
]
