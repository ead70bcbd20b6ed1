"""Conditions and derived facts: a hand-written tokenizer and recursive-descent parser.

User text is only ever tokenized and parsed here; nothing is handed to ``eval``. Every node
remembers the offset it starts at, so an error can name the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rentbook.money import parse_pounds
from rentbook.policy.types import UNIT_WORDS, Duration, Type


class ParseError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Token:
    kind: str  # name, number, money, string, op, end
    text: str
    offset: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<money>£\d+(?:\.\d{1,2})?(?![\d.]))
  | (?P<number>\d+(?![\d.]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<string>"[^"\n]*"|'[^'\n]*')
  | (?P<op>>=|<=|==|!=|≥|≤|≠|[<>()\[\],+\-*])
    """,
    re.VERBOSE,
)

_OPS = {"≥": ">=", "≤": "<=", "≠": "!="}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            ch = text[pos]
            hint = " (money is written like £10.00)" if ch in "£0123456789" else ""
            raise ParseError(f"unexpected {ch!r}{hint}", pos)
        kind = m.lastgroup or ""
        if kind != "space":
            value = m.group()
            if kind == "op":
                value = _OPS.get(value, value)
            tokens.append(Token(kind, value, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# ---- the syntax tree ------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    offset: int
    type: Type | None = field(default=None, init=False)
    # set by the compiler: a function of the facts returning this node's value
    fn: Any = field(default=None, init=False, repr=False)


@dataclass(eq=False)
class Literal(Node):
    value: Any = None
    literal_type: Type | None = None
    text: str = ""


@dataclass(eq=False)
class Name(Node):
    name: str = ""
    # filled in by the checker: "fact", "derived" or "parameter"
    kind: str = ""


@dataclass(eq=False)
class Unary(Node):
    op: str = "-"
    operand: Node | None = None


@dataclass(eq=False)
class Binary(Node):
    op: str = "+"
    left: Node | None = None
    right: Node | None = None


@dataclass(eq=False)
class WeeksOfCharge(Node):
    weeks: Node | None = None


@dataclass(eq=False)
class Call(Node):
    function: str = ""
    args: list[Node] = field(default_factory=list)
    group: str = ""  # for last_action_in(group)


@dataclass(eq=False)
class Compare(Node):
    op: str = "=="
    left: Node | None = None
    right: Node | None = None


@dataclass(eq=False)
class Presence(Node):
    operand: Node | None = None
    present: bool = True


@dataclass(eq=False)
class Member(Node):
    operand: Node | None = None
    group: str = ""  # a group's name, or "" for an inline list
    codes: tuple[str, ...] = ()
    negated: bool = False


@dataclass(eq=False)
class Window(Node):
    operand: Node | None = None
    older: bool = True
    span: Node | None = None


@dataclass(eq=False)
class Flag(Node):
    flag: str = ""


@dataclass(eq=False)
class Not(Node):
    operand: Node | None = None


@dataclass(eq=False)
class Logic(Node):
    op: str = "and"
    operands: list[Node] = field(default_factory=list)


KEYWORDS = {
    "and",
    "or",
    "not",
    "is",
    "in",
    "present",
    "missing",
    "older",
    "newer",
    "than",
    "flag",
    "true",
    "false",
    "of",
    "charge",
}
FUNCTIONS = {"max", "min", "if_missing", "last_action_in"}
_COMPARISONS = {"<", "<=", ">", ">=", "==", "!="}


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, n: int = 1) -> Token:
        return self.tokens[min(self.i + n, len(self.tokens) - 1)]

    def at(self, *texts: str) -> bool:
        return self.tok.kind in ("name", "op") and self.tok.text in texts

    def take(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def expect(self, text: str, what: str | None = None) -> Token:
        if not self.at(text):
            raise ParseError(
                f"expected {what or repr(text)} but found {self.describe()}", self.tok.offset
            )
        return self.take()

    def describe(self) -> str:
        return "the end of the condition" if self.tok.kind == "end" else repr(self.tok.text)

    # grammar, loosest binding first

    def parse(self) -> Node:
        node = self.or_()
        if self.tok.kind != "end":
            raise ParseError(f"unexpected {self.describe()}", self.tok.offset)
        return node

    def or_(self) -> Node:
        first = self.and_()
        items = [first]
        while self.at("or"):
            self.take()
            items.append(self.and_())
        return first if len(items) == 1 else Logic(first.offset, op="or", operands=items)

    def and_(self) -> Node:
        first = self.not_()
        items = [first]
        while self.at("and"):
            self.take()
            items.append(self.not_())
        return first if len(items) == 1 else Logic(first.offset, op="and", operands=items)

    def not_(self) -> Node:
        if self.at("not"):
            t = self.take()
            return Not(t.offset, operand=self.not_())
        return self.test()

    def test(self) -> Node:
        left = self.sum_()
        t = self.tok
        if t.kind == "op" and t.text in _COMPARISONS:
            self.take()
            return Compare(left.offset, op=t.text, left=left, right=self.sum_())
        if self.at("is"):
            self.take()
            negated = bool(self.at("not")) and self.take() is not None
            word = self.take()
            if word.text not in ("present", "missing"):
                raise ParseError("expected 'present' or 'missing' after 'is'", word.offset)
            present = (word.text == "present") != negated
            return Presence(left.offset, operand=left, present=present)
        if self.at("not") and self.peek().text == "in":
            self.take()
            self.take()
            return self.member(left, negated=True)
        if self.at("in"):
            self.take()
            return self.member(left, negated=False)
        if self.at("older", "newer"):
            word = self.take()
            self.expect("than")
            return Window(left.offset, operand=left, older=word.text == "older", span=self.sum_())
        return left

    def member(self, left: Node, *, negated: bool) -> Node:
        if self.at("["):
            self.take()
            codes = [self.string()]
            while self.at(","):
                self.take()
                codes.append(self.string())
            self.expect("]")
            return Member(left.offset, operand=left, codes=tuple(codes), negated=negated)
        if self.tok.kind != "name" or self.tok.text in KEYWORDS:
            raise ParseError(
                f'expected a code group or a list like ["IC1", "IC2"] but found {self.describe()}',
                self.tok.offset,
            )
        return Member(left.offset, operand=left, group=self.take().text, negated=negated)

    def string(self) -> str:
        if self.tok.kind != "string":
            raise ParseError(f"expected a quoted code but found {self.describe()}", self.tok.offset)
        return self.take().text[1:-1]

    def sum_(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            op = self.take().text
            node = Binary(node.offset, op=op, left=node, right=self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("*"):
            self.take()
            node = Binary(node.offset, op="*", left=node, right=self.unary())
        return node

    def unary(self) -> Node:
        if self.at("-"):
            t = self.take()
            return Unary(t.offset, op="-", operand=self.unary())
        node = self.primary()
        if self.at("week", "weeks") and self.peek().text == "of":
            self.take()
            self.take()
            self.expect("charge", "'charge' (as in '4 weeks of charge')")
            return WeeksOfCharge(node.offset, weeks=node)
        return node

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "money":
            self.take()
            return Literal(
                t.offset, value=parse_pounds(t.text), literal_type=Type.MONEY, text=t.text
            )
        if t.kind == "number":
            self.take()
            unit = self.tok
            if (
                unit.kind == "name"
                and unit.text in UNIT_WORDS
                and not (unit.text in ("week", "weeks") and self.peek().text == "of")
            ):
                self.take()
                d = Duration(int(t.text), UNIT_WORDS[unit.text])
                return Literal(t.offset, value=d, literal_type=Type.DURATION, text=str(d))
            return Literal(t.offset, value=int(t.text), literal_type=Type.NUMBER, text=t.text)
        if t.kind == "string":
            self.take()
            return Literal(t.offset, value=t.text[1:-1], literal_type=Type.TEXT, text=t.text)
        if t.kind == "op" and t.text == "(":
            self.take()
            node = self.or_()
            self.expect(")", "')'")
            return node
        if t.kind == "name":
            if t.text in ("true", "false"):
                self.take()
                return Literal(
                    t.offset, value=t.text == "true", literal_type=Type.BOOL, text=t.text
                )
            if t.text == "flag":
                self.take()
                name = self.tok
                if name.kind != "name" or name.text in KEYWORDS:
                    raise ParseError("expected a flag name after 'flag'", name.offset)
                self.take()
                return Flag(t.offset, flag=name.text)
            if t.text in KEYWORDS:
                raise ParseError(f"unexpected {t.text!r}", t.offset)
            self.take()
            if self.at("("):
                return self.call(t)
            return Name(t.offset, name=t.text)
        raise ParseError(f"unexpected {self.describe()}", t.offset)

    def call(self, t: Token) -> Node:
        if t.text not in FUNCTIONS:
            raise ParseError(
                f"unknown function {t.text!r} (known: {', '.join(sorted(FUNCTIONS))})", t.offset
            )
        self.take()  # (
        if t.text == "last_action_in":
            g = self.tok
            if g.kind != "name" or g.text in KEYWORDS:
                raise ParseError("last_action_in needs a code group's name", g.offset)
            self.take()
            self.expect(")", "')'")
            return Call(t.offset, function=t.text, group=g.text)
        args = [self.or_()]
        while self.at(","):
            self.take()
            args.append(self.or_())
        self.expect(")", "')'")
        return Call(t.offset, function=t.text, args=args)


def parse(text: str) -> Node:
    """Parse a condition or a derived fact's expression; raises ParseError with an offset."""
    return _Parser(text).parse()


def walk(node: Node):
    """Every node of the tree, parents before children."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> list[Node]:
    if isinstance(node, Unary | Presence | Member | Not):
        return [node.operand] if node.operand else []
    if isinstance(node, Binary | Compare):
        return [n for n in (node.left, node.right) if n]
    if isinstance(node, Window):
        return [n for n in (node.operand, node.span) if n]
    if isinstance(node, WeeksOfCharge):
        return [node.weeks] if node.weeks else []
    if isinstance(node, Call):
        return list(node.args)
    if isinstance(node, Logic):
        return list(node.operands)
    return []
