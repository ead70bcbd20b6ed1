"""Every indicator on the hand-built landlord of tests/performance/ledger.py, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.performance import indicators as ind
from rentbook.performance.indicators import Period, Scope, ScopeKind
from rentbook.portfolio.models import Area, Patch
from tests.factories import make_account
from tests.performance.ledger import PERIOD, build

pytestmark = pytest.mark.django_db

LANDLORD = Scope.landlord()


@pytest.fixture
def data():
    build()
    return ind.load(PERIOD)


def test_rent_due_is_the_charges_debited_in_the_period(data):
    # A 200 + B 200 + D 200 + E 100 + F 100 (C is charged nothing in the period)
    assert ind.rent_due(data, LANDLORD) == 80_000


def test_rent_collected_is_payments_received_over_rent_due(data):
    # A 150 + B 100 + C 40 + D 50 + E 100 + F 100 = 540 of 800
    v = ind.rent_collected_pct(data, LANDLORD)
    assert (v.numerator, v.denominator, v.value) == (54_000, 80_000, 67.5)


def test_gross_arrears_counts_current_and_former_tenants(data):
    # A 150 + B 3,100 + C 300 + D 270 = 3,820 over 800
    v = ind.gross_arrears_pct(data, LANDLORD)
    assert (v.numerator, v.value) == (382_000, 477.5)


def test_current_arrears_counts_only_tenancies_current_at_the_end(data):
    # A 150 + B 3,100 (+ F 0) = 3,250 over 800
    v = ind.current_arrears_pct(data, LANDLORD)
    assert (v.numerator, v.value) == (325_000, 406.25)


def test_technical_arrears_are_the_hb_credit_still_expected(data):
    assert ind.technical_arrears(data, LANDLORD).value == 10_000
    v = ind.current_arrears_less_technical_pct(data, LANDLORD)
    assert (v.numerator, v.value) == (315_000, 393.75)


def test_technical_arrears_stop_once_the_stream_is_overdue(data):
    later = ind.load(Period(date(2024, 4, 1), date(2024, 7, 2)))
    # 7 June + 14 days + 10 days of grace = 1 July: by 2 July the HB is overdue
    assert ind.technical_arrears(later, LANDLORD).value == 0


def test_owing_13_weeks_excludes_small_debts(data):
    # B owes £3,100 > 13 x £50 and ≥ £250; A owes £150 (1.5 weeks); F nothing: 1 of 3
    v = ind.owing_13_weeks_pct(data, LANDLORD)
    assert (v.numerator, v.denominator, v.value) == (1, 3, 33.33)


def test_owing_13_weeks_ignores_long_arrears_under_250_pounds(db):
    a = make_account(start=date(2024, 1, 1), weekly_rent=1_000)
    from tests.factories import post

    post(a, date(2024, 2, 1), 20_000, "charge")  # 20 weeks, but only £200
    data = ind.load(PERIOD)
    assert ind.owing_13_weeks_pct(data, LANDLORD).numerator == 0


def test_leavers_in_arrears_and_weeks_owed(data):
    # D and E ended in the period; D owed £320 at leaving (3.2 x £100), E nothing
    v = ind.leavers_in_arrears_pct(data, LANDLORD)
    assert (v.numerator, v.denominator, v.value) == (1, 2, 50.0)
    assert ind.leavers_weeks_owed(data, LANDLORD).value == 3.2


def test_former_tenant_arrears_collected_and_written_off(data):
    # owed: C £400 (at the period's start), D £320 (at leaving) = £720;
    # collected C £40 + D £50 = £90 (12.5%); written off C £60 (8.33%); together 20.83%
    c = ind.former_arrears_collected_pct(data, LANDLORD)
    w = ind.former_arrears_written_off_pct(data, LANDLORD)
    both = ind.former_arrears_cleared_pct(data, LANDLORD)
    assert (c.numerator, c.denominator, c.value) == (9_000, 72_000, 12.5)
    assert (w.numerator, w.value) == (6_000, 8.33)
    assert (both.numerator, both.value) == (15_000, 20.83)


def test_void_loss_and_relet_days(data):
    # C's home 91 days x £80/7 = £1,040; D's 7 days x £100/7 = £100; E's 28 x £100/7 = £400
    v = ind.void_loss(data, LANDLORD)
    assert (v.numerator, v.denominator) == (154_000, 234_000)
    assert v.value == 154_000
    assert ind.void_loss_pct(data, LANDLORD).value == 65.81
    r = ind.relet_days(data, LANDLORD)
    assert (r.value, r.denominator) == (8.0, 1)


def test_direct_debit_payers(data):
    v = ind.direct_debit_pct(data, LANDLORD)
    assert (v.numerator, v.denominator, v.value) == (1, 3, 33.33)


def test_arrangements_kept(data):
    # A promised £50 by 5 April and paid £150 that day; B promised £200 and paid nothing;
    # A's instalment of 8 April (£25 + £100 rent) was met by the same £150; B's cancelled
    # arrangement had nothing due
    v = ind.arrangements_kept_pct(data, LANDLORD)
    assert (v.numerator, v.denominator, v.value) == (2, 3, 66.67)


def test_notices_court_actions_and_evictions(data):
    # from the legal records: B's notices of 9 May and 9 June (not March's), B's hearing of
    # 12 June (not D's in February), D's eviction of 25 June (not the stayed one)
    assert ind.notices(data, LANDLORD).value == 2
    assert ind.court_actions(data, LANDLORD).value == 1
    assert ind.evictions(data, LANDLORD).value == 1
    assert ind.evictions_per_court_action_pct(data, LANDLORD).value == 100.0


def test_contact_rate(data):
    # in arrears at the end: A and B; B contacted in May, A only visited in March
    v = ind.contact_rate_pct(data, LANDLORD)
    assert (v.numerator, v.denominator, v.value) == (1, 2, 50.0)


def test_scopes_area_patch_and_officer(data, django_user_model):
    p1, p2 = Patch.objects.get(code="P1"), Patch.objects.get(code="P2")
    officer = django_user_model.objects.create(username="olu")
    p2.officers.add(officer)
    patch1 = Scope.of(ScopeKind.PATCH, p1.pk)
    south = Scope.of(ScopeKind.AREA, Area.objects.get(code="A2").pk)
    mine = Scope.of(ScopeKind.OFFICER, officer.pk)
    assert ind.gross_arrears_pct(data, patch1).numerator == 352_000  # all but C's £300
    assert ind.gross_arrears_pct(data, south).numerator == 30_000
    assert ind.former_arrears_collected_pct(data, mine).numerator == 4_000
    assert ind.relet_days(data, mine).value is None


def test_compute_all_gives_every_indicator_for_every_scope(data):
    scopes = [LANDLORD, *ind.patch_scopes()]
    out = ind.compute_all(data, scopes)
    assert set(out) == {"landlord", *(s.key for s in scopes[1:])}
    assert all(set(v) == set(ind.BY_CODE) for v in out.values())
    assert out["landlord"]["collected"].value == 54_000


def test_accounts_behind_the_current_arrears_figure(data):
    frame = ind.accounts_behind(data, LANDLORD, "current_arrears_pct")
    assert frame["closing"].to_list() == [310_000, 15_000]


def test_periods_are_rent_years_and_quarters():
    y = Period.year(2024)
    assert (y.start, y.end) == (date(2024, 4, 1), date(2025, 4, 6))
    q4 = Period.quarter(2024, 4)
    assert (q4.start, q4.end) == (date(2024, 12, 30), date(2025, 4, 6))  # 39 weeks on
    assert Period.of_day(date(2024, 8, 1), "quarter").label == "Q2 2024/25"


def test_a_former_tenant_account_counts_with_its_tenancy_once(db):
    # D's £320 moves to a former tenant account: the leavers and former tenant arrears figures
    # are those of the test above; a payment to the new account then counts as collected.
    from rentbook.ledger.models import Kind
    from rentbook.recovery.services import open_former_tenant_account
    from tests.factories import post

    accounts = build()
    gross_before = ind.gross_arrears_pct(ind.load(PERIOD), LANDLORD)
    fta = open_former_tenant_account(accounts["d"], by=None)
    assert fta.account.tenancy_id == accounts["d"].tenancy_id and fta.transferred == 32_000
    data = ind.load(PERIOD)
    v = ind.leavers_in_arrears_pct(data, LANDLORD)
    assert (v.numerator, v.denominator) == (1, 2)
    assert ind.leavers_weeks_owed(data, LANDLORD).value == 3.2
    c = ind.former_arrears_collected_pct(data, LANDLORD)
    assert (c.numerator, c.denominator) == (9_000, 72_000)
    assert ind.gross_arrears_pct(data, LANDLORD) == gross_before

    post(fta.account, date(2024, 6, 3), -1_000, Kind.PAYMENT, "card")
    c = ind.former_arrears_collected_pct(ind.load(PERIOD), LANDLORD)
    assert (c.numerator, c.denominator) == (10_000, 72_000)
