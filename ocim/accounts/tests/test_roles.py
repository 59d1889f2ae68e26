import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from wagtail.models import GroupPagePermission

from ocim.accounts import roles
from ocim.accounts.models import User
from ocim.accounts.services import demo_users_ensure


def _perms(user):
    return user.get_all_permissions()


@pytest.mark.django_db
def test_roles_ensure_is_idempotent_and_grants_sensible_permissions():
    first = roles.roles_ensure()
    counts = {k: g.permissions.count() for k, g in first.items()}
    second = roles.roles_ensure()
    assert {k: g.permissions.count() for k, g in second.items()} == counts
    assert Group.objects.filter(name__in=[r.group_name for r in roles.ROLES]).count() == 9
    editor, chief = first["editor"], first["editor-in-chief"]
    page_codes = lambda g: set(  # noqa: E731
        GroupPagePermission.objects.filter(group=g).values_list("permission__codename", flat=True)
    )
    assert {"add_page", "change_page"} <= page_codes(editor)
    assert "publish_page" not in page_codes(editor)
    assert "publish_page" in page_codes(chief)
    assert chief.permissions.filter(codename="view_auditlogentry").exists()
    assert first["observatory-analyst"].permissions.filter(codename="change_concept").exists()
    assert first["watch-curator"].permissions.filter(codename="add_concept").exists()
    assert not first["member"].permissions.exists()
    assert not first["actor-representative"].permissions.filter(codename="access_admin").exists()
    # Authors reach the admin; their page permissions are on the magazines only (publishing).
    assert first["author"].permissions.filter(codename="access_admin").exists()
    assert not page_codes(first["author"])


@pytest.mark.django_db
def test_registration_api_extends_a_role(monkeypatch):
    monkeypatch.setattr(roles, "_grants", {k: roles._Grants() for k in roles._grants})
    roles.register_role_permissions("member", ["core.view_concept"])
    groups = roles.roles_ensure()
    assert list(groups["member"].permissions.values_list("codename", flat=True)) == ["view_concept"]
    with pytest.raises(ImproperlyConfigured):
        roles.register_role_permissions("astronaut", ["core.view_concept"])
    roles.register_role_permissions("member", ["core.fly_concept"])
    with pytest.raises(ImproperlyConfigured, match=r"core\.fly_concept"):
        roles.roles_ensure()


@pytest.mark.django_db
def test_prune_removes_hand_granted_permissions():
    groups = roles.roles_ensure()
    from django.contrib.auth.models import Permission

    groups["member"].permissions.add(Permission.objects.get(codename="delete_concept"))
    roles.roles_ensure()
    assert groups["member"].permissions.exists()
    roles.roles_ensure(prune=True)
    assert not groups["member"].permissions.exists()


@pytest.mark.django_db
def test_demo_users_get_a_password_once():
    created = demo_users_ensure()
    assert [r for r, _e, _p in created] == [role.key for role in roles.ROLES]
    _role, email, password = created[0]
    assert email == "editor@demo.ocim.fr"
    assert password and len(password) >= 16
    user = User.objects.get(email=email)
    assert user.check_password(password) and user.email_verified_at is not None
    assert user.has_perm("wagtailadmin.access_admin")
    member = User.objects.get(email="member@demo.ocim.fr")
    assert not member.has_perm("wagtailadmin.access_admin")
    again = demo_users_ensure()
    assert all(p is None for _r, _e, p in again)
    assert User.objects.count() == len(roles.ROLES)
    assert User.objects.get(email=email).check_password(password)


@pytest.mark.django_db
def test_roles_command(capsys):
    call_command("ocim_roles")
    assert "editor-in-chief" in capsys.readouterr().out
    assert Group.objects.filter(name__in=[r.group_name for r in roles.ROLES]).count() == 9


@pytest.mark.django_db
def test_prune_keeps_grants_an_app_made_on_other_pages():
    from django.contrib.auth.models import Permission
    from wagtail.models import Page

    groups = roles.roles_ensure()
    root = Page.get_first_root_node()
    section = root.add_child(instance=Page(title="Rubrique", slug="rubrique"))
    change = Permission.objects.get(codename="change_page")
    delete = Permission.objects.get(codename="delete_page")
    GroupPagePermission.objects.create(group=groups["member"], page=section, permission=change)
    GroupPagePermission.objects.create(group=groups["member"], page=root, permission=delete)
    roles.roles_ensure(prune=True)
    member_grants = GroupPagePermission.objects.filter(group=groups["member"])
    assert member_grants.filter(page=section, permission=change).exists()
    assert not member_grants.filter(page=root).exists()  # hand-made on the root: pruned
