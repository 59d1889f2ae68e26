"""Importing actors: every row error is reported with its row, column and reason; duplicates
of existing actors wait for a decision; the commit is all or nothing; a re-import of the same
source updates instead of duplicating; and the bulk path writes what ``actor_save`` writes."""

import gc
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from ocim.core.models import AuditLogEntry
from ocim.inventory import import_commit, services_import
from ocim.inventory.imports import read_table, rows_check
from ocim.inventory.models import (
    Actor,
    ActorRevision,
    ActorType,
    CoordinatesSource,
    ImportJob,
    ImportStatus,
    Label,
    RevisionSource,
)
from ocim.inventory.models_directory import ActorFacets, ActorSearchIndex, DirectoryCount
from ocim.inventory.services import actor_save
from ocim.inventory.services_import import (
    import_job_create,
    import_preview,
    import_queue,
    import_run,
)

from .import_support import DEMO_FILE, csv_bytes, importer, load_communes, upload

pytestmark = pytest.mark.django_db

HEADERS = ["Identifiant", "Nom", "Type", "Code postal", "Commune", "Latitude", "Longitude", "SIRET"]


@pytest.fixture
def communes(tmp_path):
    load_communes(tmp_path / "geo-fr")


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    def run(data, *, name="acteurs.csv", source="essai", decisions=None, default="merge",
            skip=False, user=None):  # fmt: skip
        job = import_job_create(uploaded_file=upload(data, name), source=source, user=user)
        job = import_preview(job=job, mapping=job.mapping)
        with django_capture_on_commit_callbacks(execute=True):
            import_queue(
                job=job,
                decisions=decisions or {},
                default_decision=default,
                skip_invalid_rows=skip,
                user=user,
            )
        job.refresh_from_db()
        return job

    return run


def _type(slug="planetarium"):
    return ActorType.objects.get(slug=slug)


def test_every_problem_of_the_demo_file_is_reported_with_row_column_and_reason(communes):
    table = read_table(DEMO_FILE.read_bytes(), DEMO_FILE.name)
    job = ImportJob(source="demo")
    from ocim.inventory.imports import guess_mapping

    result = rows_check(table, guess_mapping(table.headers), source=job.source)

    errors = {(error.row, error.column, error.reason) for error in result.errors}
    assert errors == {
        (20, "SIRET", _("Enter a valid SIRET number: 14 digits, as shown on the employer's documents.")),  # noqa: E501
        (21, "Commune", _("Unknown commune.")),
        (22, "Code postal", _("Unknown postal code.")),
        (23, "Latitude", _("These coordinates are outside France (overseas included).")),
        (24, "Type", _("Unknown type: use one of the typology's types (name or slug).")),
        (25, "SIRET", _("Same identifier as row %(row)d: each record must appear once.") % {"row": 9}),  # noqa: E501
        (26, "Identifiant", _("Same identifier as row %(row)d: each record must appear once.") % {"row": 8}),  # noqa: E501
        (27, "Nom", _("This required field is empty.")),
        (28, "Année de création", _("Enter a year between 1000 and 2100.")),
        (29, "Courriel", _("Invalid e-mail address.")),
        (30, "Muséofile", _("Enter a Muséofile reference: the letter M and four digits (e.g. M0123).")),  # noqa: E501
        (31, "Longitude", _("Give both the latitude and the longitude, or neither.")),
        (31, "Labels", _("Unknown label: %(label)s.") % {"label": "Label inconnu"}),
    }  # fmt: skip
    summary = result.summary()
    assert (summary["rows"], summary["valid_rows"], summary["invalid_rows"]) == (30, 18, 12)
    # Latin-1 accents came through, the overseas row is valid and placed in La Réunion.
    reunion = next(row for row in result.rows if row.number == 10)
    assert reunion.valid and reunion.values["commune_id"] == "97411"
    assert reunion.values["name"] == "Muséum de La Réunion"
    # A commune given by its INSEE code, and a commune found from the postal code alone.
    assert next(row for row in result.rows if row.number == 3).values["commune_id"] == "21231"


