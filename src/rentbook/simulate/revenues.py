"""The simulated council's other debts, as a revenues system exports them (docs/simulation.md,
docs/corporate-debt.md): a customer for each lead tenant (linked by tenancy reference) and for
some businesses; council tax for every tenant and each financial year of the history (reduced
for benefit claimants), business rates for the businesses, sundry invoices for some tenants,
and Housing Benefit overpayments for some claimants; with their payments, a payment now and
then missed and collected later or written off.

Calibrated to seed 002 ¶3 (East Renfrewshire, 2013/14): cash collected as a share of the sum
billed, council tax 99.31%, NDR 97.51%, sundry debtors 96.86%; written off 1.33%, 0.56% and
1.98%. The shares below are chosen so a simulated year lands near those (tested within bands:
tests/simulate/test_revenues.py), not fitted to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

#: Council tax: the share of instalments missed, and of those the share collected in the
#: months after and the share written off a year later (the rest stays owed).
CT_MISS, CT_LATER, CT_WRITE_OFF = 0.022, 0.62, 0.36
NDR_MISS, NDR_LATER, NDR_WRITE_OFF = 0.035, 0.30, 0.15
#: Sundry invoices: a share of tenants is invoiced in a year; paid in the 28 days, later, or
#: written off.
SUNDRY_SHARE, SUNDRY_PAID, SUNDRY_LATER, SUNDRY_WRITE_OFF = 0.15, 0.93, 0.035, 0.02
DEPARTMENTS = ("Environment", "Parks", "Bulky waste", "Social care", "Building control")
#: Businesses per tenancy (the council's rated properties), and their yearly rates bill.
BUSINESSES_PER_TENANCY = 0.05
#: HB claimants overpaid in a year, and the causes by share.
HBO_SHARE = 0.03
CAUSES = (("claimant_error", 0.6), ("official_error", 0.25), ("fraud", 0.15))
INSTALMENTS = 10  # April to January


@dataclass(frozen=True)
class Revenues:
    customers: pl.DataFrame
    debts: pl.DataFrame
    entries: pl.DataFrame


def _years(end: date, years: int) -> list[int]:
    last = end.year if end.month >= 4 else end.year - 1
    return list(range(last - years + 1, last + 1))


def _pounds(p: np.ndarray) -> pl.Series:
    p = np.asarray(p, dtype=np.int64)
    sign = np.where(p < 0, "-", "")
    a = np.abs(p)
    return pl.Series([f"{s}{x // 100}.{x % 100:02d}" for s, x in zip(sign, a, strict=True)])


def simulate_revenues(
    tenancies: pl.DataFrame, end: date, years: int, rng: np.random.Generator
) -> Revenues:
    """``tenancies``: tenancies.csv's lead tenants (tenancy_ref, first_name, last_name,
    date_of_birth, postcode, benefit, start_date, end_date)."""
    lead = tenancies.filter(pl.col("person_no").cast(pl.Int64) == 1)
    n = lead.height
    refs = lead.get_column("tenancy_ref").to_list()
    digits = [r.lstrip("T") for r in refs]
    people = pl.DataFrame(
        {
            "customer_ref": [f"C{d}" for d in digits],
            "tenancy_ref": refs,
            "kind": ["person"] * n,
            "name": (lead["first_name"] + " " + lead["last_name"]).to_list(),
            "date_of_birth": lead["date_of_birth"].cast(pl.String).to_list(),
            "postcode": lead["postcode"].to_list(),
        }
    )
    nb = max(1, int(n * BUSINESSES_PER_TENANCY))
    firms = pl.DataFrame(
        {
            "customer_ref": [f"B{k + 1:06d}" for k in range(nb)],
            "tenancy_ref": [None] * nb,
            "kind": ["organisation"] * nb,
            "name": [f"Business {k + 1} Ltd" for k in range(nb)],
            "date_of_birth": [None] * nb,
            "postcode": [None] * nb,
        },
        schema=people.schema,
    )
    claimant = lead["benefit"].is_in(["housing_benefit", "universal_credit",
                                      "universal_credit_managed"]).to_numpy()  # fmt: skip
    on_hb = (lead["benefit"] == "housing_benefit").to_numpy()
    starts = lead["start_date"].cast(pl.String).str.to_date().to_numpy()
    ends = lead["end_date"].cast(pl.String).str.to_date().to_numpy()
    band = rng.integers(120_000, 240_000, n)  # a year's council tax at the first year
    rates = rng.integers(200_000, 5_000_000, nb)
    debts: list[dict] = []
    entries: list[tuple] = []
    for k, fy in enumerate(_years(end, years)):
        fy_start, fy_end = np.datetime64(f"{fy}-04-01"), np.datetime64(f"{fy + 1}-03-31")
        live = (starts <= fy_end) & (np.isnat(ends) | (ends >= fy_start))
        bill = (band * (1.03**k)).astype(np.int64)
        cut = np.where(claimant, (bill * rng.uniform(0.7, 1.0, n)).astype(np.int64), 0)
        _yearly(debts, entries, "council_tax", "CT", people, np.nonzero(live)[0], fy, bill,
                cut, (CT_MISS, CT_LATER, CT_WRITE_OFF), rng)  # fmt: skip
        _yearly(debts, entries, "ndr", "ND", firms, np.arange(nb), fy,
                (rates * (1.02**k)).astype(np.int64), np.zeros(nb, dtype=np.int64),
                (NDR_MISS, NDR_LATER, NDR_WRITE_OFF), rng)  # fmt: skip
        _sundry(debts, entries, people, np.nonzero(live)[0], fy, rng)
        _overpayments(debts, entries, people, np.nonzero(live & on_hb)[0], fy, rng)
    last_day = end.isoformat()
    frame = pl.DataFrame(
        entries, schema=["entry_ref", "debt_ref", "posted_on", "kind", "amount", "reason"],
        orient="row",
    )  # fmt: skip
    frame = frame.filter(pl.col("posted_on") <= last_day)
    frame = frame.with_columns(
        amount=_pounds(frame["amount"].to_numpy()),
        write_off_reason=pl.when(pl.col("kind") == "write_off").then(pl.col("reason")),
    ).drop("reason")
    debt_frame = pl.DataFrame(debts, infer_schema_length=None).filter(
        pl.col("raised_on") <= last_day
    )
    return Revenues(pl.concat([people, firms]), debt_frame, frame)


def _day(fy: int, month_index: int, day: int = 1) -> str:
    """The ``day`` of the financial year's month ``month_index`` (0 April ... 11 March)."""
    m = 4 + month_index
    y = fy + (m - 1) // 12
    return f"{y}-{(m - 1) % 12 + 1:02d}-{day:02d}"


