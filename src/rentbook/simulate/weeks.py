"""The simulation's calendar: every rent week of the history as numpy arrays.

Built once per run (a few hundred weeks) so the per-tenancy work can be vectorised over weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from rentbook.ledger.calendar import RentFreeRule, rent_year, rent_year_of, week_start

DAYS = 28  # monthly payments are on days 1-28, like direct debits


@dataclass(frozen=True)
class WeekGrid:
    mondays: np.ndarray  # datetime64[D] for every week, burn-in weeks first
    first: int  # index of the first week of the written history
    end: date  # the last day of the history (a Sunday)
    collection: np.ndarray  # bool: rent is charged this week
    year_index: np.ndarray  # index into `years`
    years: tuple[int, ...]  # rent years the grid touches
    year_starts: np.ndarray  # datetime64[D] start of each rent year
    collection_weeks: np.ndarray  # collection weeks in each rent year
    uc_weeks: int  # weeks of rent UC pays for a year (52 less the usual free weeks)
    december: np.ndarray  # bool: the weeks before Christmas when payments dip
    month_day: np.ndarray  # (DAYS + 1, W) bool: week holds day d of some month
    month_day_offset: np.ndarray  # (DAYS + 1, W) int8: days from Monday to that day
    dom_after_wait: np.ndarray  # (W,) day of month of Monday + the UC wait (for UC paydays)

    @property
    def weeks(self) -> int:
        return len(self.mondays)

    @property
    def start(self) -> date:
        """The Monday the written history starts on."""
        return self.mondays[self.first].astype(date)


def history_start(end: date, years: int) -> date:
    """The first Monday of ``years`` years of history ending on ``end``."""
    try:
        back = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        back = end.replace(year=end.year - years, day=28)
    return week_start(back) + timedelta(days=7)


def build_grid(end: date, years: int, burn_in_weeks: int, rule: RentFreeRule, uc_wait: int):
    if end.weekday() != 6:
        raise ValueError(f"the history must end on a Sunday; {end} is not one")
    start = history_start(end, years) - timedelta(days=7 * burn_in_weeks)
    n = (end - start).days // 7 + 1
    mondays = [start + timedelta(days=7 * i) for i in range(n)]
    years_list = sorted({rent_year_of(m) for m in mondays})
    ry = {y: rent_year(y, rule) for y in years_list}
    collection = np.array([not ry[rent_year_of(m)].is_free(m) for m in mondays])
    year_index = np.array([years_list.index(rent_year_of(m)) for m in mondays], dtype=np.int16)
    month_day = np.zeros((DAYS + 1, n), dtype=bool)
    offset = np.zeros((DAYS + 1, n), dtype=np.int8)
    for i, m in enumerate(mondays):
        for k in range(7):
            d = m + timedelta(days=k)
            if d.day <= DAYS:
                month_day[d.day, i] = True
                offset[d.day, i] = k
    # UC spreads a year's rent over 12 months as if every year had 52 weeks.
    uc_weeks = 52 - rule.christmas - rule.year_end
    return WeekGrid(
        mondays=np.array(mondays, dtype="datetime64[D]"),
        first=burn_in_weeks,
        end=end,
        collection=collection,
        year_index=year_index,
        years=tuple(years_list),
        year_starts=np.array([ry[y].start for y in years_list], dtype="datetime64[D]"),
        collection_weeks=np.array([ry[y].collection_weeks for y in years_list]),
        uc_weeks=uc_weeks,
        december=np.array([m.month == 12 and m.day <= 21 for m in mondays]),
        month_day=month_day,
        month_day_offset=offset,
        dom_after_wait=np.array(
            [min((m + timedelta(days=7 * uc_wait)).day, DAYS) for m in mondays], dtype=np.int8
        ),
    )
