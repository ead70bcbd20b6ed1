"""Snapshots (FORMAT.md) become base facts: pence, instants, last action, active flags."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rentbook.policy.snapshots import SnapshotError, snapshot_facts


def test_money_becomes_pence_and_a_bare_date_becomes_midnight():
    f = snapshot_facts(
        {"id": "x", "now": "2025-06-18T14:37:00",
         "account": {"arrears": "12.50", "weekly_charge": 95, "paid_this_week": 0.1,
                     "tenancy_start": "2019-04-01"},
         "notice": {"served": "2025-01-10"}}
    )  # fmt: skip
    assert (f["arrears"], f["weekly_charge"], f["paid_this_week"]) == (1250, 9500, 10)
    assert f["notice_served"] == datetime(2025, 1, 10)
    assert f["tenancy_start"] == date(2019, 4, 1)
    assert f["now"] == datetime(2025, 6, 18, 14, 37)


def test_the_action_history_gives_the_last_action_when_it_is_absent():
    history = [{"code": "IC1", "at": "2025-05-01"}, {"code": "IC2", "at": "2025-06-01"}]
    f = snapshot_facts({"id": "x", "now": "2025-06-18", "actions": history})
    assert (f["last_action_code"], f["last_action_at"]) == ("IC2", datetime(2025, 6, 1))
    given = {"code": "GMS", "at": "2025-06-10"}
    f = snapshot_facts({"id": "x", "now": "2025-06-18", "actions": history, "last_action": given})
    assert f["last_action_code"] == "GMS"


def test_flags_are_the_ones_active_at_now_including_their_last_day():
    flags = [
        {"type": "breathing_space", "from": "2025-06-01", "to": "2025-06-18"},
        {"type": "dispute", "from": "2025-06-19"},
        {"type": "vulnerable", "to": "2025-06-17"},
        {"type": "deceased"},
    ]
    f = snapshot_facts({"id": "x", "now": "2025-06-18T23:59:59", "flags": flags})
    assert f["flags"] == {"breathing_space", "deceased"}


def test_a_blank_code_or_outcome_is_none_recorded():
    f = snapshot_facts({"id": "x", "now": "2025-06-18", "court": {"outcome": "  "}})
    assert f["court_outcome"] is None


@pytest.mark.parametrize(
    ("snapshot", "field"),
    [
        ({"id": "x"}, "now"),
        ({"id": "x", "now": "18/06/2025"}, "now"),
        ({"id": "x", "now": "2025-02-30"}, "now"),
        ({"id": "x", "now": "2025-06-18", "account": {"arrears": 1.234}}, "account.arrears"),
        ({"id": "x", "now": "2025-06-18", "account": {"arears": 1}}, "account.arears"),
        ({"id": "x", "now": "2025-06-18", "court": {"terms": "yes"}}, "court.terms"),
        ({"id": "x", "now": "2025-06-18", "actions": [{"code": "IC1", "at": 5}]},
         "actions[0].at"),
        ({"id": "x", "now": "2025-06-18", "notice": []}, "notice"),
        ({"id": "x", "now": "2025-06-18", "colour": "red"}, "colour"),
    ],
)  # fmt: skip
def test_a_bad_field_is_named_with_a_reason(snapshot, field):
    with pytest.raises(SnapshotError) as e:
        snapshot_facts(snapshot)
    assert e.value.field == field and e.value.reason