def test_rows_with_errors_block_the_import_unless_skipped(communes, run_import):
    data = DEMO_FILE.read_bytes()
    job = import_job_create(uploaded_file=upload(data, DEMO_FILE.name), source="demo")
    job = import_preview(job=job, mapping=job.mapping)

    with pytest.raises(services_import.ApplicationError) as error:
        import_queue(job=job, decisions={})
    assert str(error.value.message) == _(
        "%(count)d row(s) have errors: correct the file and upload it again, or choose to "
        "skip those rows."
    ) % {"count": 12}
    assert not Actor.objects.exists()

    job = run_import(data, name=DEMO_FILE.name, source="demo", skip=True, user=importer())

    assert job.status == ImportStatus.DONE
    outcome = job.report["outcome"]
    assert (outcome["created"], outcome["skipped_invalid"]) == (18, 12)
    assert Actor.objects.count() == 18
    museum = Actor.objects.get(source="demo", source_id="OCIM-009")
    assert (museum.region_id, museum.department_id, museum.family_id) == (
        "04",
        "974",
        museum.type.family_id,
    )
    assert museum.coordinates_source == CoordinatesSource.ENTERED
    assert list(museum.labels.values_list("name", flat=True)) == ["Musée de France"]
    # No coordinates in the file: placed at the commune's point, and said so.
    planetarium = Actor.objects.get(source_id="OCIM-003")
    assert (planetarium.latitude, planetarium.longitude) == (47.23673, 6.02231)
    assert planetarium.coordinates_source == CoordinatesSource.COMMUNE
    assert Actor.objects.get(source_id="OCIM-004").website == "https://museum.besancon.example.org"
    assert Actor.objects.get(source_id="OCIM-016").status == "closed"
    assert ActorRevision.objects.filter(source=RevisionSource.IMPORT).count() == 18
    assert AuditLogEntry.objects.filter(action="inventory.import.committed").count() == 1


def test_duplicates_of_existing_actors_follow_the_decision_of_each_row(communes, run_import):
    by_siret = Actor(name="Ancien nom du planétarium", type=_type(), siret="21210231500018")
    actor_save(by_siret)
    by_name = Actor(name="Museum histoire naturelle", type=_type("museum-histoire-naturelle"),
                    commune_id="44109")  # fmt: skip
    actor_save(by_name)
    to_skip = Actor(name="Jardin des Plantes", type=_type("jardin-botanique-arboretum"),
                    commune_id="34172")  # fmt: skip
    actor_save(to_skip)
    data = csv_bytes([
        HEADERS,
        ["A1", "Planétarium de Dijon", "Planétarium", "21000", "Dijon", "", "", "21210231500018"],
        ["A2", "Muséum d'histoire naturelle de Nantes", "Muséum d'histoire naturelle", "44000", "Nantes", "", "", ""],  # noqa: E501
        ["A3", "Jardin des plantes de Montpellier", "Jardin botanique, arboretum", "34000", "Montpellier", "", "", ""],  # noqa: E501
        ["A4", "Planétarium de Nantes", "Planétarium", "44000", "Nantes", "", "", ""],
    ])  # fmt: skip

    job = import_job_create(uploaded_file=upload(data), source="essai")
    job = import_preview(job=job, mapping=job.mapping)
    duplicates = {d["row"]: (d["actor"], d["reason"]) for d in job.report["preview"]["duplicates"]}
    assert duplicates == {
        2: (by_siret.pk, "siret"),
        3: (by_name.pk, "name"),
        4: (to_skip.pk, "name"),
    }
    assert job.report["preview"]["new"] == 1

    job = run_import(data, decisions={"2": "merge", "3": "create", "4": "skip"})

    assert job.report["outcome"] | {} == {
        "created": 2, "updated": 0, "merged": 1, "unchanged": 0, "skipped": 1,
        "skipped_invalid": 0, "geocoded": 3,
    }  # fmt: skip
    by_siret.refresh_from_db()
    # Merged: the file's values fill the record, which now remembers its source.
    assert (by_siret.name, by_siret.commune_id, by_siret.source, by_siret.source_id) == (
        "Planétarium de Dijon", "21231", "essai", "A1",
    )  # fmt: skip
    revision = by_siret.revisions.first()
    assert revision.source == RevisionSource.IMPORT and revision.source_detail == "acteurs.csv"
    assert revision.changes["name"] == ["Ancien nom du planétarium", "Planétarium de Dijon"]
    assert Actor.objects.filter(commune_id="44109").count() == 3  # created beside the similar one
    to_skip.refresh_from_db()
    assert to_skip.source == "" and to_skip.revisions.count() == 1


