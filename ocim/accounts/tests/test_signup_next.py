"""Signing up from a page that needs an account (e.g. a training registration form): the person
comes back to that page after confirming their address and logging in."""

import re

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from ocim.accounts.services import next_path_clean

from .test_signup import GOOD

REGISTER = "/fr/formation/sessions/12/inscription/"


@pytest.mark.django_db
def test_the_login_page_offers_sign_up_keeping_the_destination(client):
    page = client.get(f"{reverse('accounts:login')}?{urlencode({'next': REGISTER})}")
    html = page.content.decode()
    assert f'href="{reverse("accounts:signup")}?next={REGISTER}"' in html


@pytest.mark.django_db
def test_sign_up_then_confirm_then_log_in_lands_on_the_destination(client, mailbox, committed):
    signup = f"{reverse('accounts:signup')}?{urlencode({'next': REGISTER})}"
    form = client.get(signup).content.decode()
    assert f'name="next" value="{REGISTER}"' in form
    with committed():
        response = client.post(signup, {**GOOD, "next": REGISTER})
    assert response.status_code == 302
    link = re.search(r"http\S+", mailbox[-1].body).group(0).removeprefix("http://127.0.0.1:8000")
    response = client.get(link)
    login = f"{reverse('accounts:login')}?{urlencode({'next': REGISTER})}"
    assert response["Location"] == login
    response = client.post(login, {"username": GOOD["email"], "password": GOOD["password1"]})
    assert response.status_code == 302
    assert response["Location"] == REGISTER


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/ok\nSet-Cookie: x",
        "",
        None,
    ],
)
def test_only_paths_of_this_site_are_kept(value):
    assert next_path_clean(value) == ""


@pytest.mark.django_db
def test_a_foreign_destination_is_dropped_from_the_link(client, mailbox, committed):
    with committed():
        client.post(reverse("accounts:signup"), {**GOOD, "next": "https://evil.example/"})
    link = re.search(r"http\S+", mailbox[-1].body).group(0).removeprefix("http://127.0.0.1:8000")
    assert client.get(link)["Location"] == reverse("accounts:login")
