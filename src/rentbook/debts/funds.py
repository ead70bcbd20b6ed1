"""The revenues collection and write-off summary by fund for a financial year, laid out as
seed 002 ¶3 lays it out: cash collected (including collections for prior years), sum billed, %
collected, written off (including prior years' sums written off in the year), % written off,
per fund and in total.

Council tax is net of council tax reduction (bills less reductions); rents are net of benefit
paid direct to the landlord (Housing Benefit; since then also Universal Credit managed payments
and DHP, which the ledger counts with it), read from the rent ledger's summary. Money that came
back (a returned Direct Debit, a bounced payment) is not collected. Percentages are rounded half
up to two places, as a committee report prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from rentbook.debts.models import CollectionCost, Debt, DebtEntry, EntryKind, FundYear
from rentbook.ledger.summary import period_sums

#: The funds in the seed's order, each with the label it prints.
FUNDS = (
    ("council_tax", "Council Tax"),
    ("ndr", "NDR"),
    ("rent", "Rents"),
    ("sundry", "Sundry Debtors"),
    ("hbo", "Housing Benefit Overpayments"),
)


def year_span(year: int) -> tuple[date, date]:
    """1 April ``year`` to 31 March the year after: financial year ``year``/``year + 1``."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class FundRow:
    fund: str
    label: str
    cash_collected: int  # pence
    billed: int
    written_off: int

    @property
    def pct_collected(self) -> Decimal | None:
        return percent(self.cash_collected, self.billed)

    @property
    def pct_written_off(self) -> Decimal | None:
        return percent(self.written_off, self.billed)


def _debt_funds(start: date, end: date) -> dict[str, tuple[int, int, int]]:
    """By stream: (cash collected, billed net of reductions, written off) posted in the span."""
    e, d = DebtEntry._meta.db_table, Debt._meta.db_table
    pay, rev, charge, cut, off = (
        EntryKind.PAYMENT.value, EntryKind.REVERSAL.value, EntryKind.CHARGE.value,
        EntryKind.REDUCTION.value, EntryKind.WRITE_OFF.value,
    )  # fmt: skip
    sql = (
        f"SELECT d.stream,"
        f" -SUM(CASE WHEN e.kind = '{pay}' THEN e.amount"
        f"  WHEN e.kind = '{rev}' AND p.kind = '{pay}' THEN e.amount ELSE 0 END),"
        f" SUM(CASE WHEN e.kind IN ('{charge}', '{cut}') THEN e.amount ELSE 0 END),"
        f" -SUM(CASE WHEN e.kind = '{off}' THEN e.amount ELSE 0 END)"
        f" FROM {e} e JOIN {d} d ON d.id = e.debt_id"
        # a reversal names the entry it reverses by its reference, on the same debt
        f" LEFT JOIN {e} p ON e.kind = '{rev}' AND p.debt_id = e.debt_id"
        "  AND p.import_ref = e.reverses_ref AND p.import_source = e.import_source"
        " WHERE e.posted_on >= %s AND e.posted_on <= %s GROUP BY d.stream"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [start, end])
        return {s: (int(c or 0), int(b or 0), int(w or 0)) for s, c, b, w in cur.fetchall()}


def _rent_fund(start: date, end: date) -> tuple[int, int, int]:
    sums = period_sums(start, end, ("charge", "payment", "benefit", "returned", "write_off"))
    total = {c: int(sums.get_column(c).sum() or 0) for c in sums.columns if c != "account_id"}
    cash = -(total["payment"] - total["benefit"] + total["returned"])
    billed = total["charge"] + total["benefit"]
    return cash, billed, -total["write_off"]


def fund_summary(year: int) -> tuple[list[FundRow], FundRow]:
    """The year's rows, one per fund with any figure, and their total."""
    start, end = year_span(year)
    figures = _debt_funds(start, end)
    figures["rent"] = _rent_fund(start, end)
    rows = [
        FundRow(fund, label, *figures[fund])
        for fund, label in FUNDS
        if any(figures.get(fund, (0, 0, 0)))
    ]
    total = FundRow(
        "total",
        "Total",
        sum(r.cash_collected for r in rows),
        sum(r.billed for r in rows),
        sum(r.written_off for r in rows),
    )
    return rows, total


# ---- stored, worked out in the background ---------------------------------------------------


