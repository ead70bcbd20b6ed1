from datetime import date
from pathlib import Path

import pytest

from rentbook.ledger.calendar import RentFreeRule
from rentbook.simulate.run import simulate

RULE = RentFreeRule.parse("christmas=2,year-end=2")
END = date(2025, 6, 29)


def run(out: Path, *, tenancies: int, years: int, seed: int, end: date = END) -> Path:
    simulate(tenancies=tenancies, years=years, seed=seed, out=out, end=end, rule=RULE)
    return out


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """A small landlord for checking the files' form."""
    return run(tmp_path_factory.mktemp("small"), tenancies=600, years=2, seed=11)


@pytest.fixture(scope="session")
def calibration_run(tmp_path_factory) -> Path:
    """The size the calibration bands are checked at: 2,000 tenancies over 2 years."""
    return run(tmp_path_factory.mktemp("calibration"), tenancies=2000, years=2, seed=2025)
