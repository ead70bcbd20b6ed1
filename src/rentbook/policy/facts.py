"""The base facts: what the arrears run knows about one account at the instant ``now``.

This is the contract between the run (which computes these from the ledger and the case
state) and every policy (which may use them by name). Policies add their own derived facts on
top. A missing value is ``None`` (a null in a frame) and means "not known" or "none".

In a Polars frame, one row per account: money is Int64 pence, numbers Int64, dates Date,
instants Datetime (microseconds, Europe/London wall time), text Utf8, yes/no Boolean,
``flags`` a list of the flag types active at ``now`` and ``actions`` a list of
``{code, at}`` structs (the action history, any order).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from rentbook.policy.types import Type

DATE = "date"  # a base fact held as a calendar date; the language sees it as midnight


@dataclass(frozen=True)
class Fact:
    name: str
    type: Type
    label: str
    description: str
    held_as_date: bool = False


def _f(name: str, type_: Type, label: str, description: str, *, date: bool = False) -> Fact:
    return Fact(name, type_, label, description, date)


M, N, B, D, T = Type.MONEY, Type.NUMBER, Type.BOOL, Type.INSTANT, Type.TEXT

BASE_FACTS: tuple[Fact, ...] = (
    _f("now", D, "now", "The instant the decision is made for (the run's as-of)."),
    # the account
    _f("arrears", M, "arrears", "Collectable arrears: the balance owed (negative is credit)."),
    _f(
        "technical_arrears",
        M,
        "technical arrears",
        "The part of the arrears that money on its way will clear (HB, UC managed payment, DD).",
    ),
    _f("true_arrears", M, "true arrears", "Arrears less technical arrears, never below £0."),
    _f("weekly_charge", M, "weekly charge", "Gross weekly rent, service and other charges."),
    _f("paid_this_week", M, "paid this week", "Payments since Monday, as a positive sum."),
    _f(
        "missed_payments_consecutive",
        N,
        "consecutive missed payments",
        "Expected payments missed in a row, up to now (arrangement instalments included).",
    ),
    _f("missed_payments_4_weeks", N, "missed payments in 4 weeks", "Missed in the last 4 weeks."),
    _f(
        "missed_payments_13_weeks",
        N,
        "missed payments in 13 weeks",
        "Missed in the last 13 weeks.",
    ),
    _f("days_since_last_payment", N, "days since last payment", "Whole days; none if never."),
    _f(
        "arrears_trend",
        M,
        "change in arrears over 4 weeks",
        "Arrears now less arrears 4 weeks ago (positive: rising).",
    ),
    _f("tenancy_start", D, "tenancy start", "The day the tenancy began.", date=True),
    _f("tenancy_end", D, "tenancy end", "The day the tenancy ended; none if current.", date=True),
    _f("benefit", T, "benefit", "hb, uc, uc_managed or none."),
    # communications
    _f("last_action_code", T, "last action", "Code of the latest communication (e.g. IC1)."),
    _f("last_action_at", D, "last action date", "When the latest communication happened."),
    _f(
        "actions",
        Type.ACTIONS,
        "action history",
        "Every recorded action (code, at); read with last_action_in(group).",
    ),
    # legal
    _f("notice_type", T, "notice type", "The latest notice: nosp, section8, nop, scottish."),
    _f("notice_served", D, "notice served", "When the latest notice was served."),
    _f("notice_expires", D, "notice expires", "When the latest notice lapses, if recorded."),
    _f("court_date", D, "court date", "The latest court case's hearing date."),
    _f("court_outcome", T, "court outcome", "The latest court case's outcome code."),
    _f("court_terms", B, "court terms ordered", "Whether the court ordered terms."),
    _f("court_struck_out", D, "court case struck out", "When the court case was struck out."),
    _f("eviction_date", D, "eviction date", "A recorded eviction date (past or future)."),
    _f(
        "serial_decrees",
        B,
        "serial decrees",
        "Three or more possession orders or decrees within ten years of the tenancy's start.",
    ),
    # arrangements and holds
    _f("arrangement_type", T, "arrangement type", "informal or formal."),
    _f("arrangement_state", T, "arrangement", "live, breached, cancelled or completed."),
    _f("arrangement_start", D, "arrangement start", "When the latest arrangement began."),
    _f("arrangement_breaches", N, "arrangement breaches", "How many times it has been broken."),
    _f(
        "arrangement_review",
        D,
        "arrangement review",
        "When the arrangement is due a review.",
        date=True,
    ),
    _f(
        "arrangement_could_pay_more",
        B,
        "could pay more",
        "A live arrangement whose income and expenditure is stale or whose payments run ahead.",
    ),
    _f("pause_until", D, "paused until", "The case is paused until this instant."),
    _f("pause_reason", T, "pause reason", "Why the case was paused."),
    # Direct Debit (banking): the latest return reported by Bacs (ARUDD)
    _f(
        "dd_returned",
        D,
        "direct debit returned",
        "The day Bacs reported the latest unpaid Direct Debit (ARUDD); none if none.",
        date=True,
    ),
    _f("dd_return_reason", T, "direct debit return reason", "Its reason, e.g. refer to payer."),
    # Housing Benefit (benefits): the latest schedule line
    _f("hb_status", T, "housing benefit", "The claim's latest state: paid, suspended or ended."),
    _f(
        "hb_shortfall",
        M,
        "housing benefit shortfall",
        "A week's bedroom tax and benefit cap reductions, which the tenant pays (DHP may help).",
    ),
    _f(
        "dhp_ends",
        D,
        "DHP award ends",
        "The last day of the weekly Discretionary Housing Payment award running now; none if none.",
        date=True,
    ),
    # letters
    _f(
        "latest_letter_status",
        T,
        "latest letter status",
        "Status of the latest letter not yet accepted by the mail service.",
    ),
    _f("latest_letter_income", B, "latest letter is an income letter", "Yes for income letters."),
    _f("flags", Type.FLAGS, "flags", "Types of the flags active at now; read with flag NAME."),
    # a council debt (issue 19: debts/run.py decides each debt; none for a rent account)
    _f("debt_stream", T, "debt", "council_tax, ndr, sundry or hbo; none for rent."),
    _f(
        "debt_due",
        D,
        "debt due",
        "The day the debt fell due (else the day it was raised).",
        date=True,
    ),
    _f("overpayment_cause", T, "overpayment cause", "claimant_error, official_error or fraud."),
    _f("recoverable", B, "recoverable", "Whether an overpayment may be recovered."),
    _f(
        "customer_rent_arrears",
        M,
        "customer's rent arrears",
        "The rent the debt's customer owes on their tenancy; none if not a tenant.",
    ),
    _f("hb_in_payment", B, "Housing Benefit in payment", "The customer receives HB now."),
    # the arrears risk model (docs/risk.md): never read by a notice, court or enforcement rule
    _f(
        "risk_arrears",
        N,
        "risk of falling behind",
        "The chance in per cent (0 to 100) that true arrears grow by two weeks of rent within "
        "8 weeks, from the latest risk model; none without one, or with the score switched off.",
    ),
    _f(
        "risk_arrangement",
        N,
        "risk of breaking the arrangement",
        "The chance in per cent that a live arrangement breaks within 8 weeks; none for an "
        "account not keeping one.",
    ),
    _f(
        "risk_notice",
        N,
        "risk of reaching the notice stage",
        "The chance in per cent that a notice is served within 13 weeks; none for an account "
        "served one in the last year. Never a reason to serve one.",
    ),
    _f(
        "risk_new_tenancy",
        N,
        "new tenancy risk",
        "For a tenancy in its first four weeks, the chance in per cent that it owes two weeks' "
        "rent more 12 weeks on, from what is known at the start (seed 000 2.12).",
    ),
    _f(
        "caught_up_since_last_step",
        B,
        "caught up since the last step",
        "Council tax and rates: what was due was paid at some point after the last recovery "
        "step, so a later default is a new one (a second reminder, not a summons).",
    ),
)

FACTS: dict[str, Fact] = {f.name: f for f in BASE_FACTS}
#: The facts a risk model gives, which no legal step may read (policy/loader.py).
RISK_FACTS = frozenset({"risk_arrears", "risk_arrangement", "risk_notice", "risk_new_tenancy"})

#: Flags every policy may name; a policy declares any others it uses.
STANDARD_FLAGS = (
    "breathing_space",
    "mental_health_crisis",
    "vulnerable",
    "dispute",
    "benefit_claim_pending",
    "deceased",
)

_DTYPES: dict[Type, pl.DataType] = {
    Type.MONEY: pl.Int64(),
    Type.NUMBER: pl.Int64(),
    Type.BOOL: pl.Boolean(),
    Type.INSTANT: pl.Datetime("us"),
    Type.TEXT: pl.Utf8(),
    Type.FLAGS: pl.List(pl.Utf8()),
    Type.ACTIONS: pl.List(pl.Struct({"code": pl.Utf8(), "at": pl.Datetime("us")})),
}


def dtype(fact: Fact) -> pl.DataType:
    return pl.Date() if fact.held_as_date else _DTYPES[fact.type]


SCHEMA: dict[str, pl.DataType] = {f.name: dtype(f) for f in BASE_FACTS}


def empty_facts() -> dict[str, object]:
    """Facts with nothing known: every value missing, no flags, no history."""
    facts: dict[str, object] = dict.fromkeys(FACTS)
    facts["flags"] = frozenset()
    facts["actions"] = ()
    return facts


def facts_frame(rows: list[dict[str, object]], *, extra: dict[str, pl.DataType] | None = None):
    """One row per account, typed by the schema (missing keys are nulls)."""
    schema = {**SCHEMA, **(extra or {})}
    prepared = []
    for row in rows:
        r = dict(row)
        if r.get("flags") is not None:
            r["flags"] = sorted(r["flags"])  # type: ignore[call-overload]
        if r.get("actions") is not None:
            r["actions"] = [{"code": c, "at": a} for c, a in r["actions"]]  # type: ignore[attr-defined]
        prepared.append(r)
    return pl.DataFrame(prepared, schema=schema)


def facts_from_row(row: dict[str, object]) -> dict[str, object]:
    """One row of a facts frame (``frame.to_dicts()``) as the per-account evaluator takes it,
    so an account decided in the run can be explained on its page."""
    facts = empty_facts()
    facts.update(row)
    facts["flags"] = frozenset(row.get("flags") or ())  # type: ignore[arg-type]
    facts["actions"] = tuple((a["code"], a["at"]) for a in row.get("actions") or ())  # type: ignore[attr-defined,index]
    return facts
