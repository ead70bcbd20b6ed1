"""A housing system's export of a landlord whose cases sit at chosen stages of a policy, one
tenancy per case, and the same facts written as a conformance snapshot
(shared/conformance/FORMAT.md), for the migration tests of each shipped policy.

Every case has rent of £100 a week charged each Monday from 7 April 2025 to 16 June 2025 and
arrears brought forward; the tenant pays on Tuesdays (by card, £100 unless said otherwise) up
to ``paid_to``. The run is on Wednesday 18 June 2025.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rentbook.banking.codes import ARUDD
from tests.imports.conftest import TENANCY_HEADER, TX_HEADER, tenant_row

AS_OF = date(2025, 6, 18)
NOW = "2025-06-18T23:59:59"
FIRST_MONDAY = date(2025, 4, 7)
MONDAYS = [FIRST_MONDAY + timedelta(weeks=k) for k in range(11)]  # to 16 June
FOLLOW_ON = {"nosp": "NOSP", "section8": "S8", "nop": "NOP"}


@dataclass
class Case:
    rule: str
    arrears: str = "500.00"
    #: diary codes (the housing system's) and when (London time)
    diary: list[tuple[str, str]] = field(default_factory=list)
    notice: tuple[str, str] | None = None
    court: dict | None = None
    arrangement: dict | None = None
    flags: list[tuple[str, str, str]] = field(default_factory=list)
    hold: tuple[str, str, str] | None = None
    #: the last week the rent was paid (Tuesday of the week of this Monday)
    paid_to: date = MONDAYS[-1]
    weekly_payment: str = "100.00"
    #: instead of the weekly payments: (day, pounds, method)
    payments: list[tuple[str, str, str]] | None = None
    payment_method: str = "card"
    tenure: str = "secure"
    #: the conformance snapshot's blocks (hand-written for hackney's cases; derived when None)
    snapshot: dict | None = None
    #: facts the snapshot format has no field for, given to the evaluator as they are
    extra_facts: dict = field(default_factory=dict)
    action: str = ""
    #: the code the snapshot's actions carry for each diary code (the mapping's)
    codes: dict[str, str] = field(default_factory=dict)
    #: an ARUDD reason code: the last direct debit came back, reported the day before AS_OF
    dd_return: str | None = None
    #: the last day of a weekly DHP award running on AS_OF
    dhp_ends: str | None = None
    #: the latest Housing Benefit schedule line's state (paid, suspended, ended)
    hb_status: str | None = None

    @property
    def expected(self) -> str:
        return self.action or self.rule


def ref(i: int) -> str:
    return f"M{i:03d}"


def write(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _payments(c: Case) -> list[tuple[date, str, str]]:
    if c.payments is not None:
        return [(date.fromisoformat(d), amount, method) for d, amount, method in c.payments]
    return [(m + timedelta(days=1), c.weekly_payment, "card") for m in MONDAYS if m <= c.paid_to]


def export(directory: Path, cases: list[Case]) -> None:
    """The housing system's export of every case, one file per kind."""
    tenants, charges, txs, diary, notices, courts, arrs, flags, holds = ([] for _ in range(9))
    for i, c in enumerate(cases):
        t = ref(i)
        tenants.append(
            tenant_row(t, property_ref=f"P{t}", payment_method=c.payment_method, tenure=c.tenure)
        )
        charges.append(
            {
                "tenancy_ref": t,
                "charge_code": "rent",
                "weekly_amount": "100.00",
                "effective_from": FIRST_MONDAY.isoformat(),
            }
        )
        blank = dict.fromkeys(TX_HEADER, "")
        if c.arrears != "0.00":
            txs.append(
                {
                    **blank,
                    "transaction_ref": f"{t}-BF",
                    "tenancy_ref": t,
                    "posted_on": "2024-06-01",
                    "kind": "adjustment",
                    "amount": c.arrears,
                    "description": "arrears brought forward",
                }
            )
        for m in MONDAYS:
            txs.append(
                {
                    **blank,
                    "transaction_ref": f"{t}-C{m}",
                    "tenancy_ref": t,
                    "posted_on": m.isoformat(),
                    "kind": "charge",
                    "amount": "100.00",
                }
            )
        for day, amount, method in _payments(c):
            txs.append(
                {
                    **blank,
                    "transaction_ref": f"{t}-P{day}",
                    "tenancy_ref": t,
                    "posted_on": day.isoformat(),
                    "kind": "payment",
                    "amount": f"-{amount}",
                    "method": method,
                }
            )
        for k, (code, at) in enumerate(c.diary):
            diary.append(
                {
                    "diary_ref": f"{t}-D{k}",
                    "tenancy_ref": t,
                    "at": at,
                    "code": code,
                    "officer": "Housing system",
                }
            )
        if c.notice:
            notices.append(
                {
                    "notice_ref": f"{t}-N",
                    "tenancy_ref": t,
                    "type": c.notice[0],
                    "served_on": c.notice[1],
                }
            )
        if c.court:
            courts.append(
                {
                    "court_ref": f"{t}-C",
                    "tenancy_ref": t,
                    "notice_ref": f"{t}-N" if c.notice else "",
                    **c.court,
                }
            )
        if c.arrangement:
            arrs.append(
                {
                    "arrangement_ref": f"{t}-A",
                    "tenancy_ref": t,
                    "frequency": "weekly",
                    "weekday": "monday",
                    "instalment": "10.00",
                    "payment_method": "card",
                    "starting_balance": c.arrears,
                    **c.arrangement,
                }
            )
        for k, (kind, start, end) in enumerate(c.flags):
            flags.append(
                {
                    "flag_ref": f"{t}-F{k}",
                    "tenancy_ref": t,
                    "type": kind,
                    "starts_on": start,
                    "ends_on": end,
                }
            )
        if c.hold:
            holds.append(
                {
                    "hold_ref": f"{t}-H",
                    "tenancy_ref": t,
                    "hold_reason": c.hold[0],
                    "starts_on": c.hold[1],
                    "until": c.hold[2],
                }
            )
    _bacs(directory, cases)
    _dhp(directory, cases)
    _hb(directory, cases)
    write(directory / "tenancies.csv", TENANCY_HEADER, tenants)
    write(directory / "charges.csv", list(charges[0]), charges)
    write(directory / "transactions.csv", TX_HEADER, txs)
    write(directory / "diary.csv", ["diary_ref", "tenancy_ref", "at", "code", "officer"], diary)
    write(directory / "notices.csv", ["notice_ref", "tenancy_ref", "type", "served_on"], notices)
    court_cols = [
        "court_ref",
        "tenancy_ref",
        "notice_ref",
        "applied_on",
        "hearing_on",
        "outcome",
        "terms_weekly",
    ]
    write(directory / "court_cases.csv", court_cols, courts)
    arr_cols = [
        "arrangement_ref",
        "tenancy_ref",
        "type",
        "frequency",
        "weekday",
        "instalment",
        "start",
        "payment_method",
        "starting_balance",
        "review_on",
        "prior_breaches",
    ]
    write(directory / "arrangements.csv", arr_cols, arrs)
    write(
        directory / "flags.csv", ["flag_ref", "tenancy_ref", "type", "starts_on", "ends_on"], flags
    )
    write(
        directory / "holds.csv",
        ["hold_ref", "tenancy_ref", "hold_reason", "starts_on", "until"],
        holds,
    )


