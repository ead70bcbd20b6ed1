"""The income team's history of each case: the diary, arrangements, notices, court cases, flags
and holds a housing system would hand over, written to agree with the simulated ledger.

An officer model steps through the weeks once, over every tenancy of a chunk at a time, and
works each account in arrears the way Hackney's published pathway does (a text, letter one,
letter two, a notice, a court warning letter, a court application), each step taken in a given
week with a probability that stands for a team's capacity: so on any week some cases wait for
their next step, as on a real team's worktray. Arrangements are the ledger's own (the
payments already carry their instalments); a court order on terms turns them formal.
Tenancies the ledger ends by eviction are walked through notice, order, warrant and eviction
on the dates their last forty weeks allow. docs/simulation.md gives the figures and sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from rentbook.simulate.accounts import FORTNIGHTLY, FOUR_WEEKLY, MONTHLY, WEEKLY, Ledger
from rentbook.simulate.params import SimulationParams
from rentbook.simulate.portfolio import END_REASONS, OPEN, Homes, Tenancies
from rentbook.simulate.rows import refs
from rentbook.simulate.weeks import WeekGrid

# The housing system's diary codes, as Hackney's published list spells them where it has one
# (cases/mappings/hackney.toml maps them), else rentbook's own. MEMO is a legacy note code the
# shipped mapping does not know: a migration meets such codes and reports them.
CODES = (
    "GAT",
    "SMS",
    "IC1",
    "IC2",
    "IC4",
    "ARR",
    "CALL",
    "CALLNA",
    "PTP",
    "VIS",
    "CBL",
    "CBV",
    "BEN",
    "MEMO",
    "BLI",
    "ARRN",
)
GAT, SMS, IC1, IC2, IC4, ARR, CALL, CALLNA, PTP, VIS, CBL, CBV, BEN, MEMO, BLI, ARRN = range(
    len(CODES)
)
NOTES = {
    GAT: "First arrears text sent",
    SMS: "Arrears reminder text sent",
    IC1: "Letter one sent",
    IC2: "Letter two sent",
    IC4: "Court warning letter sent",
    ARR: "Repayment arrangement agreed",
    CALL: "Spoke to the tenant about the arrears",
    CALLNA: "No answer, message left",
    PTP: "Tenant promised a payment",
    VIS: "Home visit: tenant seen",
    CBL: "Court agreement breach letter sent",
    CBV: "Visited about the broken court agreement",
    BEN: "Helped with a Universal Credit claim",
    MEMO: "Note carried over from the previous system",
    BLI: "Informal agreement breach letter sent",
    ARRN: "Broken arrangement renegotiated",
}
# Court outcomes (docs/legal.md) and which of them order terms.
OUTCOMES = ("SOT", "AOT", "OPD", "AGP", "DIS", "STR")
SOT, AOT, OPD, AGP, DIS, STR = range(len(OUTCOMES))
ON_TERMS = (SOT, AOT)
NEVER = -(10**6)
OFFICERS = (
    "A. Okafor",
    "B. Hughes",
    "C. Demir",
    "D. Patel",
    "E. Walsh",
    "F. Mensah",
    "G. Novak",
    "H. Begum",
)
TIMES = tuple(f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 15, 30, 45))


@dataclass
class CaseHistory:
    diary: pl.DataFrame
    flags: pl.DataFrame
    holds: pl.DataFrame
    notices: pl.DataFrame
    court_cases: pl.DataFrame
    arrangements: pl.DataFrame
    write_offs: pl.DataFrame
    agency_placements: pl.DataFrame

    def frames(self) -> dict[str, pl.DataFrame]:
        return {
            "diary": self.diary,
            "flags": self.flags,
            "holds": self.holds,
            "notices": self.notices,
            "court_cases": self.court_cases,
            "arrangements": self.arrangements,
            "write_offs": self.write_offs,
            "agency_placements": self.agency_placements,
        }


def _opt(values: np.ndarray, present: np.ndarray) -> pl.Series:
    """Integers, null where not ``present``."""
    return pl.Series(np.asarray(values, dtype=np.int64)).set(pl.Series(~np.asarray(present)), None)


class _Events:
    """Events as parallel integer arrays, gathered week by week."""

    def __init__(self, *fields: str) -> None:
        self.fields = fields
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in fields}

    def add(self, **values: np.ndarray | int) -> None:
        n = np.size(values["ti"])
        for f in self.fields:
            v = values.get(f, -1)
            self.parts[f].append(np.broadcast_to(np.asarray(v, dtype=np.int64), (n,)).copy())

    def get(self) -> dict[str, np.ndarray]:
        """The events as arrays, in the order they were added."""
        return {
            f: np.concatenate(p) if p else np.zeros(0, dtype=np.int64)
            for f, p in self.parts.items()
        }


def _by_tenancy(events: dict[str, np.ndarray], key: str) -> dict[str, np.ndarray]:
    """Events in tenancy order, then by ``key`` (the order their rows are written)."""
    order = np.lexsort((events[key], events["ti"]))
    return {k: v[order] for k, v in events.items()}


def _weekly_charge(charge: np.ndarray) -> np.ndarray:
    """The charge of each week, carried through rent-free weeks (the week's nominal rent)."""
    out = charge.copy()
    for c in range(1, out.shape[1]):
        out[:, c] = np.where(out[:, c] > 0, out[:, c], out[:, c - 1])
    # weeks before the first charged week of the history take the first charge
    first = np.argmax(out > 0, axis=1)
    lead = np.arange(out.shape[1])[None, :] < first[:, None]
    return np.where(lead, out[np.arange(len(out)), first][:, None], out)


def simulate_cases(
    homes: Homes,
    ten: Tenancies,
    numbers: np.ndarray,
    ledger: Ledger,
    grid: WeekGrid,
    params: SimulationParams,
    rng: np.random.Generator,
) -> CaseHistory:
    t = len(ten)
    first = grid.first
    win = grid.weeks - first
    charge = (ledger.rent + ledger.service + ledger.heating).astype(np.int64)
    total = charge.copy()
    for a in ledger.amount.values():
        total += a
    bal = np.cumsum(total, axis=1)
    weekly = np.maximum(_weekly_charge(charge), 1)
    c_idx = np.arange(win)
    start_c = ten.start.astype(np.int64) - first
    end_c = np.where(ten.end == OPEN, 10**9, ten.end.astype(np.int64) - first)
    active = (c_idx[None, :] >= start_c[:, None]) & (c_idx[None, :] <= end_c[:, None])
    ledger_arr = ledger.arrangement > 0

    # --- Evictions: the ledger's evicted tenancies stop paying for their last 40 weeks; the
    # pathway that ended in the eviction is laid on those weeks.
    evicted = (ten.end_reason == END_REASONS.index("evicted")) & (end_c < win)
    f_nosp = np.where(evicted, end_c - rng.integers(40, 49, t), NEVER)
    f_ic4 = f_nosp + rng.integers(14, 19, t)
    f_crt = f_ic4 + rng.integers(2, 4, t)
    f_hear = f_crt + rng.integers(6, 10, t)
    f_wpa = np.minimum(f_hear + rng.integers(4, 9, t), end_c - 4)
    forced = evicted & (f_nosp >= 0) & (f_nosp > start_c + 4)
    f_outcome = np.where(rng.random(t) < 0.45, OPD, SOT)
    # The evictions still to come: a quarter of the current tenancies owing 13 weeks or more
    # at the end had their hearing in the last twelve weeks (their warrant comes later).
    deepest = (end_c >= win) & (bal[:, -1] >= 13 * weekly[:, -1]) & (rng.random(t) < 0.25)
    h = win - rng.integers(1, 13, t)
    f_hear = np.where(deepest, h, f_hear)
    f_crt = np.where(deepest, h - rng.integers(6, 10, t), f_crt)
    f_ic4 = np.where(deepest, f_crt - rng.integers(2, 4, t), f_ic4)
    f_nosp = np.where(deepest, f_ic4 - rng.integers(14, 19, t), f_nosp)
    f_wpa = np.where(deepest, NEVER, f_wpa)
    f_outcome = np.where(deepest, np.where(rng.random(t) < 0.5, OPD, SOT), f_outcome)
    forced |= deepest & (f_nosp > start_c + 4)

    diary = _Events("ti", "c", "day", "code", "promise", "promise_days")
    notices = _Events("ti", "c", "day")
    courts = _Events("ti", "applied", "hearing", "outcome", "terms", "known", "wpa")
    flags = _Events("ti", "kind", "start_day", "end_day")
    holds = _Events("ti", "reason", "start_day", "end_day")
    periods = _Events("ti", "s", "e", "sb", "amt", "formal", "state", "reason")

    last_code = np.full(t, -1, dtype=np.int64)
    last_c = np.full(t, NEVER, dtype=np.int64)
    l1_c = np.full(t, NEVER, dtype=np.int64)
    ic4_c = np.full(t, NEVER, dtype=np.int64)
    sms_c = np.full(t, NEVER, dtype=np.int64)
    nosp_c = np.full(t, NEVER, dtype=np.int64)
    crt_c = np.full(t, NEVER, dtype=np.int64)
    hear_c = np.full(t, NEVER, dtype=np.int64)
    outcome = np.full(t, -1, dtype=np.int64)
    court_bal = np.zeros(t, dtype=np.int64)
    cbl_c = np.full(t, NEVER, dtype=np.int64)
    wpa_c = np.full(t, NEVER, dtype=np.int64)
    bs_until = np.full(t, NEVER, dtype=np.int64)
    mhc_until = np.full(t, NEVER, dtype=np.int64)
    pause_until = np.full(t, NEVER, dtype=np.int64)
    terms = np.zeros(t, dtype=np.int64)
    outcome_known = np.zeros(t, bool)
    late_record = rng.random(t) < 0.3  # a recent hearing's outcome not yet recorded
    # the arrangement in force as the officer recorded it (ap_s: the week it started)
    ap_s = np.full(t, NEVER, dtype=np.int64)
    ap_sb = np.zeros(t, dtype=np.int64)
    ap_amt = np.zeros(t, dtype=np.int64)
    ap_formal = np.zeros(t, bool)
    ap_bli = np.full(t, NEVER, dtype=np.int64)
    ap_renego = np.zeros(t, dtype=np.int64)
    p = params

    def open_(mask, c, owed, amount, formal, keep_count=False) -> None:
        ap_s[mask] = c
        ap_sb[mask] = owed[mask]
        ap_amt[mask] = np.maximum(amount[mask], 100)
        ap_formal[mask] = formal[mask]
        ap_bli[mask] = NEVER
        if not keep_count:
            ap_renego[mask] = 0
        else:
            ap_renego[mask] += 1

    def close(mask, c, state, reason) -> None:
        ti = np.flatnonzero(mask)
        if len(ti):
            periods.add(
                ti=ti,
                s=ap_s[ti],
                e=c,
                sb=ap_sb[ti],
                amt=ap_amt[ti],
                formal=ap_formal[ti].astype(np.int64),
                state=state,
                reason=reason,
            )
        ap_s[mask] = NEVER

    def note(mask: np.ndarray, c: int, code: int, day: np.ndarray | int = 1, **extra) -> None:
        ti = np.flatnonzero(mask)
        if not len(ti):
            return
        d = day[ti] if isinstance(day, np.ndarray) else day
        diary.add(ti=ti, c=c, day=d, code=code, **{k: v[ti] for k, v in extra.items()})
        last_code[ti] = code
        last_c[ti] = c

    for c in range(win):
        w = c + first
        act = active[:, c]
        owed = bal[:, c - 1] if c else bal[:, 0]
        wk = weekly[:, c]
        held = (bs_until >= c) | (mhc_until >= c) | (pause_until >= c)
        free = act & ~held
        r = rng.random((16, t))
        weekday = rng.integers(0, 5, t)
        since = c - last_c
        in_court = crt_c > NEVER
        nosp_valid = c - nosp_c < 65  # served + 3 months + 52 weeks (Hackney's NOSP life)
        nosp_active = nosp_valid & (c - nosp_c >= 13)
        pathway = free & ~forced

        # Arrangements, as the officer records them. One ends when the balance clears or the
        # tenancy ends; an order on terms replaces an informal one with the court's.
        is_open = ap_s > NEVER
        gone = is_open & ~act
        close(gone, c, 2, 2)
        cleared = is_open & act & (owed <= 0)
        close(cleared, c, 1, 0)
        heard = act & (hear_c == c)
        court_bal = np.where(heard, owed, court_bal)
        recorded = heard & ~((c >= win - 3) & late_record)
        outcome_known |= recorded
        ordered = recorded & np.isin(outcome, ON_TERMS) & (owed > 0)
        close(ordered & (ap_s > NEVER), c, 2, 1)
        close(recorded & (outcome == OPD) & (ap_s > NEVER), c, 2, 5)
        open_(ordered, c, owed, terms, np.ones(t, bool))
        # One the ledger starts was agreed with an officer (formal once the court has ordered).
        agreed = (
            act
            & ~held
            & (ap_s == NEVER)
            & ledger_arr[:, c]
            & ~(ledger_arr[:, c - 1] if c else np.zeros(t, bool))
            & (owed > 0)
            & ~(outcome_known & (outcome == OPD))  # no new terms after an outright order
        )
        open_(agreed, c, owed, ledger.arrangement[:, c], outcome_known & np.isin(outcome, ON_TERMS))
        note(agreed, c, ARR, weekday)
        # Broken, as the published rule judges it: the balance above what the instalments
        # should have brought it to (with a week's grace). A breach letter, then the
        # arrangement renegotiated, or after two renegotiations given up.
        expected = np.maximum(ap_sb - ap_amt * (c - ap_s - 1), 0)
        broken = (ap_s > NEVER) & (ap_s < c) & ~ap_formal & free & (owed > expected)
        bli = broken & (ap_bli < ap_s) & (r[0] < 0.5)
        note(bli, c, BLI, weekday)
        ap_bli[bli] = c
        follow = broken & ~bli & (ap_bli >= ap_s) & (c - ap_bli >= 1) & (r[1] < 0.3)
        renegotiate = follow & (ap_renego < 2)
        give_up = follow & ~renegotiate
        close(renegotiate, c, 2, 3)
        open_(renegotiate, c, owed, ap_amt, np.zeros(t, bool), keep_count=True)
        note(renegotiate, c, ARRN, weekday)
        close(give_up, c, 2, 4)
        arr = ap_s > NEVER

        # Court: hearings, orders on terms and their breaches, warrants.
        breach = (
            free
            & (hear_c < c)
            & np.isin(outcome, ON_TERMS)
            & (owed > court_bal + 2 * wk)
            & (cbl_c < hear_c)
        )
        cbl = breach & (r[0] < 0.35)
        note(cbl, c, CBL, weekday)
        cbl_c[cbl] = c
        cbv = free & (last_code == CBL) & (since >= 1) & (since <= 4) & (r[1] < 0.4)
        note(cbv & ~cbl, c, CBV, weekday)
        wpa = (
            pathway
            & (outcome == OPD)
            & (hear_c < c)
            & (wpa_c == NEVER)
            & (owed > 0)
            & (r[2] < 0.08)
            & ~arr
        )
        wpa_c[wpa] = c
        # Evictions laid on the ledger's last weeks.
        for when, what in ((f_nosp, "nosp"), (f_ic4, "ic4"), (f_crt, "crt"), (f_wpa, "wpa")):
            due = forced & (when == c) & act
            if not due.any():
                continue
            if what == "nosp":
                nosp_c[due] = c
                notices.add(ti=np.flatnonzero(due), c=c, day=weekday[due])
            elif what == "ic4":
                note(due, c, IC4, weekday)
                ic4_c[due] = c
            elif what == "crt":
                crt_c[due] = c
                hear_c[due] = f_hear[due]
                outcome[due] = f_outcome[due]
                terms[due] = np.where(f_outcome[due] == SOT, rng.integers(300, 1000, due.sum()), 0)
            else:
                wpa_c[due] = c

        # The arrears pathway, one step a week at most.
        step = pathway & ~arr & ~in_court
        crt = step & nosp_active & (last_code == IC4) & (since >= 2) & (owed >= 4 * wk)
        crt &= r[3] < 0.12
        ic4 = step & nosp_active & (ic4_c < nosp_c) & (owed >= 4 * wk) & ~crt & (r[4] < 0.35)
        nosp = (
            step
            & ~nosp_valid
            & (last_code == IC2)
            & (since >= 1)
            & (since <= 13)
            & (owed >= 4 * wk)
            & (r[5] < 0.3)
        )
        l2 = (
            step
            & ~nosp_valid
            & (last_code == IC1)
            & (since >= 2)
            & (since <= 13)
            & (owed >= wk)
            & ~nosp
            & (r[6] < 0.4)
        )
        l1 = (
            step
            & ~nosp_valid
            & (owed >= wk)
            & (c - l1_c >= 13)
            & ~(np.isin(last_code, (IC1, IC2, IC4)) & (since < 13))
            & ~l2
            & ~nosp
            & (r[7] < 0.45)
        )
        sms = (
            step
            & ~nosp_valid
            & (owed >= 500)
            & (owed < wk)
            & (c - sms_c >= 4)
            & ((since >= 13) | np.isin(last_code, (GAT, SMS)))
            & (r[8] < 0.15)
        )
        note(sms & (sms_c == NEVER), c, GAT, weekday)
        note(sms & (sms_c > NEVER), c, SMS, weekday)
        sms_c[sms] = c
        note(l1, c, IC1, weekday)
        l1_c[l1] = c
        note(l2, c, IC2, weekday)
        note(ic4, c, IC4, weekday)
        ic4_c[ic4] = c
        if nosp.any():
            nosp_c[nosp] = c
            notices.add(ti=np.flatnonzero(nosp), c=c, day=weekday[nosp])
            last_code[nosp] = -1  # the notice's own diary entry comes with the notice
            last_c[nosp] = c
        if crt.any():
            crt_c[crt] = c
            depth = owed[crt] / wk[crt]
            u = rng.random(int(crt.sum()))
            deep = depth >= 16
            pick = np.select(
                # suspended orders first, then adjourned on terms, outright (likelier the
                # deeper the arrears), adjourned generally, dismissed, struck out
                [u < 0.50, u < 0.65, u < 0.65 + np.where(deep, 0.3, 0.15), u < 0.92, u < 0.96],
                [SOT, AOT, OPD, AGP, DIS],
                STR,
            )
            outcome[crt] = pick
            hear_c[crt] = c + rng.integers(6, 11, int(crt.sum()))
            terms[crt] = np.where(np.isin(pick, ON_TERMS), rng.integers(300, 1200, len(pick)), 0)
        took = sms | l1 | l2 | ic4 | nosp | crt | cbl | cbv | agreed | bli | follow

        # Calls and visits, promises and the holds they bring.
        call = free & ~took & (owed >= 2 * wk) & (r[9] < 0.02)
        kind = np.select([r[10] < 0.35, r[10] < 0.65, r[10] < 0.9], [CALLNA, CALL, PTP], VIS)
        for code in (CALL, CALLNA, VIS):
            note(call & (kind == code), c, code, weekday)
        promise = call & (kind == PTP)
        if promise.any():
            amount = np.rint(owed * rng.uniform(0.2, 0.6, t) / 100) * 100
            days = rng.integers(5, 15, t)
            note(promise, c, PTP, weekday, promise=amount.astype(np.int64), promise_days=days)
            hold = promise & (r[11] < 0.3)
            ti = np.flatnonzero(hold)
            day0 = w * 7 + weekday[ti]
            holds.add(ti=ti, reason=0, start_day=day0, end_day=day0 + days[ti])
            pause_until[hold] = c + (weekday[hold] + days[hold]) // 7
        # Helped with a new UC claim, and the claim's pending flag.
        claimed = act & (ledger.uc_claim == w) & (r[12] < 0.5)
        note(claimed & ~took & ~call, c, BEN, weekday)
        hosp = free & (owed >= wk) & (r[13] < 0.0003)
        ti = np.flatnonzero(hosp)
        if len(ti):
            span = rng.integers(28, 85, len(ti))
            holds.add(ti=ti, reason=1, start_day=w * 7, end_day=w * 7 + span)
            pause_until[ti] = c + span // 7
        memo = act & (r[14] < 0.002)
        note(memo & ~took & ~call, c, MEMO, 3)

        # Breathing space (60 days) and mental health crisis breathing space.
        bs = free & ~forced & (owed >= 4 * wk) & (r[15] < 0.0015)
        ti = np.flatnonzero(bs)
        if len(ti):
            flags.add(ti=ti, kind=0, start_day=w * 7 + 2, end_day=w * 7 + 2 + 59)
            bs_until[ti] = c + 8
        mhc = free & ~forced & ~bs & (owed >= 2 * wk) & (r[15] > 1 - 0.0001)
        ti = np.flatnonzero(mhc)
        if len(ti):
            span = rng.integers(10, 40, len(ti))
            end_day = np.where(c + span >= win, -1, (w + span) * 7)
            flags.add(ti=ti, kind=1, start_day=w * 7 + 1, end_day=end_day)
            mhc_until[ti] = c + span

    close(ap_s > NEVER, win, 0, 0)

    # Court cases: one row per application, with its hearing, order, warrant and eviction.
    case_ti = np.flatnonzero(crt_c > NEVER)
    courts.add(
        ti=case_ti,
        applied=crt_c[case_ti],
        hearing=hear_c[case_ti],
        outcome=outcome[case_ti],
        terms=terms[case_ti],
        known=outcome_known[case_ti].astype(np.int64),
        wpa=wpa_c[case_ti],
    )

    # Flags known from the tenancy itself.
    start_day = np.maximum(start_c, 0) * 7 + first * 7
    vulnerable = rng.random(t) < 0.07
    ti = np.flatnonzero(vulnerable)
    flags.add(ti=ti, kind=2, start_day=start_day[ti], end_day=-1)
    died = (ten.end_reason == END_REASONS.index("died")) & (end_c < win)
    ti = np.flatnonzero(died)
    flags.add(ti=ti, kind=5, start_day=(end_c[ti] + first) * 7, end_day=-1)
    claim_c = ledger.uc_claim.astype(np.int64) - first
    pending = (claim_c >= 0) & (claim_c <= np.minimum(end_c, win - 1))
    ti = np.flatnonzero(pending)
    stop = claim_c[ti] + p.uc_wait_weeks
    flags.add(
        ti=ti,
        kind=4,
        start_day=(claim_c[ti] + first) * 7,
        end_day=np.where(stop >= win, -1, (stop + first) * 7 + 4),
    )

    return _rows(
        homes,
        ten,
        numbers,
        ledger,
        grid,
        params,
        bal,
        active,
        end_c,
        diary.get(),
        notices.get(),
        courts.get(),
        flags.get(),
        holds.get(),
        periods.get(),
        rng,
    )


FLAG_TYPES = (
    "breathing_space",
    "mental_health_crisis",
    "vulnerable",
    "dispute",
    "benefit_claim_pending",
    "deceased",
)
HOLD_REASONS = ("promise", "hospital")


def _rows(
    homes: Homes,
    ten: Tenancies,
    numbers: np.ndarray,
    ledger: Ledger,
    grid: WeekGrid,
    params: SimulationParams,
    bal: np.ndarray,
    active: np.ndarray,
    end_c: np.ndarray,
    diary: dict[str, np.ndarray],
    notices: dict[str, np.ndarray],
    courts: dict[str, np.ndarray],
    flags: dict[str, np.ndarray],
    holds: dict[str, np.ndarray],
    periods: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> CaseHistory:
    first = grid.first
    win = grid.weeks - first
    # Day numbers count from the grid's first Monday; hearings may fall after the history.
    n_days = (grid.weeks + 20) * 7
    days = grid.mondays[0] + np.arange(n_days).astype("timedelta64[D]")
    day_text = pl.Series(np.datetime_as_string(days, unit="D"))
    chunk_refs = refs(numbers)
    null = pl.lit(None, dtype=pl.String)

    def day_of(d: np.ndarray) -> pl.Series:
        d = np.asarray(d, dtype=np.int64)
        return day_text.gather(_opt(np.maximum(d, 0), d >= 0).cast(pl.UInt32))

    def tref(ti: np.ndarray) -> pl.Series:
        return chunk_refs.gather(pl.Series(ti, dtype=pl.UInt32))

    def lookup(values, codes: np.ndarray) -> pl.Series:
        return pl.Series(list(values), dtype=pl.String).gather(pl.Series(codes, dtype=pl.UInt32))

    # --- diary
    d = diary
    d = _by_tenancy(d, "c")
    day = (d["c"] + first) * 7 + d["day"]
    officer = homes.patch[ten.home[d["ti"]]] % len(OFFICERS)
    time = rng.integers(0, len(TIMES), len(day))
    has_promise = d["promise"] > 0
    diary_df = pl.DataFrame(
        {
            "tenancy_ref": tref(d["ti"]),
            "code": lookup(CODES, d["code"]),
            "on": day_of(day),
            "time": lookup(TIMES, time),
            "officer": lookup(OFFICERS, officer),
            "note": lookup([NOTES[k] for k in range(len(CODES))], d["code"]),
            "promise_pence": _opt(d["promise"], has_promise),
            "promise_date": day_of(np.where(has_promise, day + d["promise_days"], -1)),
        }
    ).select(
        diary_ref=pl.concat_str("tenancy_ref", pl.lit("/"), "code", pl.lit("/"), "on"),
        tenancy_ref="tenancy_ref",
        at=pl.concat_str("on", pl.lit(" "), "time"),
        code="code",
        officer="officer",
        outcome=null,
        note="note",
        promise_amount=(pl.col("promise_pence").cast(pl.Decimal(20, 2)) / 100),
        promise_date="promise_date",
    )

    # --- notices: a council serves a NOSP on a secure tenancy, an association a section 8
    kind = "nosp" if params.landlord == "council" else "section8"
    n = notices
    n = _by_tenancy(n, "c")
    served = (n["c"] + first) * 7 + n["day"]
    notice_df = pl.DataFrame({"tenancy_ref": tref(n["ti"]), "served_on": day_of(served)}).select(
        notice_ref=pl.concat_str("tenancy_ref", pl.lit("/notice/"), "served_on"),
        tenancy_ref="tenancy_ref",
        type=pl.lit(kind),
        served_on="served_on",
        earliest_court_on=null,
        expires_on=null,
        grounds=pl.lit("10" if kind == "nosp" else "8, 10, 11"),
        withdrawn_on=null,
    )

    # --- court cases
    k = courts
    applied = (k["applied"] + first) * 7 + 2
    hearing = (k["hearing"] + first) * 7 + 2
    heard = k["hearing"] < win
    has_outcome = heard & (k["known"] == 1)
    outcome = np.where(has_outcome, k["outcome"], -1)
    on_terms = np.isin(outcome, ON_TERMS)
    costs_amount = np.zeros(len(applied), dtype=np.int64)
    costs = ledger.amount["costs"]
    for dw in (0, 1, 2):
        col = np.clip(k["hearing"] + dw, 0, win - 1)
        found = (costs_amount == 0) & heard & (costs[k["ti"], col] > 0)
        costs_amount = np.where(found, costs[k["ti"], col], costs_amount)
    wpa = k["wpa"] > NEVER
    wpa_day = (k["wpa"] + first) * 7 + 1
    ti = k["ti"]
    evicted = wpa & (end_c[ti] < win) & (ten.end_reason[ti] == END_REASONS.index("evicted"))
    issued = np.where(wpa & (k["wpa"] + 2 < win), wpa_day + 14, -1)
    evict_day = np.where(evicted, (end_c[ti] + first) * 7 + 1, -1)
    issued = np.where(evicted, np.minimum(issued, evict_day - 7), issued)
    court_df = pl.DataFrame(
        {
            "tenancy_ref": tref(ti),
            "applied_on": day_of(applied),
            "hearing_on": day_of(hearing),
            "outcome": pl.Series([None, *OUTCOMES], dtype=pl.String).gather(
                pl.Series(outcome + 1, dtype=pl.UInt32)
            ),
            "terms": _opt(k["terms"], on_terms),
            "costs": _opt(costs_amount, costs_amount > 0),
            "warrant_applied_on": day_of(np.where(wpa & has_outcome, wpa_day, -1)),
            "warrant_issued_on": day_of(np.where(wpa & has_outcome, issued, -1)),
            "eviction_on": day_of(np.where(wpa & has_outcome, evict_day, -1)),
        }
    )
    # the notice each case proceeds on: the last served before the application
    nt = notice_df.select("tenancy_ref", "notice_ref", "served_on").sort("tenancy_ref", "served_on")
    court_df = (
        court_df.sort("tenancy_ref", "applied_on")
        .join_asof(
            nt.rename({"served_on": "applied_on"}),
            on="applied_on",
            by="tenancy_ref",
            strategy="backward",
            check_sortedness=False,
        )
        .select(
            court_ref=pl.concat_str("tenancy_ref", pl.lit("/court/"), "applied_on"),
            tenancy_ref="tenancy_ref",
            notice_ref="notice_ref",
            applied_on="applied_on",
            hearing_on="hearing_on",
            outcome="outcome",
            outcome_on=null,
            terms_weekly=pl.col("terms").cast(pl.Decimal(20, 2)) / 100,
            costs=pl.col("costs").cast(pl.Decimal(20, 2)) / 100,
            struck_out_on=null,
            warrant_applied_on="warrant_applied_on",
            warrant_issued_on="warrant_issued_on",
            eviction_on="eviction_on",
            eviction_outcome=pl.when(pl.col("eviction_on").is_not_null()).then(pl.lit("evicted")),
            eviction_outcome_on="eviction_on",
        )
    )

    # --- flags and holds
    f = flags
    f = _by_tenancy(f, "start_day")
    flag_df = pl.DataFrame(
        {
            "tenancy_ref": tref(f["ti"]),
            "type": lookup(FLAG_TYPES, f["kind"]),
            "starts_on": day_of(f["start_day"]),
            "ends_on": day_of(f["end_day"]),
        }
    ).select(
        flag_ref=pl.concat_str("tenancy_ref", pl.lit("/"), "type", pl.lit("/"), "starts_on"),
        tenancy_ref="tenancy_ref",
        type="type",
        starts_on="starts_on",
        ends_on="ends_on",
        note=null,
    )
    h = holds
    h = _by_tenancy(h, "start_day")
    hold_df = pl.DataFrame(
        {
            "tenancy_ref": tref(h["ti"]),
            "hold_reason": lookup(HOLD_REASONS, h["reason"]),
            "starts_on": day_of(h["start_day"]),
            "until": day_of(h["end_day"]),
        }
    ).select(
        hold_ref=pl.concat_str("tenancy_ref", pl.lit("/hold/"), "starts_on"),
        tenancy_ref="tenancy_ref",
        hold_reason="hold_reason",
        starts_on="starts_on",
        until="until",
        lifted_on=null,
        note=null,
    )

    arrangement_df = _arrangements(ledger, grid, params, end_c, periods, chunk_refs, day_of)
    write_off_df, placement_df = _recovery(
        ten, ledger, grid, bal, end_c, chunk_refs, day_of, day_text, rng
    )
    return CaseHistory(
        diary=diary_df,
        flags=flag_df.unique("flag_ref", keep="first", maintain_order=True),
        holds=hold_df.unique("hold_ref", keep="first", maintain_order=True),
        notices=notice_df,
        court_cases=court_df.sort("tenancy_ref", "applied_on"),
        arrangements=arrangement_df,
        write_offs=write_off_df,
        agency_placements=placement_df,
    )


AGENCIES = ("North Recoveries Ltd", "Civic Debt Services", "Meridian Collections")


def _recovery(ten, ledger, grid, bal, end_c, chunk_refs, day_of, day_text, rng):
    """The write-offs behind the ledger's small balance write-offs (the officer proposes, the
    team leader approves), and former tenant debts placed with an agency eight weeks after
    the tenancy ended (60% of those still owing £100 or more at the end of the history)."""
    first = grid.first
    win = grid.weeks - first
    wo = ledger.amount["writeoff"]
    ti, wi = np.nonzero(wo)
    officer = OFFICERS[0]
    posted = day_text.gather(pl.Series((wi + first) * 7, dtype=pl.UInt32))
    refs_ = chunk_refs.gather(pl.Series(ti, dtype=pl.UInt32))
    write_offs = pl.DataFrame(
        {
            "tenancy_ref": refs_,
            "posted_on": posted,
            "pence": pl.Series(-wo[ti, wi], dtype=pl.Int64),
        }
    ).select(
        write_off_ref=pl.concat_str("tenancy_ref", pl.lit("/wo/"), "posted_on"),
        tenancy_ref="tenancy_ref",
        amount=pl.col("pence").cast(pl.Decimal(20, 2)) / 100,
        reason=pl.lit("small_balance"),
        written_off_on="posted_on",
        proposed_by=pl.lit(officer),
        approved_by=pl.lit("Team leader"),
        transaction_ref=pl.concat_str("tenancy_ref", pl.lit("/writeoff/"), "posted_on"),
    )
    at = end_c + 8
    ended = (at < win) & (end_c >= 0)
    idx = np.flatnonzero(ended)
    owed_then = bal[idx, at[idx]]
    owed_end = bal[idx, -1]
    # a former tenant debt is what was owed when the tenancy ended (recovery/services.py); a
    # direct debit returned in the last week is posted days after the payment, which may be
    # after the end date, so it is left out (else the ledger moves nothing and the agency's
    # placement has no former tenant account to land on)
    owed_at_end = bal[idx, end_c[idx]] - ledger.amount["return"][idx, end_c[idx]]
    place = (owed_then >= 10000) & (owed_end > 0) & (owed_at_end > 0)
    place &= rng.random(len(idx)) < 0.6
    idx, owed_then, at = idx[place], owed_then[place], at[idx[place]]
    extra = ledger.amount["extra"]
    # paying: a former tenant payment after the placement (the first one is the outcome)
    later = (extra[idx] < 0) & (np.arange(win)[None, :] > at[:, None])
    paying = later.any(axis=1)
    first_paid = np.where(paying, np.argmax(later, axis=1), -1)
    stale = ~paying & (at + 26 < win)
    status = np.where(paying, "paying", np.where(stale, "uneconomic", "referred"))
    outcome_day = np.where(
        paying, (first_paid + first) * 7, np.where(stale, (at + 26 + first) * 7, -1)
    )
    placements = pl.DataFrame(
        {
            "tenancy_ref": chunk_refs.gather(pl.Series(idx, dtype=pl.UInt32)),
            "referred_on": day_of((at + first) * 7 + 2),
            "pence": pl.Series(owed_then, dtype=pl.Int64),
            "agency": pl.Series(list(AGENCIES)).gather(
                pl.Series(idx % len(AGENCIES), dtype=pl.UInt32)
            ),
            "status": pl.Series(status, dtype=pl.String),
            "outcome_on": day_of(outcome_day),
        }
    ).select(
        placement_ref=pl.concat_str("tenancy_ref", pl.lit("/agency/"), "referred_on"),
        tenancy_ref="tenancy_ref",
        agency="agency",
        referred_on="referred_on",
        amount=pl.col("pence").cast(pl.Decimal(20, 2)) / 100,
        status="status",
        outcome_on="outcome_on",
        note=pl.lit(None, dtype=pl.String),
    )
    return write_offs, placements


FREQUENCIES = ("weekly", "fortnightly", "four_weekly", "monthly")
CANCEL_REASONS = (
    None,
    "replaced by the court's order",
    "tenancy ended",
    "renegotiated after a breach",
    "broken: moved to the next stage of recovery",
    "outright possession ordered",
)
WEEKS_IN = {WEEKLY: 1, FORTNIGHTLY: 2, FOUR_WEEKLY: 4, MONTHLY: 4}


def _arrangements(ledger, grid, params, end_c, periods, chunk_refs, day_of) -> pl.DataFrame:
    """One row per arrangement the officer model recorded, on the tenant's payment schedule."""
    first = grid.first
    win = grid.weeks - first
    pr = periods
    pr = _by_tenancy(pr, "s")
    i, s, e, amt, frm, state, why = (
        pr[k] for k in ("ti", "s", "e", "amt", "formal", "state", "reason")
    )
    frm = frm.astype(bool)
    # a period's first day (Tuesday of its week); one replaced ends on its successor's
    # an order's arrangement starts on the hearing day (a Wednesday), others on a Tuesday
    start_day = (s + first) * 7 + np.where(frm, 2, 1)
    last_day = (np.minimum(end_c[i], win - 1) + first) * 7 + 6
    cancel_day = np.where(
        why == 2, last_day, (e + first) * 7 + np.where((why == 1) | (why == 5), 2, 1)
    )
    uc = ledger.uc_tenant[i]
    sched = np.where(uc, MONTHLY, ledger.schedule[i])
    dom = np.where(uc, ledger.uc_payday[i], ledger.pay_day[i])
    weeks_in = np.select(
        [ledger.schedule[i] == FORTNIGHTLY, ledger.schedule[i] >= FOUR_WEEKLY], [2, 4], 1
    )
    instalment = amt * np.where(
        frm, np.select([sched == FORTNIGHTLY, sched >= FOUR_WEEKLY], [2, 4], 1), weeks_in
    )
    method_names = [m[0] for m in params.methods]
    df = pl.DataFrame(
        {
            "tenancy_ref": chunk_refs.gather(pl.Series(i, dtype=pl.UInt32)),
            "type": pl.Series(["informal", "court_ordered"]).gather(
                pl.Series(frm.astype(np.int64), dtype=pl.UInt32)
            ),
            "frequency": pl.Series(list(FREQUENCIES)).gather(pl.Series(sched, dtype=pl.UInt32)),
            "day_of_month": _opt(dom, sched == MONTHLY),
            "weekday": _opt(ledger.pay_weekday[i], sched != MONTHLY),
            "instalment": pl.Series(instalment, dtype=pl.Int64),
            "start": day_of(start_day),
            "payment_method": pl.Series(method_names).gather(
                pl.Series(ledger.method[i], dtype=pl.UInt32)
            ),
            "starting_balance": pl.Series(pr["sb"], dtype=pl.Int64),
            "state": pl.Series(["live", "completed", "cancelled"]).gather(
                pl.Series(state, dtype=pl.UInt32)
            ),
            "cancelled_on": day_of(np.where(state == 2, cancel_day, -1)),
            "reason": pl.Series(list(CANCEL_REASONS)).gather(pl.Series(why, dtype=pl.UInt32)),
        }
    )
    null = pl.lit(None, dtype=pl.String)
    return df.select(
        arrangement_ref=pl.concat_str("tenancy_ref", pl.lit("/arr/"), "start"),
        tenancy_ref="tenancy_ref",
        type="type",
        frequency="frequency",
        day_of_month="day_of_month",
        weekday="weekday",
        nth=null,
        instalment=pl.col("instalment").cast(pl.Decimal(20, 2)) / 100,
        ongoing_charge=null,
        lump_sum=null,
        lump_sum_on=null,
        start="start",
        first_payment=null,
        payment_method="payment_method",
        tolerance_days=null,
        tolerance_pence=null,
        starting_balance=pl.col("starting_balance").cast(pl.Decimal(20, 2)) / 100,
        review_on=null,
        state="state",
        breaches=null,
        prior_breaches=null,
        cancelled_on="cancelled_on",
        cancel_reason="reason",
    ).unique("arrangement_ref", keep="first", maintain_order=True)
