from datetime import date

import pytest

from rentbook.audit.models import AuditEvent
from rentbook.audit.services import acting_as, record
from rentbook.portfolio.models import Role, User
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def events(object_type):
    return list(AuditEvent.objects.filter(object_type=object_type).order_by("id"))


def test_a_change_is_logged_with_who_when_and_the_values_before_and_after():
    officer = User.objects.create_user("ola", password="x" * 12, role=Role.INCOME_OFFICER)
    account = make_account()
    tenancy = account.tenancy
    with acting_as(officer):
        tenancy.end_date = date(2026, 1, 4)
        tenancy.save()
    change = events("portfolio.Tenancy")[-1]
    assert change.action == "change"
    assert change.actor == officer
    assert change.actor_name == "ola"
    assert change.object_id == str(tenancy.pk)
    assert change.before == {"end_date": None}
    assert change.after == {"end_date": "2026-01-04"}
    assert change.at is not None


def test_creating_and_deleting_are_logged_and_a_save_without_changes_is_not():
    account = make_account()
    contact = account.tenancy.contacts.create(name="Jo Bloggs", relationship="sister")
    contact.save()
    contact.delete()
    actions = [e.action for e in events("portfolio.Contact")]
    assert actions == ["create", "delete"]
    assert events("portfolio.Contact")[-1].before["name"] == "Jo Bloggs"


def test_changes_made_outside_a_request_are_logged_as_the_system():
    account = make_account()
    created = events("ledger.Account")[-1]
    assert created.actor is None
    assert created.actor_name == "system"
    assert created.after["reference"] == account.reference


def test_passwords_never_reach_the_audit_log():
    user = User.objects.create_user("pat", password="correct horse battery")
    user.set_password("another long secret")
    user.save()
    for event in events("portfolio.User"):
        assert "password" not in (event.before or {})
        assert "password" not in (event.after or {})


def test_audit_events_cannot_be_changed_or_deleted():
    event = record("import", object_type="imports.ImportBatch", object_id="1", summary="x")
    event.summary = "tampered"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "x"