def test_a_reimport_of_the_same_source_updates_instead_of_duplicating(communes, run_import):
    rows = [
        HEADERS,
        ["P1", "Planétarium de Dijon", "Planétarium", "21000", "Dijon", "", "", ""],
        ["P2", "Planétarium de Nantes", "Planétarium", "44000", "Nantes", "47.2", "-1.55", ""],
    ]
    run_import(csv_bytes(rows))
    first = {actor.source_id: actor for actor in Actor.objects.all()}

    rows[1][1] = "Planétarium Hubert-Reeves"
    job = run_import(csv_bytes(rows, delimiter=",", encoding="latin-1"), name="v2.csv")

    assert job.report["preview"]["updates"] == 2
    assert (job.report["outcome"]["updated"], job.report["outcome"]["unchanged"]) == (1, 1)
    assert Actor.objects.count() == 2
    renamed = Actor.objects.get(source="essai", source_id="P1")
    assert renamed.pk == first["P1"].pk and renamed.name == "Planétarium Hubert-Reeves"
    assert renamed.slug == first["P1"].slug
    assert renamed.revisions.count() == 2
    assert renamed.revisions.first().source_detail == "v2.csv"
    assert Actor.objects.get(source_id="P2").revisions.count() == 1


def test_nothing_is_imported_when_the_commit_fails_midway(communes, run_import, monkeypatch):
    rows = [HEADERS] + [
        [f"X{n}", f"Planétarium numéro {n}", "Planétarium", "21000", "Dijon", "", "", ""]
        for n in range(12)
    ]
    monkeypatch.setattr(import_commit, "BATCH_SIZE", 5)
    calls = []
    original = import_commit.ActorSearchIndexWriter.write

    def failing_write(self, *, created, **kwargs):
        # The second batch's actors, links and revisions are written by now.
        calls.append(len(created))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, created=created, **kwargs)

    monkeypatch.setattr(import_commit.ActorSearchIndexWriter, "write", failing_write)

    job = run_import(csv_bytes(rows))

    assert calls == [5, 5]
    assert job.status == ImportStatus.FAILED
    assert job.report["failure"]["message"] == _(
        "The import failed unexpectedly; nothing was imported."
    )
    assert not Actor.objects.exists()
    assert not ActorRevision.objects.exists()


def test_the_commit_rechecks_the_rows_and_stops_when_they_became_invalid(communes, run_import):
    data = csv_bytes([HEADERS, ["Z1", "Planétarium", "Planétarium", "21000", "Dijon", "", "", ""]])
    job = import_job_create(uploaded_file=upload(data), source="essai")
    job = import_preview(job=job, mapping=job.mapping)
    _type().delete()  # the type left the typology between the preview and the commit

    import_queue(job=job, decisions={})
    assert import_run(job.pk) == ImportStatus.FAILED
    job.refresh_from_db()
    assert job.report["failure"]["errors"][0]["row"] == 2
    assert not Actor.objects.exists()
    # Idempotent: running it again changes nothing.
    assert import_run(job.pk) == ImportStatus.FAILED


def test_the_bulk_path_writes_what_actor_save_writes(communes, run_import):
    Label.objects.get(slug="musee-de-france")
    data = csv_bytes([
        ["Identifiant", "Nom", "Type", "Adresse", "Code postal", "Commune", "SIRET", "Muséofile",
         "ROR", "Site web", "Statut", "Année de fermeture", "Description", "Labels"],
        ["K1", "Muséum de Besançon", "museum-histoire-naturelle", "Citadelle", "25000", "25056",
         "212 102 315 00018", "m0123", "03YRM5C26", "https://www.example.org", "fermé", "2020",
         "<p>Un muséum <script>alert(1)</script></p>", "Musée de France"],
    ])  # fmt: skip
    user = importer()

    run_import(data, user=user)
    imported = Actor.objects.get(source_id="K1")
    by_service = Actor(
        name="Muséum de Besançon", type=_type("museum-histoire-naturelle"), street="Citadelle",
        postal_code="25000", commune_id="25056", siret="212 102 315 00018", museofile="m0123",
        ror="03YRM5C26", website="https://www.example.org", status="closed", closed_year=2020,
        description="<p>Un muséum <script>alert(1)</script></p>", source="essai", source_id="K2",
        latitude=47.23673, longitude=6.02231, coordinates_source=CoordinatesSource.COMMUNE,
    )  # fmt: skip
    actor_save(by_service, user=user, source=RevisionSource.IMPORT, source_detail="acteurs.csv",
               labels=Label.objects.filter(slug="musee-de-france"))  # fmt: skip

    ignored = {"id", "slug", "source_id", "created_at", "updated_at"}
    columns = [f.attname for f in Actor._meta.concrete_fields if f.attname not in ignored]
    assert {c: getattr(imported, c) for c in columns} == {
        c: getattr(by_service, c) for c in columns
    }
    assert imported.description == by_service.description == "<p>Un muséum </p>"
    ours, theirs = imported.revisions.get(), by_service.revisions.get()
    assert (ours.user, ours.source, ours.source_detail, ours.changes) == (
        theirs.user, theirs.source, theirs.source_detail, theirs.changes,
    )  # fmt: skip
    assert {**ours.snapshot, "source_id": ""} == {**theirs.snapshot, "source_id": ""}
    # The directory's search index and facet rows too (PostgreSQL: vectors computed by one
    # statement for the batch, against actor_save's own; the facet cells kept by triggers).
    index_columns = [f.attname for f in ActorSearchIndex._meta.concrete_fields][1:]
    indexed = ActorSearchIndex.objects.values(*index_columns)
    assert indexed.get(actor=imported) == indexed.get(actor=by_service)
    if connection.vendor == "postgresql":
        from ocim.inventory.directory_counts import directory_counts_differences

        facet_columns = [f.attname for f in ActorFacets._meta.concrete_fields][1:]
        facets = ActorFacets.objects.values(*facet_columns)
        assert facets.get(actor=imported) == facets.get(actor=by_service)
        assert facets.get(actor=imported)["label_ids"] == [
            Label.objects.get(slug="musee-de-france").pk
        ]
        assert directory_counts_differences() == []


