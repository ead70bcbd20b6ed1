"""A batch of 5,000 letters renders and files in at most 2 minutes on 2 cores.

`pytest -m slow -s benchmarks/test_letters_speed.py` (BENCH_LETTERS=200 for a quick proof).
Each account has 13 weeks of rent and payments; each letter is letter one with its 13-week
rent statement (two pages). Timed: send_batch, which checks each account's safeguards, fills
the merge fields, renders every letter into one print file (chunks of letters per WeasyPrint
document across 2 processes, joined with pypdf) and files a message and a diary entry per
letter.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from benchmarks.conftest import record_result
from rentbook.comms.defaults import seed
from rentbook.comms.models import Message, Template
from rentbook.comms.services import current_template, send_batch
from rentbook.ledger.models import Account, ChargeLine, Kind, Transaction
from rentbook.portfolio.models import Area, Patch, Property, Tenancy, Tenant

N = int(os.environ.get("BENCH_LETTERS", "5000"))
LIMIT_SECONDS = 120.0 * N / 5000


def _accounts(n: int) -> list[Account]:
    area = Area.objects.create(code="A", name="Area")
    patch = Patch.objects.create(area=area, code="P", name="Patch")
    props = Property.objects.bulk_create(
        [
            Property(
                reference=f"PR{i:06d}",
                patch=patch,
                address_line_1=f"{i % 300 + 1} Mill Lane",
                town="Leeds",
                postcode="LS1 1AA",
                property_type="flat",
            )
            for i in range(n)
        ]
    )
    tenancies = Tenancy.objects.bulk_create(
        [
            Tenancy(reference=f"T{i:07d}", property=p, tenure="secure", start_date=date(2024, 4, 1))
            for i, p in enumerate(props)
        ]
    )
    Tenant.objects.bulk_create(
        [
            Tenant(tenancy=t, first_name="Sam", last_name=f"Tenant{i}")
            for i, t in enumerate(tenancies)
        ]
    )
    accounts = Account.objects.bulk_create(
        [Account(tenancy=t, reference=t.reference) for t in tenancies]
    )
    ChargeLine.objects.bulk_create(
        [
            ChargeLine(
                account=a,
                code="rent",
                weekly_amount=10_000,
                effective_from=date(2024, 4, 1),
                source="b",
                source_ref=a.reference,
            )
            for a in accounts
        ]
    )
    rows = []
    for a in accounts:
        for w in range(14):
            day = date(2025, 3, 17) + timedelta(weeks=w)
            rows.append(
                Transaction(
                    account=a,
                    posted_on=day,
                    kind=Kind.CHARGE,
                    amount=10_000,
                    source="b",
                    source_ref=f"{a.reference}c{w}",
                )
            )
            if w % 3:
                rows.append(
                    Transaction(
                        account=a,
                        posted_on=day + timedelta(days=2),
                        kind=Kind.PAYMENT,
                        method="card",
                        amount=-9_000,
                        source="b",
                        source_ref=f"{a.reference}p{w}",
                    )
                )
    Transaction.objects.bulk_create(rows, batch_size=5000)
    return list(Account.objects.select_related("tenancy__property").order_by("reference"))


@pytest.mark.slow
@pytest.mark.django_db
def test_a_batch_of_5000_letters_renders_and_files_within_2_minutes():
    seed(Template)
    accounts = _accounts(N)
    template = current_template("IC1", "letter")
    now = datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
    started = time.perf_counter()
    result = send_batch([(a, template, None) for a in accounts], now=now, processes=2)
    took = time.perf_counter() - started
    assert result.batch is not None and result.batch.letters == N and not result.held
    assert result.batch.pages == 2 * N
    assert Message.objects.filter(batch=result.batch).count() == N
    record_result(
        "letters_speed",
        {
            "letters": N,
            "pages": result.batch.pages,
            "seconds": round(took, 1),
            "limit": LIMIT_SECONDS,
        },
    )
    assert took <= LIMIT_SECONDS
