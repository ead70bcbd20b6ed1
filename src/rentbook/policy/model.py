"""A loaded, checked policy and the decision it makes for one account."""

from __future__ import annotations

from dataclasses import dataclass, field

from rentbook.policy.syntax import Node
from rentbook.policy.types import Type

CATEGORIES = (
    "none",
    "hold",
    "contact",
    "letter",
    "visit",
    "arrangement",
    "benefit",
    "notice",
    "court",
    "enforcement",
    "recovery",
    "write_off",
    "review",
)
#: The steps the law governs, which a risk score may never trigger or hasten (docs/risk.md).
LEGAL_CATEGORIES = frozenset({"notice", "court", "enforcement"})


@dataclass
class Action:
    name: str
    category: str
    priority: int
    label: str
    code: str | None = None


@dataclass
class Derived:
    """A named expression over base facts, parameters and earlier derived facts."""

    name: str
    expr: Node
    source: str
    label: str
    yes: str  # how a reason says it when true (yes/no facts)
    no: str
    # Reasons give the fact's own parts, not its yes/no wording: a fact that only names a
    # rule's conditions (so two rules can share them) explains as the conditions did.
    by_parts: bool = False


@dataclass
class Rule:
    id: str
    action: str
    label: str
    when: Node
    source: str


@dataclass
class Policy:
    name: str
    title: str
    description: str
    jurisdiction: str
    default: str
    path: str
    parameters: dict[str, tuple[Type, object]] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    derived: list[Derived] = field(default_factory=list)  # in an order that can be computed
    actions: dict[str, Action] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    action: str
    category: str
    priority: int
    rule: str | None  # None when no rule held and the default action was taken
    reasons: tuple[str, ...] = ()
