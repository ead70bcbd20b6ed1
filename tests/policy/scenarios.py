"""Walk one account through a policy, a weekly run at a time, as an officer would see it.

Each week the walk decides the account with the per-account evaluator, checks the vectorised
evaluator picks the same rule, and (unless told not to) records the recommended action's code
in the diary at that instant, as if the officer did it straight away. Then a week passes: the
rent falls due and whatever the tenant paid is credited.

    walk = Walk("england", weekly_charge=10_000)
    walk.week()                 # decides, records CALL, moves on a week
    walk.week(paid=10_000)      # the tenant pays the rent this week
    walk.codes()                # ["CALL", "IC1", ...]: the diary the policy built

Recording a notice's code (NOSP, S8, NOP) serves the notice, as the run would report it.
Everything else (a court date, an arrangement, a flag) the test sets with ``walk.set(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from rentbook.cases.codes import NOTICE_TYPES, REVIEW_CODES
from rentbook.policy.evaluate import Evaluator
from rentbook.policy.facts import empty_facts, facts_frame
from rentbook.policy.loader import load_policy
from rentbook.policy.model import Decision
from rentbook.policy.vectorised import VectorEvaluator

MONDAY = datetime(2025, 4, 7, 9, 0)  # the first Monday of the 2025/26 rent year, 9am
DEMANDS_PAYMENT = frozenset({"contact", "letter", "notice", "court", "enforcement"})


@cache
def evaluators(policy: str) -> tuple[Evaluator, VectorEvaluator]:
    loaded = load_policy(policy)
    return Evaluator(loaded), VectorEvaluator(loaded)


@dataclass(frozen=True)
class Step:
    """One weekly run: what was recommended, why, and what the diary recorded."""

    week: int
    now: datetime
    decision: Decision
    recorded: str | None
    facts: dict[str, Any] = field(repr=False)

    @property
    def action(self) -> str:
        return self.decision.action

    @property
    def category(self) -> str:
        return self.decision.category


class Walk:
    def __init__(
        self,
        policy: str,
        *,
        weekly_charge: int = 10_000,
        arrears: int = 0,
        technical_arrears: int = 0,
        start: datetime = MONDAY,
        **facts: Any,
    ) -> None:
        self.policy = policy
        self.one, self.many = evaluators(policy)
        self.facts = empty_facts()
        self.facts.update(
            now=start,
            weekly_charge=weekly_charge,
            paid_this_week=0,
            missed_payments_consecutive=0,
            tenancy_start=datetime(2019, 4, 1).date(),
        )
        self.technical = technical_arrears
        self.set_arrears(arrears)
        self.facts.update(facts)
        self.steps: list[Step] = []

    # ---- the account ------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.facts["now"]

    def set_arrears(self, arrears: int, *, technical: int | None = None) -> None:
        if technical is not None:
            self.technical = technical
        self.facts["arrears"] = arrears
        self.facts["technical_arrears"] = self.technical
        self.facts["true_arrears"] = max(0, arrears - self.technical)

    def set(self, **facts: Any) -> None:
        """Change base facts directly (a court date, an arrangement, flags, a pause)."""
        if "flags" in facts:
            facts["flags"] = frozenset(facts["flags"])
        self.facts.update(facts)

    def record(self, code: str, at: datetime | None = None) -> None:
        """An officer records ``code`` in the diary (now, unless told when)."""
        at = at or self.now
        self.facts["actions"] = (*self.facts["actions"], (code, at))
        if code not in REVIEW_CODES:  # as the run: a review is not a communication
            self.facts["last_action_code"], self.facts["last_action_at"] = code, at
        if code in NOTICE_TYPES:
            self.facts.update(notice_type=NOTICE_TYPES[code], notice_served=at, notice_expires=None)

    # ---- deciding ---------------------------------------------------------------------------

    def decide(self) -> Decision:
        """Both evaluators decide the account as it stands; they must agree."""
        decision = self.one.decide(self.facts)
        frame = self.many.decide(facts_frame([self.facts]))
        assert (frame["rule"][0], frame["action"][0], frame["priority"][0]) == (
            decision.rule,
            decision.action,
            decision.priority,
        ), f"evaluators disagree at {self.now:%Y-%m-%d}: {frame.row(0)} vs {decision}"
        return decision

    def week(self, *, paid: int = 0, record: bool = True) -> Step:
        """This week's run: decide, record the recommended code, then a week passes."""
        decision = self.decide()
        code = self.one.policy.actions[decision.action].code if record else None
        step = Step(len(self.steps), self.now, decision, code, dict(self.facts))
        if code:
            self.record(code)
        self.steps.append(step)
        self.advance(paid=paid)
        return step

    def weeks(self, n: int, **kw: Any) -> list[Step]:
        return [self.week(**kw) for _ in range(n)]

    def advance(self, *, paid: int = 0, days: int = 7) -> None:
        charge = self.facts["weekly_charge"] or 0
        self.facts["now"] = self.now + timedelta(days=days)
        self.set_arrears(self.facts["arrears"] + charge - paid)
        missed = self.facts["missed_payments_consecutive"] or 0
        self.facts["missed_payments_consecutive"] = missed + 1 if paid < charge else 0
        since = self.facts["days_since_last_payment"]
        self.facts["days_since_last_payment"] = (
            0 if paid else (None if since is None else since + days)
        )

    # ---- reading the history ----------------------------------------------------------------

    def actions(self) -> list[str]:
        return [s.action for s in self.steps]

    def codes(self) -> list[str | None]:
        return [s.recorded for s in self.steps]

    def step_of(self, action: str) -> Step:
        return next(s for s in self.steps if s.action == action)

    def table(self) -> str:
        """The walk as text, for a failing assertion's message."""
        return "\n".join(
            f"week {s.week:>2} {s.now:%Y-%m-%d} £{s.facts['arrears'] / 100:>8.2f} "
            f"{s.action:<32} {s.recorded or '-'}"
            for s in self.steps
        )


# ---- helpers for properties over generated accounts ----------------------------------------


def recorded(facts: dict[str, Any], codes: set[str], since: datetime) -> bool:
    """Whether any of ``codes`` was recorded after ``since``."""
    return any(c in codes and at is not None and at > since for c, at in facts["actions"])


def decisions(policy: str, rows: list[dict[str, Any]]) -> list[Decision]:
    """Decide every row with both evaluators, which must agree; the per-account decisions."""
    one, many = evaluators(policy)
    mine = [one.decide(r, explain=False) for r in rows]
    theirs = many.decide(facts_frame(rows))
    assert theirs["rule"].to_list() == [d.rule for d in mine]
    return mine