def _yearly(debts, entries, stream, prefix, customers, who, fy, bill, cut, shares, rng):  # type: ignore[no-untyped-def]
    """A year's bill (net of any reduction) in INSTALMENTS, each paid on time, later, or
    written off a year later."""
    miss, later, off = shares
    refs = customers["customer_ref"].to_list()
    for i in who:
        ref = f"{prefix}{refs[i][1:]}-{fy}"
        debts.append({"debt_ref": ref, "customer_ref": refs[i], "stream": stream,
                      "financial_year": fy, "raised_on": f"{fy}-03-10",
                      "due_on": f"{fy}-04-01", "department": None, "cause": None})  # fmt: skip
        # raised in March, the year's liability from 1 April
        entries.append((f"{ref}/bill", ref, f"{fy}-04-01", "charge", int(bill[i]), ""))
        net = int(bill[i]) - int(cut[i])
        if cut[i]:
            entries.append((f"{ref}/reduction", ref, f"{fy}-04-01", "reduction", -int(cut[i]), ""))
        if net <= 0:
            continue
        part = net // INSTALMENTS
        parts = [part] * (INSTALMENTS - 1) + [net - part * (INSTALMENTS - 1)]
        rolls, fates = rng.random(INSTALMENTS), rng.random(INSTALMENTS)
        delays = rng.integers(2, 12, INSTALMENTS)
        for m, amount in enumerate(parts):
            if amount <= 0:
                continue  # a bill of a few pence, all in its last instalment
            if rolls[m] >= miss:
                entries.append((f"{ref}/pay/{m}", ref, _day(fy, m, 1), "payment", -amount, ""))
                continue
            fate = fates[m]
            if fate < later:
                when = _day(fy, min(m + int(delays[m]), 23), 15)
                entries.append((f"{ref}/late/{m}", ref, when, "payment", -amount, ""))
            elif fate < later + off:
                why = "uneconomic" if amount < 5_000 else "gone_away"
                entries.append((f"{ref}/wo/{m}", ref, _day(fy, m + 12, 20), "write_off",
                                -amount, why))  # fmt: skip


