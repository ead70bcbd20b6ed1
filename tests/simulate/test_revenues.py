"""The simulator's council debts (simulate/revenues.py) through the door: every file loads
without a problem, every tenant is a customer linked to their tenancy, and a whole financial
year's collection and write-offs by fund land near seed 002's (¶3), within bands."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.debts.funds import fund_summary
from rentbook.debts.models import Customer, Debt
from rentbook.imports.services import import_file
from rentbook.ledger.calendar import RentFreeRule
from rentbook.simulate.run import simulate

END = date(2026, 11, 29)

#: fund: (% collected low, high; % written off low, high) around seed 002's 2013/14 figures
#: (council tax 99.31 and 1.33, NDR 97.51 and 0.56, sundry 96.86 and 1.98)
BANDS = {
    "council_tax": (97.5, 100.5, 0.5, 2.0),
    "ndr": (95.5, 99.5, 0.2, 1.2),
    "sundry": (94.0, 99.0, 1.0, 3.0),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out = tmp_path_factory.mktemp("revenues")
    simulate(tenancies=3000, years=3, seed=7, out=out, end=END,
             rule=RentFreeRule.parse(""), cases=False)  # fmt: skip
    return out


@pytest.mark.django_db
def test_the_councils_debts_load_and_collect_like_seed_002(files):
    for kind in ("tenancies", "customers", "debts", "debt_entries"):
        result = import_file(kind, files / f"{kind}.csv", source="sim")
        assert result.ok and not result.problems, (kind, result.problems[:3])
    people = Customer.objects.filter(kind="person")
    assert people.count() and not people.filter(account__isnull=True).exists()
    assert set(Debt.objects.values_list("stream", flat=True)) == {
        "council_tax", "ndr", "sundry", "hbo"
    }  # fmt: skip
    rows, _ = fund_summary(2025)  # the last whole financial year of the history
    got = {r.fund: r for r in rows}
    for fund, (lo, hi, wlo, whi) in BANDS.items():
        r = got[fund]
        assert lo <= float(r.pct_collected) <= hi, (fund, r)
        assert wlo <= float(r.pct_written_off) <= whi, (fund, r)