def _financial_year(column: str) -> str:
    """SQL for the financial year a date falls in: the calendar year three months earlier."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column} - INTERVAL '3 months') AS INTEGER)"
    return f"CAST(strftime('%Y', {column}, '-3 months') AS INTEGER)"


def _debt_funds_by_year() -> dict[tuple[int, str], tuple[int, int, int, int]]:
    """By (financial year, stream), in one pass over every entry: (cash collected, billed,
    written off, cash collected for that year's own bills)."""
    e, d = DebtEntry._meta.db_table, Debt._meta.db_table
    pay, rev, charge, cut, off = (
        EntryKind.PAYMENT.value, EntryKind.REVERSAL.value, EntryKind.CHARGE.value,
        EntryKind.REDUCTION.value, EntryKind.WRITE_OFF.value,
    )  # fmt: skip
    paid = f"kind = '{pay}' OR (kind = '{rev}' AND pkind = '{pay}')"
    cash = f"CASE WHEN {paid} THEN amount ELSE 0 END"
    sql = (
        f"SELECT fy, stream, -SUM({cash}),"
        f" SUM(CASE WHEN kind IN ('{charge}', '{cut}') THEN amount ELSE 0 END),"
        f" -SUM(CASE WHEN kind = '{off}' THEN amount ELSE 0 END),"
        f" -SUM(CASE WHEN own_year = fy THEN {cash} ELSE 0 END)"
        f" FROM (SELECT {_financial_year('e.posted_on')} AS fy, d.stream AS stream,"
        f"  d.financial_year AS own_year, e.kind AS kind, e.amount AS amount, p.kind AS pkind"
        f"  FROM {e} e JOIN {d} d ON d.id = e.debt_id"
        f"  LEFT JOIN {e} p ON e.kind = '{rev}' AND p.debt_id = e.debt_id"
        "   AND p.import_ref = e.reverses_ref AND p.import_source = e.import_source) x"
        " GROUP BY fy, stream"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        return {
            (int(y), st): (int(c or 0), int(b or 0), int(w or 0), int(i or 0))
            for y, st, c, b, w, i in cur.fetchall()
        }


@transaction.atomic
def work_out() -> int:
    """Work out and store every financial year's figures by fund (the debts' years, each
    with its rents); returns how many years."""
    debts = _debt_funds_by_year()
    years = sorted({y for y, _ in debts})
    now = timezone.now()
    rows = []
    for year in years:
        start, end = year_span(year)
        rent = _rent_fund(start, end)
        for fund, _label in FUNDS:
            if fund == "rent":
                cash, billed, off, own = (*rent, None)
            else:
                cash, billed, off, own = debts.get((year, fund), (0, 0, 0, 0))
                own = own if fund in ("council_tax", "ndr") else None
            if cash or billed or off:
                rows.append(
                    FundYear(year=year, fund=fund, cash_collected=cash, billed=billed,
                             written_off=off, in_year_cash=own, worked_out_at=now)
                )  # fmt: skip
    FundYear.objects.all().delete()
    FundYear.objects.bulk_create(rows)
    return len(years)


def request() -> None:
    """Queue the figures to be worked out again, once this transaction commits (once: a
    work-out still waiting to start will read everything committed by then)."""
    transaction.on_commit(_enqueue)


def pending() -> datetime | None:
    """When the work-out waiting or running now was queued, if one is."""
    from django_tasks_db.models import DBTaskResult

    found = (
        DBTaskResult.objects.filter(
            task_path__endswith="work_out_funds", status__in=["READY", "RUNNING"]
        )
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return found


def _enqueue() -> None:
    from django_tasks_db.models import DBTaskResult

    from rentbook.debts.tasks import work_out_funds

    waiting = DBTaskResult.objects.filter(
        task_path__endswith="work_out_funds", status="READY"
    ).exists()
    if not waiting:
        work_out_funds.enqueue()


@dataclass(frozen=True)
class Stored:
    rows: list[FundRow]
    total: FundRow
    worked_out_at: datetime
    #: council tax's in-year collection rate (the statutory indicator), if billed
    in_year_council_tax: Decimal | None


def stored_summary(year: int) -> Stored | None:
    """The year's stored figures, as fund_summary lays them out; None if not worked out."""
    found = {f.fund: f for f in FundYear.objects.filter(year=year)}
    if not found:
        return None
    rows = [
        FundRow(fund, label, f.cash_collected, f.billed, f.written_off)
        for fund, label in FUNDS
        if (f := found.get(fund)) is not None
    ]
    total = FundRow(
        "total", "Total", sum(r.cash_collected for r in rows), sum(r.billed for r in rows),
        sum(r.written_off for r in rows),
    )  # fmt: skip
    ct = found.get("council_tax")
    in_year = percent(ct.in_year_cash or 0, ct.billed) if ct is not None else None
    return Stored(rows, total, min(f.worked_out_at for f in found.values()), in_year)


# ---- cost of collection ---------------------------------------------------------------------

FUND_LABELS = dict(FUNDS)


class CostError(ValueError):
    pass


def dwellings_for(year: int, fund: str) -> int | None:
    """A starting figure for the dwellings a fund was collected from in the year: its council
    tax or rates accounts billed for the year, or the tenancies let in it (None: no count)."""
    if fund in ("council_tax", "ndr"):
        return Debt.objects.filter(stream=fund, financial_year=year).count()
    if fund == "rent":
        from django.db.models import Q

        from rentbook.portfolio.models import Tenancy

        start, end = year_span(year)
        return (
            Tenancy.objects.filter(start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .values("property_id")
            .distinct()
            .count()
        )
    return None


@transaction.atomic
def enter_cost(year: int, fund: str, cost: int, dwellings: int, *, by: Any) -> CollectionCost:
    if fund not in FUND_LABELS:
        raise CostError(f"Choose a fund: {', '.join(FUND_LABELS)}")
    if cost < 0:
        raise CostError("The cost of collection is £0 or more")
    if dwellings <= 0:
        raise CostError("Enter the number of dwellings, more than 0")
    entry, _ = CollectionCost.objects.update_or_create(
        year=year, fund=fund,
        defaults={"cost": cost, "dwellings": dwellings,
                  "entered_by": by if getattr(by, "pk", None) else None},
    )  # fmt: skip
    from rentbook.audit.services import record

    record(
        "debts.collection_cost",
        object_type="debts.CollectionCost",
        object_id=str(entry.pk),
        summary=f"cost of collecting {FUND_LABELS[fund]} {year_label(year)}: "
        f"£{cost / 100:,.2f} over {dwellings:,} dwellings",
        after={"cost": cost, "dwellings": dwellings},
        actor=by,
    )
    return entry


def costs(year: int) -> list[tuple[str, CollectionCost]]:
    """The year's entered costs of collection, in the funds' order, each with its label."""
    found = {c.fund: c for c in CollectionCost.objects.filter(year=year)}
    return [(label, found[f]) for f, label in FUNDS if f in found]
