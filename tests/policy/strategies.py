"""Hypothesis strategies for account facts, biased towards the boundaries policies test."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hypothesis import strategies as st

from rentbook.cases.codes import REVIEW_CODES
from rentbook.policy.facts import STANDARD_FLAGS, empty_facts
from rentbook.policy.types import Duration, day_start

NOWS = [
    datetime(2025, 6, 18, 14, 37),
    datetime(2024, 2, 29, 0, 0),
    datetime(2024, 3, 31, 9, 15),
    datetime(2025, 5, 31, 23, 59, 59),
    datetime(2024, 12, 31, 0, 0),
    datetime(2025, 1, 31, 12, 0),
]
SPANS = [
    Duration.parse(s)
    for s in (
        "0 days",
        "1 day",
        "7 days",
        "1 week",
        "14 days",
        "2 weeks",
        "3 months",
        "1 month",
        "6 years",
        "2 years",
        "67 weeks",
    )
]
NUDGES = [
    timedelta(0),
    timedelta(seconds=1),
    -timedelta(seconds=1),
    timedelta(days=1),
    -timedelta(days=1),
    timedelta(hours=14, minutes=37),
]
CODES = [
    "IC1",
    "S01",
    "IC2",
    "S02",
    "ZR2",
    "IC4",
    "S0A",
    "GMS",
    "SMS",
    "GAT",
    "BLI",
    "CBL",
    "CBV",
    "WPA",
    "CALL",
    "NOANS",
    "XYZ",
]
#: The debt policies' recovery codes (debts/policies/*.toml).
DEBT_CODES = [
    *("CER1", "CER2", "CEFN", "CESM", "CELO", "CEAE", "CEEA"),
    "SDR1",
    "SDR2",
    "SDSS",
    "SDLG",
    "HBN",
    "HBD",
    "HBDF",
    "HBI",
    "HBR",
    "HBC",
    "CTR1",
    "CTFN",
    "CTSW",
    "CTCP",
    "CTDL",
    "NDR1",
    "NDFN",
    "NDSW",
    "NDCP",
    "NDDL",
]
OUTCOMES = ["OPD", "OPF", "AGP", "AND", "AAH", "ADH", "SOT", "SOE", "SUS", "XX"]
MONEY = [0, 1, 499, 500, 501, 999, 1000, 1001, 5000, 9500, 19000, 38000, 38001, -500]


def instant_near(rnd: random.Random, now: datetime) -> datetime:
    """An instant at or beside a window's edge relative to now, in the past or the future."""
    span = rnd.choice(SPANS)
    sign = rnd.choice([-1, -1, 1])
    return day_start(span.shift(now, sign)) + rnd.choice(NUDGES)


