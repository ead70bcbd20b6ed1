"""Time every page a manager opens, against the database DATABASE_URL names (run by
test_page_speed.py in its own process: `python -m benchmarks.page_timer`).

Each page is requested through Django's test client signed in as an income manager (routing,
middleware, queries, templates; no network), REQUESTS times (exports EXPORTS times), and the
p95 printed as JSON. Pages that need an account take the account with the longest history in
arrears; pages that need an object take the newest.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "20"))
#: "debts": only the council debt pages (benchmarks/test_debts_speed.py)
ONLY = os.environ.get("BENCH_PAGES", "")
EXPORTS = int(os.environ.get("BENCH_EXPORT_REQUESTS", "3"))


def p95(times: list[float]) -> float:
    if len(times) < 2:
        return times[0]
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


#: The worktray by risk (docs/risk.md): sorted, the watch list, a band; "risk": these alone.
RISK_PAGES = [
    ("worktray by risk", "/worktray/?sort=risk", False),
    ("worktray by risk, page 50", "/worktray/?sort=risk&page=50", False),
    ("worktray, watch list", "/worktray/?show=watch", False),
    ("worktray, high risk", "/worktray/?risk=high", False),
]


def debt_pages() -> list[tuple[str, str, bool]]:
    """The council debt pages, where the database holds customers."""
    from django.db.models import Count

    from rentbook.debts.models import CombinedArrangement, Customer

    busiest = (
        Customer.objects.annotate(n=Count("debts")).order_by("-n", "pk").first()
        if Customer.objects.exists()
        else None
    )
    if busiest is None:
        return []
    year = busiest.debts.order_by("-financial_year").values_list("financial_year", flat=True)[0]
    out = [
        ("customers", "/customers/", False),
        ("customers, page 500", "/customers/?page=500", False),
        ("customers, a search", "/customers/?q=smith", False),
        ("a customer with the most debts", f"/customers/{busiest.import_ref}/", False),
        ("possible matches", "/customer-matches/", False),
        ("debt work", "/debt-work/", False),
        ("debt work, page 100", "/debt-work/?page=100", False),
        ("debt work, council tax", "/debt-work/?stream=council_tax&action=send_reminder", False),
        ("revenues by fund", f"/revenues/?year={year}", False),
        ("revenues by fund CSV", f"/revenues.csv?year={year}", True),
        ("revenues by fund Excel", f"/revenues.xlsx?year={year}", True),
    ]
    ca = CombinedArrangement.objects.select_related("customer").order_by("-pk").first()
    if ca:
        base = f"/customers/{ca.customer.import_ref}/arrangements"
        out += [
            ("agree a combination arrangement", f"{base}/new/", False),
            ("a combination arrangement", f"{base}/{ca.pk}/", False),
            ("its letter", f"{base}/{ca.pk}/letter/", False),
            ("its letter PDF", f"{base}/{ca.pk}/letter.pdf", True),
        ]
    return out


#: The tenants' pages (docs/selfservice.md) are requested as this tenant, not as staff.
TENANT = "(a tenant)"


def tenant_pages() -> list[tuple[str, str, bool]]:
    """The tenants' own pages for the tenant with the longest history in arrears, and the
    officers' list of their proposals (with one proposal waiting, made here if none is)."""
    from rentbook.arrangements.models import TenantProposal

    out = [
        (f"tenant home {TENANT}", "/my-rent/", False),
        (f"tenant statement {TENANT}", "/my-rent/statement/", False),
        (f"tenant statement, all years {TENANT}",
         "/my-rent/statement/?from-day=1&from-month=1&from-year=2000", False),
        (f"tenant letters {TENANT}", "/my-rent/letters/", False),
        (f"tenant pay {TENANT}", "/my-rent/pay/", False),
        (f"tenant Direct Debit {TENANT}", "/my-rent/direct-debit/", False),
        (f"tenant payment plan {TENANT}", "/my-rent/payment-plan/", False),
        (f"tenant tell us {TENANT}", "/my-rent/tell-us/", False),
        (f"tenant statement CSV {TENANT}", "/my-rent/statement.csv", True),
        (f"tenant statement PDF {TENANT}", "/my-rent/statement.pdf", True),
        ("proposals from tenants", "/proposals/?view=all", False),
    ]  # fmt: skip
    p = TenantProposal.objects.order_by("-pk").first()
    if p is not None:
        out.append(("a proposal from a tenant", f"/proposals/{p.pk}/", False))
    return out


def bench_tenant():  # type: ignore[no-untyped-def]
    """The first tenant of the account in arrears with the longest history, with a waiting
    proposal of theirs for the officers' pages."""
    from datetime import timedelta

    from django.utils import timezone

    from rentbook.arrangements import offers, proposals, services
    from rentbook.arrangements.models import TenantProposal
    from rentbook.arrangements.schedules import Frequency, Rule
    from rentbook.engine.models import Recommendation
    from rentbook.ledger.balances import account_position

    rec = Recommendation.objects.filter(balance__gt=0).order_by("-run_id", "-balance").first()
    account = rec.account
    tenant = account.tenancy.tenants.order_by("person_no").first()
    if not TenantProposal.objects.filter(account=account).exists():
        today = timezone.localdate()
        st = services.record_statement(account, today, {"earnings": 150_000, "food": 30_000})
        position = account_position(account, today)
        rule = Rule(Frequency.WEEKLY, weekday=today.weekday())
        offer = offers.check_offer(
            arrears=position.balance, weekly_charge=position.weekly_charge,
            surplus_monthly=services.summary(st).surplus, rule=rule, instalment=2_000,
            first_payment=today + timedelta(days=7), max_months=24,
        )  # fmt: skip
        proposals.submit(
            account, tenant, st, rule=rule, offer=offer, first_payment=today + timedelta(days=7),
            payment_method="card", arrears=position.balance, note="", now=timezone.now(),
        )  # fmt: skip
    return tenant


