"""The landlord's request to the DWP for a managed payment or a third-party deduction: the
thresholds, the deduction's range, the evidence pack, the request and its outcome, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.audit.models import AuditEvent
from rentbook.benefits import services
from rentbook.benefits.models import UcRequest
from rentbook.benefits.uc_requests import (
    PERSISTENT_MONTHS,
    deduction_range,
    monthly_rent,
    threshold,
    underpaid_run,
)
from rentbook.portfolio.models import Role
from tests.factories import make_account, post

AS_OF = date(2026, 12, 7)


@given(st.integers(min_value=1, max_value=100_000), st.integers(min_value=-10**7, max_value=10**7),
       st.integers(min_value=0, max_value=12))  # fmt: skip
def test_the_thresholds_are_two_months_or_one_month_and_persistent_underpayment(w, owed, run):
    month = monthly_rent(w)
    met = threshold(owed, w, run).met
    assert met == (owed >= 2 * month or (owed >= month and run >= PERSISTENT_MONTHS))


def test_a_month_is_weekly_times_52_over_12_and_a_deduction_10_to_20_percent():
    assert monthly_rent(10_000) == 43_333
    assert deduction_range(40_014) == (4_001, 8_002)


def test_an_underpaid_run_counts_the_latest_months_in_a_row():
    m = [(date(2026, k, 1), 100, p) for k, p in ((7, 100), (8, 50), (9, 90), (10, 0))]
    assert underpaid_run(m) == 3
    assert underpaid_run([*m, (date(2026, 11, 1), 100, 100)]) == 0


@pytest.fixture
def owing(db):
    """£100 a week since June, nothing paid: over two months' rent owed."""
    a = make_account(start=date(2026, 6, 1), weekly_rent=10_000, benefit="universal_credit")
    d = date(2026, 6, 1)
    while d <= AS_OF:
        post(a, d, 10_000, "charge")
        d += timedelta(weeks=1)
    return a


def test_the_pack_shows_the_arrears_rent_and_history(owing):
    pack = services.evidence(owing, AS_OF)
    assert pack.threshold.met and pack.arrears == 28 * 10_000
    assert pack.monthly_rent == 43_333
    assert next(m for m, _, _ in pack.months) == date(2026, 7, 1)
    assert pack.underpaid_months == 5  # July to November; December is not over


def test_a_request_below_the_thresholds_is_refused_and_a_deduction_must_be_in_range(
    db, owing, django_user_model
):
    user = django_user_model.objects.create_user("o", role=Role.INCOME_OFFICER)
    fresh = make_account(start=date(2026, 11, 30), weekly_rent=10_000)
    post(fresh, date(2026, 11, 30), 10_000, "charge")
    with pytest.raises(services.RequestError, match="thresholds are not met"):
        services.request(fresh, "managed_payment", services.evidence(fresh, AS_OF), AS_OF, by=user)
    pack = services.evidence(owing, AS_OF)
    with pytest.raises(services.RequestError, match="10% to 20%"):
        services.request(owing, "deduction", pack, AS_OF, by=user, deduction=9_000)
    r = services.request(owing, "deduction", pack, AS_OF, by=user, deduction=6_000)
    assert (r.arrears, r.deduction, r.status, r.made_by) == (280_000, 6_000, "requested", "o")
    services.outcome(r, "accepted", AS_OF, by=user, dwp_reference="APA-123")
    with pytest.raises(services.RequestError, match="already has its outcome"):
        services.outcome(r, "refused", AS_OF, by=user)
    assert AuditEvent.objects.filter(action__startswith="benefits.uc_request").count() == 2


def test_the_page_records_a_request_and_names_a_bad_field(owing, client, django_user_model):
    officer = django_user_model.objects.create_user("o2", role=Role.INCOME_OFFICER)
    client.force_login(officer)
    url = f"/accounts/{owing.reference}/universal-credit-request/"
    page = client.get(url)
    assert page.status_code == 200 and b"Thresholds met" in page.content
    bad = client.post(url, {"kind": "deduction", "deduction": "500.00"})
    assert bad.status_code == 400 and b"10% to 20%" in bad.content
    done = client.post(url, {"kind": "managed_payment"})
    assert done.status_code == 302
    r = UcRequest.objects.get()
    client.post(f"/universal-credit-requests/{r.pk}/outcome/", {"status": "refused"})
    r.refresh_from_db()
    assert r.status == "refused" and r.outcome_on is not None