def account(rnd: random.Random) -> dict:
    """One account's facts; some accounts sparse, some full, so every rule gets reached."""
    now = rnd.choice(NOWS)
    sparse = rnd.choice([0.2, 0.5, 0.8, 0.95])

    def maybe(make):
        return None if rnd.random() < sparse else make()

    def money():
        return rnd.choice(MONEY) if rnd.random() < 0.7 else rnd.randint(-100_000, 1_000_000)

    f = empty_facts()
    f["now"] = now
    for name in ("arrears", "technical_arrears", "true_arrears", "paid_this_week", "arrears_trend"):
        f[name] = maybe(money)
    f["weekly_charge"] = maybe(lambda: rnd.choice([0, 1000, 9500, 12345]))
    for name in (
        "missed_payments_consecutive",
        "missed_payments_4_weeks",
        "missed_payments_13_weeks",
        "days_since_last_payment",
        "arrangement_breaches",
    ):
        f[name] = maybe(lambda: rnd.randint(0, 20))
    for name in (
        "last_action_at",
        "notice_served",
        "notice_expires",
        "court_date",
        "court_struck_out",
        "eviction_date",
        "arrangement_start",
        "pause_until",
    ):
        f[name] = maybe(lambda: instant_near(rnd, now))
    for name in ("tenancy_start", "tenancy_end"):
        f[name] = maybe(lambda: instant_near(rnd, now).date())
    f["last_action_code"] = maybe(lambda: rnd.choice(CODES))
    f["court_outcome"] = maybe(lambda: rnd.choice(OUTCOMES)) if f["court_date"] else None
    f["court_terms"] = maybe(lambda: rnd.random() < 0.5)
    f["arrangement_type"] = maybe(lambda: rnd.choice(["informal", "formal"]))
    f["arrangement_state"] = maybe(
        lambda: rnd.choice(["live", "breached", "cancelled", "completed"])
    )
    f["latest_letter_status"] = (
        rnd.choice(["validation-failed", "sent"]) if rnd.random() < 0.1 else None
    )
    f["latest_letter_income"] = maybe(lambda: rnd.random() < 0.5)
    f["benefit"] = maybe(lambda: rnd.choice(["hb", "uc", "none"]))
    f["notice_type"] = maybe(lambda: rnd.choice(["nosp", "section8"]))
    f["flags"] = frozenset(rnd.sample([*STANDARD_FLAGS, "rent_free"], rnd.randint(0, 2)))
    f["actions"] = tuple(
        (rnd.choice(CODES + DEBT_CODES), instant_near(rnd, now)) for _ in range(rnd.randint(0, 3))
    )
    # a council debt's facts (debts/run.py)
    f["debt_stream"] = maybe(lambda: rnd.choice(["council_tax", "ndr", "sundry", "hbo"]))
    f["debt_due"] = maybe(lambda: instant_near(rnd, now).date())
    f["overpayment_cause"] = maybe(
        lambda: rnd.choice(["claimant_error", "official_error", "fraud"])
    )
    f["recoverable"] = maybe(lambda: rnd.random() < 0.8)
    f["customer_rent_arrears"] = maybe(lambda: rnd.choice([0, 24_999, 25_000, 25_001, -100]))
    f["hb_in_payment"] = maybe(lambda: rnd.random() < 0.5)
    f["caught_up_since_last_step"] = maybe(lambda: rnd.random() < 0.5)
    return f


def accounts(max_size: int = 12):
    """Hypothesis draws the seed and the count, so a failure replays exactly.

    Drawing each of forty values through Hypothesis (even with st.randoms) costs about 20 ms
    an account; a seeded generator over the same boundary values costs microseconds.
    """

    def rows(seed: int, n: int) -> list[dict]:
        rnd = random.Random(seed)
        return [account(rnd) for _ in range(n)]

    return st.builds(rows, st.integers(0, 2**32), st.integers(1, max_size))


# ---- escalation histories (england and scotland policies) -----------------------------------

ESCALATION_CODES = [
    *("CALL", "CALLNA", "SMS", "EMAIL", "INT", "IC1", "IC2", "STMT", "PAP", "MAR", "BCK", "BEN"),
    *("DHP", "ARO", "ARR", "ARRN", "PTP", "VIS", "VISNA", "NOSP", "S8", "NOP", "NPL", "NLV"),
    *("CRT", "S11", "HRG", "CBL", "WPA", "XYZ", "CHK", "VRV"),
]
PRE_ACTION_STEPS = ["CALL", "IC1", "MAR", "BCK", "ARO", "IC2", "VIS", "PAP", "NPL", "NLV"]
ESCALATION_SPANS = [
    Duration.parse(s)
    for s in (
        "0 days",
        "6 days",
        "7 days",
        "13 days",
        "14 days",
        "4 weeks",
        "5 weeks",
        "28 days",
        "27 days",
        "6 months",
        "7 months",
        "12 months",
        "13 months",
    )
]


