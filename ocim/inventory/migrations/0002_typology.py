"""The first typology of actors and the usual labels (editable afterwards in the back office).

Data only: a later change of these lists is made in the back office, not here. Running this
migration again (after a rollback) updates the names of the same slugs and adds nothing twice.
"""

from django.db import migrations

FAMILIES = [
    (
        "musees",
        "Musées",
        "Museums",
        [
            ("museum-histoire-naturelle", "Muséum d'histoire naturelle", "Natural history museum"),
            (
                "musee-sciences-techniques",
                "Musée de sciences et techniques",
                "Science and technology museum",
            ),
            ("ecomusee-musee-societe", "Écomusée, musée de société", "Ecomuseum, society museum"),
            ("musee-sante", "Musée ou collection de santé", "Health museum or collection"),
        ],
    ),
    (
        "centres-sciences",
        "Centres de sciences et lieux de médiation",
        "Science centres and outreach venues",
        [
            ("centre-sciences-ccsti", "Centre de sciences, CCSTI", "Science centre, CCSTI"),
            ("planetarium", "Planétarium", "Planetarium"),
            ("centre-interpretation", "Centre d'interprétation", "Interpretation centre"),
        ],
    ),
    (
        "collections-vivantes",
        "Jardins, zoos et aquariums",
        "Gardens, zoos and aquariums",
        [
            ("jardin-botanique-arboretum", "Jardin botanique, arboretum", "Botanical garden, arboretum"),
            ("zoo-aquarium", "Parc zoologique, aquarium", "Zoo, aquarium"),
        ],
    ),
    (
        "enseignement-superieur-recherche",
        "Enseignement supérieur et recherche",
        "Higher education and research",
        [
            (
                "universite",
                "Université (service de culture scientifique, collections)",
                "University (science outreach service, collections)",
            ),
            ("organisme-recherche", "Organisme de recherche", "Research organisation"),
        ],
    ),
    (
        "associations-reseaux",
        "Associations, réseaux et tiers-lieux",
        "Associations, networks and third places",
        [
            (
                "association-culture-scientifique",
                "Association de culture scientifique",
                "Science outreach association",
            ),
            ("reseau-federation", "Réseau, fédération", "Network, federation"),
            ("tiers-lieu-fablab", "Tiers-lieu, fablab", "Third place, fablab"),
        ],
    ),
]

LABELS = [
    ("musee-de-france", "Musée de France", "Ministère de la Culture"),
    ("jardin-remarquable", "Jardin remarquable", "Ministère de la Culture"),
    (
        "science-et-culture-innovation",
        "Science et Culture, Innovation",
        "Ministère de l'Enseignement supérieur et de la Recherche",
    ),
    ("maisons-des-illustres", "Maisons des Illustres", "Ministère de la Culture"),
    (
        "conservatoire-botanique-national",
        "Conservatoire botanique national",
        "Ministère de la Transition écologique",
    ),
    ("tourisme-handicap", "Tourisme & Handicap", "Association Tourisme & Handicaps"),
    ("qualite-tourisme", "Qualité Tourisme", "Ministère chargé du tourisme"),
]


def seed(apps, schema_editor):
    family_model = apps.get_model("inventory", "ActorFamily")
    type_model = apps.get_model("inventory", "ActorType")
    label_model = apps.get_model("inventory", "Label")
    for family_order, (slug, name_fr, name_en, types) in enumerate(FAMILIES):
        family, _created = family_model.objects.update_or_create(
            slug=slug,
            defaults={"name_fr": name_fr, "name_en": name_en, "sort_order": family_order},
        )
        for type_order, (type_slug, type_fr, type_en) in enumerate(types):
            type_model.objects.update_or_create(
                slug=type_slug,
                defaults={
                    "family": family,
                    "name_fr": type_fr,
                    "name_en": type_en,
                    "sort_order": type_order,
                },
            )
    for slug, name, awarded_by in LABELS:
        label_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "awarded_by": awarded_by}
        )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