DD_RETURNED = AS_OF - timedelta(days=1)


def _hb(directory: Path, cases: list[Case]) -> None:
    rows = [
        {
            "line_ref": f"{ref(i)}-HB",
            "tenancy_ref": ref(i),
            "claim_ref": f"HB{i}",
            "scheme": "rebate",
            "period_start": "2025-06-02",
            "period_end": "2025-06-15",
            "amount": "0.00",
            "status": c.hb_status,
            "reason": "change of circumstances",
        }
        for i, c in enumerate(cases)
        if c.hb_status
    ]
    if rows:
        write(directory / "hb_schedule.csv", list(rows[0]), rows)


def _dhp(directory: Path, cases: list[Case]) -> None:
    rows = [
        {
            "award_ref": f"{ref(i)}-DHP",
            "tenancy_ref": ref(i),
            "reason": "bedroom_tax",
            "applied_on": "2025-03-01",
            "decision": "awarded",
            "decided_on": "2025-03-10",
            "starts_on": "2025-03-10",
            "ends_on": c.dhp_ends,
            "weekly_amount": "14.00",
        }
        for i, c in enumerate(cases)
        if c.dhp_ends
    ]
    if rows:
        write(directory / "dhp_awards.csv", list(rows[0]), rows)


def _bacs(directory: Path, cases: list[Case]) -> None:
    """The mandates of the cases whose last direct debit came back, and Bacs's ARUDD report of
    those returns (the report is XML; sync imports it after the mandates)."""
    returned = [(i, c) for i, c in enumerate(cases) if c.dd_return]
    if not returned:
        return
    mandates, items = [], []
    for i, c in returned:
        day, amount, _ = max(d for d in _payments(c) if d[2] == "direct_debit")
        mandates.append(
            {
                "dd_reference": f"DD{ref(i)}X", "tenancy_ref": ref(i), "payer_name": "A Tenant",
                "sort_code": "401234", "account_number": "12345678", "frequency": "monthly",
                "collection_day": str(day.day), "amount": amount,
                "first_collection": day.isoformat(),
            }
        )  # fmt: skip
        items.append(
            f'<ReturnedDebitItem ref="DD{ref(i)}X" transCode="17" returnCode="{c.dd_return}"'
            f' originalProcessingDate="{day.isoformat()}" valueOf="{amount}" currency="GBP">'
            '<PayerAccount number="12345678" name="A TENANT" sortCode="401234"/>'
            "</ReturnedDebitItem>"
        )
    write(directory / "mandates.csv", list(mandates[0]), mandates)
    (directory / "bacs_arudd.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><BACSDocument><Data><ARUDD>'
        f'<Header currentProcessingDate="{DD_RETURNED.isoformat()}"/><Advice>'
        f"<OriginatingAccountRecords><OriginatingAccountRecord>{''.join(items)}"
        "</OriginatingAccountRecord></OriginatingAccountRecords></Advice></ARUDD></Data>"
        "</BACSDocument>\n"
    )


