"""OPML in the back office: curators upload a file (a report of what was created and left
aside, or of what to fix when nothing was imported) and download the feeds as OPML 2.0."""

import pytest
from defusedxml import ElementTree as ET
from django.core.files.uploadedfile import SimpleUploadedFile

from ocim.watch.models import Source

from .admin_builders import SourceCategoryFactory, SourceFactory, user_with_role

pytestmark = pytest.mark.django_db

IMPORT = "/admin/watch/opml/import/"
EXPORT = "/admin/watch/opml/export/"

GOOD = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Veille</title></head><body>
<outline text="Mus\xc3\xa9es">
  <outline type="rss" text="Mus\xc3\xa9um de Lyon" xmlUrl="https://museum.exemple.fr/rss"/>
  <outline type="rss" text="D\xc3\xa9j\xc3\xa0 suivi" xmlUrl="https://deja.exemple.fr/rss"/>
</outline>
</body></opml>"""


@pytest.fixture
def curator_client(client):
    client.force_login(user_with_role("watch-curator"))
    return client


def upload(data: bytes, name="abonnements.opml"):
    return SimpleUploadedFile(name, data, content_type="text/x-opml")


def test_an_import_reports_what_was_created_and_left_aside(curator_client):
    SourceFactory(url="https://deja.exemple.fr/rss", title="Le flux déjà suivi")
    response = curator_client.post(IMPORT, {"file": upload(GOOD)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="opml-report"' in html
    assert "Le flux déjà suivi" in html
    assert Source.objects.filter(url="https://museum.exemple.fr/rss").exists()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body>Page</body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><opml><body/></opml>',
        b"<opml><body><outline xmlUrl='http://10.1.2.3/'/></body></opml>",
    ],
)
def test_bad_files_are_refused_with_a_report_never_a_500(curator_client, settings, data):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    response = curator_client.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="opml-rejected"' in html or "file" in response.context["form"].errors
    assert not Source.objects.exists()


def test_no_file_is_a_form_error(curator_client):
    response = curator_client.post(IMPORT, {})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_the_export_is_an_opml_file_of_the_feeds(curator_client):
    category = SourceCategoryFactory(name="Presse")
    SourceFactory(title="Journal", url="https://journal.exemple.fr/rss").categories.add(category)
    SourceFactory(title="Page", url="https://page.exemple.fr/", kind="page")
    SourceFactory(title="Muséum", url="https://museum.exemple.fr/rss")
    response = curator_client.get(EXPORT, {"download": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-opml")
    assert "attachment" in response["Content-Disposition"]
    root = ET.fromstring(response.content)
    urls = {outline.get("xmlUrl") for outline in root.iter("outline") if outline.get("xmlUrl")}
    assert urls == {"https://journal.exemple.fr/rss", "https://museum.exemple.fr/rss"}
    only = ET.fromstring(
        curator_client.get(EXPORT, {"download": "1", "category": category.pk}).content
    )
    assert [o.get("xmlUrl") for o in only.iter("outline") if o.get("xmlUrl")] == [
        "https://journal.exemple.fr/rss"
    ]
    assert curator_client.get(EXPORT, {"download": "1", "category": "x"}).status_code == 400


def test_staff_without_the_role_are_refused(client):
    client.force_login(user_with_role("editor"))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": upload(GOOD)}).status_code == 403
    assert client.get(EXPORT, {"download": "1"}).status_code == 403
    assert not Source.objects.exists()