def _sundry(debts, entries, people, who, fy, rng):  # type: ignore[no-untyped-def]
    refs = people["customer_ref"].to_list()
    chosen = who[rng.random(len(who)) < SUNDRY_SHARE]
    for i in chosen:
        month = int(rng.integers(0, 12))
        ref = f"INV{refs[i][1:]}-{fy}"
        raised = _day(fy, month, 5)
        debts.append({"debt_ref": ref, "customer_ref": refs[i], "stream": "sundry",
                      "financial_year": fy, "raised_on": raised, "due_on": _day(fy, month + 1, 2),
                      "department": DEPARTMENTS[int(rng.integers(0, len(DEPARTMENTS)))],
                      "cause": None})  # fmt: skip
        amount = int(rng.integers(3_000, 80_000))
        entries.append((f"{ref}/invoice", ref, raised, "charge", amount, ""))
        fate = rng.random()
        if fate < SUNDRY_PAID:
            entries.append((f"{ref}/pay", ref, _day(fy, month, 25), "payment", -amount, ""))
        elif fate < SUNDRY_PAID + SUNDRY_LATER:
            entries.append((f"{ref}/pay", ref, _day(fy, month + 4, 10), "payment", -amount, ""))
        elif fate < SUNDRY_PAID + SUNDRY_LATER + SUNDRY_WRITE_OFF:
            entries.append((f"{ref}/wo", ref, _day(fy, month + 9, 20), "write_off", -amount,
                            "uneconomic"))  # fmt: skip


def _overpayments(debts, entries, people, who, fy, rng):  # type: ignore[no-untyped-def]
    refs = people["customer_ref"].to_list()
    chosen = who[rng.random(len(who)) < HBO_SHARE]
    names = [c for c, _ in CAUSES]
    weights = np.array([w for _, w in CAUSES])
    for i in chosen:
        month = int(rng.integers(0, 12))
        ref = f"HBO{refs[i][1:]}-{fy}"
        cause = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        raised = _day(fy, month, 8)
        debts.append({"debt_ref": ref, "customer_ref": refs[i], "stream": "hbo",
                      "financial_year": fy, "raised_on": raised, "due_on": _day(fy, month, 22),
                      "department": None, "cause": cause})  # fmt: skip
        amount = int(rng.integers(10_000, 200_000))
        entries.append((f"{ref}/overpaid", ref, raised, "charge", amount, ""))
        # recovered from ongoing HB week by week
        weekly = 1_395 if cause == "fraud" else 1_100
        paid, week = 0, 0
        while paid < amount and week < 52:
            step = min(weekly, amount - paid)
            entries.append((f"{ref}/ded/{week}", ref, _day(fy, month + 1 + week // 4,
                            1 + 7 * (week % 4)), "payment", -step, ""))  # fmt: skip
            paid += step
            week += 1
