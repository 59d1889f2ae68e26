"""The import screens of the Wagtail admin: upload → mapping → preview and decisions → commit
→ progress → report; only for the holders of ``inventory.import_actors``; never a 500."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.accounts.tests.factories import UserFactory
from ocim.inventory.models import Actor, ImportJob, ImportStatus

from .import_support import DEMO_FILE, csv_bytes, importer, load_communes

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"inventory_import:{name}", args=args)


@pytest.fixture
def staff(client, tmp_path):
    load_communes(tmp_path / "geo-fr")
    user = importer()
    client.force_login(user)
    return user


def _upload(client, data, name="acteurs.csv", source="essai"):
    return client.post(url("index"), {"file": SimpleUploadedFile(name, data), "source": source})


def test_the_whole_journey_from_upload_to_report(client, staff, django_capture_on_commit_callbacks):
    assert client.get(url("index")).status_code == 200
    response = _upload(client, DEMO_FILE.read_bytes(), name=DEMO_FILE.name, source="demo")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == url("mapping", job.pk)
    assert job.created_by == staff and job.file_info["encoding"] == "windows-1252"

    mapping_page = client.get(url("mapping", job.pk))
    assert mapping_page.status_code == 200
    assert mapping_page.context["form"]["column_1"].initial == "name"
    form_data = {"source": "demo", **{f"column_{i}": k for i, k in job.mapping.items()}}
    response = client.post(url("mapping", job.pk), form_data)
    # The request returns at once: the rows are checked by a task, queued at commit.
    assert response.status_code == 302 and response["Location"] == url("detail", job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING
    checking = client.get(url("detail", job.pk))
    assert checking["Refresh"] == "2" and 'role="progressbar"' in checking.content.decode()
    assert _("Checking the rows") in checking.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("mapping", job.pk), form_data)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    checked = client.get(url("detail", job.pk))
    assert "Refresh" not in checked and url("preview", job.pk) in checked.content.decode()

    preview = client.get(url("preview", job.pk))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert _("Unknown commune.") in page and "Villeneuve-sur-Nulle-Part" in page
    refused = client.post(url("preview", job.pk), {})  # no duplicates: no default decision
    assert refused.status_code == 200
    assert (
        _(
            "%(count)d row(s) have errors: correct the file and upload it again, or choose to "
            "skip those rows."
        )
        % {"count": 12}
        in refused.content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("preview", job.pk), {"skip_invalid_rows": "on"})
    assert response.status_code == 302 and response["Location"] == url("detail", job.pk)
    report = client.get(url("detail", job.pk))
    assert report.status_code == 200
    assert report.context["outcome"]["created"] == 18
    assert "Refresh" not in report
    assert Actor.objects.count() == 18


def test_a_running_import_shows_an_accessible_progress_bar_and_refreshes_itself(client, staff):
    from django.core.files.base import ContentFile

    from ocim.inventory.services_import import _progress_write

    job = ImportJob(file_name="a.csv", source="s", status=ImportStatus.RUNNING, progress=0)
    job.file.save("a.csv", ContentFile(b"Nom;Type\r\nA;B\r\n"), save=False)
    job.save()
    # Written by the worker's process, read by the web's: nothing in memory is shared.
    _progress_write(job, 42)

    response = client.get(url("detail", job.pk))

    page = response.content.decode()
    assert response["Refresh"] == "2"
    assert 'role="progressbar"' in page and 'aria-valuenow="42"' in page
    assert 'aria-valuemin="0"' in page and 'aria-valuemax="100"' in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "vide.csv", "The submitted file is empty."),
        (b"Nom;Type\r\n", "entete.csv", "The file has column names but no rows."),
        (b"\x00\x01\x02", "binaire.csv", "This is not a text file (it contains binary data). Save it as CSV or XLSX."),  # noqa: E501
        (b"PK\x03\x04broken", "casse.xlsx", "This XLSX file is damaged or is not an XLSX file."),
        (b"Nom;Type\r\nA;B\r\n", "acteurs.pdf", "Only CSV and XLSX files can be imported: save the spreadsheet in one of them."),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_files_are_refused_with_a_message_and_nothing_kept(client, staff, data, name, message):
    response = _upload(client, data, name=name)

    assert response.status_code == 200
    assert _(message) in response.content.decode().replace("&#x27;", "'")
    assert not ImportJob.objects.exists()


def test_a_50_mb_upload_is_refused(client, staff):
    big = io.BytesIO(b"Nom;Type\r\n" + b"a;b\r\n" * (50 * 1024 * 1024 // 5))

    response = client.post(url("index"), {"file": SimpleUploadedFile("grand.csv", big.read())})

    assert response.status_code == 200
    assert "30,0" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_mapping_without_the_required_fields_is_explained(client, staff):
    _upload(client, csv_bytes([["Nom", "Type"], ["A", "Planétarium"]]))
    job = ImportJob.objects.get()

    response = client.post(url("mapping", job.pk), {"source": "s", "column_0": "name"})

    assert response.status_code == 200
    expected = _("No column is mapped to the required field “%(field)s”.") % {"field": _("Type")}
    assert expected in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


def test_tampered_forms_and_missing_files_never_give_a_server_error(
    client, staff, django_capture_on_commit_callbacks
):
    _upload(client, csv_bytes([["Nom", "Type"], ["A", "Planétarium"]]))
    job = ImportJob.objects.get()
    bad = client.post(url("mapping", job.pk), {"source": "s", "column_0": "nope", "column_9": "x"})
    assert bad.status_code == 200
    # The preview of a job that was not previewed sends back to its page.
    assert client.post(url("preview", job.pk), {"decision_2": "boom"}).status_code == 302
    assert client.get(url("detail", 999999), follow=True).status_code == 404
    job.file.delete(save=False)
    # The mapping form comes from what the upload kept; the check finds the file gone.
    assert client.get(url("mapping", job.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("mapping", job.pk), {"source": "s", "column_0": "name", "column_1": "type"}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    gone = client.get(url("detail", job.pk))
    assert gone.status_code == 200
    assert _("The uploaded file is no longer available: upload it again.") in gone.content.decode()


def test_only_holders_of_the_import_permission_get_in(client, db):
    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename="access_admin"))
    client.force_login(editor)
    job = ImportJob.objects.create(file_name="a.csv", source="s")

    for address in (
        url("index"),
        url("detail", job.pk),
        url("mapping", job.pk),
        url("preview", job.pk),
    ):
        assert client.get(address).status_code == 403
    assert (
        client.post(url("index"), {"file": SimpleUploadedFile("a.csv", b"a;b\r\n1;2")}).status_code
        == 403
    )
    assert _("Import actors") not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert not ImportJob.objects.exclude(pk=job.pk).exists()

    member = UserFactory()
    client.force_login(member)
    assert client.get(url("index")).status_code == 302  # to the admin's login

    client.force_login(importer())
    assert client.get(url("index")).status_code == 200
    assert _("Import actors") in client.get(reverse("wagtailadmin_home")).content.decode()
