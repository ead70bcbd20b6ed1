"""How each rent account moves, week by week: charges, benefits, payments and the rest.

The model steps through the weeks of the grid once, each step a handful of numpy operations
over every tenancy of a chunk, so a chunk of thousands of tenancies over five years costs a
few hundred vectorised steps. Entries are recorded in dense (tenancy, week) arrays, one per
stream, and turned into rows afterwards; at most one entry per stream per week keeps
references unique.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rentbook.simulate.params import SimulationParams
from rentbook.simulate.portfolio import END_REASONS, Homes, Tenancies
from rentbook.simulate.weeks import DAYS, WeekGrid

# Benefit states.
NONE, HB, UC, UCM = 0, 1, 2, 3
BENEFITS = ("none", "housing_benefit", "universal_credit", "universal_credit_managed")
# Payment schedules.
WEEKLY, FORTNIGHTLY, FOUR_WEEKLY, MONTHLY = 0, 1, 2, 3
CASH_CHANNELS = ("allpay", "paypoint", "post_office")

# Streams of entries that are not charges: (name, kind, method or None for the tenant's own).
STREAMS = (
    ("bf", "adjustment", ""),
    ("hb", "payment", "housing_benefit"),
    ("uc", "payment", "universal_credit"),
    ("dhp", "payment", "dhp"),
    ("pay", "payment", None),
    ("extra", "payment", "card"),
    ("return", "reversal", None),
    ("adj", "adjustment", ""),
    ("costs", "court_costs", ""),
    ("recharge", "recharge", ""),
    ("refund", "refund", "bank_transfer"),
    ("writeoff", "write_off", ""),
)
STREAM_NAMES = tuple(s[0] for s in STREAMS)


@dataclass
class Ledger:
    """One chunk's simulated entries, as dense (tenancy, window week) arrays per stream."""

    rent: np.ndarray
    service: np.ndarray
    heating: np.ndarray
    amount: dict[str, np.ndarray]
    offset: dict[str, np.ndarray]  # days after the week's Monday the entry is posted
    method: np.ndarray  # each tenancy's usual way of paying (index into params.methods)
    benefit: np.ndarray  # each tenancy's benefit at its end or at the end of the history
    fully_covered: np.ndarray  # benefit pays the whole charge: the tenant pays nothing
    # What the case history (cases.py) needs to agree with the ledger.
    arrangement: np.ndarray  # (tenancy, window week) an arrangement's weekly top-up, or 0
    schedule: np.ndarray  # WEEKLY, FORTNIGHTLY, FOUR_WEEKLY or MONTHLY
    pay_day: np.ndarray  # day of the month monthly payers pay
    pay_weekday: np.ndarray  # 0 (Monday) to 6: the day weekly payers pay
    uc_payday: np.ndarray  # day of the month Universal Credit is paid
    uc_tenant: np.ndarray  # UC paid to the tenant, who pays on payday
    uc_claim: np.ndarray  # grid week of the last Universal Credit claim (very negative: none)


def _weeks(rng: np.random.Generator, n: int, mean: float) -> np.ndarray:
    return rng.geometric(1 / mean, n).astype(np.int32)


