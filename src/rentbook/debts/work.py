"""The revenues team's work from the latest debt run: each debt's recommended step, and
recording a step as taken (what the next run reads as ``actions``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from rentbook.audit.services import record
from rentbook.debts.models import DebtAction, DebtRecommendation, DebtRun
from rentbook.debts.run import debt_policy


class StepError(ValueError):
    pass


def latest_run() -> DebtRun | None:
    return DebtRun.objects.first()  # the newest, by as_of


def step_code(rec: DebtRecommendation, run: DebtRun) -> str:
    """The code of the step the run recommends, as its policy names it ("" for a hold)."""
    policy = debt_policy(run.policies.get(rec.debt.stream, ""))
    action = policy.actions.get(rec.action)
    return (action.code or "") if action is not None else ""


def labels(run: DebtRun) -> dict[str, dict[str, str]]:
    """Each stream's actions in words, by its policy in this run."""
    return {
        stream: {a: x.label for a, x in debt_policy(name).actions.items()}
        for stream, name in run.policies.items()
    }


@transaction.atomic
def record_step(rec: DebtRecommendation, *, at: datetime, by: Any, note: str = "") -> DebtAction:
    """Record the recommended step as taken: once (a second time is refused)."""
    run = rec.run
    code = step_code(rec, run)
    if not code:
        raise StepError("This recommendation is not a step to record (a hold or no action)")
    if DebtAction.objects.filter(debt=rec.debt, code=code, at__gte=run.started_at).exists():
        raise StepError(f"{code} has been recorded on {rec.debt.import_ref} since this run")
    action = DebtAction.objects.create(
        debt=rec.debt, code=code, at=at, note=(note or "recorded from the debt run")[:200],
        created_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    record(
        "debts.step_recorded",
        object_type="debts.Debt",
        object_id=str(rec.debt_id),
        summary=f"{code} on {rec.debt.import_ref} ({rec.debt.customer.name})",
        after={"code": code, "run": run.pk},
        actor=by,
    )
    return action
