"""A breathing space covers every tenant of a joint tenancy (issue 17): the flag is the
account's, so a moratorium one joint tenant enters holds the letter addressed to both and the
run's every step on the tenancy (the Debt Respite Scheme regulations: no step against the
debtor or anyone jointly liable)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from rentbook.cases.models import Flag
from rentbook.comms.services import current_template, hold_reasons, merge
from rentbook.engine.services import run_arrears
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Tenant
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

DAY = date(2024, 9, 2)


def test_one_joint_tenant_s_breathing_space_holds_the_tenancy_for_both():
    account = make_account(last_name="Okafor")
    Tenant.objects.create(tenancy=account.tenancy, person_no=2, first_name="Ade", last_name="Bello")
    post(account, date(2024, 4, 1), 150_000, kind=Kind.CHARGE)  # 15 weeks owed
    assert merge.recipient(account).names == "Sam Okafor and Ade Bello"  # to both
    letter = current_template("IC1", "letter")
    now = timezone.make_aware(datetime.combine(DAY, time(10)))
    assert hold_reasons(account, letter, now=now) == []
    # the moratorium of one of them (the flag has no tenant: it is the account's)
    Flag.objects.create(account=account, type="breathing_space", starts_on=date(2024, 8, 1),
                        note="Ade Bello's breathing space")  # fmt: skip
    reasons = hold_reasons(account, letter, now=now)
    assert any("breathing space" in r for r in reasons)
    for policy in ("hackney", "england", "scotland"):
        run = run_arrears(DAY, policy)
        rec = run.recommendations.get(account=account)
        assert rec.category == "hold" and "breathing" in rec.rule, (policy, rec.rule)
