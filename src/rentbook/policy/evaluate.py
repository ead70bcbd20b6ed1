"""The per-account evaluator: decides one account and says which facts decided it.

Each expression is compiled once into nested Python closures over a dict of facts. The
semantics of a missing value (None) are the language's, shared with the vectorised evaluator:
arithmetic with a missing value is missing; a comparison, membership or date window with a
missing value is false; ``not`` turns false into true; a missing yes/no fact is false.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from rentbook.money import format_pounds
from rentbook.policy.facts import FACTS
from rentbook.policy.model import Decision, Policy
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
    walk,
)
from rentbook.policy.types import Duration, Type, as_instant, day_start

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]

_CMP = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_SYMBOL = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "is", "!=": "is not"}
_OPPOSITE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def _sub(node: Node, policy: Policy) -> Fn:
    """A child's function: already compiled when a tree is compiled children first."""
    return node.fn if node.fn is not None else _compile(node, policy)


def _compile(node: Node, policy: Policy) -> Fn:
    if isinstance(node, Literal):
        value = node.value
        return lambda env: value
    if isinstance(node, Name):
        name = node.name
        if node.kind == "parameter":
            value = policy.parameters[name][1]
            return lambda env: value
        if node.kind == "fact" and FACTS[name].held_as_date:
            return lambda env: as_instant(env[name])
        return lambda env: env[name]
    if isinstance(node, Unary):
        f = _sub(node.operand, policy)  # type: ignore[arg-type]

        def negate(env: Env) -> Any:
            v = f(env)
            return None if v is None else -v

        return negate
    if isinstance(node, Binary):
        return _binary(node, policy)
    if isinstance(node, WeeksOfCharge):
        f = _sub(node.weeks, policy)  # type: ignore[arg-type]

        def weeks(env: Env) -> Any:
            n, charge = f(env), env["weekly_charge"]
            return None if n is None or charge is None else n * charge

        return weeks
    if isinstance(node, Call):
        return _call(node, policy)
    if isinstance(node, Compare):
        a, b = _sub(node.left, policy), _sub(node.right, policy)  # type: ignore[arg-type]
        op = _CMP[node.op]

        def compare(env: Env) -> bool:
            x = a(env)
            if x is None:
                return False
            y = b(env)
            return y is not None and op(x, y)

        return compare
    if isinstance(node, Presence):
        f = _sub(node.operand, policy)  # type: ignore[arg-type]
        if node.present:
            return lambda env: f(env) is not None
        return lambda env: f(env) is None
    if isinstance(node, Member):
        f = _sub(node.operand, policy)  # type: ignore[arg-type]
        codes = frozenset(node.codes)
        if node.negated:
            return lambda env: f(env) not in codes
        return lambda env: f(env) in codes
    if isinstance(node, Window):
        f = _sub(node.operand, policy)  # type: ignore[arg-type]
        span_fn = _sub(node.span, policy)  # type: ignore[arg-type]
        older = node.older

        def window(env: Env) -> bool:
            t = f(env)
            if t is None:
                return False
            span: Duration = span_fn(env)
            edge = day_start(span.shift(env["now"], -1))
            return t <= edge if older else t > edge

        return window
    if isinstance(node, Flag):
        flag = node.flag
        return lambda env: flag in env["flags"]
    if isinstance(node, Not):
        f = _sub(node.operand, policy)  # type: ignore[arg-type]
        return lambda env: not f(env)
    if isinstance(node, Logic):
        fs = tuple(_sub(n, policy) for n in node.operands)
        if node.op == "and":

            def all_(env: Env) -> bool:
                # a plain loop: a generator in all() costs a frame per call on the hot path
                for g in fs:  # noqa: SIM110
                    if not g(env):
                        return False
                return True

            return all_

        def any_(env: Env) -> bool:
            for g in fs:  # noqa: SIM110
                if g(env):
                    return True
            return False

        return any_
    raise AssertionError(node)


def _binary(node: Binary, policy: Policy) -> Fn:
    a, b = _sub(node.left, policy), _sub(node.right, policy)  # type: ignore[arg-type]
    if node.right.type is Type.DURATION:  # type: ignore[union-attr]
        sign = 1 if node.op == "+" else -1

        def shift(env: Env) -> Any:
            t, d = a(env), b(env)
            return None if t is None else d.shift(t, sign)

        return shift
    op = {"+": operator.add, "-": operator.sub, "*": operator.mul}[node.op]

    def arith(env: Env) -> Any:
        x, y = a(env), b(env)
        return None if x is None or y is None else op(x, y)

    return arith


def _call(node: Call, policy: Policy) -> Fn:
    if node.function == "last_action_in":
        codes = frozenset(policy.groups[node.group])

        def last_in(env: Env) -> Any:
            ats = [at for code, at in env["actions"] or () if code in codes and at is not None]
            return max(ats) if ats else None

        return last_in
    fs = tuple(_sub(n, policy) for n in node.args)
    if node.function == "if_missing":
        first, otherwise = fs

        def if_missing(env: Env) -> Any:
            v = first(env)
            return otherwise(env) if v is None else v

        return if_missing
    pick = max if node.function == "max" else min

    def extreme(env: Env) -> Any:
        values = [f(env) for f in fs]
        return None if any(v is None for v in values) else pick(values)

    return extreme