def pages() -> list[tuple[str, str, bool]]:
    """(name, URL, is an export) for every page worth timing."""
    if ONLY == "debts":
        return debt_pages()
    if ONLY == "selfservice":
        return tenant_pages()
    if ONLY == "risk":
        return RISK_PAGES
    from rentbook.comms.models import Batch
    from rentbook.engine.models import Recommendation
    from rentbook.plans.models import Plan
    from rentbook.portfolio.models import Area, Patch
    from rentbook.recovery.models import WriteOff

    rec = Recommendation.objects.filter(balance__gt=0).order_by("-run_id", "-balance").first()
    ref = rec.account.reference if rec else ""
    area = Area.objects.order_by("pk").first()
    patch = Patch.objects.order_by("pk").first()
    out = [
        ("find an account", "/", False),
        ("worktray", "/worktray/", False),
        ("worktray, page 50", "/worktray/?page=50", False),
        *RISK_PAGES,
        ("runs", "/runs/", False),
        ("audit log", "/audit-log/", False),
        ("audit log, page 100", "/audit-log/?page=100", False),
        ("dashboard, rent year", "/performance/", False),
        ("dashboard, quarter", "/performance/?period=quarter", False),
        ("dashboard, year profile", "/performance/?profile=1", False),
        ("letters", "/letters/", False),
        ("write-offs", "/write-offs/", False),
        ("write-off committee report", "/write-offs/committee-report/", False),
        ("former tenants", "/former-tenants/", False),
        ("post-court review", "/post-court-review/", False),
        ("targets", "/performance/targets/", False),
        ("custom indicators", "/performance/custom/", False),
        ("plans", "/plans/", False),
        ("accounts behind current arrears",
         "/performance/accounts/?indicator=current_arrears_pct", False),
        ("accounts behind current arrears, page 200",
         "/performance/accounts/?indicator=current_arrears_pct&page=200", False),
        ("worktray CSV", "/worktray.csv", True),
        ("worktray Excel", "/worktray.xlsx", True),
        ("indicators CSV", "/performance/indicators.csv", True),
        ("indicators Excel", "/performance/indicators.xlsx", True),
        ("committee report PDF", "/performance/committee-report.pdf", True),
        ("accounts behind current arrears, CSV",
         "/performance/accounts/?indicator=current_arrears_pct&format=csv", True),
        ("agency referrals CSV", "/former-tenants/agency-referrals.csv", True),
        ("write-off committee report CSV", "/write-offs/committee-report.csv", True),
    ]  # fmt: skip
    out.append(("letter templates (an administrator)", "/letters/templates/", False))
    if area:
        out.append(("dashboard, an area", f"/performance/?scope=area&id={area.pk}", False))
    if patch:
        out.append(("dashboard, a patch", f"/performance/?scope=patch&id={patch.pk}", False))
    if ref:
        out += [
            ("account", f"/accounts/{ref}/", False),
            ("statement", f"/accounts/{ref}/statement/", False),
            ("sent letters", f"/accounts/{ref}/sent/", False),
            ("statement CSV", f"/accounts/{ref}/statement.csv", True),
        ]
    w = WriteOff.objects.order_by("-pk").first()
    if w:
        out.append(("a write-off", f"/write-offs/{w.pk}/", False))
    b = Batch.objects.order_by("-pk").first()
    if b:
        out.append(("letter batch manifest CSV", f"/letters/batches/{b.pk}.csv", True))
    plan = Plan.objects.order_by("-pk").first()
    if plan:
        out.append(("a plan", f"/plans/{plan.pk}/", False))
    return out + debt_pages() + tenant_pages()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rentbook.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from rentbook.portfolio.models import Role, User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    clients = {}
    for role in (Role.INCOME_MANAGER, Role.ADMINISTRATOR):
        user, _ = User.objects.get_or_create(username=f"bench-{role}", defaults={"role": role})
        clients[role] = Client()
        clients[role].force_login(user)
    tenant_client = Client()
    if ONLY in ("", "selfservice"):
        tenant = bench_tenant()
        now = int(time.time())
        session = tenant_client.session
        session["_rentbook_tenant"] = {"tenant": tenant.pk, "since": now, "seen": now}
        session.save()
        tenant_client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    results = {}
    for name, url, export in pages():
        client = clients[Role.ADMINISTRATOR if "administrator" in name else Role.INCOME_MANAGER]
        if TENANT in name:
            client = tenant_client
        times = []
        status = None
        for _ in range(EXPORTS if export else REQUESTS):
            started = time.perf_counter()
            r = client.get(url)
            if getattr(r, "streaming", False):
                size = sum(len(part) for part in r.streaming_content)
            else:
                size = len(r.content)
            times.append(time.perf_counter() - started)
            status = r.status_code
        results[name] = {
            "url": url,
            "status": status,
            "export": export,
            "bytes": size,
            "p95_ms": round(p95(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
        }
        print(f"{name}: {results[name]}", file=sys.stderr, flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