def _instant(text: str) -> str:
    return datetime.fromisoformat(text).isoformat(timespec="seconds")


def account_block(c: Case) -> dict[str, Any]:
    paid = _payments(c)
    arrears = float(c.arrears) + 100 * len(MONDAYS) - sum(float(a) for _, a, _ in paid)
    monday = MONDAYS[-1]
    last = max((d for d, _, _ in paid), default=None)
    block = {
        "arrears": round(arrears, 2),
        "weekly_charge": 100.0,
        "paid_this_week": sum(float(a) for d, a, _ in paid if d >= monday),
        "days_since_last_payment": (AS_OF - last).days if last else None,
        "tenancy_start": "2020-04-06",
    }
    debits = [(d, float(a)) for d, a, m in paid if m == "direct_debit"]
    if c.payment_method == "direct_debit" and debits:
        # the ledger's rule: the charges since the last collection, up to its amount, will
        # be collected with the next one (technical arrears)
        on, amount = max(debits)
        pending = min(100.0 * len([m for m in MONDAYS if m > on]), amount)
        technical = max(0.0, min(arrears, pending))
        block |= {"technical_arrears": technical, "true_arrears": max(0.0, arrears - technical)}
    return block


def derived_snapshot(c: Case) -> dict[str, Any]:
    """The case's facts as a conformance snapshot, from the same rows the export writes."""
    actions = [(_instant(at), c.codes.get(code, code)) for code, at in c.diary]
    snap: dict[str, Any] = {}
    if c.notice:
        kind, served = c.notice
        actions.append((f"{served}T12:00:00", FOLLOW_ON[kind]))
        snap["notice"] = {"type": kind, "served": f"{served}T12:00:00"}
    if c.court:
        actions.append((f"{c.court['applied_on']}T12:00:00", "CRT"))
        snap["court"] = {
            "date": c.court.get("hearing_on"),
            "outcome": c.court.get("outcome"),
            "terms": bool(c.court.get("terms_weekly")),
        }
    if c.arrangement:
        a = c.arrangement
        snap["arrangement"] = {
            "type": "formal" if a["type"] == "court_ordered" else a["type"],
            "state": a["expect_state"],
            "start": a["start"],
            "breaches": a.get("expect_breaches", 0),
        }
    if c.hold:
        until = date.fromisoformat(c.hold[2]) + timedelta(days=1)
        snap["pause"] = {"until": until.isoformat(), "reason": c.hold[0]}
    flags = [{"type": k, "from": s, **({"to": e} if e else {})} for k, s, e in c.flags]
    if c.tenure in ("assured", "assured_shorthold", "starter"):
        flags.append({"type": "assured_tenancy", "from": "2020-04-06"})
    if flags:
        snap["flags"] = flags
    if c.dhp_ends:
        snap["housing_benefit"] = {"dhp_ends": c.dhp_ends}
    if c.hb_status:
        snap["housing_benefit"] = {"status": c.hb_status}
    if c.dd_return:
        snap["direct_debit"] = {
            "returned": DD_RETURNED.isoformat(),
            "return_reason": ARUDD[c.dd_return].meaning,
        }
    if actions:
        snap["actions"] = [{"code": code, "at": at} for at, code in sorted(actions)]
    return snap


def snapshot(c: Case) -> dict[str, Any]:
    blocks = c.snapshot if c.snapshot is not None else derived_snapshot(c)
    return {"id": c.rule, "now": NOW, "account": account_block(c), **blocks}
