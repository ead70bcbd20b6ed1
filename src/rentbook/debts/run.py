"""The weekly run over every open council debt: each debt decided by its stream's shipped
policy (debts/policies/*.toml, in the policy language of docs/policies.md), with the facts of
policy/facts.py: the debt's balance as ``arrears``, its stream, due day and overpayment cause,
its recovery history as ``actions``, and from the customer's tenancy the flags that hold every
stream at once (breathing space, a dispute, deceased...), their rent arrears (HBO's £250 rule)
and whether Housing Benefit is in payment; a debt in a combination arrangement has its part's
state as ``arrangement_state`` (debts/arrangements.py). Stored as a DebtRun with one
DebtRecommendation per debt (docs/corporate-debt.md)."""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
from django.db import transaction
from django.db.models import Q

from rentbook.cases.models import Flag
from rentbook.debts.models import (
    Customer,
    Debt,
    DebtAction,
    DebtEntry,
    DebtParty,
    DebtRecommendation,
    DebtRun,
    EntryKind,
)
from rentbook.engine.services import explain
from rentbook.ledger.balances import balances_on
from rentbook.ledger.models import Account, Benefit
from rentbook.ledger.positions import as_text, bulk_insert, query_frame
from rentbook.policy.facts import SCHEMA
from rentbook.policy.loader import load_policy
from rentbook.policy.model import Policy
from rentbook.policy.vectorised import VectorEvaluator

POLICIES = Path(__file__).with_name("policies")
LONDON = ZoneInfo("Europe/London")
#: The policy each stream is decided by (a landlord in England names its own council tax one).
STREAM_POLICIES = {
    "council_tax": "council_tax_scotland",
    "ndr": "ndr_scotland",
    "sundry": "sundry",
    "hbo": "hbo",
}


def debt_policy(name: str) -> Policy:
    return load_policy(POLICIES / f"{name}.toml")


#: Streams billed for the year and paid by instalments: by default ten, monthly from April
#: (the statutory schemes' default in Scotland and England), until instalment plans come in.
INSTALMENT_STREAMS = ("council_tax", "ndr")
INSTALMENTS = 10


def instalments_due(year: int, as_of: date) -> int:
    """How many of financial year ``year``'s ten monthly instalments (the 1st of April to
    January) have fallen due by ``as_of``."""
    months = (as_of.year - year) * 12 + as_of.month - 4 + 1
    return max(0, min(INSTALMENTS, months))


def _not_yet_due(as_of: date) -> pl.Expr:
    """The part of a year's net bill (``billed``) not yet due on ``as_of``, in pence: the
    instalments to come, the last of them carrying any odd pence."""
    # instalments_due, for every row at once
    due = ((as_of.year - pl.col("year")) * 12 + as_of.month - 3).clip(0, INSTALMENTS)
    part = pl.col("billed") // INSTALMENTS
    due_so_far = pl.when(due >= INSTALMENTS).then(pl.col("billed")).otherwise(part * due)
    return pl.max_horizontal(pl.lit(0), pl.col("billed") - due_so_far)


def _month_starts(after: date, until: date) -> list[date]:
    """The 1st of each month after ``after`` up to ``until``: the days instalments fall due."""
    out = []
    d = date(after.year, after.month, 1)
    while d <= until:
        if d > after:
            out.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


def caught_up_since(
    stream: str, year: int, entries: list[tuple[date, str, int]], since: date, as_of: date
) -> bool:
    """Whether what was due on a debt was all paid at the end of some day after ``since`` (up
    to ``as_of``): a council tax or rates bill against its instalments fallen due, any other
    debt against its balance. ``entries``: (posted_on, kind, amount), in date order."""
    billing = (EntryKind.CHARGE.value, EntryKind.REDUCTION.value)
    days = {d for d, _, _ in entries if since < d <= as_of}
    if stream in INSTALMENT_STREAMS:
        days.update(_month_starts(since, as_of))
    for day in sorted(days):
        balance = sum(a for d, _, a in entries if d <= day)
        if stream in INSTALMENT_STREAMS:
            billed = sum(a for d, k, a in entries if d <= day and k in billing)
            due = instalments_due(year, day)
            so_far = billed if due >= INSTALMENTS else billed // INSTALMENTS * due
            balance -= max(0, billed - so_far)
        if balance <= 0:
            return True
    return False


