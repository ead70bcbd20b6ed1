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


def pages() -> list[tuple[str, str, bool]]:
    """(name, URL, is an export) for every page worth timing."""
    if ONLY == "debts":
        return debt_pages()
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
    return out + debt_pages()


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
    results = {}
    for name, url, export in pages():
        client = clients[Role.ADMINISTRATOR if "administrator" in name else Role.INCOME_MANAGER]
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
