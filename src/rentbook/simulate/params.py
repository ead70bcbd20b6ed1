"""The simulator's model parameters, each with where its default comes from.

Rates are per year or per week as named; money is integer pence. docs/simulation.md explains
the model these numbers drive and the public figures they were calibrated against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Rent increases each April, by the calendar year the rent year starts in: the regulator's
# rent standard (CPI + 1%, capped at 7% for 2023/24). Years not listed get `default_increase`.
RENT_INCREASES = {
    2019: 0.027,
    2020: 0.027,
    2021: 0.015,
    2022: 0.041,
    2023: 0.070,
    2024: 0.077,
    2025: 0.027,
    2026: 0.048,
}


@dataclass(frozen=True)
class SimulationParams:
    # --- The landlord -------------------------------------------------------------------
    # "association" pays Housing Benefit as a rent allowance four-weekly in arrears and lets
    # on assured tenancies; "council" gets weekly rent rebates and lets on secure tenancies.
    landlord: str = "association"
    homes_per_patch: int = 380  # one patch per 250-500 homes
    min_areas: int = 3
    max_areas: int = 6
    # Property mix (share of homes) and bedrooms by type.
    property_types: tuple[tuple[str, float], ...] = (
        ("house", 0.42),
        ("flat", 0.40),
        ("maisonette", 0.07),
        ("bungalow", 0.07),
        ("bedsit", 0.04),
    )
    # Weekly rent in pence over 52 weeks at the first rent year, by bedrooms (social rent).
    rent_by_bedrooms: tuple[int, ...] = (7800, 8900, 9800, 10900, 12100, 13200)
    rent_spread: float = 0.08  # lognormal sigma around the bedroom rent
    service_charge_weekly: tuple[int, int] = (400, 2200)  # flats and maisonettes
    heating_share_of_flats: float = 0.25  # communal heating, not covered by HB or UC
    heating_charge_weekly: tuple[int, int] = (800, 1600)
    rent_increases: dict[int, float] = field(default_factory=lambda: dict(RENT_INCREASES))
    default_increase: float = 0.03
    service_increase: float = 0.04

    # --- Tenancies ----------------------------------------------------------------------
    turnover_per_year: float = 0.06  # 5-7% of homes a year
    void_median_weeks: float = 4.1  # median re-let ~29 days
    void_sigma: float = 0.75  # lognormal: the long tail of hard-to-let homes
    joint_share: float = 0.25  # 20-30% of tenancies have a second tenant
    # Why tenancies end, as shares of all endings; eviction makes 0.1-0.5% of homes a year.
    end_reasons: tuple[tuple[str, float], ...] = (
        ("moved", 0.55),
        ("transfer", 0.17),
        ("died", 0.15),
        ("abandoned", 0.08),
        ("evicted", 0.05),
    )
    burn_in_weeks: int = 52  # simulated before the history starts, so balances are settled

    # --- Benefits -----------------------------------------------------------------------
    # Shares at the start of the history (and for new tenancies: new_*).
    hb_share: float = 0.18
    uc_share: float = 0.47
    uc_managed_share: float = 0.30  # of UC claimants, on a managed payment to the landlord
    new_hb_share: float = 0.06
    new_uc_share: float = 0.55
    new_uc_fresh_claim: float = 0.5  # new tenants whose UC claim starts with the tenancy
    hb_full_share: float = 0.6  # the rest get partial HB, 30-95% of the eligible rent
    uc_shortfall: tuple[tuple[float, float], ...] = ((1.0, 0.78), (0.86, 0.16), (0.75, 0.06))
    uc_wait_weeks: int = 5  # the five-week wait
    job_loss_per_year: float = 0.06  # self-payers who lose work and claim UC
    back_to_work_per_year: float = 0.045  # UC claimants whose claim ends
    hb_to_uc_per_year: float = 0.05  # managed migration from HB to UC
    apa_weekly_hazard: float = 0.06  # UC in 8+ weeks' arrears: landlord gets a managed payment
    uc_deduction_monthly: int = 6000  # third-party deduction for arrears, 10-20% of allowance
    dhp_weekly_hazard: float = 0.005  # a claimant in 4+ weeks' arrears gets a DHP award
    dhp_max: int = 50000

    # --- How tenants pay ----------------------------------------------------------------
    # Payment method shares for tenants who pay something themselves (DD 40-60%, cash card
    # 10-20%, the rest card, standing order, online).
    methods: tuple[tuple[str, float], ...] = (
        ("direct_debit", 0.50),
        ("allpay", 0.06),
        ("paypoint", 0.05),
        ("post_office", 0.03),
        ("card", 0.16),
        ("standing_order", 0.08),
        ("bank_transfer", 0.11),
        ("cheque", 0.01),
    )
    # Payer types: share, chance a scheduled payment is made, share of arrears caught up.
    payer_types: tuple[tuple[str, float, float, float], ...] = (
        ("reliable", 0.65, 0.985, 1.0),
        ("late", 0.23, 0.90, 0.8),
        ("erratic", 0.12, 0.75, 0.5),
    )
    catch_up_cap: float = 0.5  # most a payment adds towards arrears, as a share of what is due
    dd_return_rate: tuple[float, ...] = (0.008, 0.02, 0.05)  # per collection, by payer type
    hardship_per_year: float = 0.045  # a spell of not coping (illness, debt, a split)
    hardship_claimant_factor: float = 2.0  # claimants are likelier to hit a crisis
    hardship_mean_weeks: float = 78.0
    hardship_pay_factor: float = 0.15
    christmas_miss_factor: float = 2.5  # December: missed payments become this much likelier
    arrangement_hazard: float = 0.25  # weekly, once 2+ weeks in arrears: an officer agrees one
    arrangement_weekly: tuple[int, int] = (300, 1500)
    lump_hazard: float = 0.0015  # weekly x (weeks owed / 4)^2: lump sums as officers press
    advance_weeks: float = 3.0  # rent in advance at sign-up: up to this many weeks
    advance_weeks_monthly: tuple[float, float] = (2.5, 6.0)  # monthly payers pay ahead
    uc_tenant_pay_factor: float = 0.85  # UC paid to the tenant does not always reach the rent
    pays_in_free_weeks: float = 0.35  # weekly payers who keep paying in rent-free weeks

    # --- Other entries ------------------------------------------------------------------
    recharge_per_year: float = 0.03
    end_recharge_share: float = 0.15  # leavers charged for damage or clearance
    adjustment_per_year: float = 0.02
    court_costs_hazard: float = 0.015  # weekly, in 13+ weeks' arrears, at most once a year
    court_costs: tuple[int, int] = (13000, 35500)
    refund_hazard: float = 0.01  # weekly, current tenants more than 4 weeks in credit
    former_payment_hazard: float = 0.03  # weekly, former tenants who still owe
    small_balance_write_off: int = 2000  # seed 002: balances under £20 written off
    write_off_after_weeks: int = 12

    def rent_increase(self, year: int) -> float:
        return self.rent_increases.get(year, self.default_increase)
