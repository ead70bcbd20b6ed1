import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from rentbook.arrangements.models import Arrangement
from rentbook.cases.models import DiaryEntry
from rentbook.engine.models import Run
from rentbook.ledger.models import Transaction
from rentbook.portfolio.models import Role, Tenancy, User
from rentbook.web.demo import DEMO_PASSWORD, last_sunday

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_builds_a_landlord_through_the_import_door_and_a_user_for_each_role(tmp_path):
    out = io.StringIO()
    call_command("demo", tenancies=40, years=1, dir=str(tmp_path), no_serve=True, stdout=out)
    # the printed API token works, and only for the demo's client
    token = re.search(r"Bearer (rb_\S+)'", out.getvalue()).group(1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/recommendations/").status_code == 200
    _the_printed_tenant_signs_in(out.getvalue())
    assert Tenancy.objects.count() == 40
    assert Transaction.objects.filter(source="demo").exists()
    # the case history came in through the case state door, its codes read by Hackney's mapping
    assert DiaryEntry.objects.filter(import_source="demo").exists()
    assert Arrangement.objects.filter(import_source="demo").exists()
    assert not DiaryEntry.objects.filter(import_source="demo", code="IC1", category="none")
    assert {u.role for u in User.objects.all()} == set(Role.values)
    for user in User.objects.exclude(username__startswith="api:"):
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_staff == (user.role == Role.ADMINISTRATOR)
    assert User.objects.get(username="officer").patches.exists()
    run = Run.objects.get()
    assert run.status == Run.Status.DONE and run.accounts == run.recommendations.count() > 0
    # the council's debts of the same tenants, linked to their tenancies, decided by the debt run
    from rentbook.debts.models import Customer, DebtRecommendation

    assert Customer.objects.filter(account__isnull=False).count() == 40
    assert DebtRecommendation.objects.exists()
    # one of them has agreed a combination arrangement across rent and council debts, whose
    # debts the debt run keeps
    from rentbook.debts.models import CombinedArrangement

    combined = CombinedArrangement.objects.get()
    assert combined.parts.filter(starting_arrears__gt=0).count() >= 2
    assert combined.parts.filter(stream="rent").exists()
    assert DebtRecommendation.objects.filter(
        action="keep_arrangement", debt__customer=combined.customer
    ).exists()
    # the run's indicators are worked out before the site is served: the dashboard has figures
    from rentbook.performance import stored

    for period in stored.standard_periods(run.as_of):
        assert stored.latest(period) is not None, period

    rows = Transaction.objects.count()
    out = io.StringIO()
    call_command("demo", tenancies=40, years=1, dir=str(tmp_path), no_serve=True, stdout=out)
    assert Transaction.objects.count() == rows
    # a fresh token each start: the old one no longer works
    assert api.get("/api/v1/recommendations/").status_code == 401
    assert User.objects.exclude(username__startswith="api:").count() == len(Role.values)
    assert User.objects.filter(username__startswith="api:").count() == 1  # the demo's API client
    assert Run.objects.count() == 1  # the same day's run is not made twice


@pytest.mark.parametrize(
    ("today", "sunday"),
    [(date(2026, 11, 23), date(2026, 11, 22)), (date(2026, 11, 22), date(2026, 11, 15))],
)
def test_the_demo_history_ends_with_the_last_complete_rent_week(today, sunday):
    assert last_sunday(today) == sunday


def _the_printed_tenant_signs_in(printed: str) -> None:
    """The demo prints a tenant's details; with the demo's settings (outbox, demo on) the
    one-time code is shown on the page, and it signs the tenant in."""
    from django.test import override_settings

    m = re.search(
        r"rent account (\S+), first name (.+?), last name (.+?), postcode (.+)$", printed, re.M
    )
    assert m, printed
    with override_settings(RENTBOOK_DEMO=True, RENTBOOK_SEND_BACKEND="outbox"):
        c = Client()
        r = c.post(
            "/my-rent/sign-in/",
            {"reference": m[1], "first_name": m[2], "last_name": m[3], "postcode": m[4]},
        )
        assert r.status_code == 302, r.content
        route = re.search(rb'name="route" type="radio" value="(\w+)"', c.get(r["Location"]).content)
        c.post("/my-rent/sign-in/send-code/", {"route": route[1].decode()})
        page = c.get("/my-rent/sign-in/code/").content.decode()
        code = re.search(r"your code is <strong>(\d{6})</strong>", page)[1]
        assert c.post("/my-rent/sign-in/code/", {"code": code})["Location"] == "/my-rent/"
        assert "You owe" in c.get("/my-rent/").content.decode()
