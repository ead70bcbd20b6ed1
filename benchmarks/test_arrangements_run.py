"""Issue 4: the arrears run over 100,000 tenancies of which 20,000 have payment arrangements,
end to end (`rentbook run`, with the england policy, which reads the arrangement facts) in 15
seconds or less, on PostgreSQL and on SQLite.

The portfolio is built as benchmarks/test_run_speed.py builds its own (the simulated landlord
with 5 years of history, through the import door) into a database of its own, then one in five
accounts gets an arrangement: every frequency, begun in the last year, clearing the balance
the account held (so some are kept, some broken, some completed). BENCH_TENANCIES sets the
size (default 100,000; the arrangements are a fifth of it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from benchmarks.conftest import (
    PG_SERVER,
    fresh_postgres,
    fresh_sqlite,
    record_result,
    run,
)
from benchmarks.test_run_speed import AS_OF, TARGET_SECONDS, forget_run, landlord, run_output

TENANCIES = int(os.environ.get("BENCH_TENANCIES", "100000"))
ARRANGEMENTS = TENANCIES // 5
YEARS = 5

ADD_ARRANGEMENTS = """
import random
from datetime import date, timedelta
from rentbook.arrangements.models import Arrangement
from rentbook.arrangements.schedules import Frequency, add_months
from rentbook.ledger.models import Account
from rentbook.ledger.positions import checkpoint_date, refresh_checkpoints
from rentbook.ledger.models import AccountCheckpoint, Checkpoint

as_of = date.fromisoformat("{as_of}")
refresh_checkpoints(checkpoint_date(as_of))
rng = random.Random(2026)
latest = Checkpoint.objects.order_by("-as_at").first()
balance = dict(
    AccountCheckpoint.objects.filter(checkpoint=latest).values_list("account_id", "balance")
)
ids = sorted(Account.objects.values_list("id", flat=True))
owing = [a for a in ids if balance.get(a, 0) > 0]
rest = [a for a in ids if balance.get(a, 0) <= 0]
rng.shuffle(owing)
rng.shuffle(rest)
chosen = (owing + rest)[: {count}]
frequencies = list(Frequency)
rows = []
for account_id in chosen:
    start = as_of - timedelta(days=rng.randint(7, 365))
    owed = max(balance.get(account_id, 0), rng.randint(10_000, 150_000))
    f = rng.choice(frequencies)
    lump = rng.choice([0, 0, 0, owed // 5])
    rows.append(
        Arrangement(
            account_id=account_id,
            kind=rng.choice(["informal", "informal", "court_ordered"]),
            frequency=f.value,
            day_of_month=start.day if f == Frequency.MONTHLY else None,
            instalment=max(500, owed // rng.randint(6, 60)),
            ongoing_charge=0,
            lump_sum=lump,
            lump_sum_on=start if lump else None,
            start=start,
            first_payment=start + timedelta(days=rng.randint(0, 10)),
            payment_method="card",
            starting_balance=owed,
            review_on=add_months(start, 3),
        )
    )
Arrangement.objects.bulk_create(rows, batch_size=5_000)
print(len(rows), "arrangements")
"""


def loaded(bench_data: Path, database: str) -> str:
    """A database holding the simulated landlord and its arrangements, built once."""
    name = f"rb_bench_arr{TENANCIES}"
    if database == "postgresql":
        marker = bench_data / f"{name}.loaded"
        url = f"{PG_SERVER}/{name}"
    else:
        path = bench_data / f"arr{TENANCIES}.sqlite3"
        marker = bench_data / f"arr{TENANCIES}.sqlite3.loaded"
        url = f"sqlite:///{path}"
    if marker.exists():
        run(["migrate"], url)
        return url
    files = landlord_files(bench_data)
    url = fresh_postgres(name) if database == "postgresql" else fresh_sqlite(path)
    run(["migrate"], url)
    for kind in ("tenancies", "charges", "transactions"):
        run(["import", kind, str(files / f"{kind}.csv")], url)
    run(["shell", "-c", ADD_ARRANGEMENTS.format(as_of=AS_OF, count=ARRANGEMENTS)], url)
    marker.write_text(json.dumps({"url": url, "files": str(files)}))
    return url


def landlord_files(bench_data: Path) -> Path:
    # the same simulated files as the run benchmark, at this size
    import benchmarks.test_run_speed as speed

    speed.TENANCIES = TENANCIES
    return landlord(bench_data, YEARS)


@pytest.mark.slow
@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_run_with_20k_arrangements_in_100k_tenancies_takes_15_seconds(bench_data, database):
    url = loaded(bench_data, database)
    forget_run(url)
    seconds, out = run_output(url, "england")
    figures = {
        "tenancies": TENANCIES,
        "arrangements": ARRANGEMENTS,
        "as_of": AS_OF,
        "policy": "england",
        "run_end_to_end_s": round(seconds, 2),
        "run_inside_s": float(out.split(" accounts decided in ")[1].split(" s")[0]),
    }
    record_result(f"arrangements-run-{database}-{TENANCIES}", figures)
    assert figures["run_end_to_end_s"] <= TARGET_SECONDS, figures
