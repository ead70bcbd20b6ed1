"""Targets and red/amber/green status, and custom indicators' values.

A value is green when it meets its target (at or below it when lower is better, at or above
when higher is better), amber when it misses by no more than the target's ``amber_within``
(by default a tenth of the target), and red when it misses by more. No value, no status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rentbook.performance.indicators import BY_CODE, Period, Scope
from rentbook.performance.models import CustomIndicator, CustomValue, Target

GREEN, AMBER, RED = "green", "amber", "red"
RAG_LABELS = {GREEN: "On target", AMBER: "Near target", RED: "Off target"}
DEFAULT_AMBER_SHARE = Decimal("0.1")


def rag(
    value: float | Decimal | None,
    target: float | Decimal | None,
    better: str,
    amber_within: float | Decimal | None = None,
) -> str | None:
    if value is None or target is None:
        return None
    v, t = Decimal(str(value)), Decimal(str(target))
    margin = (
        Decimal(str(amber_within)) if amber_within is not None else abs(t) * DEFAULT_AMBER_SHARE
    )
    miss = (v - t) if better == "lower" else (t - v)
    if miss <= 0:
        return GREEN
    return AMBER if miss <= margin else RED


def better_of(code: str) -> str:
    if code in BY_CODE:
        return BY_CODE[code].better
    custom = CustomIndicator.objects.filter(code=code).first()
    return custom.better if custom else "higher"


def target_for(code: str, period: Period, scope: Scope) -> Target | None:
    """The target set for exactly this period and scope, else the rent year's (or quarter's)
    target that covers the period's end for the same scope, else the landlord's."""
    qs = Target.objects.filter(indicator=code)
    scoped = qs.filter(scope_kind=scope.kind, scope_id=scope.id)
    exact = scoped.filter(period_start=period.start, period_end=period.end).first()
    if exact:
        return exact
    covering = scoped.filter(period_start__lte=period.end, period_end__gte=period.end)
    found = covering.order_by("period_end", "-period_start").first()
    if found or scope.kind == "landlord":
        return found
    return target_for(code, period, Scope.landlord())


def set_target(
    code: str,
    period: Period,
    scope: Scope,
    value: Decimal,
    amber_within: Decimal | None = None,
    by=None,  # type: ignore[no-untyped-def]
) -> Target:
    target, _ = Target.objects.update_or_create(
        indicator=code,
        period_start=period.start,
        period_end=period.end,
        scope_kind=scope.kind,
        scope_id=scope.id,
        defaults={"value": value, "amber_within": amber_within, "set_by": by},
    )
    return target


def set_custom_value(
    indicator: CustomIndicator,
    period: Period,
    scope: Scope,
    value: Decimal,
    source: str = CustomValue.Source.MANUAL,
    by=None,  # type: ignore[no-untyped-def]
) -> CustomValue:
    row, _ = CustomValue.objects.update_or_create(
        indicator=indicator,
        period_start=period.start,
        period_end=period.end,
        scope_kind=scope.kind,
        scope_id=scope.id,
        defaults={"value": value, "source": source, "entered_by": by},
    )
    return row


def custom_value(code: str, period: Period, scope: Scope) -> Decimal | None:
    """The value entered for the period (the latest period ending within it if none exactly)."""
    qs = CustomValue.objects.filter(indicator__code=code, scope_kind=scope.kind, scope_id=scope.id)
    exact = qs.filter(period_start=period.start, period_end=period.end).first()
    if exact:
        return exact.value
    within = qs.filter(period_end__gte=period.start, period_end__lte=period.end)
    row = within.order_by("-period_end").first()
    return row.value if row else None


@dataclass(frozen=True)
class Status:
    code: str
    value: float | Decimal | None
    target: Decimal | None
    rag: str | None

    @property
    def rag_label(self) -> str:
        return RAG_LABELS.get(self.rag or "", "No target")


class TargetBook:
    """Every target, read once, answering target_for as it does: a dashboard asks for the
    status of each indicator of each scope on the page (a few hundred look-ups)."""

    def __init__(self) -> None:
        self.by_code: dict[str, list[Target]] = {}
        for t in Target.objects.all():
            self.by_code.setdefault(t.indicator, []).append(t)

    def target_for(self, code: str, period: Period, scope: Scope) -> Target | None:
        scoped = [
            t
            for t in self.by_code.get(code, [])
            if t.scope_kind == scope.kind and t.scope_id == scope.id
        ]
        for t in scoped:
            if t.period_start == period.start and t.period_end == period.end:
                return t
        covering = [t for t in scoped if t.period_start <= period.end <= t.period_end]
        covering.sort(key=lambda t: (t.period_end, -t.period_start.toordinal()))
        if covering or scope.kind == "landlord":
            return covering[0] if covering else None
        return self.target_for(code, period, Scope.landlord())


def status(
    code: str,
    value: float | Decimal | None,
    period: Period,
    scope: Scope,
    book: TargetBook | None = None,
) -> Status:
    t = book.target_for(code, period, scope) if book else target_for(code, period, scope)
    if t is None:
        return Status(code, value, None, None)
    return Status(code, value, t.value, rag(value, t.value, better_of(code), t.amber_within))


def import_custom_values(rows: list[dict[str, str]], by=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Import custom indicator values from rows with columns code, period_start, period_end,
    value (and optionally scope_kind, scope_id). Returns errors as "line N: reason"; good rows
    are stored (re-running updates them in place)."""
    errors: list[str] = []
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        indicator = CustomIndicator.objects.filter(code=code).first()
        if indicator is None:
            errors.append(f"line {line}: no custom indicator with code {code!r}")
            continue
        try:
            start = date.fromisoformat((row.get("period_start") or "").strip())
            end = date.fromisoformat((row.get("period_end") or "").strip())
            value = Decimal((row.get("value") or "").strip())
            period = Period(start, end)
        except (ValueError, ArithmeticError) as e:
            errors.append(f"line {line}: {e}")
            continue
        kind = (row.get("scope_kind") or "landlord").strip() or "landlord"
        sid = (row.get("scope_id") or "").strip()
        scope = Scope(kind, int(sid) if sid.isdigit() else None)
        set_custom_value(indicator, period, scope, value, CustomValue.Source.IMPORT, by)
    return errors
