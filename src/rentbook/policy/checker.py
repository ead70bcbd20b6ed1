"""Name resolution and type checking of parsed expressions.

Errors are values: each check returns a list of ``(offset, message)`` and leaves ``type`` set on
every node it could type, so one pass reports every mistake in a condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rentbook.policy.facts import FACTS
from rentbook.policy.syntax import (
    Binary,
    Call,
    Compare,
    Flag,
    Literal,
    Logic,
    Member,
    Name,
    Node,
    Not,
    Presence,
    Unary,
    WeeksOfCharge,
    Window,
)
from rentbook.policy.types import ORDERED, Type

Problem = tuple[int, str]


@dataclass
class Scope:
    """What names mean inside one policy."""

    parameters: dict[str, tuple[Type, object]] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    derived: dict[str, Type] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def type_of(self, name: str) -> tuple[str, Type] | None:
        if name in FACTS:
            return "fact", FACTS[name].type
        if name in self.derived:
            return "derived", self.derived[name]
        if name in self.parameters:
            return "parameter", self.parameters[name][0]
        return None


def _a(t: Type) -> str:
    return {
        Type.MONEY: "money",
        Type.NUMBER: "a number",
        Type.BOOL: "a yes/no value",
        Type.INSTANT: "a date",
        Type.TEXT: "text",
        Type.DURATION: "a duration",
        Type.FLAGS: "the flags",
        Type.ACTIONS: "the action history",
    }[t]


class _Checker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[Problem] = []

    def fail(self, node: Node, message: str) -> None:
        self.problems.append((node.offset, message))

    def check(self, node: Node) -> Type | None:
        t = self._check(node)
        node.type = t
        return t

    def _check(self, node: Node) -> Type | None:
        if isinstance(node, Literal):
            return node.literal_type
        if isinstance(node, Name):
            found = self.scope.type_of(node.name)
            if found is None:
                if node.name in self.scope.groups:
                    self.fail(node, f"{node.name!r} is a code group: use it after 'in'")
                else:
                    self.fail(node, f"unknown fact or parameter {node.name!r}")
                return None
            node.kind, t = found
            if t in (Type.FLAGS, Type.ACTIONS):
                hint = "flag NAME" if t is Type.FLAGS else "last_action_in(group)"
                self.fail(node, f"{node.name!r} cannot be used directly: use {hint}")
                return None
            return t
        if isinstance(node, Unary):
            t = self.check(node.operand)  # type: ignore[arg-type]
            if t is not None and t not in (Type.MONEY, Type.NUMBER):
                self.fail(node, f"cannot negate {_a(t)}")
                return None
            return t
        if isinstance(node, Binary):
            return self._binary(node)
        if isinstance(node, WeeksOfCharge):
            t = self.check(node.weeks)  # type: ignore[arg-type]
            if t is not None and t is not Type.NUMBER:
                self.fail(node, f"'weeks of charge' needs a number of weeks, not {_a(t)}")
            return Type.MONEY
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Presence):
            t = self.check(node.operand)  # type: ignore[arg-type]
            if t is Type.DURATION:
                self.fail(node, "a duration is always present")
            return Type.BOOL
        if isinstance(node, Member):
            t = self.check(node.operand)  # type: ignore[arg-type]
            if t is not None and t is not Type.TEXT:
                self.fail(node, f"only text (an action code) can be 'in' a group, not {_a(t)}")
            if node.group:
                if node.group not in self.scope.groups:
                    self.fail(node, f"unknown code group {node.group!r}")
                else:
                    node.codes = self.scope.groups[node.group]
            return Type.BOOL
        if isinstance(node, Window):
            t = self.check(node.operand)  # type: ignore[arg-type]
            s = self.check(node.span)  # type: ignore[arg-type]
            word = "older" if node.older else "newer"
            if t is not None and t is not Type.INSTANT:
                self.fail(node, f"only a date can be {word} than a duration, not {_a(t)}")
            if s is not None and s is not Type.DURATION:
                self.fail(node.span, f"'{word} than' needs a duration like '3 months', not {_a(s)}")  # type: ignore[arg-type]
            return Type.BOOL
        if isinstance(node, Flag):
            if node.flag not in self.scope.flags:
                self.fail(node, f"unknown flag {node.flag!r} (declare it in [policy] flags)")
            return Type.BOOL
        if isinstance(node, Not):
            self._condition(node.operand, "not")  # type: ignore[arg-type]
            return Type.BOOL
        if isinstance(node, Logic):
            for operand in node.operands:
                self._condition(operand, node.op)
            return Type.BOOL
        raise AssertionError(node)

    def _condition(self, node: Node, word: str) -> None:
        t = self.check(node)
        if t is not None and t is not Type.BOOL:
            self.fail(node, f"'{word}' needs a condition, not {_a(t)}")

    def _binary(self, node: Binary) -> Type | None:
        lt = self.check(node.left)  # type: ignore[arg-type]
        rt = self.check(node.right)  # type: ignore[arg-type]
        if lt is None or rt is None:
            return None
        op = node.op
        if op in "+-":
            if lt == rt and lt in (Type.MONEY, Type.NUMBER):
                return lt
            if lt is Type.INSTANT and rt is Type.DURATION:
                return Type.INSTANT
            if op == "+" and lt is Type.DURATION and rt is Type.INSTANT:
                self.fail(node, "write the date first: DATE + DURATION")
                return None
        elif op == "*":
            kinds = {lt, rt}
            if kinds == {Type.NUMBER}:
                return Type.NUMBER
            if kinds == {Type.MONEY, Type.NUMBER}:
                return Type.MONEY
        self.fail(node, f"cannot {_verb(op)} {_a(lt)} and {_a(rt)}")
        return None

    def _compare(self, node: Compare) -> Type:
        lt = self.check(node.left)  # type: ignore[arg-type]
        rt = self.check(node.right)  # type: ignore[arg-type]
        if lt is None or rt is None:
            return Type.BOOL
        if lt != rt:
            hint = ""
            if {lt, rt} == {Type.MONEY, Type.NUMBER}:
                hint = " (write money as £10.00, or weeks of rent as '4 weeks of charge')"
            self.fail(node, f"cannot compare {_a(lt)} with {_a(rt)}{hint}")
        elif node.op not in ("==", "!=") and lt not in ORDERED:
            self.fail(node, f"{_a(lt)} can only be compared with == or !=")
        elif lt is Type.DURATION:
            self.fail(node, "durations cannot be compared; use 'older than' or 'newer than'")
        return Type.BOOL

    def _call(self, node: Call) -> Type | None:
        if node.function == "last_action_in":
            if node.group not in self.scope.groups:
                self.fail(node, f"unknown code group {node.group!r}")
            else:
                node.args = []
            return Type.INSTANT
        types = [self.check(a) for a in node.args]
        if any(t is None for t in types):
            return None
        if node.function == "if_missing":
            if len(types) != 2:
                self.fail(node, "if_missing takes two values: if_missing(value, otherwise)")
                return None
            if types[0] != types[1]:
                self.fail(node, f"if_missing: {_a(types[0])} and {_a(types[1])} differ")  # type: ignore[arg-type]
                return None
            return types[0]
        # max and min
        if len(types) < 2:
            self.fail(node, f"{node.function} needs at least two values")
            return None
        first = types[0]
        if first not in ORDERED or any(t != first for t in types):
            names = ", ".join(_a(t) for t in types)  # type: ignore[arg-type]
            self.fail(
                node,
                f"{node.function} needs values of one kind (money, numbers or dates), got {names}",
            )
            return None
        return first


def _verb(op: str) -> str:
    return {"+": "add", "-": "subtract", "*": "multiply"}[op]


def check(node: Node, scope: Scope, *, want: Type | None = None) -> list[Problem]:
    """Type-check ``node`` in ``scope``; ``want=BOOL`` for a rule's condition."""
    c = _Checker(scope)
    t = c.check(node)
    if want is Type.BOOL and t is not None and t is not Type.BOOL:
        c.fail(node, f"a condition must be yes or no, but this is {_a(t)}")
    if t is Type.DURATION and want is None:
        c.fail(node, "a derived fact cannot be a duration; make it a parameter")
    return c.problems


def names_used(node: Node) -> set[str]:
    from rentbook.policy.syntax import walk

    return {n.name for n in walk(node) if isinstance(n, Name)}
