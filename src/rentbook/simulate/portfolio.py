"""The synthetic landlord's stock: areas, patches, homes, and the tenancies of each home.

Everything is numpy arrays indexed by home or by tenancy; week numbers index the WeekGrid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rentbook.simulate.params import SimulationParams
from rentbook.simulate.weeks import WeekGrid

AREA_NAMES = (
    ("NOR", "Northfield"),
    ("RIV", "Riverside"),
    ("EST", "Eastbrook"),
    ("WES", "Westmoor"),
    ("CEN", "Central"),
    ("HIL", "Hillcrest"),
)
END_REASONS = ("moved", "transfer", "died", "abandoned", "evicted")
OPEN = np.iinfo(np.int32).max  # end week of a tenancy that has not ended


@dataclass(frozen=True)
class Homes:
    area: np.ndarray  # index into AREA_NAMES
    patch: np.ndarray  # patch number across the landlord
    patch_area: np.ndarray  # area of each patch
    property_type: np.ndarray  # index into params.property_types
    bedrooms: np.ndarray
    rent: np.ndarray  # (homes, rent years) weekly rent in pence
    service: np.ndarray  # (homes, rent years); 0 where there is none
    heating: np.ndarray  # (homes, rent years); 0 where there is none

    def __len__(self) -> int:
        return len(self.area)


@dataclass(frozen=True)
class Tenancies:
    home: np.ndarray
    start: np.ndarray  # first week (may be negative: before the grid starts)
    end: np.ndarray  # last week, OPEN while current
    end_reason: np.ndarray  # index into END_REASONS; -1 while current

    def __len__(self) -> int:
        return len(self.home)


def _pick(rng: np.random.Generator, shares: tuple[tuple, ...], n: int) -> np.ndarray:
    p = np.array([s[1] for s in shares], dtype=float)
    return rng.choice(len(shares), size=n, p=p / p.sum())


def _bedrooms(rng: np.random.Generator, types: np.ndarray, names: list[str]) -> np.ndarray:
    table = {
        "house": ((2, 0.35), (3, 0.50), (4, 0.12), (5, 0.03)),
        "flat": ((1, 0.55), (2, 0.40), (3, 0.05)),
        "maisonette": ((2, 0.55), (3, 0.45)),
        "bungalow": ((1, 0.6), (2, 0.4)),
        "bedsit": ((0, 1.0),),
        "other": ((1, 1.0),),
    }
    beds = np.zeros(len(types), dtype=np.int8)
    for i, name in enumerate(names):
        mask = types == i
        opts = table[name]
        beds[mask] = np.array([o[0] for o in opts])[_pick(rng, opts, int(mask.sum()))]
    return beds


def _yearly(base: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Weekly amounts for each rent year: the base uprated by the cumulative factors."""
    return np.rint(base[:, None].astype(float) * factors[None, :]).astype(np.int64)


def make_homes(n: int, grid: WeekGrid, params: SimulationParams, rng: np.random.Generator):
    patches = max(1, round(n / params.homes_per_patch))
    areas = min(patches, max(params.min_areas, min(params.max_areas, round(patches / 4))))
    patch_area = np.sort(np.arange(patches) % areas)
    patch = np.sort(rng.integers(0, patches, size=n))
    ptype = _pick(rng, params.property_types, n)
    names = [t[0] for t in params.property_types]
    beds = _bedrooms(rng, ptype, names)
    table = np.array(params.rent_by_bedrooms)
    base = table[np.minimum(beds, len(table) - 1)] * rng.lognormal(0, params.rent_spread, n)
    rent_f = np.cumprod([1.0] + [1 + params.rent_increase(y) for y in grid.years[1:]])
    serv_f = np.cumprod([1.0] + [1 + params.service_increase for _ in grid.years[1:]])
    shared = np.isin(ptype, [names.index(t) for t in ("flat", "maisonette", "bedsit")])
    lo, hi = params.service_charge_weekly
    service = np.where(shared, rng.integers(lo, hi + 1, n), 0)
    lo, hi = params.heating_charge_weekly
    heated = shared & (rng.random(n) < params.heating_share_of_flats)
    heating = np.where(heated, rng.integers(lo, hi + 1, n), 0)
    return Homes(
        area=patch_area[patch],
        patch=patch,
        patch_area=patch_area,
        property_type=ptype,
        bedrooms=beds,
        rent=_yearly(base, rent_f),
        service=_yearly(service, serv_f),
        heating=_yearly(heating, serv_f),
    )


def _chains(homes: int, grid: WeekGrid, params: SimulationParams, rng: np.random.Generator):
    """Each home's tenancies from the one current when the history starts to the end."""
    weekly = params.turnover_per_year / 52
    last = grid.weeks - 1
    # The tenancy in place when the history starts began years ago; its remaining length is
    # exponential (a constant hazard of ending), as is every new tenancy's length.
    age = np.minimum(rng.exponential(1 / weekly, homes), 45 * 52).astype(np.int64)
    start = grid.first - 1 - age
    end = grid.first + rng.exponential(1 / weekly, homes).astype(np.int64)
    home = np.arange(homes)
    starts, ends, owners, gens = [start], [end], [home], [np.zeros(homes, dtype=np.int64)]
    gen = 0
    while True:
        gen += 1
        alive = end < last
        home, end = home[alive], end[alive]
        void = np.maximum(
            1,
            np.rint(rng.lognormal(np.log(params.void_median_weeks), params.void_sigma, len(home))),
        ).astype(np.int64)
        start = end + 1 + void
        keep = start <= last
        home, start = home[keep], start[keep]
        if not len(home):
            break
        end = start + rng.exponential(1 / weekly, len(home)).astype(np.int64)
        starts.append(start)
        ends.append(end)
        owners.append(home)
        gens.append(np.full(len(home), gen))
    home = np.concatenate(owners)
    order = np.lexsort((np.concatenate(gens), home))
    return home[order], np.concatenate(starts)[order], np.concatenate(ends)[order]


def make_tenancies(
    n: int, years: int, grid: WeekGrid, params: SimulationParams, rng: np.random.Generator
) -> tuple[Homes, Tenancies]:
    """Exactly ``n`` tenancies: whole homes' histories, the last home's possibly cut short."""
    homes = int(n / (1 + params.turnover_per_year * years) * 1.05) + 10
    while True:
        home, start, end = _chains(homes, grid, params, rng)
        if len(home) >= n:
            break
        homes *= 2
    home, start, end = home[:n], start[:n], end[:n]
    used = int(home[-1]) + 1
    stock = make_homes(used, grid, params, rng)
    ended = end < grid.weeks - 1
    reason = np.where(ended, _pick(rng, params.end_reasons, n), -1)
    end = np.where(ended, end, OPEN)
    return stock, Tenancies(home=home, start=start, end=end, end_reason=reason)
