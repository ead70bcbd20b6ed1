"""Housing Benefit runs on for two weeks after a claimant moves from HB to Universal Credit
(the transitional run-on), then stops: the simulated ledger pays it in exactly those weeks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from rentbook.ledger.calendar import RentFreeRule
from rentbook.simulate.accounts import simulate_ledger
from rentbook.simulate.params import SimulationParams
from rentbook.simulate.portfolio import make_tenancies
from rentbook.simulate.weeks import build_grid


def test_hb_is_paid_for_the_two_weeks_after_the_move_to_uc_and_not_after():
    params = replace(SimulationParams(), landlord="council", hb_to_uc_per_year=0.6)
    grid = build_grid(date(2026, 11, 29), 1, params.burn_in_weeks, RentFreeRule.parse(""),
                      params.uc_wait_weeks)  # fmt: skip
    homes, ten = make_tenancies(1500, 1, grid, params, np.random.default_rng(1))
    ledger = simulate_ledger(homes, ten, grid, params, np.random.default_rng(2))
    hb = ledger.amount["hb"]  # (tenancy, window week), negative: credits
    first = grid.first
    moved = np.nonzero(
        (ledger.hb_run_on >= first + 2) & (ledger.hb_run_on < first + hb.shape[1] - 4)
    )[0]
    assert len(moved) > 20, "a landlord of 1,500 moves some claimants from HB in a year"
    paid_both, after = 0, 0
    for i in moved:
        stop = ledger.hb_run_on[i] - first  # the window week HB stops
        weeks = hb[i, stop - 2 : stop]
        paid_both += bool((weeks < 0).all())
        after += int((hb[i, stop:] != 0).sum())
    # the run-on weeks are paid (a rent-free week, or the tenancy ending, pays nothing)
    assert paid_both >= 0.8 * len(moved)
    assert after == 0, "no Housing Benefit once the run-on has ended"