def test_progress_of_the_check_and_of_the_commit_is_seen_by_every_process(
    communes, monkeypatch, django_capture_on_commit_callbacks
):
    """The tasks run in a worker, the progress page in a web process: what a task reports must
    come from something both share (not the cache: each process's own memory here)."""
    from django.core.cache import cache

    seen = {"check": [], "commit": []}

    def observed(kind):
        cache.clear()  # another process's cache: empty
        seen[kind].append(services_import.import_progress(ImportJob.objects.get()))

    monkeypatch.setattr(services_import, "CHECK_PROGRESS_ROWS", 5)
    monkeypatch.setattr(import_commit, "BATCH_SIZE", 4)
    written = services_import._progress_write

    def write(job, percent):
        written(job, percent)
        observed("commit" if job.status == ImportStatus.RUNNING else "check")

    monkeypatch.setattr(services_import, "_progress_write", write)
    job = import_job_create(uploaded_file=upload(DEMO_FILE.read_bytes(), DEMO_FILE.name))
    with django_capture_on_commit_callbacks(execute=True):
        services_import.import_preview_queue(job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        import_queue(job=job, decisions={}, skip_invalid_rows=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    for kind in ("check", "commit"):
        steps = seen[kind]
        assert len(steps) >= 3 and steps == sorted(steps), (kind, steps)
        assert 0 < steps[1] < steps[-1] < 100, (kind, steps)
    # Finished: the job's own row says so, the progress file is gone.
    assert services_import.import_progress(job) == 100
    assert not job.file.storage.exists(services_import._progress_name(job))


def test_a_commune_is_found_with_or_without_its_article(tmp_path):
    load_communes(tmp_path / "geo-fr", codes=("76351",))  # Le Havre
    data = csv_bytes(
        [
            ["Nom", "Type", "Commune"],
            ["A", "Planétarium", "Le Havre"],
            ["B", "Planétarium", "Havre"],
        ]
    )
    table = read_table(data, "a.csv")
    from ocim.inventory.imports import guess_mapping

    result = rows_check(table, guess_mapping(table.headers), source="s")
    assert [row.values.get("commune_id") for row in result.rows] == ["76351", "76351"]
    assert result.errors == []


def _tamper_checked_rows(job, change):
    """Change the checked rows a preview kept, as if the data had changed since."""
    with job.checked_rows.open("rb") as handle:
        stored = json.loads(handle.read())
    change(stored)
    with job.checked_rows.storage.open(job.checked_rows.name, "wb") as handle:
        handle.write(json.dumps(stored).encode())


def test_a_row_that_cannot_be_saved_midway_leaves_nothing_written(
    communes, monkeypatch, django_capture_on_commit_callbacks
):
    rows = [HEADERS] + [
        [f"R{n}", f"Planétarium numéro {n}", "Planétarium", "21000", "Dijon", "", "", ""]
        for n in range(9)
    ]
    data = csv_bytes(rows)
    monkeypatch.setattr(import_commit, "BATCH_SIZE", 2)
    job = import_job_create(uploaded_file=upload(data), source="essai")
    job = import_preview(job=job, mapping=job.mapping)

    def longer_postal_code(stored):
        _number, values = stored[6]  # row 8 of the file, in the fourth batch
        values["postal_code"] = "210000"

    _tamper_checked_rows(job, longer_postal_code)
    with django_capture_on_commit_callbacks(execute=True):
        import_queue(job=job, decisions={})
    job.refresh_from_db()

    assert job.status == ImportStatus.FAILED
    with pytest.raises(ValidationError) as invalid:
        Actor._meta.get_field("postal_code").clean("210000", None)
    assert job.report["failure"]["message"] == _(
        "Row %(row)d cannot be saved: %(reason)s Nothing was imported."
    ) % {"row": 8, "reason": " ".join(invalid.value.messages)}
    for model in (Actor, ActorRevision, Actor.labels.through, ActorSearchIndex, ActorFacets):
        assert not model.objects.exists(), model
    assert not DirectoryCount.objects.exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("postal_code", "210000"),
        ("postal_code", "21000"),
        ("email", "pas-une-adresse"),
        ("email", "contact@example.org"),
        ("website", "https://"),
        ("website", "https://www.example.org"),
        ("siret", "12345678901234"),
        ("siret", "21210231500018"),
        ("status", "ouvert"),
        ("status", "closed"),
        ("legal_status", "mairie"),
        ("year_founded", 999),
        ("year_founded", "1890"),
        ("latitude", 95.5),
        ("latitude", "47.3"),
        ("name", ""),
        ("name", "x" * 256),
        ("name", "x" * 255),
        ("latitude", 90.0),
        ("latitude", -90.5),
        ("year_founded", 2024),
        ("year_founded", True),
        ("source", None),
    ],
)
def test_the_commit_checks_each_field_as_clean_fields_does(name, value):
    """The commit's compiled checks (``_FieldRule``) accept, convert and refuse what
    ``Model.clean_fields`` does, with the same messages, the first time and the next."""
    field = Actor._meta.get_field(name)
    model = Actor(**{"name": "Musée", field.attname: value})
    try:
        model.clean_fields(exclude=[f.name for f in Actor._meta.fields if f.name != name])
        expected = []
    except ValidationError as invalid:
        expected = invalid.message_dict[name]
    rule = import_commit._FieldRule(field)
    for _time in range(2):
        record = import_commit._NewActor({field.attname: value})
        messages = []
        rule.check(record, messages)
        assert messages == expected
        if not expected:
            assert getattr(record, field.attname) == getattr(model, field.attname)


