"""Every URL the site routes, walked signed out and for every role (issue 17).

The routes come from the URL resolver itself, so a new page cannot be missed: each must
appear in permission_matrix.txt with the status each role gets for GET and for POST. The
matrix is the reviewed statement of who may do what; this test holds the site to it. Run
with RENTBOOK_WRITE_MATRIX=1 to write the current answers to the file, then review the diff.

Whatever the matrix says, some things always hold: signed out, every page but sign-in and
the health check sends you to sign in; nothing answers with a server error; the auditor's
POSTs are refused.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from rentbook.comms.models import Batch, Message
from rentbook.comms.services import current_template, send_batch
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

MATRIX = Path(__file__).with_name("permission_matrix.txt")
ROLES = [r.value for r in Role]
#: Walked by their own tests: Django's admin (staff only, tests/test_admin*), the integration
#: API (tokens, tests/api/test_permissions.py), the tenants' own pages (a tenant's sign-in,
#: not a role: tests/selfservice/test_access.py).
ELSEWHERE = ("admin/", "api/", "my-rent/")
#: Answer without sign-in on purpose.
PUBLIC = {"sign-in/", "health/"}


def routes() -> list[tuple[str, str]]:
    """(pattern, name) of every route but those walked elsewhere."""

    def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.name or ""

    return [(p, n) for p, n in walk(get_resolver().url_patterns) if not p.startswith(ELSEWHERE)]


@pytest.fixture
def objects(make_user):
    """One of each thing a URL names, so its page answers for real."""
    account = make_account(last_name="Walker")
    post(account, account.tenancy.start_date, 50_000, kind=Kind.CHARGE)
    officer = make_user(Role.INCOME_OFFICER, "walk-officer")
    from rentbook.cases.services import pause_case
    from rentbook.recovery.services import propose_write_off

    now = timezone.now()
    template = current_template("IC1", "letter")
    send_batch([(account, template, None)], now=now, by=officer)  # before the pause holds it
    pause = pause_case(
        account, "hospital", now.date() + timedelta(days=7), by=officer, now=now, note="ward 3"
    )
    write_off = propose_write_off(account, 1000, "small_balance", date.today(), by=officer)
    from rentbook.performance import stored
    from tests.cases.builders import make_run, recommend

    recommend(make_run(), account, "send_letter_one")  # the worktray and its exports
    for period in stored.standard_periods(timezone.localdate()):  # the dashboard's exports
        stored.work_out(stored.request(period, reason="for the walk"))
    batch = Batch.objects.get()
    message = Message.objects.get()
    from rentbook.banking.models import ChannelPayment

    held = ChannelPayment.objects.create(
        reference_given="NOSUCH", amount=1_000, paid_on=date.today(), channel="allpay",
        status="suspense", suspense_reason="no account has this reference",
    )  # fmt: skip
    from rentbook.benefits.models import UcRequest

    uc = UcRequest.objects.create(
        account=account, kind="managed_payment", requested_on=date.today(), arrears=50_000,
        monthly_rent=43_333, reason="arrears are two months' rent or more",
    )  # fmt: skip
    from rentbook.debts.models import Customer, CustomerMatch

    customer = Customer.objects.create(name="Pat Walker", import_ref="C-WALK", import_source="t")
    match = CustomerMatch.objects.create(customer=customer, account=account, evidence="surname")
    from rentbook.arrangements.schedules import Frequency, Rule
    from rentbook.debts.arrangements import agree
    from rentbook.debts.models import Debt, DebtEntry

    invoice = Debt.objects.create(
        customer=customer, stream="sundry", financial_year=2025, raised_on=date(2025, 6, 1),
        department="Bulky waste", import_ref="INV-WALK", import_source="t",
    )  # fmt: skip
    DebtEntry.objects.create(
        debt=invoice, posted_on=date(2025, 6, 1), kind="charge", amount=4_500,
        import_ref="INV-WALK-1", import_source="t",
    )  # fmt: skip
    today = timezone.localdate()
    combined = agree(
        customer, rule=Rule(Frequency.WEEKLY, weekday=today.weekday()), payment=1_000,
        start=today, first_payment=today, payment_method="card",
    )  # fmt: skip
    from rentbook.debts.models import DebtRecommendation
    from rentbook.debts.run import run_debts

    run_debts(today)
    return {
        "rec_id": DebtRecommendation.objects.first().pk,
        "combined_id": combined.pk,
        "customer_ref": customer.import_ref,
        "match_id": match.pk,
        "uc_request_id": uc.pk,
        "suspense_id": held.pk,
        "reference": account.reference,
        "pause_id": pause.pk,
        "pk": write_off.pk,
        "template_id": template.pk,
        "batch_id": batch.pk,
        "message_id": message.pk,
        # no arrangement, plan or action exists: those pages answer 404 for who may see them
        "plan_id": 999_999,
        "action_id": 999_999,
        "tenancy_ref": account.tenancy.reference,
    }


def fill(pattern: str, objects: dict, name: str) -> str:
    def one(m: re.Match) -> str:
        key = m.group(2)
        if key == "pk" and name.startswith("combined-arrangement"):
            return str(objects["combined_id"])
        if key == "pk" and name.startswith("arrangement"):
            return "999999"
        if key == "pk" and name.startswith("suspense"):
            return str(objects["suspense_id"])
        if key == "pk" and name.startswith("uc-request"):
            return str(objects["uc_request_id"])
        return str(objects[key])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, pattern)


def answers(client, url: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return client.get(url).status_code, client.post(url, {}).status_code


def read_matrix() -> dict[tuple[str, str], str]:
    out = {}
    for line in MATRIX.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, role, got = line.split()
            out[(name, role)] = got
    return out


def test_every_url_for_every_role_and_signed_out(client, client_for, objects):
    table: dict[tuple[str, str], str] = {}
    for pattern, name in routes():
        url = fill(pattern, objects, name)
        get, post_ = answers(client, url)
        if pattern in PUBLIC:
            assert get == 200, url
        else:
            assert get == 302 and post_ in (302, 403), (url, get, post_)
        table[(name, "signed-out")] = f"{get}/{post_}"
    for role in ROLES:
        signed_in = client_for(role)
        for pattern, name in routes():
            url = fill(pattern, objects, name)
            if name == "sign-out":
                continue  # it would end the walk's session; tests/web/test_sign_in.py
            get, post_ = answers(signed_in, url)
            assert get < 500 and post_ < 500, (role, url, get, post_)
            if role == Role.AUDITOR:
                assert post_ in (403, 405), (url, post_)
            table[(name, role)] = f"{get}/{post_}"
    lines = [f"{n} {r} {s}" for (n, r), s in sorted(table.items())]
    if os.environ.get("RENTBOOK_WRITE_MATRIX"):
        MATRIX.write_text(
            "# route role GET/POST status, written by tests/web/test_permission_walk.py"
            " (RENTBOOK_WRITE_MATRIX=1)\n" + "\n".join(lines) + "\n"
        )
    expected = read_matrix()
    missing = sorted({n for n, _ in table} - {n for n, _ in expected})
    assert not missing, f"routes not in permission_matrix.txt: {missing}"
    changed = {k: (expected.get(k), v) for k, v in table.items() if expected.get(k) != v}
    assert not changed, f"who may do what changed (expected, got): {changed}"
