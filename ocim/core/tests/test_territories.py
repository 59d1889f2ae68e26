"""territories_load() and the load_territories command, on a small extract of the INSEE files."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ocim.core.models import AuditLogEntry, Commune, CommunePostalCode, Department, Region
from ocim.core.services import ReferenceDataError, territories_load


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (their msgid); the site default is French.
    with translation.override("en"):
        yield


REGIONS = """code,name,population
27,Bourgogne-Franche-Comté,2811423
28,Normandie,3330478
52,Pays de la Loire,3760060
84,Auvergne-Rhône-Alpes,7948287
94,Corse,334938
"""
DEPARTMENTS = """code,name,region_code,population
14,Calvados,28,694002
21,Côte-d'Or,27,533819
2A,Corse-du-Sud,94,157249
42,Loire,84,762941
72,Sarthe,52,566506
"""
COMMUNES_HEADER = (
    "insee_code,name,departement_code,region_code,population,latitude,longitude,postal_codes\n"
)
COMMUNES = (
    COMMUNES_HEADER
    + """14514,Pont-l'Évêque,14,28,4662,49.28518,0.18327,14130
21231,Dijon,21,27,156920,47.32103,5.04127,21000
21617,Talant,21,27,11689,47.33584,5.00483,21240
21272,Val-Larrey,21,27,264,47.43595,4.32856,21140 21390
2A004,Ajaccio,2A,94,70659,41.91865,8.73688,20000 20090 20167
42207,Saint-Chamond,42,84,34967,45.47665,4.51250,42400
42218,Saint-Étienne,42,84,172565,45.43959,4.38748,42000 42100 42230
42219,Saint-Étienne-le-Molard,42,84,1019,45.74549,4.00415,42130
72167,Louailles,72,52,727,47.79220,-0.25180,72300
72228,Parcé-sur-Sarthe,72,52,2100,47.84439,-0.20243,72300
72264,Sablé-sur-Sarthe,72,52,12220,47.84038,-0.33341,72300
"""
)


def write_geo_files(
    directory: Path, *, regions=REGIONS, departments=DEPARTMENTS, communes=COMMUNES
):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "regions.csv").write_text(regions, encoding="utf-8")
    (directory / "departements.csv").write_text(departments, encoding="utf-8")
    (directory / "communes.csv").write_text(communes, encoding="utf-8")
    return directory


@pytest.fixture
def geo_dir(tmp_path):
    return write_geo_files(tmp_path / "geo-fr")


@pytest.mark.django_db
def test_load_creates_the_hierarchy_with_search_names_and_postal_codes(geo_dir):
    report = territories_load(data_dir=geo_dir)

    assert (Region.objects.count(), Department.objects.count(), Commune.objects.count()) == (
        5,
        5,
        11,
    )
    assert report.communes.created == 11
    assert report.postal_codes.created == 16
    saint_etienne = Commune.objects.select_related("department__region").get(insee_code="42218")
    assert saint_etienne.name == "Saint-Étienne"
    assert saint_etienne.search_name == "saint etienne"
    assert saint_etienne.department.region.name == "Auvergne-Rhône-Alpes"
    assert saint_etienne.population == 172565
    assert (saint_etienne.latitude, saint_etienne.longitude) == (45.43959, 4.38748)
    assert sorted(saint_etienne.postal_codes.values_list("code", flat=True)) == [
        "42000",
        "42100",
        "42230",
    ]
    assert Commune.objects.get(insee_code="14514").search_name == "pont l eveque"
    assert Commune.objects.get(insee_code="2A004").department_id == "2A"


@pytest.mark.django_db
def test_second_run_writes_nothing_and_creates_no_duplicates(geo_dir):
    territories_load(data_dir=geo_dir)
    logged = AuditLogEntry.objects.filter(action="core.territories.loaded").count()

    report = territories_load(data_dir=geo_dir)

    assert not report.changed
    assert report.communes.unchanged == 11
    assert report.postal_codes.unchanged == 16
    assert Commune.objects.count() == 11
    assert CommunePostalCode.objects.count() == 16
    # Nothing changed, so nothing more is logged.
    assert AuditLogEntry.objects.filter(action="core.territories.loaded").count() == logged == 1


@pytest.mark.django_db
def test_changed_names_populations_and_postal_codes_are_updated(geo_dir, tmp_path):
    territories_load(data_dir=geo_dir)
    changed = COMMUNES.replace("Talant,21,27,11689", "Talant-sur-Ouche,21,27,12000").replace(
        "21140 21390", "21140 21150"
    )
    write_geo_files(geo_dir, communes=changed, regions=REGIONS.replace("Corse,", "Corsica,"))

    report = territories_load(data_dir=geo_dir)

    talant = Commune.objects.get(insee_code="21617")
    assert (talant.name, talant.search_name, talant.population) == (
        "Talant-sur-Ouche",
        "talant sur ouche",
        12000,
    )
    assert Region.objects.get(code="94").name == "Corsica"
    assert sorted(
        CommunePostalCode.objects.filter(commune_id="21272").values_list("code", flat=True)
    ) == ["21140", "21150"]
    assert (report.communes.updated, report.regions.updated) == (1, 1)
    assert (report.postal_codes.created, report.postal_codes.removed) == (1, 1)
    assert Commune.objects.count() == 11


@pytest.mark.django_db
def test_communes_missing_from_new_files_are_kept_and_counted(geo_dir):
    territories_load(data_dir=geo_dir)
    without_louailles = "\n".join(
        line for line in COMMUNES.splitlines() if not line.startswith("72167")
    )
    write_geo_files(geo_dir, communes=without_louailles + "\n")

    report = territories_load(data_dir=geo_dir)

    assert report.communes.obsolete == 1
    assert Commune.objects.filter(insee_code="72167").exists()
    assert CommunePostalCode.objects.filter(commune_id="72167").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("99999,Nowhere,99,99,10,45.0,4.0,99000", "communes.csv line 13: unknown department"),
        ("42999,Bad Population,42,84,many,45.0,4.0,42000", "not a whole number"),
        ("42998,Bad Coordinates,42,84,10,145.0,4.0,42000", "invalid coordinates"),
        ("42997,Bad Postcode,42,84,10,45.0,4.0,4200", "invalid postal code"),
        ("ABCDE,Bad Code,42,84,10,45.0,4.0,42000", "invalid or repeated INSEE code"),
        ("42218,Saint-Étienne again,42,84,1,45.0,4.0,42000", "invalid or repeated INSEE code"),
    ],
)
def test_invalid_rows_are_reported_with_file_and_line_and_nothing_is_written(
    geo_dir, bad_line, message
):
    write_geo_files(geo_dir, communes=COMMUNES + bad_line + "\n")

    with pytest.raises(ReferenceDataError) as excinfo:
        territories_load(data_dir=geo_dir)

    assert message in str(excinfo.value.message)
    assert not Region.objects.exists()
    assert not Commune.objects.exists()


@pytest.mark.django_db
def test_missing_file_and_missing_columns_give_clear_errors(geo_dir):
    (geo_dir / "communes.csv").unlink()
    with pytest.raises(ReferenceDataError, match=r"communes\.csv is missing"):
        territories_load(data_dir=geo_dir)

    write_geo_files(geo_dir, departments="code,name\n21,Côte-d'Or\n")
    with pytest.raises(ReferenceDataError, match="lacks the columns: region_code, population"):
        territories_load(data_dir=geo_dir)
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_command_loads_and_reports(geo_dir, capsys):
    call_command("load_territories", "--data-dir", str(geo_dir))
    out = capsys.readouterr().out
    assert "communes: 11 created" in out
    assert "Territories loaded in" in out

    call_command("load_territories", "--data-dir", str(geo_dir))
    assert "communes: 0 created, 0 updated, 11 unchanged" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_turns_bad_data_into_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="is missing"):
        call_command("load_territories", "--data-dir", str(tmp_path / "nowhere"))
