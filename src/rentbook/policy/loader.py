"""Read a policy file, validate all of it, and report every problem as ``file:line: message``.

tomllib gives values but no positions, so :class:`Locator` scans the raw text for the line of
each table and key; a problem inside a condition adds the column.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rentbook.money import MoneyError, parse_pounds
from rentbook.policy.checker import Scope, check, names_used
from rentbook.policy.facts import FACTS, RISK_FACTS, STANDARD_FLAGS
from rentbook.policy.model import CATEGORIES, LEGAL_CATEGORIES, Action, Derived, Policy, Rule
from rentbook.policy.syntax import FUNCTIONS, KEYWORDS, Node, ParseError, parse
from rentbook.policy.types import Duration, Type

SHIPPED = Path(__file__).resolve().parent / "policies"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: The longest rule id or action name: the run stores both with each recommendation
#: (engine/models.py, Recommendation.rule and .action).
MAX_NAME = 60
_TABLES = {"policy", "parameters", "groups", "facts", "actions", "rules"}
_POLICY_KEYS = {"name", "title", "description", "jurisdiction", "default", "flags"}
_ACTION_KEYS = {"category", "priority", "label", "code"}
_RULE_KEYS = {"id", "action", "label", "when"}
_FACT_KEYS = {"value", "label", "yes", "no", "explain"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = f" (column {self.column})" if self.column else ""
        return f"{self.path}:{self.line}: {self.message}{where}"


class PolicyError(Exception):
    """A policy that does not load; ``problems`` holds every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class Locator:
    """Where each table and key of a TOML file starts, found by scanning its lines."""

    _KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=\s*""")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple, int] = {}
        self.values: dict[tuple, tuple[int, int]] = {}  # where a string value's text begins
        counts: dict[tuple, int] = {}
        current: tuple = ()
        open_delim = ""
        for number, line in enumerate(text.split("\n"), 1):
            if open_delim:
                if open_delim in line:
                    open_delim = ""
                continue
            stripped = line.strip()
            if stripped.startswith("[["):
                name = _table_name(stripped[2:].split("]]")[0])
                index = counts.get(name, 0)
                counts[name] = index + 1
                current = (*name, index)
                self.lines[current] = number
            elif stripped.startswith("["):
                current = _table_name(stripped[1:].split("]")[0])
                self.lines[current] = number
            elif m := self._KEY.match(line):
                key = (*current, m[1].strip("\"'"))
                self.lines[key] = number
                rest = line[m.end() :]
                if rest[:3] in ('"""', "'''"):
                    after = rest[3:]
                    if rest[:3] in after:
                        self.values[key] = (number, m.end() + 4)
                    else:
                        open_delim = rest[:3]
                        # TOML drops a newline straight after the opening quotes
                        self.values[key] = (
                            (number + 1, 1) if not after.strip() else (number, m.end() + 4)
                        )
                elif rest[:1] in ('"', "'"):
                    self.values[key] = (number, m.end() + 2)

    def line(self, *path) -> int:
        """The line of the deepest part of ``path`` that was found (1 if none)."""
        for n in range(len(path), 0, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return 1

    def position(self, path: tuple, text: str, offset: int) -> tuple[int, int | None]:
        """File line and column of ``offset`` inside the string value at ``path``."""
        if path not in self.values:
            return self.line(*path), None
        line, column = self.values[path]
        before = text[:offset]
        newlines = before.count("\n")
        if newlines:
            return line + newlines, offset - before.rfind("\n")
        return line, column + offset


def _table_name(text: str) -> tuple:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.where = Locator(text)
        self.problems: list[Problem] = []

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.path, self.where.line(*path), message))

    def fail_in(self, path: tuple, source: str, offset: int, message: str) -> None:
        line, column = self.where.position(path, source, offset)
        self.problems.append(Problem(self.path, line, message, column))

    def expression(
        self, path: tuple, source: object, scope: Scope, want: Type | None
    ) -> Node | None:
        if not isinstance(source, str) or not source.strip():
            self.fail(path, f"{path[-1]} must be an expression in a string")
            return None
        try:
            node = parse(source)
        except ParseError as e:
            self.fail_in(path, source, e.offset, e.message)
            return None
        for offset, message in check(node, scope, want=want):
            self.fail_in(path, source, offset, message)
        return node

    def read(self) -> Policy | None:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"at line (\d+), column (\d+)", str(e))
            line, column = (int(m[1]), int(m[2])) if m else (1, None)
            message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
            self.problems.append(Problem(self.path, line, f"not valid TOML: {message}", column))
            return None
        for key in data:
            if key not in _TABLES:
                self.fail(
                    (key,), f"unknown table [{key}] (expected one of {', '.join(sorted(_TABLES))})"
                )
        head = self.table(data, "policy")
        for key in head:
            if key not in _POLICY_KEYS:
                self.fail(("policy", key), f"unknown key {key!r} in [policy]")
        strings = {}
        for key in ("name", "title", "description", "jurisdiction", "default"):
            value = head.get(key)
            if not isinstance(value, str) or not value.strip():
                self.fail(("policy", key), f"[policy] needs {key} (text)")
                value = ""
            strings[key] = value
        flags = set(STANDARD_FLAGS)
        extra = head.get("flags", [])
        if not isinstance(extra, list) or not all(
            isinstance(f, str) and _IDENT.match(f) for f in extra
        ):
            self.fail(("policy", "flags"), "flags must be a list of flag names")
        else:
            flags |= set(extra)

        scope = Scope(flags=flags)
        scope.parameters = self.parameters(self.table(data, "parameters"))
        scope.groups = self.groups(self.table(data, "groups"), scope)
        derived = self.derived(self.table(data, "facts"), scope)
        actions = self.actions(self.table(data, "actions"))
        default = strings["default"]
        if default and default not in actions:
            self.fail(
                ("policy", "default"), f"default action {default!r} is not declared in [actions]"
            )
        rules = self.rules(data.get("rules", []), scope, actions)
        self.no_score_for_legal_steps(rules, derived, actions)
        if self.problems:
            return None
        return Policy(
            name=strings["name"],
            title=strings["title"],
            description=strings["description"],
            jurisdiction=strings["jurisdiction"],
            default=default,
            path=self.path,
            parameters=scope.parameters,
            groups=scope.groups,
            derived=derived,
            actions=actions,
            rules=rules,
            flags=frozenset(flags),
        )

    def table(self, data: dict, name: str) -> dict:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.fail((name,), f"{name} must be a table: [{name}]")
            return {}
        return value

    def clashes(self, path: tuple, name: str, scope: Scope | None = None) -> bool:
        if not _IDENT.match(name):
            self.fail(path, f"{name!r} is not a name (letters, digits and _)")
            return True
        taken = None
        if name in FACTS:
            taken = "a base fact"
        elif name in KEYWORDS or name in FUNCTIONS:
            taken = "a word of the language"
        elif scope and name in scope.parameters:
            taken = "a parameter"
        elif scope and name in scope.groups:
            taken = "a code group"
        if taken:
            self.fail(path, f"{name!r} is already {taken}")
        return bool(taken)

    def parameters(self, table: dict) -> dict[str, tuple[Type, object]]:
        out: dict[str, tuple[Type, object]] = {}
        for name, value in table.items():
            path = ("parameters", name)
            if self.clashes(path, name):
                continue
            if isinstance(value, bool):
                out[name] = (Type.BOOL, value)
            elif isinstance(value, int):
                out[name] = (Type.NUMBER, value)
            elif isinstance(value, str) and value.strip().lstrip("-").startswith("£"):
                try:
                    out[name] = (Type.MONEY, parse_pounds(value))
                except MoneyError as e:
                    self.fail(path, f"parameter {name}: {e}")
            elif isinstance(value, str) and re.match(r"^\s*\d+\s+[a-z]+\s*$", value):
                try:
                    out[name] = (Type.DURATION, Duration.parse(value))
                except ValueError as e:
                    self.fail(path, f"parameter {name}: {e}")
            elif isinstance(value, str):
                out[name] = (Type.TEXT, value)
            else:
                self.fail(
                    path,
                    f'parameter {name}: use money like "£10.00", a duration like "3 months", '
                    "a whole number, true/false or text",
                )
        return out

    def groups(self, table: dict, scope: Scope) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for name, codes in table.items():
            path = ("groups", name)
            if self.clashes(path, name, scope):
                continue
            if (
                not isinstance(codes, list)
                or not codes
                or not all(isinstance(c, str) and c.strip() for c in codes)
            ):
                self.fail(path, f'group {name} must be a list of action codes, e.g. ["IC1"]')
                continue
            out[name] = tuple(codes)
        return out

    def derived(self, table: dict, scope: Scope) -> list[Derived]:
        parsed: dict[str, tuple[Node, str, dict]] = {}
        for name, spec in table.items():
            path = ("facts", name)
            if self.clashes(path, name, scope):
                continue
            extra: dict = {}
            source = spec
            if isinstance(spec, dict):
                for key in spec:
                    if key not in _FACT_KEYS:
                        self.fail((*path, key), f"unknown key {key!r} in fact {name}")
                source, extra = spec.get("value"), spec
                if spec.get("explain", "parts") != "parts":
                    self.fail((*path, "explain"), f'fact {name}: explain must be "parts"')
                path = (*path, "value")
            if not isinstance(source, str):
                self.fail(path, f"fact {name} must be an expression in a string")
                continue
            try:
                node = parse(source)
            except ParseError as e:
                self.fail_in(path, source, e.offset, e.message)
                continue
            parsed[name] = (node, source, extra)
        # compute order: each fact after those it uses
        order: list[str] = []
        state: dict[str, int] = {}
        looped: set[str] = set()

        def visit(name: str, chain: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                loop = " → ".join([*chain[chain.index(name) :], name])
                self.fail(("facts", name), f"derived facts refer to each other in a loop: {loop}")
                looped.update(chain[chain.index(name) :])
                return
            state[name] = 1
            for used in sorted(names_used(parsed[name][0])):
                if used in parsed:
                    visit(used, [*chain, name])
            state[name] = 2
            order.append(name)

        for name in parsed:
            visit(name, [])
        out = []
        for name in order:
            if name in looped:
                continue
            node, source, extra = parsed[name]
            path = ("facts", name, "value") if extra else ("facts", name)
            problems = check(node, scope)
            for offset, message in problems:
                self.fail_in(path, source, offset, message)
            if node.type is not None:
                scope.derived[name] = node.type
            label = extra.get("label") or name.replace("_", " ")
            out.append(
                Derived(
                    name,
                    node,
                    source,
                    label,
                    yes=extra.get("yes") or label,
                    no=extra.get("no") or f"not {label}",
                    by_parts=extra.get("explain") == "parts",
                )
            )
        return out

    def actions(self, table: dict) -> dict[str, Action]:
        out: dict[str, Action] = {}
        for name, spec in table.items():
            path = ("actions", name)
            if not _IDENT.match(name):
                self.fail(path, f"{name!r} is not a name (letters, digits and _)")
                continue
            if len(name) > MAX_NAME:
                self.fail(path, f"action {name!r} is longer than {MAX_NAME} characters")
            if not isinstance(spec, dict):
                self.fail(path, f"action {name} must be a table: [actions.{name}]")
                continue
            for key in spec:
                if key not in _ACTION_KEYS:
                    self.fail((*path, key), f"unknown key {key!r} in action {name}")
            category = spec.get("category")
            if category not in CATEGORIES:
                self.fail(
                    (*path, "category"),
                    f"action {name}: category {category!r} is not one of {', '.join(CATEGORIES)}",
                )
            priority = spec.get("priority")
            if not isinstance(priority, int) or isinstance(priority, bool):
                self.fail((*path, "priority"), f"action {name}: priority must be a whole number")
            label = spec.get("label")
            if not isinstance(label, str) or not label.strip():
                self.fail((*path, "label"), f"action {name}: needs a plain-English label")
            code = spec.get("code")
            if code is not None and not isinstance(code, str):
                self.fail((*path, "code"), f'action {name}: code must be text, e.g. "IC1"')
            out[name] = Action(
                name, str(category), priority if isinstance(priority, int) else 0, str(label), code
            )
        return out

    def rules(self, items: object, scope: Scope, actions: dict[str, Action]) -> list[Rule]:
        if not isinstance(items, list):
            self.fail(("rules",), "rules must be written as [[rules]] tables")
            return []
        out: list[Rule] = []
        seen: set[str] = set()
        for index, spec in enumerate(items):
            path = ("rules", index)
            for key in spec:
                if key not in _RULE_KEYS:
                    self.fail((*path, key), f"unknown key {key!r} in a rule")
            rule_id = spec.get("id")
            if not isinstance(rule_id, str) or not _IDENT.match(rule_id):
                self.fail((*path, "id"), "every rule needs an id (letters, digits and _)")
                rule_id = f"rule {index + 1}"
            elif rule_id in seen:
                self.fail((*path, "id"), f"duplicate rule id {rule_id!r}")
            elif len(rule_id) > MAX_NAME:
                self.fail(
                    (*path, "id"), f"rule id {rule_id!r} is longer than {MAX_NAME} characters"
                )
            seen.add(rule_id)
            action = spec.get("action")
            if action not in actions:
                self.fail(
                    (*path, "action"),
                    f"rule {rule_id}: action {action!r} is not declared in [actions]",
                )
            label = spec.get("label")
            if not isinstance(label, str) or not label.strip():
                self.fail((*path, "label"), f"rule {rule_id}: needs a plain-English label")
            node = self.expression((*path, "when"), spec.get("when"), scope, Type.BOOL)
            if node is not None:
                out.append(Rule(rule_id, str(action), str(label), node, spec["when"]))
        return out

    def no_score_for_legal_steps(
        self, rules: list[Rule], derived: list[Derived], actions: dict[str, Action]
    ) -> None:
        """No notice, court or enforcement step may be triggered or hastened by a risk score
        (docs/risk.md): a rule for one may not read a risk fact, itself or through a derived
        fact."""
        reads: dict[str, set[str]] = {}
        for d in derived:  # in compute order: each after those it uses
            used = names_used(d.expr)
            reads[d.name] = used | {n for u in used for n in reads.get(u, set())}
        for index, rule in enumerate(rules):
            action = actions.get(rule.action)
            if action is None or action.category not in LEGAL_CATEGORIES:
                continue
            used = names_used(rule.when)
            scores = sorted(
                (n, via) for via in used for n in ({via} | reads.get(via, set()))
                if n in RISK_FACTS
            )  # fmt: skip
            if scores:
                name, via = scores[0]
                how = "" if name == via else f" (through {via})"
                self.fail(
                    ("rules", index, "when"),
                    f"rule {rule.id}: a {action.category} step may not read the risk score "
                    f"{name}{how}: a score may hold a letter back or bring a call forward, "
                    "never trigger or hasten a legal step",
                )


def read_policy(text: str, path: str = "<policy>") -> tuple[Policy | None, list[Problem]]:
    """Parse and validate a policy's text: the policy, or None and every problem found."""
    reader = _Reader(text, path)
    policy = reader.read()
    return policy, reader.problems


def find_policy(name_or_path: str) -> Path:
    """A shipped policy by name (``hackney``), or a path to a ``.toml`` file."""
    if _IDENT.match(name_or_path) and (SHIPPED / f"{name_or_path}.toml").exists():
        return SHIPPED / f"{name_or_path}.toml"
    return Path(name_or_path)


def shipped_policies() -> list[str]:
    return sorted(p.stem for p in SHIPPED.glob("*.toml"))


def load_policy(name_or_path: str | Path) -> Policy:
    """Load and validate a policy; raises PolicyError listing every problem."""
    path = find_policy(str(name_or_path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        known = ", ".join(shipped_policies())
        raise PolicyError(
            [Problem(str(path), 0, f"cannot read the policy ({e.strerror}); shipped: {known}")]
        ) from e
    policy, problems = read_policy(text, str(path))
    if policy is None:
        raise PolicyError(problems)
    return policy