def _caught_up(rows: pl.DataFrame, last: list[dict | None], as_of: date) -> list[bool | None]:
    """``caught_up_since_last_step`` for each row (None where no step has been taken)."""
    stepped = {
        i: (x["at"].date(), stream, year)
        for i, stream, year, x in zip(
            rows.get_column("account_id").to_list(),
            rows.get_column("stream").to_list(),
            rows.get_column("year").to_list(),
            last,
            strict=True,
        )
        if x is not None
    }
    entries: dict[int, list[tuple[date, str, int]]] = {}
    if stepped:
        for debt_id, posted_on, kind, amount in (
            DebtEntry.objects.filter(debt_id__in=list(stepped), posted_on__lte=as_of)
            .order_by("posted_on", "id")
            .values_list("debt_id", "posted_on", "kind", "amount")
        ):
            entries.setdefault(debt_id, []).append((posted_on, kind, amount))
    out: list[bool | None] = []
    for i in rows.get_column("account_id").to_list():
        if i not in stepped:
            out.append(None)
            continue
        since, stream, year = stepped[i]
        out.append(caught_up_since(stream, year, entries.get(i, []), since, as_of))
    return out


def debt_facts(as_of: date) -> pl.DataFrame:
    """One row per open debt with something owed on ``as_of``: ``account_id`` (the debt's id,
    the column the evaluator keys on), ``stream`` and the base facts it has."""
    d, e, c = Debt._meta.db_table, DebtEntry._meta.db_table, Customer._meta.db_table
    day = as_of.isoformat()
    sums = (
        f"SELECT x.debt_id, SUM(x.amount) AS balance, SUM(CASE WHEN x.kind IN"
        f" ('{EntryKind.CHARGE.value}', '{EntryKind.REDUCTION.value}') THEN x.amount ELSE 0 END)"
        f" AS billed FROM {e} x WHERE x.posted_on <= %s GROUP BY x.debt_id"
    )
    rows = query_frame(
        f"SELECT d.id, d.stream, d.customer_id, c.account_id,"
        f" {as_text('COALESCE(d.due_on, d.raised_on)')}, d.cause, d.recoverable,"
        f" d.financial_year, s.balance, s.billed"
        f" FROM {d} d JOIN {c} c ON c.id = d.customer_id JOIN ({sums}) s ON s.debt_id = d.id"
        " WHERE d.status = 'open' AND s.balance > 0",
        [day],
        {"account_id": pl.Int64, "stream": pl.String, "customer_id": pl.Int64,
         "rent_account": pl.Int64, "debt_due": pl.Date, "overpayment_cause": pl.String,
         "recoverable": pl.Boolean, "year": pl.Int64, "balance": pl.Int64,
         "billed": pl.Int64},
    )  # fmt: skip
    # Council tax and rates are billed for the year and paid in instalments: what is owed now
    # is the balance less the instalments not yet due (docs/corporate-debt.md)
    rows = (
        rows.with_columns(
            arrears=pl.when(pl.col("stream").is_in(list(INSTALMENT_STREAMS)))
            .then(pl.col("balance") - _not_yet_due(as_of))
            .otherwise(pl.col("balance"))
        )
        .filter(pl.col("arrears") > 0)
        .drop("balance", "billed")
    )
    now = datetime.combine(as_of, clock(23, 59, 59))
    tenancies = [a for a in rows.get_column("rent_account").unique().to_list() if a is not None]
    rent = balances_on(tenancies, as_of) if tenancies else {}
    hb = set(
        Account.objects.filter(pk__in=tenancies, benefit=Benefit.HOUSING_BENEFIT).values_list(
            "pk", flat=True
        )
    )
    # the others jointly liable for a debt: a hold on any of their tenancies holds it too, as
    # a breathing space for either joint tenant holds a rent account
    joint: dict[int, list[int]] = {}
    for debt_id, account_id in DebtParty.objects.filter(
        debt__status=Debt.Status.OPEN, customer__account__isnull=False
    ).values_list("debt_id", "customer__account_id"):
        joint.setdefault(debt_id, []).append(account_id)
    flagged = sorted({*tenancies, *(a for accs in joint.values() for a in accs)})
    flags: dict[int, list[str]] = {}
    active = Flag.objects.filter(account_id__in=flagged, starts_on__lte=as_of).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=as_of)
    )
    for account_id, kind in active.values_list("account_id", "type"):
        flags.setdefault(account_id, []).append(kind)
    actions: dict[int, list[dict]] = {}
    until = now.replace(tzinfo=LONDON)
    for debt_id, code, at in DebtAction.objects.filter(
        debt_id__in=rows.get_column("account_id").to_list(), at__lte=until
    ).values_list("debt_id", "code", "at"):
        # the policy language reads London wall time, as the rent run's actions
        local = at.astimezone(LONDON).replace(tzinfo=None)
        actions.setdefault(debt_id, []).append({"code": code, "at": local})
    ids = rows.get_column("account_id").to_list()
    accounts = rows.get_column("rent_account").to_list()
    history = [actions.get(i, []) for i in ids]
    last = [max(h, key=lambda a: a["at"]) if h else None for h in history]
    from rentbook.debts.arrangements import refresh  # it reads this module's instalment rule

    kept = refresh(as_of)
    in_arrangement = [kept.get(i) for i in ids]
    return rows.with_columns(
        arrangement_type=pl.Series(
            ["combination" if s else None for s in in_arrangement], dtype=pl.String
        ),
        arrangement_state=pl.Series(in_arrangement, dtype=pl.String),
        now=pl.lit(now, dtype=SCHEMA["now"]),
        debt_stream=pl.col("stream"),
        overpayment_cause=pl.col("overpayment_cause").replace("", None),
        customer_rent_arrears=pl.Series(
            [rent.get(a) if a is not None else None for a in accounts], dtype=pl.Int64
        ),
        hb_in_payment=pl.Series([a in hb for a in accounts], dtype=pl.Boolean),
        flags=pl.Series(
            [
                sorted({f for x in [a, *joint.get(i, [])] for f in flags.get(x, [])})
                for i, a in zip(ids, accounts, strict=True)
            ],
            dtype=SCHEMA["flags"],
        ),
        actions=pl.Series(history, dtype=SCHEMA["actions"]),
        last_action_code=pl.Series([x["code"] if x else None for x in last], dtype=pl.String),
        last_action_at=pl.Series([x["at"] if x else None for x in last], dtype=SCHEMA["now"]),
        caught_up_since_last_step=pl.Series(_caught_up(rows, last, as_of), dtype=pl.Boolean),
    ).drop("rent_account", "year")


