"""Runs and recommendations made directly with the ORM, for tests of the pages that show them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rentbook.engine.models import Recommendation, Run
from rentbook.ledger.models import Account
from rentbook.policy.loader import load_policy

HACKNEY = load_policy("hackney")


def make_run(as_of: date = date(2025, 6, 16), policy: str = "hackney", **kw) -> Run:
    return Run.objects.create(
        as_of=as_of,
        policy=policy,
        policy_sha256="0" * 64,
        status=kw.pop("status", Run.Status.DONE),
        started_at=kw.pop("started_at", datetime(2025, 6, 16, 6, 0, tzinfo=UTC)),
        **kw,
    )


def recommend(
    run: Run,
    account: Account,
    action: str = "send_letter_one",
    *,
    balance: int = 25_000,
    weekly_charge: int = 10_000,
    reasons: list[str] | None = None,
    rule: str | None = None,
) -> Recommendation:
    """A recommendation of a hackney action, with its category, priority and rule."""
    a = HACKNEY.actions[action]
    if rule is None:
        rule = action if any(r.id == action for r in HACKNEY.rules) else ""
    return Recommendation.objects.create(
        run=run,
        account=account,
        patch_id=account.tenancy.property.patch_id,
        action=action,
        category=a.category,
        priority=a.priority,
        rule=rule,
        reasons=reasons if reasons is not None else [f"reason for {account.reference}"],
        balance=balance,
        weekly_charge=weekly_charge,
        benefit=account.benefit,
    )
