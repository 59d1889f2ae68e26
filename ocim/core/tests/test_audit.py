import pytest

from ocim.core.audit import audit_log
from ocim.core.models import AuditLogEntry, Region


@pytest.mark.django_db
def test_audit_log_records_who_what_and_on_which_object(user):
    region = Region.objects.create(code="27", name="Bourgogne-Franche-Comté", population=1)
    entry = audit_log(action="core.region.renamed", actor=user, obj=region, data={"from": "BFC"})
    entry.refresh_from_db()
    assert entry.actor == user
    assert entry.actor_label == user.email
    assert entry.object_id == "27"
    assert entry.object_repr == "Bourgogne-Franche-Comté"
    assert entry.data == {"from": "BFC"}
    assert AuditLogEntry.objects.filter(action="core.region.renamed").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "cancelled", "training.cancelled", "a.b c.d"])
def test_audit_log_refuses_codes_that_are_not_dotted(code):
    with pytest.raises(ValueError):
        audit_log(action=code)
