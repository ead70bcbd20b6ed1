"""Working out a stored set of indicators, as a background task (performance/stored.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def work_out_indicators(set_id: int) -> int:
    """Work out the queued set ``set_id``; returns its id (a set already done is left)."""
    from rentbook.performance.models import IndicatorSet
    from rentbook.performance.stored import work_out

    s = IndicatorSet.objects.filter(pk=set_id).first()
    if s is None or s.status == IndicatorSet.Status.DONE:
        return set_id
    return work_out(s).pk
