"""The case-state kinds at the door: the diary (with the landlord's code mapping), flags,
holds, notices, court cases and arrangements; each keyed by its source reference,
re-imported as a delta, rejected row by row with line, column and reason."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import connection

from rentbook.arrangements.models import Arrangement
from rentbook.audit.models import AuditEvent
from rentbook.cases.models import DiaryEntry, Flag, Pause
from rentbook.imports.services import import_file
from rentbook.legal.models import CourtCase, Eviction, Notice

from .conftest import tenant_row, write_csv

pytestmark = pytest.mark.django_db

DIARY = ["diary_ref", "tenancy_ref", "at", "code", "officer", "note"]


def diary(ref, code="IC1", at="2025-05-01 09:30", tenancy="T1", **more):
    return {"diary_ref": ref, "tenancy_ref": tenancy, "at": at, "code": code, **more}


def test_a_diary_imports_with_hackney_codes_mapped_and_unmapped_ones_kept(tenancies, files):
    path = files.csv(
        "diary.csv",
        [
            diary("D1", "S01", officer="J Bloggs", note="sent"),
            diary("D2", "ZR2", at="2025-05-15T10:00"),
            diary("D3", "XYZ", at="16/05/2025 11:00"),
            diary("D4", "S0A", at="2025-05-17"),
        ],
        DIARY,
    )
    result = import_file("diary", path, options={"codes": "hackney"})
    assert result.ok, result.problems
    assert result.rows_posted == 4
    entries = {e.import_ref: e for e in DiaryEntry.objects.all()}
    assert (entries["D1"].code, entries["D1"].category) == ("IC1", "letter")
    assert entries["D1"].source_code == "S01" and entries["D1"].officer_name == "J Bloggs"
    assert entries["D2"].code == "IC2"
    # 10:00 London in May is 09:00 UTC
    assert entries["D2"].at == datetime(2025, 5, 15, 9, 0, tzinfo=UTC)
    assert (entries["D3"].code, entries["D3"].category) == ("XYZ", "none")
    assert (entries["D4"].code, entries["D4"].category) == ("S0A", "letter")
    assert entries["D4"].source == DiaryEntry.Source.IMPORT
    assert "Unmapped codes" in result.summary() and "XYZ (1)" in result.summary()


def test_the_same_diary_again_changes_nothing_and_a_changed_row_is_audited(tenancies, files):
    rows = [diary("D1", "IC1"), diary("D2", "IC2", at="2025-05-15 10:00")]
    path = files.csv("diary.csv", rows, DIARY)
    assert import_file("diary", path).rows_posted == 2
    again = import_file("diary", path)
    assert (again.rows_posted, again.rows_updated, again.rows_present) == (0, 0, 2)
    rows[1]["note"] = "tenant rang back"
    delta = import_file("diary", files.csv("delta.csv", [rows[1]], DIARY))
    assert (delta.rows_posted, delta.rows_updated, delta.rows_present) == (0, 1, 0)
    assert DiaryEntry.objects.get(import_ref="D2").note == "tenant rang back"
    event = AuditEvent.objects.get(object_type="cases.DiaryEntry", action="change")
    assert event.before == {"note": ""} and event.after == {"note": "tenant rang back"}
    assert DiaryEntry.objects.count() == 2


def test_bad_rows_are_named_and_the_good_ones_kept(tenancies, files):
    path = files.csv(
        "diary.csv",
        [
            diary("D1"),
            diary("D2", tenancy="NOPE"),
            diary("D3", at="yesterday"),
            diary("D1", "IC2"),
            diary("", "IC2"),
        ],
        DIARY,
    )
    result = import_file("diary", path)
    assert result.rows_posted == 1 and result.rows_rejected == 4
    found = {(p.line, p.column) for p in result.problems}
    assert found == {(3, "tenancy_ref"), (4, "at"), (5, "diary_ref"), (6, "diary_ref")}
    reasons = {p.line: p.reason for p in result.problems}
    assert reasons[3] == "no tenancy 'NOPE' (import tenancies first)"
    assert reasons[5] == "a duplicate of line 2"
    assert result.rejects_path.exists()


def test_a_bad_mapping_refuses_the_file(tenancies, files, tmp_path):
    bad = tmp_path / "codes.toml"
    bad.write_text('[codes]\nXX = "NOT-A-CODE"\n')
    result = import_file("diary", files.csv("d.csv", [diary("D1")], DIARY), options={"codes": bad})
    assert result.file_errors and "not a rentbook action code" in result.file_errors[0]
    assert DiaryEntry.objects.count() == 0


def test_remapping_a_code_and_importing_again_updates_the_entries(tenancies, files, tmp_path):
    path = files.csv("d.csv", [diary("D1", "XYZ")], DIARY)
    import_file("diary", path)
    assert DiaryEntry.objects.get().category == "none"
    mapping = tmp_path / "codes.toml"
    mapping.write_text('[codes]\nXYZ = "CALL"\n')
    result = import_file("diary", path, options={"codes": mapping})
    assert result.rows_updated == 1
    e = DiaryEntry.objects.get()
    assert (e.code, e.category, e.source_code) == ("CALL", "contact", "XYZ")


FLAGS = ["flag_ref", "tenancy_ref", "type", "starts_on", "ends_on", "note"]


def test_flags_import_and_a_flag_closed_in_the_housing_system_is_closed_here(tenancies, files):
    rows = [
        {
            "flag_ref": "F1",
            "tenancy_ref": "T1",
            "type": "breathing_space",
            "starts_on": "2025-06-01",
        },
        {"flag_ref": "F2", "tenancy_ref": "T2", "type": "Vulnerability", "starts_on": "2025-01-01"},
        {"flag_ref": "F3", "tenancy_ref": "T2", "type": "lost", "starts_on": "2025-01-01"},
        {
            "flag_ref": "F4",
            "tenancy_ref": "T2",
            "type": "dispute",
            "starts_on": "2025-03-01",
            "ends_on": "2025-02-01",
        },
    ]
    result = import_file("flags", files.csv("flags.csv", rows, FLAGS))
    assert result.rows_posted == 2
    assert {(p.line, p.column) for p in result.problems} == {(4, "type"), (5, "ends_on")}
    assert Flag.objects.get(import_ref="F2").type == "vulnerable"
    rows[0]["ends_on"] = "2025-07-31"
    delta = import_file("flags", files.csv("delta.csv", [rows[0]], FLAGS))
    assert delta.rows_updated == 1
    assert Flag.objects.get(import_ref="F1").ends_on == date(2025, 7, 31)


def test_holds_import_as_pauses(tenancies, files):
    header = ["hold_ref", "tenancy_ref", "hold_reason", "starts_on", "until", "lifted_on", "note"]
    rows = [
        {
            "hold_ref": "H1",
            "tenancy_ref": "T1",
            "hold_reason": "promise",
            "starts_on": "2025-06-02",
            "until": "2025-06-30",
        }
    ]
    assert import_file("holds", files.csv("holds.csv", rows, header)).ok
    p = Pause.objects.get()
    assert p.until == date(2025, 6, 30) and p.starts_at == datetime(2025, 6, 1, 23, tzinfo=UTC)
    rows[0]["lifted_on"] = "2025-06-10"
    assert import_file("holds", files.csv("h2.csv", rows, header)).rows_updated == 1
    assert Pause.objects.get().lifted_at == datetime(2025, 6, 9, 23, tzinfo=UTC)


NOTICES = [
    "notice_ref",
    "tenancy_ref",
    "type",
    "served_on",
    "earliest_court_on",
    "expires_on",
    "grounds",
    "withdrawn_on",
]
COURT = [
    "court_ref",
    "tenancy_ref",
    "notice_ref",
    "applied_on",
    "hearing_on",
    "outcome",
    "outcome_on",
    "terms_weekly",
    "costs",
    "warrant_applied_on",
    "warrant_issued_on",
    "eviction_on",
    "eviction_outcome",
    "eviction_outcome_on",
]


def test_a_notice_has_its_dates_by_law_and_the_diary_entry_the_run_reads(tenancies, files):
    rows = [{"notice_ref": "N1", "tenancy_ref": "T1", "type": "NOSP", "served_on": "2025-01-10"}]
    assert import_file("notices", files.csv("n.csv", rows, NOTICES)).ok
    n = Notice.objects.get()
    assert (n.earliest_court_on, n.expires_on) == (date(2025, 2, 7), date(2026, 2, 7))
    entry = DiaryEntry.objects.get(import_ref="notice:N1")
    assert entry.code == "NOSP" and entry.at == datetime(2025, 1, 10, 12, tzinfo=UTC)
    # served on another day in the next file: the diary entry moves with it
    rows[0]["served_on"] = "2025-01-13"
    assert import_file("notices", files.csv("n2.csv", rows, NOTICES)).rows_updated == 1
    assert DiaryEntry.objects.get(import_ref="notice:N1").at.date() == date(2025, 1, 13)
    assert DiaryEntry.objects.count() == 1


def test_court_cases_with_outcome_terms_warrant_and_eviction(tenancies, files):
    import_file(
        "notices",
        files.csv(
            "n.csv",
            [{"notice_ref": "N1", "tenancy_ref": "T1", "type": "nosp", "served_on": "2024-06-10"}],
            NOTICES,
        ),
    )
    rows = [
        {
            "court_ref": "C1",
            "tenancy_ref": "T1",
            "notice_ref": "N1",
            "applied_on": "2024-09-01",
            "hearing_on": "2024-11-01",
            "outcome": "sot",
            "terms_weekly": "5.00",
            "costs": "355.00",
        },
        {
            "court_ref": "C2",
            "tenancy_ref": "T2",
            "applied_on": "2024-09-01",
            "hearing_on": "2024-11-01",
            "outcome": "OPD",
            "warrant_applied_on": "2025-01-02",
            "warrant_issued_on": "2025-02-01",
            "eviction_on": "2025-03-01",
            "eviction_outcome": "stayed",
            "eviction_outcome_on": "2025-02-20",
        },
        {
            "court_ref": "C3",
            "tenancy_ref": "T2",
            "applied_on": "2024-09-01",
            "outcome": "SOT",
            "outcome_on": "2024-10-01",
        },
        {"court_ref": "C4", "tenancy_ref": "T2", "notice_ref": "N9", "applied_on": "2024-09-01"},
        {
            "court_ref": "C5",
            "tenancy_ref": "T2",
            "applied_on": "2024-09-01",
            "outcome": "DIS",
            "hearing_on": "2024-11-01",
            "warrant_applied_on": "2024-12-01",
        },
    ]
    result = import_file("court_cases", files.csv("c.csv", rows, COURT))
    assert result.rows_posted == 2
    assert {(p.line, p.column) for p in result.problems} == {
        (4, "terms_weekly"),
        (5, "notice_ref"),
        (6, "warrant_applied_on"),
    }
    c1 = CourtCase.objects.get(import_ref="C1")
    assert (c1.outcome, c1.outcome_on, c1.terms_weekly, c1.costs) == (
        "SOT",
        date(2024, 11, 1),
        500,
        35_500,
    )
    assert c1.notice == Notice.objects.get(import_ref="N1")
    c2 = CourtCase.objects.get(import_ref="C2")
    ev = Eviction.objects.get(court_case=c2)
    assert (ev.eviction_on, ev.outcome) == (date(2025, 3, 1), "stayed")
    codes = set(DiaryEntry.objects.values_list("import_ref", "code"))
    assert {("court:C1:CRT", "CRT"), ("court:C2:CRT", "CRT"), ("court:C2:WPA", "WPA")} <= codes
    # the eviction outcome corrected in the next file
    rows[1]["eviction_outcome"] = "evicted"
    rows[1]["eviction_outcome_on"] = "2025-03-01"
    again = import_file("court_cases", files.csv("c2.csv", rows[:2], COURT))
    assert again.rows_present == 2
    assert Eviction.objects.get(court_case=c2).outcome == "evicted"


ARR = [
    "arrangement_ref",
    "tenancy_ref",
    "type",
    "frequency",
    "day_of_month",
    "weekday",
    "nth",
    "instalment",
    "start",
    "first_payment",
    "payment_method",
    "starting_balance",
    "state",
    "breaches",
    "prior_breaches",
    "cancelled_on",
]


def test_arrangements_import_with_their_terms_and_breach_history(tenancies, files):
    rows = [
        {
            "arrangement_ref": "A1",
            "tenancy_ref": "T1",
            "type": "informal",
            "frequency": "weekly",
            "weekday": "Monday",
            "instalment": "10.00",
            "start": "2025-05-05",
            "payment_method": "card",
            "starting_balance": "400.00",
            "breaches": "1",
            "prior_breaches": "2",
        },
        {
            "arrangement_ref": "A2",
            "tenancy_ref": "T2",
            "type": "formal",
            "frequency": "monthly",
            "day_of_month": "",
            "instalment": "20.00",
            "start": "2025-05-05",
            "payment_method": "direct_debit",
            "starting_balance": "400.00",
        },
        {
            "arrangement_ref": "A3",
            "tenancy_ref": "T2",
            "type": "formal",
            "frequency": "monthly",
            "day_of_month": "28",
            "instalment": "20.00",
            "start": "2025-05-05",
            "payment_method": "direct_debit",
            "starting_balance": "400.00",
            "state": "cancelled",
        },
    ]
    result = import_file("arrangements", files.csv("a.csv", rows, ARR))
    assert result.rows_posted == 1
    assert {(p.line, p.column) for p in result.problems} == {
        (3, "day_of_month"),
        (4, "cancelled_on"),
    }
    a = Arrangement.objects.get()
    assert (a.kind, a.weekday, a.instalment, a.breaches, a.prior_breaches) == (
        "informal",
        0,
        1000,
        1,
        2,
    )
    assert a.first_payment == date(2025, 5, 5) and a.review_on == date(2025, 8, 5)


def test_income_and_expenditure_statements_import_with_their_lines(tenancies, files):
    from rentbook.arrangements.models import Statement
    from rentbook.arrangements.statements import summarise

    header = ["statement_ref", "tenancy_ref", "taken_on", "adults", "children", "earnings"]
    header += ["universal_credit", "rent", "food", "priority_debts", "other_debts"]
    rows = [
        {
            "statement_ref": "IE1",
            "tenancy_ref": "T1",
            "taken_on": "2025-05-01",
            "adults": "2",
            "children": "1",
            "earnings": "1200.00",
            "universal_credit": "450.50",
            "rent": "480.00",
            "food": "400.00",
            "priority_debts": "",
            "other_debts": "50.00",
        },
        {"statement_ref": "IE2", "tenancy_ref": "T1", "taken_on": "2025-05-02", "food": "-5"},
        {"statement_ref": "IE3", "tenancy_ref": "T1", "taken_on": "2025-05-02", "rent": "lots"},
    ]
    result = import_file("statements", files.csv("ie.csv", rows, header))
    assert result.rows_posted == 1
    assert {(p.line, p.column) for p in result.problems} == {(3, "food"), (4, "rent")}
    statement = Statement.objects.get(import_ref="IE1")
    lines = {line.item: (line.section, line.monthly) for line in statement.lines.all()}
    assert lines == {
        "earnings": ("income", 120000),
        "universal_credit": ("income", 45050),
        "rent": ("fixed", 48000),
        "food": ("flexible", 40000),
        "other_debts": ("other", 5000),
    }
    assert (statement.adults, statement.children) == (2, 1)
    amounts = {line.item: line.monthly for line in statement.lines.all()}
    assert summarise(amounts, 2, 1).surplus == 120000 + 45050 - 48000 - 40000
    # the same file again changes nothing; a changed amount rewrites the lines, audited
    again = import_file("statements", files.csv("ie.csv", rows[:1], header))
    assert (again.rows_posted, again.rows_updated) == (0, 0)
    changed = import_file("statements", files.csv("ie.csv", [{**rows[0], "food": "350"}], header))
    assert changed.rows_updated == 1
    assert statement.lines.get(item="food").monthly == 35000
    assert statement.lines.count() == 5


def test_write_offs_import_with_their_approval_and_ledger_entry(tenancies, files):
    from rentbook.recovery.models import WriteOff
    from rentbook.recovery.services import committee_report
    from tests.imports.conftest import tx_row

    entries = [
        tx_row("C1", "T1", "charge", "100.00", posted_on="2025-05-01"),
        tx_row("C2", "T2", "charge", "1000.00", posted_on="2025-05-01"),
        tx_row("WO-TX-1", "T1", "write_off", "-15.00", posted_on="2025-05-20"),
        tx_row("WO-TX-2", "T2", "write_off", "-900.00", posted_on="2025-05-21"),
    ]
    assert import_file("transactions", files.csv("tx.csv", entries)).ok
    header = ["write_off_ref", "tenancy_ref", "amount", "reason", "written_off_on"]
    header += ["proposed_by", "approved_by", "committee_ref", "transaction_ref"]
    rows = [
        {
            "write_off_ref": "W1",
            "tenancy_ref": "T1",
            "amount": "15.00",
            "reason": "small",
            "written_off_on": "2025-05-20",
            "proposed_by": "A. Okafor",
            "approved_by": "B. Hughes",
            "transaction_ref": "WO-TX-1",
        },
        {
            "write_off_ref": "W2",
            "tenancy_ref": "T2",
            "amount": "900.00",
            "reason": "untraceable",
            "written_off_on": "2025-05-21",
            "approved_by": "Mani Kaur",
            "transaction_ref": "WO-TX-2",
        },
        # a small balance over the limit; an entry that is not there; the wrong account's entry
        {
            **dict.fromkeys(header, ""),
            "write_off_ref": "W3",
            "tenancy_ref": "T1",
            "amount": "50.00",
            "reason": "small_balance",
            "written_off_on": "2025-05-20",
        },
        {
            **dict.fromkeys(header, ""),
            "write_off_ref": "W4",
            "tenancy_ref": "T1",
            "amount": "15.00",
            "reason": "deceased",
            "written_off_on": "2025-05-20",
            "transaction_ref": "NOPE",
        },
        {
            **dict.fromkeys(header, ""),
            "write_off_ref": "W5",
            "tenancy_ref": "T1",
            "amount": "900.00",
            "reason": "deceased",
            "written_off_on": "2025-05-20",
            "transaction_ref": "WO-TX-2",
        },
    ]
    result = import_file("write_offs", files.csv("wo.csv", rows, header))
    assert result.rows_posted == 2
    assert {(p.line, p.column) for p in result.problems} == {
        (4, "reason"),
        (5, "transaction_ref"),
        (6, "transaction_ref"),
    }
    small = WriteOff.objects.get(import_ref="W1")
    assert (small.reason, small.level, small.status) == ("small_balance", "officer", "approved")
    assert (small.proposer_name, small.decider_name) == ("A. Okafor", "B. Hughes")
    assert small.proposed_on == small.decided_on
    big = WriteOff.objects.get(import_ref="W2")
    assert big.level == "manager" and big.transaction_id is not None
    rows_, total, _ = committee_report(date(2025, 5, 1), date(2025, 5, 31))
    assert {r.write_off.import_ref for r in rows_} == {"W1", "W2"} and total == 91500
    again = import_file("write_offs", files.csv("wo.csv", rows[:2], header))
    assert (again.rows_posted, again.rows_updated, again.rows_present) == (0, 0, 2)


def test_agency_placements_import_onto_the_former_tenant_account_they_open(db, files):
    from rentbook.recovery.models import AgencyReferral, FormerTenantAccount
    from tests.imports.conftest import tx_row

    rows = [tenant_row("T1", 1, end_date="2025-03-02"), tenant_row("T2", 1)]
    assert import_file("tenancies", files.csv("tenancies.csv", rows)).ok
    entries = [
        tx_row("C1", "T1", "charge", "450.00", posted_on="2025-02-24"),
        tx_row("C2", "T2", "charge", "100.00", posted_on="2025-02-24"),
    ]
    assert import_file("transactions", files.csv("tx.csv", entries)).ok
    header = ["placement_ref", "tenancy_ref", "agency", "referred_on", "amount", "status"]
    header += ["outcome_on"]
    placements = [
        {
            "placement_ref": "AG1",
            "tenancy_ref": "T1",
            "agency": "North Recoveries Ltd",
            "referred_on": "2025-05-01",
            "amount": "450.00",
            "status": "paying",
            "outcome_on": "2025-06-01",
        },
        # a current tenancy has no former tenant debt to place; an outcome before placement
        {
            **dict.fromkeys(header, ""),
            "placement_ref": "AG2",
            "tenancy_ref": "T2",
            "agency": "X",
            "referred_on": "2025-05-01",
            "amount": "10.00",
        },
        {
            **dict.fromkeys(header, ""),
            "placement_ref": "AG3",
            "tenancy_ref": "T1",
            "agency": "X",
            "referred_on": "2025-05-01",
            "amount": "10.00",
            "outcome_on": "2025-04-01",
        },
    ]
    result = import_file("agency_placements", files.csv("ag.csv", placements, header))
    assert result.rows_posted == 1
    assert {(p.line, p.column) for p in result.problems} == {(3, "tenancy_ref"), (4, "outcome_on")}
    assert "no former tenant account for tenancy 'T2'" in str(result.problems[0])
    fta = FormerTenantAccount.objects.get(rent_account__reference="T1")
    assert fta.transferred == 45000
    placed = AgencyReferral.objects.get(import_ref="AG1")
    assert (placed.former_id, placed.status, placed.amount) == (fta.id, "paying", 45000)
    again = import_file("agency_placements", files.csv("ag.csv", placements[:1], header))
    assert (again.rows_posted, again.rows_updated) == (0, 0)
    assert FormerTenantAccount.objects.count() == 1


def test_former_tenant_accounts_take_their_forwarding_address_tracing_and_letters(db, files):
    from rentbook.audit.models import AuditEvent
    from rentbook.recovery.models import FormerTenantAccount
    from tests.imports.conftest import tx_row

    rows = [tenant_row("T1", 1, end_date="2025-03-02"), tenant_row("T2", 1)]
    rows.append(tenant_row("T3", 1, end_date="2025-03-02"))
    assert import_file("tenancies", files.csv("tenancies.csv", rows)).ok
    entries = [
        tx_row("C1", "T1", "charge", "450.00", posted_on="2025-02-24"),
        tx_row("C3", "T3", "charge", "50.00", posted_on="2025-02-24"),
    ]
    assert import_file("transactions", files.csv("tx.csv", entries)).ok
    header = ["former_ref", "tenancy_ref", "forwarding_address", "tracing", "letter_sent_on"]
    details = [
        {
            "former_ref": "FT1",
            "tenancy_ref": "T1",
            "forwarding_address": "4 New Road, Leeds LS2 1AA",
            "tracing": "not_needed",
            "letter_sent_on": "2025-03-10",
        },
        # a current tenancy; a letter before the tenancy ended
        {"former_ref": "FT2", "tenancy_ref": "T2", "tracing": "tracing"},
        {"former_ref": "FT3", "tenancy_ref": "T3", "letter_sent_on": "2025-01-10"},
    ]
    result = import_file("former_tenants", files.csv("ft.csv", details, header))
    assert result.rows_updated == 1 and result.rows_posted == 0, result.summary()
    assert {(p.line, p.column) for p in result.problems} == {
        (3, "tenancy_ref"),
        (4, "letter_sent_on"),
    }
    fta = FormerTenantAccount.objects.get(rent_account__reference="T1")
    assert fta.forwarding_address == "4 New Road, Leeds LS2 1AA"
    assert (fta.tracing, fta.letter_sent_on) == ("not_needed", date(2025, 3, 10))
    assert fta.import_ref == "FT1" and fta.transferred == 45000
    again = import_file("former_tenants", files.csv("ft.csv", details[:1], header))
    assert (again.rows_posted, again.rows_updated, again.rows_present) == (0, 0, 1)
    moved = import_file(
        "former_tenants", files.csv("ft.csv", [{**details[0], "tracing": "untraceable"}], header)
    )
    assert moved.rows_updated == 1
    change = AuditEvent.objects.filter(action="change").latest("id")
    assert (change.before, change.after) == ({"tracing": "not_needed"}, {"tracing": "untraceable"})
    # the same account under another reference is named, not doubled
    other = import_file(
        "former_tenants", files.csv("ft.csv", [{**details[0], "former_ref": "FT9"}], header)
    )
    assert other.rows_posted == 0 and other.problems[0].column == "former_ref"
    assert FormerTenantAccount.objects.count() == 2


def test_a_dry_run_writes_nothing(tenancies, files):
    result = import_file("diary", files.csv("d.csv", [diary("D1")], DIARY), dry_run=True)
    assert result.rows_posted == 1 and DiaryEntry.objects.count() == 0


def import_diary_and_die(path: Path, env: dict[str, str]) -> None:
    """Import the diary in a fresh process killed by SIGKILL once the rows are written and
    before the commit."""
    script = f"""
        import os, signal, django
        os.environ["DJANGO_SETTINGS_MODULE"] = "rentbook.settings"
        django.setup()
        from rentbook.imports import declared
        from rentbook.imports.services import import_file
        write = declared.insert
        def write_then_die(*args, **kw):
            write(*args, **kw)
            os.kill(os.getpid(), signal.SIGKILL)
        declared.insert = write_then_die
        import_file("diary", {str(path)!r})
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], env=env, capture_output=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite file once")
def test_a_case_state_import_killed_after_writing_leaves_the_database_as_before(tmp_path):
    """kill -9 once the rows are written and before the commit: nothing of the file stays."""
    url = f"sqlite:///{tmp_path / 'rentbook.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    rentbook = str(Path(sys.executable).with_name("rentbook"))
    for args in (
        ["migrate", "-v0"],
        ["import", "tenancies", str(write_csv(tmp_path / "t.csv", [tenant_row("T1")]))],
    ):
        done = subprocess.run([rentbook, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    path = write_csv(tmp_path / "d.csv", [diary(f"D{i}") for i in range(500)], DIARY)
    import_diary_and_die(path, env)
    db = sqlite3.connect(tmp_path / "rentbook.sqlite3")
    assert db.execute("SELECT count(*) FROM cases_diaryentry").fetchone() == (0,)
    assert db.execute(
        "SELECT count(*) FROM imports_importbatch WHERE kind = 'diary'"
    ).fetchone() == (0,)
    db.close()
    # and the import run again takes every row
    again = subprocess.run(
        [rentbook, "import", "diary", str(path)], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and "500 posted" in again.stdout, again.stdout + again.stderr
    # a first load into the empty diary had the database to itself (the rollback journal)
    assert "into an empty table: it had the database to itself" in again.stdout
    db = sqlite3.connect(tmp_path / "rentbook.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs its own PostgreSQL database")
def test_a_case_state_import_killed_after_writing_leaves_postgresql_as_before(tmp_path):
    """The same on PostgreSQL: kill -9 between the rows and the commit; nothing stays."""
    import psycopg

    settings = connection.settings_dict
    server = f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432}"
    server += f" user={settings['USER'] or 'postgres'}"
    name = f"rentbook_kill_{os.getpid()}"
    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        host, port, user = server.split()
        url = f"postgres://{user[5:]}@{host[5:]}:{port[5:]}/{name}"
        env = {**os.environ, "DATABASE_URL": url}
        rentbook = str(Path(sys.executable).with_name("rentbook"))
        for args in (
            ["migrate", "-v0"],
            ["import", "tenancies", str(write_csv(tmp_path / "t.csv", [tenant_row("T1")]))],
        ):
            done = subprocess.run([rentbook, *args], env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        indexes = "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_diaryentry'"
        with psycopg.connect(f"{server} dbname={name}") as db:
            before = sorted(db.execute(indexes).fetchall())
        path = write_csv(tmp_path / "d.csv", [diary(f"D{i}") for i in range(500)], DIARY)
        import_diary_and_die(path, env)
        with psycopg.connect(f"{server} dbname={name}") as db:
            assert db.execute("SELECT count(*) FROM cases_diaryentry").fetchone() == (0,)
            batches = "SELECT count(*) FROM imports_importbatch WHERE kind = 'diary'"
            assert db.execute(batches).fetchone() == (0,)
            # the indexes a first load drops and rebuilds are all still there
            assert sorted(db.execute(indexes).fetchall()) == before
        again = subprocess.run(
            [rentbook, "import", "diary", str(path)], env=env, capture_output=True, text=True
        )
        assert again.returncode == 0 and "500 posted" in again.stdout, again.stdout + again.stderr
        with psycopg.connect(f"{server} dbname={name}") as db:
            assert sorted(db.execute(indexes).fetchall()) == before
    finally:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_run_does_not_count_an_unmapped_code_as_an_action(tenancies, files):
    from rentbook.engine.features import build_features

    import_file(
        "diary",
        files.csv("d.csv", [diary("D1", "IC1"), diary("D2", "ZZZ", at="2025-06-01")], DIARY),
    )
    facts = build_features(date(2025, 6, 18))
    t1 = facts.filter(facts["reference"] == "T1").row(0, named=True)
    assert t1["last_action_code"] == "IC1"
    assert [a["code"] for a in t1["actions"]] == ["IC1"]


def test_the_migration_report_lists_what_to_check_before_letters(tenancies, files, tmp_path):
    from django.core.management import call_command

    from rentbook.engine.migration_report import migration_report

    import_file("diary", files.csv("d.csv", [diary("D1", "ZZZ"), diary("D2", "ZZZ")], DIARY))
    import_file(
        "notices",
        files.csv(
            "n.csv",
            [
                {
                    "notice_ref": "N1",
                    "tenancy_ref": "T1",
                    "type": "nosp",
                    "served_on": "2024-05-01",
                },
                {
                    "notice_ref": "N2",
                    "tenancy_ref": "T2",
                    "type": "nosp",
                    "served_on": "2025-05-01",
                },
            ],
            NOTICES,
        ),
    )
    import_file(
        "court_cases",
        files.csv(
            "c.csv",
            [
                {
                    "court_ref": "C1",
                    "tenancy_ref": "T2",
                    "applied_on": "2025-06-01",
                    "hearing_on": "2025-06-10",
                }
            ],
            COURT,
        ),
    )
    import_file(
        "flags",
        files.csv(
            "f.csv",
            [
                {
                    "flag_ref": "F1",
                    "tenancy_ref": "T1",
                    "type": "breathing_space",
                    "starts_on": "2025-06-01",
                },
                {
                    "flag_ref": "F2",
                    "tenancy_ref": "T2",
                    "type": "vulnerable",
                    "starts_on": "2025-06-01",
                },
            ],
            FLAGS,
        ),
    )
    report = migration_report(date(2025, 6, 18))
    assert [(f.account, f.on) for f in report["court_no_outcome"]] == [("T2", date(2025, 6, 10))]
    # N1 (served 1 May 2024) lapsed on 29 May 2025; N2 has a court case applied for since
    assert report["notice_near_expiry"] == []
    assert [f.account for f in report["flag_no_end"]] == ["T1"]  # vulnerable is not a hold
    assert [(f.detail, f.count) for f in report["unmapped_code"]] == [("code ZZZ", 2)]
    out = io.StringIO()
    call_command(
        "migration_report", "--as-of", "2025-06-18", "--csv", tmp_path / "r.csv", stdout=out
    )
    assert "Holding flags with no end date: 1" in out.getvalue()
    assert (tmp_path / "r.csv").read_text().count("\n") == 4


def test_a_notice_near_expiry_is_listed(tenancies, files):
    from rentbook.engine.migration_report import migration_report

    import_file(
        "notices",
        files.csv(
            "n.csv",
            [{"notice_ref": "N1", "tenancy_ref": "T1", "type": "nosp", "served_on": "2024-06-01"}],
            NOTICES,
        ),
    )
    report = migration_report(date(2025, 6, 18))  # expires 29 June 2025
    assert [(f.account, f.on) for f in report["notice_near_expiry"]] == [("T1", date(2025, 6, 29))]


def test_a_time_the_clocks_skipped_is_refused_with_the_reason(tenancies, files):
    result = import_file("diary", files.csv("d.csv", [diary("D1", at="2025-03-30 01:30")], DIARY))
    assert [p.reason for p in result.problems] == [
        "'2025-03-30 01:30' did not happen in London: the clocks went forward"
    ]


@pytest.mark.parametrize("few", [0, 50_000])
def test_a_re_import_finds_what_it_holds_by_either_read(tenancies, files, monkeypatch, few):
    """A small file reads back only its own references, a large one the source's every
    record: both tell present, changed and new apart the same way."""
    from rentbook.imports import declared

    monkeypatch.setattr(declared, "FEW_REFS", few)
    import_file("diary", files.csv("d.csv", [diary("D1"), diary("D2")], DIARY))
    rows = [diary("D1"), diary("D2", note="changed"), diary("D3")]
    result = import_file("diary", files.csv("d2.csv", rows, DIARY))
    assert (result.rows_posted, result.rows_updated, result.rows_present) == (1, 1, 1)
