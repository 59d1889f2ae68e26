"""Invented texts for the publishing benchmark, with the word statistics of real writing.

A search is cheap or costly according to how many documents contain its words. In real text,
word frequencies follow Zipf's law: a word's frequency is roughly inversely proportional to its
rank, so a handful of words ("de", "musée", "collection") are in almost every document while
most words are in a few. Texts drawn uniformly from a hundred words have none of that: any two
words then occur together in nearly every document, and every query is the worst case.

This module draws words from ranked French and English vocabularies (written for the project,
ranked by how common they are in museum and heritage writing, function words included) with a
Zipf–Mandelbrot law, ``weight(rank) = 1 / (rank + ZIPF_SHIFT) ** ZIPF_EXPONENT``, and makes
texts topical as real articles are: each document has one or two themes, whose words come up
far more often in it than elsewhere. Everything is drawn from a seeded ``random.Random``: the
same seed gives the same corpus.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

ZIPF_EXPONENT = 1.0
ZIPF_SHIFT = 2.7
# Share of a body's words drawn from its themes (the rest from the whole language).
THEME_SHARE = 0.12
# Share of a title's words drawn from its themes (titles say what the text is about).
TITLE_THEME_SHARE = 0.45

# --- French ---------------------------------------------------------------------------------

# The most frequent words, in order: function words and the words of the field that every
# text uses.
_FRENCH_FREQUENT = """
de la le et les des à en un du une est pour que qui dans par sur au plus ne pas se il ce
musée sont avec ou son aux mais collection elle nous ses leur public cette ils on comme
patrimoine été tout sa même ces entre aussi dont exposition y sans bien fait peut deux
culture autres depuis ainsi très où après projet encore avant lors notamment chaque sous
musées tous toutes plusieurs donc alors fois cela celui ceux selon vers pendant chez afin
collections lorsque tant souvent toujours déjà parfois objet objets publics travail
scientifique recherche être avoir faire premier première nouvelle nouveau grand grande
médiation conservation lieu lieux place temps année années ville territoire région
"""

# Common words of the field, roughly from the most to the least frequent.
_FRENCH_GENERAL = """
professionnels équipe équipes question questions histoire pratique pratiques service services
programme réseau réseaux structure structures institution institutions établissement
établissements mission missions action actions enjeu enjeux démarche démarches outil outils
partenaires partenariat ensemble acteurs acteur développement politique politiques culturelle
culturel culturelles culturels visiteurs visiteur visite visites espace espaces expositions
permanente temporaire parcours salle salles œuvre œuvres pièce pièces fonds archives archive
documentation inventaire étude études enquête enquêtes résultats analyse données usage usages
accueil accès accessibilité publique national nationale nationaux local locale locaux
régional régionale départemental communal commune communes métropole État ministère
direction directeur directrice conservateur conservatrice conservateurs responsable
responsables chargé chargée agents personnel personnels métier métiers compétences formation
formations stage stages apprentissage enseignement école écoles scolaires élèves enseignants
jeunes enfants familles adultes habitants population société social sociale sociales
citoyens participation participatif participative dialogue échange échanges rencontre
rencontres journée journées colloque séminaire conférence débat table ronde atelier ateliers
animation animations activité activités offre programmation saison événement événements
festival manifestation fête nuit printemps été automne hiver siècle siècles époque période
passé présent avenir futur mémoire mémoires identité identités récit récits témoignage
témoignages regard regards point vue sens manière façon forme formes modèle modèles cadre
contexte situation condition conditions moyens ressources budget budgets financement
financements coût coûts économie économique économiques gestion organisation fonctionnement
stratégie stratégies objectif objectifs priorité priorités orientation orientations plan
schéma charte convention conventions contrat label labels reconnaissance appellation
dispositif dispositifs procédure procédures règle règles norme normes cadre juridique droit
droits loi code propriété auteur auteurs image images photographie photographies film films
vidéo son sonore musique livre livres ouvrage ouvrages catalogue catalogues publication
publications revue revues article articles numéro texte textes écrit écriture lecture
lecteurs langue langues français anglais international internationale europe européen
européenne monde mondial pays france paris lyon marseille lille bordeaux toulouse nantes
strasbourg dijon montpellier rennes grenoble nancy rouen besançon tours orléans
clermont reims metz caen limoges poitiers brest amiens avignon nîmes perpignan bayonne
outre-mer guadeloupe martinique guyane réunion mayotte corse bretagne normandie occitanie
provence alsace lorraine bourgogne auvergne aquitaine picardie champagne savoie alpes
pyrénées loire rhône seine garonne littoral montagne campagne rural rurale urbain urbaine
quartier quartiers centre centres maison maisons château châteaux abbaye cathédrale église
site sites monument monuments bâtiment bâtiments architecture architecte architectes
construction rénovation travaux chantier chantiers extension réouverture fermeture ouverture
inauguration création fondation origine origines naissance développement évolution
transformation changement changements mutation mutations innovation innovations expérience
expériences expérimentation test essai bilan évaluation indicateur indicateurs mesure mesures
chiffres nombre nombres part hausse baisse croissance progression fréquentation entrées
billetterie tarif tarifs gratuité gratuit payant horaires ouverture dimanche semaine mois
jour jours heure heures durée long longue court courte petit petite grands grandes petits
petites nouveaux nouvelles anciens ancienne ancien ancienne vieux jeune important importante
importants majeur majeure principal principale principaux essentiel essentielle central
centrale commun commune propre propres possible possibles nécessaire nécessaires difficile
difficiles simple simples complexe complexes riche riches large larges différent différente
différents différentes divers diverses certain certaine certains certaines autre même
seul seule véritable réel réelle vrai vraie juste clair claire fort forte haut haute
bas basse ouvert ouverte fermé fermée partagé partagée commun collectif collective
individuel individuelle personnel personnelle humain humaine humains nature naturel
naturelle naturelles naturels vivant vivante vivants vie terre eau air feu lumière couleur
couleurs forme matière matières matériau matériaux bois pierre métal verre papier textile
tissu cuir os ivoire céramique porcelaine terre cuite bronze fer or argent plomb plastique
numérique numériques digital internet web site-web réseaux-sociaux application applications
logiciel logiciels base bases portail plateforme plateformes en-ligne ligne connexion
outil-numérique dématérialisation numérisation image-numérique modélisation visite-virtuelle
technique techniques technologie technologies science sciences savoir savoirs connaissance
connaissances découverte découvertes compréhension explication interprétation
transmission diffusion vulgarisation sensibilisation éducation éducatif éducative pédagogie
pédagogique pédagogiques apprentissage curiosité émotion émotions plaisir beauté art arts
artiste artistes artistique artistiques création contemporain contemporaine moderne
classique ancien antique antiquité moyen-âge renaissance révolution industriel industrielle
industrielles industrie industries usine usines ouvrier ouvriers travailleurs entreprise
entreprises artisan artisans savoir-faire métier-d-art production fabrication machine
machines outillage mine mines charbon textile-industriel chemin-de-fer gare port navire
navires marine maritime pêche agriculture agricole paysan paysans ferme élevage vigne vin
"""

# Less common words: verbs in the forms texts use them, nouns and adjectives of every kind
# (the long tail of the vocabulary, each word in a few documents).
_FRENCH_TAIL = """
présenter présente présentent présenté présentée présentés conserver conserve conservé
conservée conservés accueillir accueille accueillent accueilli accueillie développer
développe développent développé développée proposer propose proposent proposé proposée
permettre permet permettent permis mettre met mettent mis mise valoriser valorise valorisé
valorisation partager partage partagent partagés transmettre transmet transmis
sensibiliser sensibilise sensibilisé montrer montre montrent montré découvrir découvre
découvert découverte comprendre comprend compris interroger interroge interrogé
questionner questionne raconter raconte racontent raconté imaginer imagine imaginé
concevoir conçoit conçu conçue construire construit construite réaliser réalise
réalisé réalisée réalisation mener mène mené menée engager engage engagé engagée
engagement engagements associer associe associé associée associés réunir réunit réuni
réunie rassembler rassemble rassemblé rassemblée accompagner accompagne accompagné
accompagnement soutenir soutient soutenu soutenue soutien soutiens financer finance
financé financée gérer gère géré gérée organiser organise organisé organisée animer
anime animé animée inviter invite invité invitée invités ouvrir ouvre ouvert ouverts
fermer ferme fermé former forme formé formée former enseigner enseigne enseigné
apprendre apprend appris étudier étudie étudié étudiée analyser analyse analysé
observer observe observé observée mesurer mesure mesuré évaluer évalue évalué évaluée
identifier identifie identifié identifiée inventorier inventorie inventorié documenter
documente documenté documentée décrire décrit décrite classer classe classé classée
restaurer restaure restauré restaurée prêter prête prêté prêtée déposer dépose déposé
acquérir acquiert acquis acquise donner donne donné donnée recevoir reçoit reçu reçue
exposer expose exposé exposée exposés installer installe installé installée concentrer
renforcer renforce renforcé améliorer améliore amélioré améliorée adapter adapte adapté
adaptée transformer transforme transformé transformée renouveler renouvelle renouvelé
repenser repense repensé réinventer réinventé ouvrir-au-public rendre rend rendu rendue
devenir devient devenu devenue rester reste resté restée sembler semble paraître paraît
venir vient venu venue aller va allé prendre prend pris prise porter porte porté portée
tenir tient tenu tenue voir voit vu vue savoir sait su pouvoir devoir doit dû vouloir veut
dire dit écrire écrit lire lit penser pense pensé croire croit trouver trouve trouvé
chercher cherche cherché retrouver retrouve retrouvé suivre suit suivi suivie parler
parle parlé répondre répond répondu demander demande demandé attendre attend attendu
entendre entend entendu vivre vit vécu mourir naître né née créer crée créé créée
fonder fonde fondé fondée installer rénover rénove rénové rénovée agrandir agrandi
moderniser modernisé déménager déménagé numériser numérisé numérisée diffuser diffuse
diffusé diffusée publier publie publié publiée éditer édite édité éditée traduire
traduit traduite illustrer illustre illustré illustrée photographier photographié
filmer filmé enregistrer enregistré collecter collecte collecté collectée recenser
recense recensé recensée cartographier cartographié coordonner coordonne coordonné
coordination piloter pilote piloté pilotage structurer structure structuré
mutualiser mutualise mutualisé coopérer coopère mobiliser mobilise mobilisé mobilisation
impliquer implique impliqué impliquée participer participe participé contribuer
contribue contribué contribution contributions collaborer collabore collaboration
collaborations accueil-des-publics dialoguer expérimenter expérimente expérimenté
innover innove tester teste testé prototyper prototype prototypes produire produit
produite produits fabriquer fabrique fabriqué vendre vend vendu acheter achète acheté
louer loué emprunter emprunté emprunt emprunts circuler circule voyager voyage voyages
visiter visite visité visitée parcourir parcourt parcouru explorer explore exploré
exploration découvrir-autrement regarder regarde regardé toucher touche touché écouter
écoute écouté sentir goûter jouer joue joué jouet jouets dessiner dessine dessiné peindre
peint peinte sculpter sculpté modeler modelé bâtir bâti bâtie habiter habite habité
travailler travaille travaillé employer emploie employé employée employés recruter
recrute recruté recrutée nommer nommé nommée diriger dirige dirigé dirigée présider
préside présidé président présidente conseil conseils comité comités commission
commissions assemblée bureau bureaux secrétaire trésorier membre membres adhérent
fédération fédérations association associations syndicat union collectivité
collectivités département départements préfecture mairie maire élu élus élue
intercommunalité agglomération canton village villages bourg hameau vallée plaine
plateau colline forêt forêts bois-et-forêts rivière rivières fleuve lac lacs mer mers
océan côte côtes île îles plage falaise dune marais zone zones paysage-culturel
environs alentours frontière frontières nord sud est ouest centre-ville périphérie
banlieue métropolitain métropolitaine département-d-outre-mer insulaire montagnard
agricole viticole forestier forestière minier minière portuaire ferroviaire routier
fluvial aérien spatial astronomique cosmique solaire lunaire stellaire terrestre marin
marine sous-marin aquatique végétal végétale végétaux animalier minérale chimique
physique biologique médical médicale pharmaceutique technique-ancienne mécanique
électrique électronique informatique automatique optique acoustique thermique-solaire
hydraulique textile-ancien chimiste physicien ingénieur ingénieurs technicien
techniciens technicienne ouvrière ouvrières artisane paysanne pêcheur pêcheurs marin-pêcheur
mineur mineurs verrier verriers potier potiers tisserand forgeron menuisier charpentier
imprimeur imprimerie typographie lithographie gravure-sur-bois affiche affiches
carte-postale cartes-postales timbre timbres monnaie monnaies médaille médailles
numismatique sceau sceaux manuscrit manuscrits incunable registre registres plan-ancien
plans dessin-technique brevet brevets invention inventions inventeur inventeurs
prototype-industriel maquette-technique modèle-réduit automate automates horloge
horloges montre-ancienne instrument instruments instrument-scientifique microscope
microscopes télescope télescopes lunette baromètre thermomètre balance poids mesures-anciennes
boussole globe globes sphère astrolabe sextant appareil appareils appareil-photo
caméra projecteur phonographe gramophone radio télévision téléphone ordinateur
ordinateurs calculatrice robot robots voiture voitures automobile automobiles vélo
vélos train trains locomotive tramway avion avions bateau bateaux barque canot
costume costumes vêtement vêtements mode chapeau chaussures bijou bijoux parure
meuble meubles mobilier chaise table-ancienne armoire coffre vaisselle assiette
assiettes vase vases pot pots jarre lampe lampes miroir tapis tapisserie tapisseries
broderie dentelle tissage-traditionnel poupée poupées instrument-de-musique violon
piano orgue accordéon tambour flûte harpe guitare masque-de-carnaval marionnette
marionnettes armure arme armes épée fusil canon uniforme uniformes drapeau drapeaux
guerre guerres paix combat soldat soldats résistance déportation mémoire-de-guerre
commémoration commémorations centenaire anniversaire jubilé hommage souvenir souvenirs
relique reliques trésor trésors patrimoine-religieux sacré religieux religieuse
chapelle couvent monastère temple mosquée synagogue cimetière tombe tombeau
"""

# Themes: words that come together in a text about one subject.
_FRENCH_THEMES = {
    "herbiers": """herbier herbiers planche planches botanique botaniste botanistes plante
        plantes spécimen spécimens récolte récoltes flore espèce espèces taxonomie
        nomenclature étiquette étiquettes séchage montage jardin jardins serre serres
        graine graines semence arboretum conservatoire collecteur collecteurs""",
    "mineraux": """minéral minéraux minéralogie roche roches cristal cristaux gemme gemmes
        géologie géologique géologue fossile fossiles paléontologie gisement gisements
        échantillon échantillons strate météorite météorites quartz calcite lame vitrine
        vitrines""",
    "reserves": """réserve réserves stockage rangement rayonnage rayonnages compactus
        étagère étagères emballage emballages conditionnement caisse caisses déménagement
        chantier-des-collections récolement localisation mouvement mouvements régie
        régisseur régisseuse régisseurs externalisation mutualisation""",
    "climat": """climat climatique climatiques humidité température hygrométrie
        hygrométrique chauffage climatisation ventilation centrale-de-traitement-d-air
        thermique isolation énergie énergétique énergies consommation sobriété
        réchauffement canicule inondation risque risques catastrophe catastrophes
        résilience adaptation carbone bilan-carbone empreinte""",
    "ecologie": """transition écologique écologie environnement environnemental
        environnementale durable durabilité développement-durable biodiversité
        écoconception réemploi recyclage déchets ressource circularité circulaire
        responsabilité sobre frugalité frugal mobilité transport transports""",
    "mediation": """médiateur médiatrice médiateurs médiatrices visite-guidée guide
        guides audioguide audioguides cartel cartels livret livrets jeu jeux ludique
        manipulation manipulations dispositif-de-médiation parcours-famille conteur
        conte contes théâtre spectacle performance scénario""",
    "numerique": """numérisation numériser 3d scanner photogrammétrie réalité virtuelle
        augmentée immersif immersive immersion écran écrans tablette tablettes
        smartphone borne bornes interactif interactive interactivité open-data
        données-ouvertes licence licences métadonnées interopérabilité moissonnage
        référentiel référentiels thésaurus""",
    "publics": """fréquentation non-publics public-éloigné publics-empêchés scolaire
        périscolaire loisirs tourisme touristes touriste touristique étudiants
        seniors adolescents petite-enfance crèche famille fidélisation abonnement
        abonnés adhérents amis société-des-amis bénévole bénévoles volontaires
        service-civique""",
    "accessibilite": """handicap handicaps accessible accessibles inclusion inclusif
        inclusive sourd sourds malentendant langue-des-signes aveugle aveugles
        malvoyant malvoyants braille audiodescription facile-à-lire fauteuil
        rampe toucher tactile tactiles sensoriel sensorielle autisme""",
    "restauration": """restauration restaurateur restauratrice restaurateurs
        conservation-préventive conservation-restauration altération altérations
        dégradation dégradations nettoyage consolidation traitement traitements
        insectes infestation anoxie désinfection moisissures corrosion constat
        constat-d-état diagnostic atelier-de-restauration pigment pigments vernis""",
    "sciences": """culture-scientifique ccsti centre-de-sciences science-ouverte
        chercheur chercheuse chercheurs laboratoire laboratoires université
        universités expérience-scientifique démonstration astronomie planétarium
        physique chimie biologie mathématiques médecine santé climatologie
        controverse controverses vérité fake-news esprit-critique""",
    "industriel": """patrimoine-industriel patrimoine-technique machine-à-vapeur
        métallurgie sidérurgie filature tissage verrerie faïencerie tuilerie
        briqueterie moulin moulins forge forges haut-fourneau écomusée écomusées
        friche friches reconversion mémoire-ouvrière""",
    "ethnologie": """ethnologie ethnologue ethnographie anthropologie société-traditionnelle
        rituel rituels coutume coutumes croyance croyances masque masques objet-rituel
        restitution restitutions provenance spoliation colonial coloniale
        décolonisation communautés source-communautés dialogue-des-cultures""",
    "archeologie": """archéologie archéologique archéologiques archéologue archéologues
        fouille fouilles site-archéologique vestige vestiges mobilier-archéologique
        préventive inrap tesson tessons amphore amphores sépulture sépultures
        néolithique gallo-romain mérovingien dépôt-archéologique""",
    "beaux_arts": """peinture peintures peintre peintres tableau tableaux toile toiles
        sculpture sculptures sculpteur dessin dessins gravure gravures estampe
        estampes portrait portraits paysage paysages nature-morte atelier-d-artiste
        salon collectionneur collectionneurs donation legs""",
    "histoire_naturelle": """muséum muséums histoire-naturelle zoologie zoologique
        naturalisation naturalisé taxidermie taxidermiste squelette squelettes
        insecte entomologie coquillage coquillages oiseau oiseaux mammifère
        mammifères galerie-de-l-évolution évolution darwin spécimen-type""",
    "jardins": """jardin-botanique jardins-botaniques parc parcs zoo zoos aquarium
        aquariums vivarium animaux animal soigneur soigneurs bien-être-animal
        conservation-des-espèces reproduction sauvegarde espèce-menacée serres-tropicales
        potager verger""",
    "cartographie": """carte cartes cartographie cartographique cartographier
        atlas géographie géographique territoire-culturel maillage recensement
        annuaire observatoire observation statistique statistiques enquête-nationale
        répartition densité implantation localisation-géographique""",
    "emploi": """emploi emplois recrutement concours fonction-publique statut statuts
        contractuel contractuels précarité salaire salaires carrière carrières
        reconversion-professionnelle fiche-de-poste mobilité-professionnelle
        management manager encadrement""",
    "juridique": """inaliénabilité imprescriptibilité domaine-public acquisition
        acquisitions achat achats don dons dation préemption commission-d-acquisition
        déclassement prêt prêts dépôt dépôts assurance assurances valeur-d-assurance
        musée-de-france appellation-musée-de-france""",
    "exposition_conception": """commissaire commissaires commissariat scénographie
        scénographe scénographes muséographie muséographe muséographique
        conception programme-muséographique éclairage éclairages soclage socle socles
        graphisme signalétique maquette maquettes démontage montage-d-exposition""",
    "itinerance": """itinérance itinérante itinérantes exposition-itinérante
        circulation location-d-exposition coproduction coproductions mutualisée
        prêt-d-exposition transporteur caisse-de-transport convoiement convoyeur
        valise-pédagogique""",
    "tiers_lieux": """tiers-lieu tiers-lieux fablab fablabs makerspace laboratoire-citoyen
        coworking ressourcerie hackathon living-lab coopération coopérative
        économie-sociale communs gouvernance-partagée""",
    "evaluation": """évaluation évaluations étude-de-public observatoire-des-publics
        questionnaire questionnaires entretien entretiens focus-group satisfaction
        impact impacts retombées utilité-sociale indicateur-d-impact démarche-qualité
        benchmark comparaison""",
    "oralite": """patrimoine-immatériel immatériel oralité chant chants danse danses
        musique-traditionnelle savoir-faire-traditionnel transmission-orale collecte
        collectage enregistrement enregistrements phonothèque
        inventaire-du-patrimoine-immatériel""",
}

# --- English ---------------------------------------------------------------------------------

_ENGLISH_FREQUENT = """
the of and to in a is for that on with as by are this museum from be it at or an
collection heritage public their which has have its not was were also can more these
museums exhibition research visitors between such new into how its other all but through
collections culture cultural professionals work project projects study local national
"""

_ENGLISH_GENERAL = """
history practice practices network networks institution institutions mission action actions
issue issues approach tools partners partnership development policy policies visitor visit
visits space spaces exhibitions permanent temporary gallery galleries works object objects
archives documentation inventory survey surveys results analysis data use access
accessibility regional community communities city cities territory region regions state
ministry director curator curators staff skills training education school schools pupils
teachers young children families adults residents society social participation dialogue
exchange meeting conference debate workshop workshops activities programme season event
events festival century centuries period past present future memory memories identity
narrative narratives testimony perspective sense way form model framework context
situation conditions resources budget funding costs economy economic management
organisation strategy objectives priorities plan charter agreement label recognition law
rights image images photography film video sound music book books catalogue publication
publications journal article text writing reading language languages french english
international europe european world country france rural urban building buildings
architecture construction renovation reopening opening creation foundation origins
evolution transformation change changes innovation experience experiment assessment
indicators figures attendance tickets free hours long short small large important major
main essential common possible necessary difficult simple complex rich different various
natural living life earth water light colour material materials wood stone metal glass
paper textile digital online website application software database platform technology
science sciences knowledge discovery interpretation transmission outreach awareness
learning curiosity emotion art arts artist artists contemporary modern ancient industrial
industry factory workers company craft crafts production machine mining railway port
maritime agriculture herbarium herbaria plant plants specimen specimens botany botanical
garden gardens mineral minerals geology fossil fossils storage store stores climate
humidity temperature energy sustainability sustainable ecological environment
biodiversity mediation guide guides interactive virtual reality digitisation scanning
audience audiences tourism tourists students volunteers disability inclusion inclusive
conservation conservator conservators restoration treatment pests laboratory
laboratories university universities astronomy physics biology ethnology anthropology
restitution provenance archaeology archaeological excavation painting paintings sculpture
drawing prints natural-history zoology taxidermy insects birds zoo aquarium animals map
maps mapping atlas observatory employment recruitment career acquisition acquisitions loan
loans deposit insurance curator exhibition-design scenography lighting travelling touring
third-places fablab evaluation questionnaire interviews impact intangible oral songs dance
"""

_ENGLISH_TAIL = """
present presents presented keep kept welcome welcomes welcomed develop develops developed
propose proposed allow allows allowed enhance enhanced share shared shares transmit raise
raised show shows shown discover discovered understand understood question questioned
tell tells told imagine imagined design designed build built carry carried engage engaged
engagement associate associated gather gathered support supported supports fund funded
manage managed organise organised host hosted invite invited open opened close closed
train trained teach taught learn learned study studied analyse analysed observe observed
measure measured evaluate evaluated identify identified record recorded describe
described classify classified restore restored lend lent deposit deposited acquire
acquired donate donated donation donations receive received exhibit exhibited install
installed strengthen improve improved adapt adapted transform transformed renew renewed
rethink become became remain remained seem come came go went take took bring brought
hold held see saw know knew write wrote read think thought find found search looked
follow followed speak spoke answer asked wait heard live lived create created found
founded renovate renovated extend extended modernise move moved digitise digitised
publish published edit edited translate translated illustrate illustrated photograph
film collect collected list listed map mapped coordinate coordinated coordination lead
led structure structured pool pooled cooperate cooperation mobilise involve involved
participate participated contribute contributed collaborate collaborated experiment
innovate prototype produce produced make made sell sold buy bought rent borrow borrowed
travel travelled explore explored look touch listen play played draw painted carve
inhabit worked employ employed hire hired appoint appointed chair board committee
members association associations federation union authority authorities department
departments mayor council village villages valley forest forests river rivers sea ocean
coast island islands landscape border north south east west centre suburb agricultural
mining railway scientific chemical medical technical mechanical electrical electronic
optical engineer engineers technician technicians weaver potter printer printing poster
posters postcard stamps coins medals manuscript manuscripts register patent patents
invention inventor model clock clocks instrument instruments microscope telescope globe
camera projector radio television telephone computer robot car cars bicycle locomotive
boat boats costume costumes clothing fashion jewellery furniture chair vase lamp mirror
tapestry embroidery lace doll dolls violin piano organ drum flute puppet armour weapon
weapons uniform flag war wars peace soldier soldiers resistance commemoration centenary
anniversary tribute souvenir relic treasure treasures religious chapel monastery temple
cemetery tomb
"""

_ENGLISH_THEMES = {
    "herbaria": "herbarium herbaria sheet sheets specimen specimens botany botanist flora species",
    "storage": "storage store stores shelving packing relocation inventory registrar movement",
    "climate": "climate humidity temperature energy heating ventilation carbon footprint risk",
    "digital": "digitisation digital scanning virtual reality augmented screen data metadata",
    "audiences": "audience audiences visitors attendance tourism families students volunteers",
    "mediation": "mediation guide guides tour tours label labels booklet games storytelling",
}


# --- Drawing words -------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    # Compound entries are written with hyphens so that one entry is one word here; the texts
    # show them with spaces, as they are written.
    return [word.replace("-", " ") for word in text.split()]


@dataclass
class Language:
    """A ranked vocabulary with its Zipf weights, and the themes of its texts."""

    words: list[str]
    themes: dict[str, list[str]]
    function_words: frozenset[str]

    def __post_init__(self):
        weights = [
            1.0 / (rank + ZIPF_SHIFT) ** ZIPF_EXPONENT for rank in range(1, len(self.words) + 1)
        ]
        self.cumulative = list(itertools.accumulate(weights))
        content = [
            (word, weight)
            for word, weight in zip(self.words, weights, strict=True)
            if word not in self.function_words
        ]
        self.content_words = [word for word, _weight in content]
        self.content_cumulative = list(itertools.accumulate(weight for _word, weight in content))
        self.theme_names = sorted(self.themes)

    def word(self, rng: random.Random) -> str:
        point = rng.random() * self.cumulative[-1]
        return self.words[bisect.bisect_left(self.cumulative, point)]

    def content_word(self, rng: random.Random) -> str:
        """A word that is not a function word, drawn with its frequency in the texts."""
        point = rng.random() * self.content_cumulative[-1]
        return self.content_words[bisect.bisect_left(self.content_cumulative, point)]

    def theme_word(self, rng: random.Random, theme: str) -> str:
        words = self.themes[theme]
        # Within a theme too, a few words are much more common than the others.
        index = min(int(rng.paretovariate(1.2)) - 1, len(words) - 1)
        return words[index]


def _language(
    frequent: str, general: str, rare: str, themes: dict[str, str], *, function_words: str
):
    theme_words = {name: _words(text) for name, text in themes.items()}
    # Theme words rank after the general vocabulary, in a fixed shuffled order, so that each
    # theme has common and rare words.
    tail = [word for name in sorted(theme_words) for word in theme_words[name]]
    random.Random(1988).shuffle(tail)  # noqa: S311 - reproducible texts, no secret
    ranked = list(dict.fromkeys(_words(frequent) + _words(general) + _words(rare) + tail))
    return Language(
        words=ranked, themes=theme_words, function_words=frozenset(function_words.split())
    )


_FRENCH_FUNCTION_WORDS = """
    de la le et les des à en un du une est pour que qui dans par sur au plus ne pas se il ce
    sont avec ou son aux mais elle nous ses leur cette ils on comme été tout sa même ces entre
    aussi dont y sans bien fait peut deux autres depuis ainsi très où après encore avant lors
    notamment chaque sous tous toutes plusieurs donc alors fois cela celui ceux selon vers
    pendant chez afin lorsque tant souvent toujours déjà parfois être avoir faire autre