class Evaluator:
    """One compiled policy, deciding accounts one at a time."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        for node in _all_nodes(policy):
            node.fn = None
        self.derived = [(d.name, _attach(d.expr, policy)) for d in policy.derived]
        self.rules = [(r, _attach(r.when, policy)) for r in policy.rules]
        self.labels = {d.name: d for d in policy.derived}

    def facts(self, base: Mapping[str, Any]) -> dict[str, Any]:
        """Base facts plus every derived fact."""
        env = dict(base)
        for name, fn in self.derived:
            env[name] = fn(env)
        return env

    def decide(self, base: Mapping[str, Any], *, explain: bool = True) -> Decision:
        env = self.facts(base)
        for rule, fn in self.rules:
            if fn(env):
                action = self.policy.actions[rule.action]
                reasons = (
                    tuple(dict.fromkeys(self.explain(rule.when, env, True))) if explain else ()
                )
                return Decision(action.name, action.category, action.priority, rule.id, reasons)
        action = self.policy.actions[self.policy.default]
        reasons = ("no rule applies",) if explain else ()
        return Decision(action.name, action.category, action.priority, None, reasons)

    # ---- reasons --------------------------------------------------------------------------

    def explain(self, node: Node, env: Env, truth: bool) -> list[str]:
        """Plain-English reasons why ``node`` is ``truth`` for these facts."""
        if isinstance(node, Logic):
            values = [(n, n.fn(env)) for n in node.operands]
            # an "and" that holds needs every part; one that fails needs only the first failure
            wanted_all = (node.op == "and") == truth
            if wanted_all:
                return [r for n, _ in values for r in self.explain(n, env, truth)]
            n = next(n for n, v in values if bool(v) == truth)
            return self.explain(n, env, truth)
        if isinstance(node, Not):
            return self.explain(node.operand, env, not truth)  # type: ignore[arg-type]
        if isinstance(node, Name) and node.name in self.labels and self.labels[node.name].by_parts:
            return self.explain(self.labels[node.name].expr, env, truth)
        return [self._atom(node, env, truth)]

    def _atom(self, node: Node, env: Env, truth: bool) -> str:
        if isinstance(node, Compare):
            left, right = node.left, node.right
            lv, rv = left.fn(env), right.fn(env)  # type: ignore[union-attr]
            if lv is None or rv is None:
                missing = left if lv is None else right
                return f"no {self.label(missing)}"  # type: ignore[arg-type]
            op = node.op if truth else _OPPOSITE[node.op]
            return f"{self.describe(left, env)} {_SYMBOL[op]} {self.describe(right, env)}"  # type: ignore[arg-type]
        if isinstance(node, Presence):
            v = node.operand.fn(env)  # type: ignore[union-attr]
            if v is None:
                return f"no {self.label(node.operand)}"  # type: ignore[arg-type]
            return self.describe(node.operand, env)  # type: ignore[arg-type]
        if isinstance(node, Member):
            v = node.operand.fn(env)  # type: ignore[union-attr]
            group = node.group.replace("_", " ") if node.group else ", ".join(node.codes)
            if v is None:
                return f"no {self.label(node.operand)}"  # type: ignore[arg-type]
            inside = v in node.codes
            return f"{self.label(node.operand)} {v} is {'' if inside else 'not '}in {group}"  # type: ignore[arg-type]
        if isinstance(node, Window):
            v = node.operand.fn(env)  # type: ignore[union-attr]
            span = node.span.fn(env)  # type: ignore[union-attr]
            if v is None:
                return f"no {self.label(node.operand)}"  # type: ignore[arg-type]
            word = "older" if node.older else "newer"
            is_ = "is" if node.fn(env) else "is not"
            return f"{self.label(node.operand)} {_show(v)} {is_} {word} than {span}"  # type: ignore[arg-type]
        if isinstance(node, Flag):
            name = node.flag.replace("_", " ")
            return f"{name} flag active" if node.fn(env) else f"no {name} flag"
        value = node.fn(env)
        if isinstance(node, Name) and node.name in self.labels:
            d = self.labels[node.name]
            return d.yes if value else d.no
        if node.type is Type.BOOL:
            return self.label(node) if value else f"not {self.label(node)}"
        return f"{self.describe(node, env)}"

    def label(self, node: Node) -> str:
        if isinstance(node, Name):
            if node.name in FACTS:
                return FACTS[node.name].label
            if node.name in self.labels:
                return self.labels[node.name].label
            return node.name.replace("_", " ")
        if isinstance(node, Call) and node.function == "last_action_in":
            return f"last {node.group.replace('_', ' ')} action"
        return "value"

    def describe(self, node: Node, env: Env) -> str:
        """A value with what it is: "effective arrears £20.00", "£380.00 (4 weeks of charge)"."""
        value = _show(node.fn(env), node.type)
        if isinstance(node, Literal):
            return value
        if isinstance(node, Name) and node.kind == "parameter":
            return value
        if isinstance(node, WeeksOfCharge):
            n = node.weeks.fn(env)  # type: ignore[union-attr]
            return f"{value} ({n} week{'' if n == 1 else 's'} of charge)"
        if isinstance(node, Name | Call):
            return f"{self.label(node)} {value}"
        return value


def _show(value: Any, type_: Type | None = None) -> str:
    if value is None:
        return "none"
    if type_ is Type.MONEY:
        return format_pounds(value)
    if isinstance(value, datetime):
        if value == day_start(value):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _attach(node: Node, policy: Policy) -> Fn:
    """Compile every node of the tree, so reasons can read any part's value."""
    for n in reversed(list(walk(node))):  # children before parents
        n.fn = _compile(n, policy)
    return node.fn


def _all_nodes(policy: Policy):
    for d in policy.derived:
        yield from walk(d.expr)
    for r in policy.rules:
        yield from walk(r.when)