def simulate_ledger(
    homes: Homes,
    tenancies: Tenancies,
    grid: WeekGrid,
    params: SimulationParams,
    rng: np.random.Generator,
) -> Ledger:
    t = len(tenancies)
    n_weeks, first = grid.weeks, grid.first
    win = n_weeks - first
    home = tenancies.home
    start, end = tenancies.start, tenancies.end
    council = params.landlord == "council"

    # --- Static traits -------------------------------------------------------------------
    names = [p[0] for p in params.payer_types]
    p_share = np.array([p[1] for p in params.payer_types])
    ptype = rng.choice(len(names), size=t, p=p_share / p_share.sum())
    p_pay = np.array([p[2] for p in params.payer_types])[ptype]
    catch = np.array([p[3] for p in params.payer_types])[ptype]
    dd_return = np.array(params.dd_return_rate)[ptype]
    method_names = [m[0] for m in params.methods]
    m_share = np.array([m[1] for m in params.methods])
    method = rng.choice(len(method_names), size=t, p=m_share / m_share.sum())
    is_dd = method == method_names.index("direct_debit")
    is_so = method == method_names.index("standing_order")
    is_cash = np.isin(method, [method_names.index(c) for c in CASH_CHANNELS])
    # Direct debits and standing orders are mostly monthly; cash and card mostly weekly.
    u = rng.random(t)
    schedule = np.where(
        is_dd | is_so,
        np.select([u < 0.70, u < 0.85, u < 0.95], [MONTHLY, FOUR_WEEKLY, FORTNIGHTLY], WEEKLY),
        np.select([u < 0.65, u < 0.85, u < 0.93], [WEEKLY, FORTNIGHTLY, FOUR_WEEKLY], MONTHLY),
    ).astype(np.int8)
    dom = rng.integers(1, DAYS + 1, t)
    dom = np.where(is_dd & (rng.random(t) < 0.5), 1, dom)  # many landlords collect on the 1st
    phase = rng.integers(0, 4, t)
    weekday = rng.choice(7, size=t, p=[0.3, 0.12, 0.1, 0.1, 0.25, 0.1, 0.03]).astype(np.int8)
    pays_free = rng.random(t) < params.pays_in_free_weeks
    # Some who pay weekly or fortnightly by card, cash or transfer pay a round sum a little
    # under what is due and make the difference up once it has grown to £10 or so (a text or
    # letter reminds them). Chosen from the day-of-month draw (about one in nine), so the
    # other random streams stay as they were.
    fixed = (schedule <= FORTNIGHTLY) & ~is_dd & ~is_so & (dom % 9 == 0)
    hb_phase = rng.integers(0, 4, t)
    hb_frac = np.where(rng.random(t) < params.hb_full_share, 1.0, rng.uniform(0.3, 0.95, t))
    uc_levels = np.array([s[0] for s in params.uc_shortfall])
    uc_p = np.array([s[1] for s in params.uc_shortfall])
    uc_frac = uc_levels[rng.choice(len(uc_levels), size=t, p=uc_p / uc_p.sum())]
    reason = tenancies.end_reason
    evicted = reason == END_REASONS.index("evicted")
    abandoned = reason == END_REASONS.index("abandoned")

    # --- Benefit at the start ------------------------------------------------------------
    prehistory = start < first
    u = rng.random(t)
    hb0 = np.where(prehistory, params.hb_share, params.new_hb_share)
    uc0 = np.where(prehistory, params.uc_share, params.new_uc_share)
    ben = np.select([u < hb0, u < hb0 + uc0], [HB, UC], NONE).astype(np.int8)
    managed = (ben == UC) & (rng.random(t) < params.uc_managed_share) & prehistory
    ben[managed] = UCM
    never = np.int32(-(10**6))
    uc_claim = np.full(t, never, dtype=np.int32)
    fresh = (ben == UC) & ~prehistory & (rng.random(t) < params.new_uc_fresh_claim)
    uc_claim[fresh] = start[fresh]
    uc_dom = np.where(
        fresh, grid.dom_after_wait[np.clip(start, 0, n_weeks - 1)], rng.integers(1, DAYS + 1, t)
    ).astype(np.int8)

    # --- Charges (exactly the weekly debits: whole weeks, collection weeks only) -----------
    w_idx = np.arange(n_weeks)
    active_all = (w_idx[None, :] >= start[:, None]) & (w_idx[None, :] <= end[:, None])
    yi = grid.year_index
    coll = grid.collection[None, :] & active_all
    rent_rate = homes.rent[home][:, yi]  # (t, weeks) the weekly rate in force
    serv_rate = homes.service[home][:, yi]
    heat_rate = homes.heating[home][:, yi]
    rent_c = np.where(coll, rent_rate, 0)
    serv_c = np.where(coll, serv_rate, 0)
    heat_c = np.where(coll, heat_rate, 0)
    nominal_all = rent_rate + serv_rate + heat_rate
    eligible_all = rent_rate + serv_rate
    coll_weeks = grid.collection_weeks[yi]  # per week: collection weeks in its rent year

    amount = {s: np.zeros((t, win), dtype=np.int64) for s in STREAM_NAMES}
    offset = {s: np.zeros((t, win), dtype=np.int8) for s in ("pay", "extra", "uc", "return")}
    arr_hist = np.zeros((t, win), dtype=np.int32)

    bal = np.zeros(t, dtype=np.int64)
    hb_acc = np.zeros(t, dtype=np.int64)
    hardship_until = np.full(t, never, dtype=np.int32)
    arrangement = np.zeros(t, dtype=np.int64)
    last_costs = np.full(t, never, dtype=np.int32)
    ended_at = np.where(end < n_weeks, end, n_weeks + 1)
    lo_arr, hi_arr = params.arrangement_weekly
    wk = 1 / 52

    # Tenants start with some rent in advance (a sign-up payment, or an established payer's
    # usual position), more for those who pay monthly.
    monthly_payer = schedule >= FOUR_WEEKLY
    advance_weeks = np.where(
        monthly_payer,
        rng.uniform(params.advance_weeks_monthly[0], params.advance_weeks_monthly[1], t),
        rng.uniform(0, params.advance_weeks, t),
    )
    begins = np.maximum(start, 0)

    for w in range(n_weeks):
        rec = w >= first
        c = w - first
        active = active_all[:, w]
        beginning = begins == w
        advance = np.where(beginning, np.rint(advance_weeks * nominal_all[:, w]), 0).astype(
            np.int64
        )
        bal -= advance
        if w == first:
            bf = np.where(prehistory & active, bal, 0)
            amount["bf"][:, 0] = bf
        charge = rent_c[:, w] + serv_c[:, w] + heat_c[:, w]
        bal += charge
        nominal = nominal_all[:, w]
        elig = eligible_all[:, w]

        # Life events: benefit claims start and end, hardship comes and goes.
        r = rng.random((6, t))
        job_loss = active & (ben == NONE) & (r[0] < params.job_loss_per_year * wk)
        migrate = active & (ben == HB) & (r[1] < params.hb_to_uc_per_year * wk)
        claim = job_loss | migrate
        ben[claim] = UC
        uc_claim[claim] = w
        uc_dom[claim] = grid.dom_after_wait[w]
        waiting = (ben >= UC) & (w < uc_claim + params.uc_wait_weeks)
        back = (
            active & (ben >= UC) & (w > uc_claim + 26) & (r[2] < params.back_to_work_per_year * wk)
        )
        ben[back] = NONE
        apa = (ben == UC) & ~waiting & (bal > 8 * nominal) & (r[3] < params.apa_weekly_hazard)
        ben[apa] = UCM
        hazard = np.where(ben > NONE, params.hardship_claimant_factor, 1.0)
        hazard *= params.hardship_per_year * wk
        start_hard = active & (hardship_until < w) & (r[4] < hazard)
        hardship_until[start_hard] = w + _weeks(
            rng, int(start_hard.sum()), params.hardship_mean_weeks
        )
        hard = hardship_until >= w

        # Housing Benefit: weekly rebate (council) or four-weekly allowance in arrears.
        hb_due = np.where(
            active & (ben == HB),
            np.rint(hb_frac * np.where(grid.collection[w], elig, 0)).astype(np.int64),
            0,
        )
        if council:
            hb_pay = hb_due
        else:
            hb_acc += hb_due
            hb_pay = np.where((w % 4) == hb_phase, hb_acc, 0)
            hb_acc -= hb_pay
        bal -= hb_pay

        # Universal Credit: monthly in arrears on the claim's payday, after the wait.
        payday = grid.month_day[uc_dom, w] & (ben >= UC) & ~waiting & active
        uc_month = np.rint(uc_frac * elig * grid.uc_weeks / 12).astype(np.int64)
        # Deductions for arrears run while the arrears exceed a month's rent.
        owed = bal - 4 * nominal
        deduction = np.where(owed > 0, np.minimum(params.uc_deduction_monthly, owed), 0)
        uc_landlord = np.where(payday & (ben == UCM), uc_month + deduction, 0)
        bal -= uc_landlord

        # Discretionary Housing Payment: an award towards arrears for some claimants.
        dhp = active & (ben > NONE) & (bal > 4 * nominal) & (r[5] < params.dhp_weekly_hazard)
        dhp_pay = np.where(
            dhp, np.minimum(np.rint(bal * rng.uniform(0.3, 1.0, t)), params.dhp_max), 0
        ).astype(np.int64)
        bal -= dhp_pay

        # What the tenant is expected to pay themselves, per week of charge.
        share = np.where(
            ben == HB,
            nominal - np.rint(hb_frac * elig),
            np.where(ben == UCM, nominal - np.rint(uc_frac * elig), nominal),
        ).astype(np.int64)
        share = np.maximum(share, 0)
        monthly = share * coll_weeks[w] // 12
        uc_tenant = (ben == UC) & ~is_dd & ~is_so
        due_now = np.select(
            [
                uc_tenant,
                schedule == WEEKLY,
                schedule == FORTNIGHTLY,
                schedule == FOUR_WEEKLY,
            ],
            [
                np.where(payday, share * grid.uc_weeks // 12, 0),
                np.where(grid.collection[w] | pays_free, share, 0),
                np.where(w % 2 == phase % 2, 2 * share, 0),
                np.where(w % 4 == phase, 4 * share, 0),
            ],
            np.where(grid.month_day[dom, w], monthly, 0),
        )
        weeks_in = np.select(
            [schedule == FORTNIGHTLY, schedule == FOUR_WEEKLY, schedule == MONTHLY], [2, 4, 4], 1
        )
        due_now = np.where(due_now > 0, due_now + arrangement * weeks_in, 0)

        # Will they pay it? Less likely in December, in hardship, waiting for UC, or when the
        # tenancy is heading for eviction or abandonment.
        p = p_pay.copy()
        if grid.december[w]:
            p = 1 - (1 - p) * params.christmas_miss_factor
        p = np.where(is_dd, 1 - (1 - p) * 0.3, p)  # a mandate collects itself...
        p = np.where(hard, p * params.hardship_pay_factor, p)  # ...until it is cancelled
        p = np.where(waiting, p * 0.3, p)
        p = np.where(uc_tenant, p * params.uc_tenant_pay_factor, p)
        p = np.where(evicted & (w > end - 40), p * 0.15, p)
        p = np.where(abandoned & (w > end - 10), 0.0, p)
        pays = active & (due_now > 0) & (rng.random(t) < p)
        behind = np.maximum(bal - due_now, 0)
        top_up = np.minimum(np.rint(catch * behind), np.rint(params.catch_up_cap * due_now))
        top_up = np.where(hard, 0, top_up)
        pay = np.where(pays, due_now + top_up, 0).astype(np.int64)
        pay = np.where(is_cash, (pay + 50) // 100 * 100, pay)
        fixed_sum = (due_now // 100 * 100) + np.where((behind >= 1000) & ~hard, behind, 0)
        pay = np.where(pays & fixed & ~uc_tenant, np.maximum(fixed_sum, 0), pay)
        returned = pays & is_dd & (rng.random(t) < np.where(hard, 3 * dd_return, dd_return))
        bal -= np.where(returned, 0, pay)

        # Officers at work: lump sums after a call, arrangements, court costs.
        # The deeper the arrears, the harder officers press (notices, court): lump sums grow
        # likelier with every four weeks owed.
        depth = bal / np.maximum(4 * nominal, 1)
        lump = (
            active & (depth > 1) & (rng.random(t) < np.minimum(params.lump_hazard * depth**2, 0.2))
        )
        lump_pay = np.where(lump, np.rint(bal * rng.uniform(0.3, 1.0, t)), 0).astype(np.int64)
        former = (w > ended_at) & (bal > 0) & (rng.random(t) < params.former_payment_hazard)
        former_pay = np.where(former, np.minimum(bal, rng.integers(1000, 10000, t)), 0).astype(
            np.int64
        )
        # Rent in advance at sign-up is paid by card in the first week (before history, it
        # is only the opening position).
        extra_pay = lump_pay + former_pay + np.where(start >= 0, advance, 0)
        bal -= lump_pay + former_pay
        start_arr = (
            active
            & (arrangement == 0)
            & (bal > 2 * nominal)
            & (rng.random(t) < params.arrangement_hazard)
        )
        arrangement[start_arr] = rng.integers(lo_arr, hi_arr + 1, int(start_arr.sum()))
        arrangement[(bal <= 0) | ~active] = 0
        costs = (
            active
            & (bal > 13 * nominal)
            & (w - last_costs > 52)
            & (rng.random(t) < params.court_costs_hazard)
        )
        last_costs[costs] = w
        lo, hi = params.court_costs
        costs_amt = np.where(costs, rng.integers(lo, hi + 1, t), 0)
        bal += costs_amt

        # Repairs recharged, adjustments, refunds and write-offs.
        after = w - ended_at
        recharge = (active & (rng.random(t) < params.recharge_per_year * wk)) | (
            (after == 3) & (rng.random(t) < params.end_recharge_share)
        )
        recharge_amt = np.where(
            recharge, np.clip(np.rint(rng.lognormal(np.log(12000), 0.8, t)), 2000, 150000), 0
        ).astype(np.int64)
        bal += recharge_amt
        adj = active & (rng.random(t) < params.adjustment_per_year * wk)
        credit = rng.random(t) < 0.7
        adj_amt = np.where(
            adj,
            np.where(credit, -rng.integers(1000, 15000, t), rng.integers(500, 6000, t)),
            0,
        ).astype(np.int64)
        bal += adj_amt
        refund = ((after == 4) & (bal < -1000)) | (
            active & (bal < -4 * nominal) & (rng.random(t) < params.refund_hazard)
        )
        refund_amt = np.where(refund, np.where(active, -bal - nominal, -bal), 0)
        refund_amt = np.maximum(refund_amt, 0)
        bal += refund_amt
        small = (
            (after == params.write_off_after_weeks)
            & (bal > 0)
            & (bal < params.small_balance_write_off)
        )
        wo_amt = np.where(small, -bal, 0)
        bal += wo_amt

        if rec:
            amount["hb"][:, c] = hb_pay
            amount["uc"][:, c] = uc_landlord
            offset["uc"][:, c] = grid.month_day_offset[uc_dom, w]
            amount["dhp"][:, c] = dhp_pay
            amount["pay"][:, c] = -pay
            offset["pay"][:, c] = np.where(
                is_dd & (schedule == MONTHLY),
                grid.month_day_offset[dom, w],
                np.where(uc_tenant, np.minimum(grid.month_day_offset[uc_dom, w] + 1, 6), weekday),
            )
            amount["return"][:, c] = np.where(returned, pay, 0)
            amount["extra"][:, c] = -extra_pay
            offset["extra"][:, c] = rng.integers(0, 5, t)
            amount["adj"][:, c] = adj_amt
            amount["costs"][:, c] = costs_amt
            amount["recharge"][:, c] = recharge_amt
            amount["refund"][:, c] = refund_amt
            amount["writeoff"][:, c] = wo_amt
            arr_hist[:, c] = arrangement

    # A returned direct debit comes back a few working days after it was collected.
    offset["return"] = offset["pay"] + rng.integers(3, 7, (t, win)).astype(np.int8)
    amount["hb"] = -amount["hb"]
    amount["uc"] = -amount["uc"]
    amount["dhp"] = -amount["dhp"]

    last = np.minimum(end, n_weeks - 1)
    final_nominal = nominal_all[np.arange(t), np.maximum(last, 0)]
    final_share = np.where(
        ben == HB,
        final_nominal - np.rint(hb_frac * eligible_all[np.arange(t), np.maximum(last, 0)]),
        np.where(
            ben == UCM,
            final_nominal - np.rint(uc_frac * eligible_all[np.arange(t), np.maximum(last, 0)]),
            final_nominal,
        ),
    )
    return Ledger(
        rent=rent_c[:, first:],
        service=serv_c[:, first:],
        heating=heat_c[:, first:],
        amount=amount,
        offset=offset,
        method=method,
        benefit=ben,
        fully_covered=(ben != NONE) & (ben != UC) & (final_share <= 0),
        arrangement=arr_hist,
        schedule=schedule,
        pay_day=dom,
        pay_weekday=weekday,
        uc_payday=uc_dom,
        uc_tenant=(ben == UC) & ~is_dd & ~is_so,
        uc_claim=uc_claim,
    )