"""
_ENGLISH_FUNCTION_WORDS = """
    the of and to in a is for that on with as by are this from be it at or an their which
    has have its not was were also can more these into how other all but through such between
"""

FRENCH = _language(
    _FRENCH_FREQUENT,
    _FRENCH_GENERAL,
    _FRENCH_TAIL,
    _FRENCH_THEMES,
    function_words=_FRENCH_FUNCTION_WORDS,
)
ENGLISH = _language(
    _ENGLISH_FREQUENT,
    _ENGLISH_GENERAL,
    _ENGLISH_TAIL,
    _ENGLISH_THEMES,
    function_words=_ENGLISH_FUNCTION_WORDS,
)


def themes_for(rng: random.Random, language: Language) -> list[str]:
    """One or two themes for a new document."""
    return rng.sample(language.theme_names, rng.choice((1, 1, 2)))


def _token(rng: random.Random, language: Language, themes: list[str], share: float) -> str:
    if themes and rng.random() < share:
        return language.theme_word(rng, rng.choice(themes))
    return language.word(rng)


def sentence(rng: random.Random, language: Language, themes: list[str], words: int) -> str:
    text = " ".join(_token(rng, language, themes, THEME_SHARE) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, language: Language, themes: list[str]) -> str:
    return " ".join(
        sentence(rng, language, themes, rng.randint(9, 22)) for _ in range(rng.randint(4, 7))
    )


def title(rng: random.Random, language: Language, themes: list[str], words: int) -> str:
    """A title: mostly content words, many of them from the document's themes."""
    chosen = []
    for _ in range(words):
        if themes and rng.random() < TITLE_THEME_SHARE:
            chosen.append(language.theme_word(rng, rng.choice(themes)))
        else:
            chosen.append(language.content_word(rng))
    text = " ".join(dict.fromkeys(chosen))
    return text[0].upper() + text[1:]


def new_queries(rng: random.Random, count: int, *, english_share: float = 0.1) -> list[str]:
    """``count`` distinct queries as readers type them: one to three content words (35 %, 45 %
    and 20 % of the queries), each drawn with its frequency in the texts, so common words are
    asked often; a share in English. No query is given twice."""
    seen: set[str] = set()
    queries = []
    attempts = 0
    while len(queries) < count and attempts < count * 50:
        attempts += 1
        language = ENGLISH if rng.random() < english_share else FRENCH
        size = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
        words = list(dict.fromkeys(language.content_word(rng) for _ in range(size)))
        query = " ".join(words)
        if query not in seen:
            seen.add(query)
            queries.append(query)
    return queries


def heavy_queries(count: int, *, top: int = 16) -> list[str]:
    """Queries made of the most common content words only (two to four of the ``top``): each
    matches a large part of the corpus, the worst case for counting and ranking. Distinct, in
    a fixed order."""
    words = FRENCH.content_words[:top]
    combinations = [
        " ".join(group) for size in (2, 3, 4) for group in itertools.combinations(words, size)
    ]
    random.Random(14).shuffle(combinations)  # noqa: S311 - a fixed order
    return combinations[:count]