def escalation_instant(rnd: random.Random, now: datetime) -> datetime:
    """An instant at a step's edge: exactly a span before (or after) now, or at its midnight."""
    span = rnd.choice(ESCALATION_SPANS)
    at = span.shift(now, rnd.choice([-1, -1, -1, 1]))
    if rnd.random() < 0.5:
        at = day_start(at)
    return at + rnd.choice(NUDGES)


def escalation_account(rnd: random.Random) -> dict:
    """An account part-way along an escalation: arrears in weeks of charge, a diary of the
    steps policies look for, and notices, court dates, arrangements and holds near their edges.
    """
    f = account(rnd)
    now = f["now"]

    def sometimes(p, make):
        return make() if rnd.random() < p else None

    charge = rnd.choice([9500, 12345, 12345, 0, None])
    f["weekly_charge"] = charge
    weeks = rnd.choice([0, 1, 1, 2, 3, 4, 4, 5, 8, 20])
    arrears = weeks * (charge or 0) + rnd.choice([0, 0, -1, 1, 1000, -1000])
    f["arrears"] = arrears
    technical = rnd.choice([0, 0, 0, 0, 0, None, arrears, arrears // 2, 1])
    f["technical_arrears"] = technical
    f["true_arrears"] = (
        None if technical is None or rnd.random() < 0.1 else max(0, arrears - technical)
    )
    f["missed_payments_consecutive"] = sometimes(0.7, lambda: rnd.randint(0, 6))
    history = [
        (rnd.choice(ESCALATION_CODES), escalation_instant(rnd, now))
        for _ in range(rnd.choice([0, 2, 5, 8, 12]))
    ]
    if rnd.random() < 0.6:  # most of a pre-action sequence, each step at a week or an edge
        for code in PRE_ACTION_STEPS:
            if rnd.random() < 0.85:
                at = (
                    escalation_instant(rnd, now)
                    if rnd.random() < 0.3
                    else now - timedelta(weeks=rnd.randint(1, 12)) + rnd.choice(NUDGES)
                )
                history.append((code, at))
    history.sort(key=lambda a: a[1])
    f["actions"] = tuple(history)
    # as the run: the last action is the latest communication, never a person's review
    past = [a for a in history if a[1] <= now and a[0] not in REVIEW_CODES]
    f["last_action_code"], f["last_action_at"] = past[-1] if past else (None, None)
    f["notice_served"] = sometimes(0.4, lambda: escalation_instant(rnd, now))
    f["notice_type"] = rnd.choice(["nosp", "section8", "nop", None])
    f["notice_expires"] = sometimes(0.1, lambda: escalation_instant(rnd, now))
    f["court_date"] = sometimes(0.3, lambda: escalation_instant(rnd, now))
    f["court_outcome"] = sometimes(0.5, lambda: rnd.choice(OUTCOMES)) if f["court_date"] else None
    f["court_struck_out"] = sometimes(0.05, lambda: escalation_instant(rnd, now))
    f["arrangement_state"] = rnd.choice(["live", "breached", "cancelled", "completed", *[None] * 4])
    f["arrangement_type"] = rnd.choice(["informal", "formal"])
    f["arrangement_start"] = sometimes(0.8, lambda: escalation_instant(rnd, now))
    f["arrangement_breaches"] = sometimes(0.8, lambda: rnd.randint(0, 3))
    f["pause_until"] = sometimes(0.1, lambda: escalation_instant(rnd, now))
    f["eviction_date"] = sometimes(0.05, lambda: escalation_instant(rnd, now))
    f["tenancy_end"] = sometimes(0.05, lambda: escalation_instant(rnd, now).date())
    flags = [*STANDARD_FLAGS, "assured_tenancy", "assured_tenancy"]
    f["flags"] = frozenset(x for x in flags if rnd.random() < 0.05)
    return f


def escalation_accounts(max_size: int = 12):
    def rows(seed: int, n: int) -> list[dict]:
        rnd = random.Random(seed)
        return [escalation_account(rnd) for _ in range(n)]

    return st.builds(rows, st.integers(0, 2**32), st.integers(1, max_size))