def run_debts(as_of: date, policies: dict[str, str] | None = None) -> DebtRun:
    """Decide every open debt as of ``as_of`` and store the run (again for the same day: the
    run is made afresh)."""
    chosen = {**STREAM_POLICIES, **(policies or {})}
    started = time.perf_counter()
    frame = debt_facts(as_of)
    decided = []
    for stream, name in chosen.items():
        part = frame.filter(pl.col("stream") == stream)
        if not part.height:
            continue
        policy = debt_policy(name)
        out = VectorEvaluator(policy).decide(part)
        decided.append(out.with_columns(reasons=explain(policy, out)))
    with transaction.atomic():
        DebtRun.objects.filter(as_of=as_of).delete()
        run = DebtRun.objects.create(as_of=as_of, policies=chosen)
        if decided:
            rows = pl.concat(decided, how="diagonal_relaxed").select(
                pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
                pl.col("account_id").alias("debt_id"),
                "action",
                "category",
                "priority",
                pl.col("rule").fill_null(""),
                "reasons",
                pl.col("arrears").alias("balance"),
            )
            bulk_insert(DebtRecommendation._meta.db_table, rows.columns, rows)
            run.debts = rows.height
        run.seconds = round(time.perf_counter() - started, 3)
        run.save()
        # the revenues summary's rents move with the rent ledger: work it out weekly too
        from rentbook.debts import funds

        funds.request()
    return run
