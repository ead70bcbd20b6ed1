"""Importing charge schedules: one line per tenancy, charge and start date."""

from __future__ import annotations

import pytest

from rentbook.audit.models import AuditEvent
from rentbook.imports.services import import_file
from rentbook.ledger.models import ChargeLine

pytestmark = pytest.mark.django_db


def charge(tenancy="T1", code="rent", amount="95.50", start="2024-04-01", **more):
    row = {
        "tenancy_ref": tenancy,
        "charge_code": code,
        "description": "Weekly rent",
        "weekly_amount": amount,
        "effective_from": start,
        "effective_to": "",
    }
    row.update(more)
    return row


def test_charge_lines_are_keyed_by_tenancy_code_and_start(tenancies, files):
    rows = [charge(), charge(code="heating", amount="4.10"), charge(tenancy="T2")]
    result = import_file("charges", files.csv("c.csv", rows), source="hms")
    assert result.ok and result.rows_posted == 3
    refs = set(ChargeLine.objects.values_list("source", "source_ref", "weekly_amount"))
    assert refs == {
        ("hms", "T1/rent/2024-04-01", 9550),
        ("hms", "T1/heating/2024-04-01", 410),
        ("hms", "T2/rent/2024-04-01", 9550),
    }


def test_reimporting_changes_nothing_and_a_change_is_updated_and_audited(tenancies, files):
    import_file("charges", files.csv("c.csv", [charge(), charge(tenancy="T2")]))
    same = import_file("charges", files.csv("c.csv", [charge(), charge(tenancy="T2")]))
    assert (same.rows_posted, same.rows_updated, same.rows_present) == (0, 0, 2)
    changed = import_file(
        "charges",
        files.csv("c.csv", [charge(effective_to="2025-03-30"), charge(tenancy="T2")]),
    )
    assert (changed.rows_posted, changed.rows_updated, changed.rows_present) == (0, 1, 1)
    line = ChargeLine.objects.get(source_ref="T1/rent/2024-04-01")
    assert str(line.effective_to) == "2025-03-30"
    event = AuditEvent.objects.get(object_type="ledger.ChargeLine", action="change")
    assert (event.object_id, event.before, event.after) == (
        str(line.pk),
        {"effective_to": None},
        {"effective_to": "2025-03-30"},
    )


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"weekly_amount": "-1.00"}, "weekly_amount", "a weekly charge cannot be negative"),
        ({"weekly_amount": "9.999"}, "weekly_amount", "has more than two decimal places"),
        ({"tenancy": "T404"}, "tenancy_ref", "no tenancy 'T404'"),
        ({"start": "31/02/2024"}, "effective_from", "'31/02/2024' is not a real date"),
        ({"effective_to": "2020-01-01"}, "effective_to", "the charge ends before it starts"),
        ({"code": ""}, "charge_code", "a value is required"),
    ],
)
def test_a_bad_charge_is_rejected(tenancies, files, changes, column, reason):
    result = import_file("charges", files.csv("c.csv", [charge(code="water"), charge(**changes)]))
    [problem] = result.problems
    assert (problem.line, problem.column) == (3, column)
    assert reason in problem.reason
    assert ChargeLine.objects.count() == 1


def test_the_same_charge_twice_in_a_file_is_rejected_naming_the_first(tenancies, files):
    result = import_file("charges", files.csv("c.csv", [charge(), charge(amount="1.00")]))
    assert [(p.line, p.reason) for p in result.problems] == [
        (3, "the same charge and date as line 2")
    ]
    assert ChargeLine.objects.get().weekly_amount == 9550


def test_uk_dates_are_read_day_first(tenancies, files):
    import_file("charges", files.csv("c.csv", [charge(start="06/04/2024")]))
    assert str(ChargeLine.objects.get().effective_from) == "2024-04-06"