def test_batches_merging_into_the_same_actor_each_see_the_one_before(
    communes, run_import, monkeypatch
):
    """The next batch is prepared while one is written, unless it changes existing actors:
    those are read once the batch before is written (here both merge into one actor)."""
    museum = Actor(name="Muséum de Dijon", type=_type("museum-histoire-naturelle"),
                   commune_id="21231", latitude=47.32, longitude=5.04,
                   coordinates_source=CoordinatesSource.ENTERED)  # fmt: skip
    actor_save(museum)
    monkeypatch.setattr(import_commit, "BATCH_SIZE", 1)
    data = csv_bytes([
        ["Nom", "Type", "Commune", "Adresse", "Téléphone"],
        ["Muséum de Dijon", "Muséum d'histoire naturelle", "21231", "1 rue Buffon", ""],
        ["Muséum de Dijon", "Muséum d'histoire naturelle", "21231", "", "03 80 00 00 00"],
        ["Planétarium de Dijon", "Planétarium", "21231", "", ""],
    ])  # fmt: skip

    job = run_import(data)

    assert job.status == ImportStatus.DONE
    assert (job.report["outcome"]["merged"], job.report["outcome"]["created"]) == (2, 1)
    museum.refresh_from_db()
    assert (museum.street, museum.phone) == ("1 rue Buffon", "03 80 00 00 00")
    latest, first_merge = museum.revisions.order_by("-pk")[:2]
    assert first_merge.changes == {"street": ["", "1 rue Buffon"]}
    assert latest.changes == {"phone": ["", "03 80 00 00 00"]}
    assert (latest.snapshot["street"], latest.snapshot["phone"]) == (
        "1 rue Buffon", "03 80 00 00 00",
    )  # fmt: skip


def test_the_cycle_collector_is_paused_while_a_file_is_checked_or_written_then_restored(
    communes, run_import, monkeypatch
):
    seen = []
    for name in ("rows_check", "import_rows_write"):
        original = getattr(services_import, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(gc.isenabled())
            return _original(*args, **kwargs)

        monkeypatch.setattr(services_import, name, spy)
    assert gc.isenabled()
    job = run_import(DEMO_FILE.read_bytes(), name=DEMO_FILE.name, skip=True)
    assert job.status == ImportStatus.DONE
    assert seen == [False, False]
    assert gc.isenabled()

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services_import, "import_rows_write", failing)
    job = run_import(DEMO_FILE.read_bytes(), name=DEMO_FILE.name, skip=True, source="autre")
    assert job.status == ImportStatus.FAILED
    assert gc.isenabled()
