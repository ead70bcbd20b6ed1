"""The revenues summary's figures, worked out in the background (debts/funds.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def work_out_funds() -> int:
    """Work out every financial year's figures by fund; returns how many years."""
    from rentbook.debts.funds import work_out

    return work_out()
