"""The staff pipeline of tailor-made requests: list, request page, allowed and refused
transitions, notes, assignment, audit and permissions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ocim.accounts.roles import role_group, roles_ensure
from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import tailormade
from ocim.training.models import TailorMadeNote, TailorMadeRequest

pytestmark = pytest.mark.django_db


def make_request(**fields) -> TailorMadeRequest:
    values = {
        "structure_name": "Muséum de Dijon",
        "contact_name": "Hélène Girard",
        "contact_email": "helene@museum-dijon.fr",
        "topic": "Conservation préventive des textiles",
        "audience_size": 12,
    }
    values.update(fields)
    return TailorMadeRequest.objects.create(**values)


def make_manager(**fields):
    roles_ensure()
    user = UserFactory(**fields)
    user.groups.add(role_group("training-manager"))
    return user


@pytest.fixture
def manager_client(client):
    user = make_manager()
    client.force_login(user)
    client.user = user
    return client


def _action(item, action):
    return reverse("training_tailormade:action", args=[item.pk, action])


def test_list_shows_columns_filters_and_search(manager_client):
    make_request(structure_name="Musée des Confluences", topic="Médiation numérique")
    make_request(structure_name="Muséum de Dijon", status="lost")
    url = reverse("training_tailormade:index")
    response = manager_client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Musée des Confluences" in text and "Muséum de Dijon" in text
    assert (
        reverse("training_tailormade:detail", args=[TailorMadeRequest.objects.first().pk]) in text
    )
    filtered = manager_client.get(url, {"status": "lost"}).content.decode()
    assert "Muséum de Dijon" in filtered and "Musée des Confluences" not in filtered
    searched = manager_client.get(url, {"q": "numérique"}).content.decode()
    assert "Musée des Confluences" in searched and "Muséum de Dijon" not in searched


def test_menu_item_is_shown_to_managers(manager_client):
    text = manager_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("training_tailormade:index") in text


def test_request_page_shows_everything(manager_client):
    item = make_request(budget=Decimal("4500"), wished_dates="Printemps 2027")
    TailorMadeNote.objects.create(request=item, author=manager_client.user, body="Appelée lundi.")
    response = manager_client.get(reverse("training_tailormade:detail", args=[item.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    for value in ("Hélène Girard", "helene@museum-dijon.fr", "Printemps 2027", "Appelée lundi."):
        assert value in text
    assert 'id="action-qualify"' in text and 'id="action-win"' not in text


@pytest.mark.parametrize(
    "url_name",
    ["index", "detail", "convert"],
)
def test_other_staff_get_403(client, url_name):
    roles_ensure()
    editor = UserFactory()
    editor.groups.add(role_group("editor"))  # reaches the admin, not the training requests
    client.force_login(editor)
    item = make_request(status="won")
    args = [] if url_name == "index" else [item.pk]
    assert client.get(reverse(f"training_tailormade:{url_name}", args=args)).status_code == 403
    response = client.post(_action(item, "qualify"))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "won"


def test_anonymous_is_sent_to_login(client):
    item = make_request()
    response = client.get(reverse("training_tailormade:detail", args=[item.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_full_pipeline_is_audited_and_timestamped(manager_client):
    item = make_request()
    assert manager_client.post(_action(item, "qualify")).status_code == 302
    item.refresh_from_db()
    assert item.status == "qualified" and item.status_changed_at is not None
    manager_client.post(_action(item, "send_quote"), {"quote_amount": "3200.50"})
    item.refresh_from_db()
    assert item.status == "quote_sent" and item.quote_amount == Decimal("3200.50")
    manager_client.post(_action(item, "win"))
    item.refresh_from_db()
    assert item.status == "won"
    actions = list(
        AuditLogEntry.objects.filter(object_id=str(item.pk), action__startswith="training.tail")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "training.tailormade.qualified",
        "training.tailormade.quote_sent",
        "training.tailormade.won",
    ]
    entry = AuditLogEntry.objects.get(action="training.tailormade.won")
    assert entry.actor == manager_client.user and entry.data == {"from": "quote_sent", "to": "won"}


def test_refused_transition_leaves_a_message_and_changes_nothing(manager_client):
    item = make_request()
    response = manager_client.post(_action(item, "win"), follow=True)
    item.refresh_from_db()
    assert item.status == "new"
    messages = [str(m) for m in response.context["messages"]]
    assert any(item.get_status_display() in m for m in messages)
    assert not AuditLogEntry.objects.filter(action="training.tailormade.won").exists()


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        ("new", "qualify", True),
        ("new", "send_quote", False),
        ("new", "lose", True),
        ("qualified", "qualify", False),
        ("qualified", "send_quote", True),
        ("qualified", "win", False),
        ("quote_sent", "send_quote", True),
        ("quote_sent", "win", True),
        ("won", "lose", False),
        ("won", "reopen", True),
        ("lost", "qualify", False),
        ("lost", "reopen", True),
        ("new", "reopen", False),
    ],
)
def test_state_machine(status, action, allowed):
    actor = make_manager()
    item = make_request(status=status)
    call = {
        "request": item,
        "action": action,
        "actor": actor,
        "quote_amount": "100",
        "lost_reason": "Budget refusé",
    }
    if allowed:
        result = tailormade.tailormade_request_transition(**call)
        assert result.status == tailormade.TRANSITIONS[action].target
    else:
        with pytest.raises(tailormade.TransitionNotAllowed):
            tailormade.tailormade_request_transition(**call)
        item.refresh_from_db()
        assert item.status == status


def test_quote_needs_an_amount_and_lost_needs_a_reason(manager_client):
    item = make_request(status="qualified")
    manager_client.post(_action(item, "send_quote"), {"quote_amount": ""})
    manager_client.post(_action(item, "send_quote"), {"quote_amount": "-5"})
    manager_client.post(_action(item, "lose"), {"lost_reason": "  "})
    item.refresh_from_db()
    assert item.status == "qualified" and item.quote_amount is None
    with pytest.raises(tailormade.TailorMadeInvalid):
        tailormade.tailormade_request_transition(
            request=item, action="send_quote", actor=manager_client.user
        )
    manager_client.post(_action(item, "lose"), {"lost_reason": "Budget refusé par la mairie"})
    item.refresh_from_db()
    assert item.status == "lost" and item.lost_reason == "Budget refusé par la mairie"
    manager_client.post(_action(item, "reopen"))
    item.refresh_from_db()
    assert item.status == "new" and item.lost_reason == ""
    reopened = AuditLogEntry.objects.get(action="training.tailormade.reopened")
    assert reopened.data["previous_reason"] == "Budget refusé par la mairie"


def test_notes_and_assignment(manager_client):
    colleague = make_manager(first_name="Paul")
    item = make_request()
    manager_client.post(_action(item, "note"), {"body": "Rappeler jeudi."})
    manager_client.post(_action(item, "note"), {"body": "   "})
    assert list(item.notes.values_list("body", "author")) == [
        ("Rappeler jeudi.", manager_client.user.pk)
    ]
    manager_client.post(_action(item, "assign_me"))
    item.refresh_from_db()
    assert item.assigned_to == manager_client.user
    manager_client.post(_action(item, "assign"), {"assignee": colleague.pk})
    item.refresh_from_db()
    assert item.assigned_to == colleague
    outsider = UserFactory()
    manager_client.post(_action(item, "assign"), {"assignee": outsider.pk})
    item.refresh_from_db()
    assert item.assigned_to == colleague
    codes = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"training.tailormade.note_added", "training.tailormade.assigned"} <= codes
    text = manager_client.get(reverse("training_tailormade:detail", args=[item.pk])).content
    assert "Rappeler jeudi." in text.decode()


def test_list_filters_by_date_received(manager_client):
    import datetime as dt

    from django.utils import timezone

    old = make_request(structure_name="Musée ancien")
    TailorMadeRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=60)
    )
    make_request(structure_name="Musée récent")
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    text = manager_client.get(
        reverse("training_tailormade:index"), {"created_at_from": since}
    ).content.decode()
    assert "Musée récent" in text and "Musée ancien" not in text


def test_request_page_links_to_its_private_session(manager_client):
    import datetime as dt

    from django.utils import timezone

    from . import catalogue_fixtures as fx

    course = fx.course(fx.site_with_catalogue())
    item = make_request(status="won")
    session = tailormade.tailormade_session_create(
        request=item,
        actor=manager_client.user,
        new_course=True,
        parts=[
            tailormade.PartData(
                date=timezone.localdate() + dt.timedelta(days=20),
                start_time=dt.time(9),
                end_time=dt.time(12),
            )
        ],
    )
    assert session.course.get_parent().pk == course.get_parent().pk
    text = manager_client.get(reverse("training_tailormade:detail", args=[item.pk])).content
    text = text.decode()
    assert reverse("training_tailormade:invitations", args=[session.pk]) in text
    assert reverse("wagtailadmin_pages:edit", args=[session.course.pk]) in text
    assert 'id="action-reopen"' not in text and 'id="action-convert"' not in text
    invitations = manager_client.get(reverse("training_tailormade:invitations", args=[session.pk]))
    assert invitations.status_code == 200
