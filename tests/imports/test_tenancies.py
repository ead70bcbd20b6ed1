"""Importing tenancies: the portfolio built once, updated where the file differs, audited."""

from __future__ import annotations

import pytest

from rentbook.audit.models import AuditEvent
from rentbook.imports.services import import_file
from rentbook.ledger.models import Account
from rentbook.portfolio.models import Area, Contact, Patch, Property, Tenancy, Tenant

from .conftest import TENANCY_HEADER, tenant_row

pytestmark = pytest.mark.django_db

MODELS = (Area, Patch, Property, Tenancy, Tenant, Contact, Account)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_a_file_builds_areas_patches_properties_tenancies_accounts_tenants_and_contacts(
    tenancies,
):
    assert counts() == {
        "Area": 1,
        "Patch": 1,
        "Property": 2,
        "Tenancy": 2,
        "Tenant": 3,
        "Contact": 2,
        "Account": 2,
    }
    t1 = Tenancy.objects.get(reference="T1")
    assert [t.first_name for t in t1.tenants.all()] == ["Ann1", "Ann2"]
    assert t1.property.postcode == "LS1 4AP"
    assert t1.account.payment_method == "direct_debit"
    lead = t1.tenants.get(person_no=1)
    assert lead.next_of_kin_consent is True
    assert lead.preferred_language == "English"
    assert str(lead.date_of_birth) == "1980-02-01"
    assert tenancies.rows_posted == 3


def test_importing_the_same_file_again_changes_nothing(tenancies, files):
    before = counts()
    events = AuditEvent.objects.count()
    rows = [tenant_row("T1", 1), tenant_row("T1", 2), tenant_row("T2", 1)]
    again = import_file("tenancies", files.csv("tenancies.csv", rows))
    assert (again.rows_posted, again.rows_updated, again.rows_present) == (0, 0, 3)
    assert counts() == before
    assert AuditEvent.objects.count() == events + 1  # the batch's own event only


def test_a_changed_field_updates_the_record_and_audits_the_change(tenancies, files):
    rows = [
        tenant_row("T1", 1, end_date="2025-03-30"),
        tenant_row("T1", 2, end_date="2025-03-30"),
        tenant_row("T2", 1, mobile="07700 900999", payment_method="card"),
    ]
    result = import_file("tenancies", files.csv("tenancies.csv", rows))
    assert (result.rows_posted, result.rows_updated, result.rows_present) == (0, 3, 0)
    assert str(Tenancy.objects.get(reference="T1").end_date) == "2025-03-30"
    assert Account.objects.get(reference="T2").payment_method == "card"
    change = AuditEvent.objects.get(object_type="portfolio.Tenancy", action="change")
    assert (change.before, change.after) == ({"end_date": None}, {"end_date": "2025-03-30"})
    mobile = AuditEvent.objects.get(object_type="portfolio.Tenant", action="change")
    assert mobile.after == {"mobile": "07700 900999"}
    assert AuditEvent.objects.filter(object_type="ledger.Account", action="change").count() == 1


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"person_no": "5"}, "person_no", "'5' is not a whole number from 1 to 4"),
        ({"bedrooms": "many"}, "bedrooms", "is not a whole number from 0 to 10"),
        ({"tenure": "freehold"}, "tenure", "'freehold' is not a known tenure"),
        ({"property_type": "castle"}, "property_type", "is not a known property type"),
        ({"payment_method": "gold"}, "payment_method", "is not a known payment method"),
        ({"benefit": "pension"}, "benefit", "'pension' is not a known benefit"),
        ({"postcode": "NOWHERE"}, "postcode", "'NOWHERE' is not a UK postcode"),
        ({"start_date": "2020-13-01"}, "start_date", "is not a real date"),
        ({"end_date": "2019-01-01"}, "end_date", "the tenancy ends before it starts"),
        ({"email": "ann-at-example"}, "email", "is not an email address"),
        ({"next_of_kin_consent": "perhaps"}, "next_of_kin_consent", "is not yes or no"),
        ({"first_name": ""}, "first_name", "a value is required"),
        ({"tenancy_ref": "T" * 31}, "tenancy_ref", "longer than 30 characters"),
    ],
)
def test_each_bad_value_is_rejected_and_the_rest_imported(files, db, changes, column, reason):
    rows = [tenant_row("T1"), tenant_row("T2", **changes)]
    result = import_file("tenancies", files.csv("t.csv", rows))
    [problem] = result.problems
    assert (problem.line, problem.column) == (3, column)
    assert reason in problem.reason
    assert list(Tenancy.objects.values_list("reference", flat=True)) == ["T1"]


def test_rows_of_one_tenancy_that_disagree_are_rejected_naming_the_first(files, db):
    rows = [tenant_row("T1", 1), tenant_row("T1", 2, tenure="assured", start_date="2021-01-01")]
    result = import_file("tenancies", files.csv("t.csv", rows))
    [problem] = result.problems
    assert problem.line == 3
    assert problem.column == "tenure, start_date"
    assert problem.reason == "disagrees with line 2 about the same tenancy"
    assert Tenant.objects.count() == 1


def test_a_tenant_listed_twice_is_rejected_naming_the_first_line(files, db):
    rows = [tenant_row("T1", 1), tenant_row("T1", 1)]
    result = import_file("tenancies", files.csv("t.csv", rows))
    assert [(p.line, p.column, p.reason) for p in result.problems] == [
        (3, "person_no", "the same tenant as line 2")
    ]


def test_optional_columns_may_be_left_out(files, db):
    required = [
        c
        for c in TENANCY_HEADER
        if c not in {"address_line_2", "town", "end_date", "title", "date_of_birth", "phone"}
        and not c.startswith(("mobile", "email", "preferred", "communication", "support", "next"))
    ]
    result = import_file("tenancies", files.csv("t.csv", [tenant_row("T1")], required))
    assert result.ok, result.problems
    assert Tenant.objects.get().next_of_kin_consent is False
