"""The combination arrangement pages: errors name the field and keep what was typed; one
customer's arrangement is not reachable under another customer's reference."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rentbook.arrangements.schedules import Frequency, Rule
from rentbook.debts import arrangements as service
from rentbook.debts.models import CombinedArrangement, Customer
from rentbook.portfolio.models import Role
from tests.debts.test_arrangements import customer  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _terms(today, **values: str) -> dict[str, str]:
    return {"frequency": "weekly", "payment_method": "card", "tolerance_days": "5",
            "first-day": str(today.day), "first-month": str(today.month),
            "first-year": str(today.year), **values}  # fmt: skip


def test_the_terms_refuse_bad_input_and_keep_it(client_for, customer):  # noqa: F811
    officer = client_for(Role.INCOME_OFFICER)
    url = "/customers/C1/arrangements/new/"
    assert "What the customer owes" in officer.get(url).content.decode()
    today = timezone.localdate()
    r = officer.post(url, _terms(today, step="check", payment="ten pounds", tolerance_days="99"))
    page = r.content.decode()
    assert r.status_code == 400
    assert "Each payment must be an amount, like 120.50" in page and 'value="ten pounds"' in page
    assert "Days of grace must be a whole number from 0 to 28" in page
    r = officer.post(url, _terms(today, step="check", payment="500", frequency="yearly"))
    assert r.status_code == 400 and "Choose how often the customer will pay" in r.content.decode()
    assert not CombinedArrangement.objects.exists()
    r = officer.post(url, _terms(today, step="confirm", payment="500"))
    assert r.status_code == 302
    assert CombinedArrangement.objects.get().payment == 50_000


def test_another_customers_reference_reaches_nothing(client_for, customer):  # noqa: F811
    other = Customer.objects.create(name="Kim Lee", import_ref="C2", import_source="t")
    today = timezone.localdate()
    ca = service.agree(customer, rule=Rule(Frequency.WEEKLY, weekday=today.weekday()),
                       payment=50_000, start=today, first_payment=today,
                       payment_method="card")  # fmt: skip
    officer = client_for(Role.INCOME_OFFICER)
    for tail in ("", "letter/", "letter.pdf"):
        assert officer.get(f"/customers/C1/arrangements/{ca.pk}/{tail}").status_code == 200
        assert (
            officer.get(f"/customers/{other.import_ref}/arrangements/{ca.pk}/{tail}").status_code
            == 404
        )
    assert officer.post(f"/customers/C2/arrangements/{ca.pk}/cancel/").status_code == 404
    # the auditor reads it but cannot agree or cancel one
    auditor = client_for(Role.AUDITOR)
    assert auditor.get(f"/customers/C1/arrangements/{ca.pk}/").status_code == 200
    assert auditor.post(f"/customers/C1/arrangements/{ca.pk}/cancel/").status_code == 403
    ca.refresh_from_db()
    assert ca.cancelled_on is None
    assert officer.post(f"/customers/C1/arrangements/{ca.pk}/cancel/").status_code == 302
    ca.refresh_from_db()
    assert ca.cancelled_on == today
    assert ca.rent_arrangement is not None
    ca.rent_arrangement.refresh_from_db()
    assert ca.rent_arrangement.cancelled_on == today  # the rent part ends with it
