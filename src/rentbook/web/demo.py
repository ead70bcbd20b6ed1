"""The demo landlord: a simulated portfolio loaded through the import door, and demo users."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from rentbook.api.models import ApiClient
from rentbook.api.scopes import SCOPES
from rentbook.api.services import create_client, rotate_token
from rentbook.debts.models import CombinedArrangement, Customer, Debt, DebtEntry
from rentbook.engine.models import Recommendation, Run
from rentbook.imports.services import ImportResult, import_file
from rentbook.imports.sync import plan
from rentbook.ledger.calendar import RentFreeRule
from rentbook.portfolio.models import Patch, Role, Tenancy, Tenant, User
from rentbook.simulate.run import simulate

DEMO_PASSWORD = "rentbook-demo"


def last_sunday(today: date) -> date:
    """The Sunday that ended the last complete rent week before ``today``."""
    return today - timedelta(days=today.weekday() + 1)


#: (username, first name, last name, role)
DEMO_USERS = [
    ("officer", "Olu", "Adeyemi", Role.INCOME_OFFICER),
    ("teamleader", "Tess", "Lowry", Role.TEAM_LEADER),
    ("manager", "Mani", "Kaur", Role.INCOME_MANAGER),
    ("auditor", "Aud", "Reid", Role.AUDITOR),
    ("admin", "Ada", "Marsh", Role.ADMINISTRATOR),
    ("revenues", "Rev", "Okafor", Role.REVENUES_OFFICER),
]


def build_demo_landlord(
    directory: Path,
    *,
    tenancies: int,
    years: int,
    seed: int,
    end: date,
    say: Callable[[str], object],
) -> list[ImportResult]:
    """Simulate a landlord and import it, unless the database already holds tenancies."""
    if Tenancy.objects.exists():
        say("The database already holds a portfolio: using it.")
        return []
    say(f"Simulating {tenancies:,} tenancies over {years} years…")
    directory.mkdir(parents=True, exist_ok=True)
    simulate(
        tenancies=tenancies,
        years=years,
        seed=seed,
        out=directory,
        end=end,
        rule=RentFreeRule.parse(settings.RENTBOOK_RENT_FREE_WEEKS),
    )
    # Through the door a landlord's migration takes: the ledger, then the case history, its
    # diary codes read by the mapping shipped for Hackney's published codes.
    results = []
    for kind, path in plan(directory):
        options = {"options": {"codes": "hackney"}} if kind == "diary" else {}
        result = import_file(kind, path, source="demo", **options)
        say(f"Imported {kind}: {result.rows_posted:,} rows posted.")
        results.append(result)
        if result.file_errors:
            break
    return results


@transaction.atomic
def ensure_demo_users() -> list[User]:
    users = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "role": role}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        users.append(user)
    officer = users[0]
    # The demo officer works the first two patches; the team leader sees them all.
    for patch in Patch.objects.order_by("code")[:2]:
        patch.officers.add(officer)
    return users


DEMO_API_CLIENT = "demo-housing-system"


def demo_api_token() -> str:
    """A token for the demo's housing system client (every scope, an income officer's role):
    made once, then a fresh token each time the demo starts, since only its hash is kept."""
    client = ApiClient.objects.filter(name=DEMO_API_CLIENT).first()
    if client is None:
        _, token = create_client(
            DEMO_API_CLIENT,
            role=Role.INCOME_OFFICER,
            scopes=list(SCOPES),
            codes="hackney",
            description="the demo's housing system",
        )
        return token
    return rotate_token(client)


#: Customers looked at closely for the demo's combination arrangement.
CANDIDATES = 20


def demo_combination(today: date) -> CombinedArrangement | None:
    """One combination arrangement, so the demo shows one: the tenant with the most council
    debts in arrears beside their rent agrees to clear them all in about a year (once)."""
    from rentbook.arrangements.schedules import Frequency, Rule, first_payment_date
    from rentbook.debts import arrangements

    if CombinedArrangement.objects.exists():
        return None
    rule = Rule(Frequency.WEEKLY, weekday=0)
    first = first_payment_date(today + timedelta(days=1), rule)
    # the few tenants with the most open debts with something owed, then the one of them
    # with most of those in arrears now (one query, however many customers there are)
    e, d, c = DebtEntry._meta.db_table, Debt._meta.db_table, Customer._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT d.customer_id FROM (SELECT debt_id FROM {e} GROUP BY debt_id"
            f" HAVING SUM(amount) > 0) s JOIN {d} d ON d.id = s.debt_id"
            f" JOIN {c} c ON c.id = d.customer_id"
            " WHERE d.status = 'open' AND c.account_id IS NOT NULL"
            f" GROUP BY d.customer_id ORDER BY COUNT(*) DESC, d.customer_id LIMIT {CANDIDATES}"
        )
        ids = [row[0] for row in cur.fetchall()]
    best = None
    for customer in Customer.objects.filter(pk__in=ids).select_related("account"):
        owing = arrangements.owing(customer, today, rule, first)
        behind = [o for o in owing if o.part.arrears > 0]
        if len(behind) >= 2 and (best is None or len(behind) > len(best[1])):
            best = (customer, behind, owing)
    if best is None:
        return None
    customer, _, owing = best
    ongoing = sum(o.part.ongoing_each for o in owing)
    arrears = sum(o.part.arrears for o in owing)
    payment = -(-(ongoing + -(-arrears // 52)) // 100) * 100  # whole pounds
    return arrangements.agree(
        customer,
        rule=rule,
        payment=payment,
        start=today,
        first_payment=first,
        payment_method="card",
    )


def demo_tenant(run: Run) -> Tenant | None:
    """A tenant in arrears for trying the tenants' own pages (/my-rent/): the first one the run
    found owing, given a demo email address if they have no email or mobile."""
    rec = (
        Recommendation.objects.filter(run=run, balance__gt=0, account__former=False)
        .order_by("account__reference")
        .first()
    )
    if rec is None:
        return None
    tenant = Tenant.objects.filter(tenancy=rec.account.tenancy).order_by("person_no").first()
    if tenant is not None and not tenant.email and not tenant.mobile:
        tenant.email = "tenant@example.org"
        tenant.save(update_fields=["email"])
    return tenant
