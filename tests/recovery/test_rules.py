from hypothesis import given
from hypothesis import strategies as st

from rentbook.recovery import rules

L = rules.Limits(small=2_000, officer=2_000, manager=500_000)


def test_a_small_balance_needs_only_an_officer():
    assert rules.level(1_999, "small_balance", L) == "officer"


def test_other_reasons_need_a_manager_and_large_sums_the_committee():
    assert rules.level(1_999, "deceased", L) == "manager"
    assert rules.level(500_000, "untraceable", L) == "manager"
    assert rules.level(500_001, "untraceable", L) == "committee"
    assert rules.level(500_001, "small_balance", L) == "committee"


def test_only_managers_approve_at_manager_level():
    assert not rules.may_approve("income_officer", "manager")
    assert not rules.may_approve("team_leader", "manager")
    assert rules.may_approve("income_manager", "manager")
    assert not rules.may_approve("auditor", "officer")


@given(
    st.lists(st.tuples(st.integers(1, 10**6), st.integers(1, 10**5)), unique_by=lambda p: p[0]),
    st.integers(0, 10**6),
)
def test_reinstatement_never_writes_on_more_than_was_written_off(payments, written):
    out = rules.reinstatements(payments, written, set())
    assert sum(a for _, a in out) == min(written, sum(a for _, a in payments))
    assert all(0 < a <= dict(payments)[p] for p, a in out)
