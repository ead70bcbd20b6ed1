"""What the dashboard, its exports and the committee report show, as plain values: the
indicators of one scope with targets and red/amber/green, the collection summary by fund,
the scopes below it, and the weekly arrears series."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rentbook.money import format_pounds
from rentbook.performance import indicators as ind
from rentbook.performance import stored
from rentbook.performance.charts import Line, line_chart
from rentbook.performance.collection import FundRow
from rentbook.performance.indicators import INDICATORS, Period, Scope, ScopeKind
from rentbook.performance.models import CustomIndicator, IndicatorSet
from rentbook.performance.series import ProfilePoint
from rentbook.performance.stored import Figures
from rentbook.performance.targets import RAG_LABELS, TargetBook, custom_value, status
from rentbook.portfolio.models import Area, Patch, User

#: The indicators whose accounts can be listed (drill-down).
DRILLABLE = frozenset(stored.DRILL_BITS)
#: The figures shown for each scope one level down.
CHILD_CODES = ("current_arrears_pct", "rent_collected_pct", "owing_13_weeks_pct")


def show(value: float | int | Decimal | None, unit: str) -> str:
    if value is None:
        return "No data"
    if unit == "£":
        return format_pounds(int(value))
    if unit == "%":
        return f"{float(value):.2f}%"
    if unit == "count":
        return f"{int(value):,}"
    return f"{float(value):g} {unit}".strip()


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    unit: str
    value: float | int | Decimal | None
    shown: str
    target: str
    rag: str | None
    source: str
    interim: bool
    drillable: bool
    numerator: object = None
    denominator: object = None

    @property
    def rag_label(self) -> str:
        return RAG_LABELS.get(self.rag or "", "No target")


@dataclass(frozen=True)
class Child:
    scope: Scope
    name: str
    figures: list[str]
    rags: list[str | None]


@dataclass
class Dashboard:
    period: Period
    scope: Scope
    trail: list[Scope]
    rows: list[Row]
    funds: list[FundRow]
    children: list[Child]
    child_kind: str
    weeks: list[tuple[date, int]]
    chart: str
    profile_chart: str = ""
    profile: dict[int, list] = field(default_factory=dict)

    @property
    def profile_years(self) -> list[str]:
        return [f"{y}/{str(y + 1)[-2:]}" for y in self.profile]

    @property
    def profile_rows(self) -> list[tuple[int, list[int | None], str]]:
        """(week, arrears of each year, note) for the table beside the profile chart."""
        years = list(self.profile.values())
        if not years:
            return []
        out = []
        for i, p in enumerate(years[-1]):
            cells = [y[i].arrears if i < len(y) else None for y in years]
            note = " ".join(
                x
                for x in ("Rent-free" if p.rent_free else "", "Christmas" if p.christmas else "")
                if x
            )
            out.append((p.week, cells, note))
        return out

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.code == code)


def trail_of(scope: Scope) -> list[Scope]:
    """The scopes above ``scope``, from the landlord down (for breadcrumbs)."""
    out = [Scope.landlord()]
    if scope.kind == ScopeKind.PATCH and scope.id is not None:
        patch = Patch.objects.select_related("area").get(pk=scope.id)
        out.append(Scope.of(ScopeKind.AREA, patch.area_id))
    return out if scope.kind != ScopeKind.LANDLORD else []


def children_of(scope: Scope) -> tuple[str, list[Scope]]:
    if scope.kind == ScopeKind.LANDLORD:
        return "Areas", [Scope.of(ScopeKind.AREA, a.pk) for a in Area.objects.order_by("name")]
    if scope.id is None:
        return "", []
    if scope.kind == ScopeKind.AREA:
        patches = Patch.objects.filter(area_id=scope.id).order_by("code")
        return "Patches", [
            Scope(ScopeKind.PATCH, p.pk, f"Patch {p}", frozenset({p.pk})) for p in patches
        ]
    if scope.kind == ScopeKind.PATCH:
        users = User.objects.filter(patches__id=scope.id).order_by("username")
        return "Officers", [Scope.of(ScopeKind.OFFICER, u.pk) for u in users]
    return "", []


def rows_for(
    own: Figures, period: Period, scope: Scope, book: TargetBook | None = None
) -> list[Row]:
    book = book or TargetBook()
    rows = []
    for i in INDICATORS:
        value, numerator, denominator = own["values"].get(i.code, [None, None, None])
        st = status(i.code, value, period, scope, book)
        rows.append(
            Row(
                i.code, i.name, i.unit, value, show(value, i.unit),
                show(st.target, i.unit) if st.target is not None else "",
                st.rag, i.source, i.interim, i.code in DRILLABLE, numerator, denominator,
            )
        )  # fmt: skip
    for c in CustomIndicator.objects.all():
        custom = custom_value(c.code, period, scope)
        st = status(c.code, custom, period, scope, book)
        rows.append(
            Row(
                c.code, c.name, c.unit, custom, show(custom, c.unit),
                show(st.target, c.unit) if st.target is not None else "", st.rag,
                "Entered or imported", False, False,
            )
        )  # fmt: skip
    return rows


def from_set(s: IndicatorSet, scope: Scope, *, profile: bool = True) -> Dashboard:
    """The dashboard of ``scope`` from a stored set: a few rows, whatever the portfolio."""
    kind, kids = children_of(scope)
    figures = stored.figures(s, [scope.key, *(k.key for k in kids)])
    if scope.key not in figures:
        raise LookupError(f"the set holds no figures for {scope.label}")
    return assemble(stored.period_of(s), scope, figures, kind, kids, profile=profile)


def assemble(
    period: Period,
    scope: Scope,
    figures: dict[str, Figures],
    kind: str,
    kids: list[Scope],
    *,
    profile: bool,
) -> Dashboard:
    own = figures[scope.key]
    book = TargetBook()
    children = []
    for k in kids:
        if k.key not in figures:  # an area or patch added since the set was worked out
            continue
        values = [figures[k.key]["values"].get(c, [None])[0] for c in CHILD_CODES]
        children.append(
            Child(
                k,
                k.label,
                [show(v, ind.BY_CODE[c].unit) for c, v in zip(CHILD_CODES, values, strict=True)],
                [
                    status(c, v, period, k, book).rag
                    for c, v in zip(CHILD_CODES, values, strict=True)
                ],
            )
        )
    weeks = [(date.fromisoformat(d), a) for d, a in own["weeks"]]
    chart = line_chart(
        f"Current tenants' arrears at the end of each week, {scope.label}",
        [Line("Arrears (£)", [a / 100 for _, a in weeks])],
        [f"{d:%d %b}" for d, _ in weeks],
    )
    funds = [FundRow(f, c, b, w) for f, c, b, w in own["funds"]]
    board = Dashboard(
        period, scope, trail_of(scope), rows_for(own, period, scope, book), funds,
        children, kind, weeks, chart,
    )  # fmt: skip
    if profile and own["profile"]:
        board.profile = {
            int(y): [ProfilePoint(*p) for p in points] for y, points in own["profile"].items()
        }
        (prev_y, prev), (year, this) = sorted(board.profile.items())
        n = max(len(prev), len(this))
        board.profile_chart = line_chart(
            "Arrears by week of the rent year, this year against last",
            [
                Line(
                    f"{prev_y}/{str(prev_y + 1)[-2:]}",
                    [p.arrears / 100 if p.arrears is not None else None for p in prev],
                ),
                Line(
                    f"{year}/{str(year + 1)[-2:]}",
                    [p.arrears / 100 if p.arrears is not None else None for p in this],
                ),
            ],
            [f"wk {i + 1}" for i in range(n)],
            shaded={p.week - 1 for p in this if p.rent_free},
            marked={p.week - 1 for p in this if p.christmas},
        )
    return board


def scope_from(kind: str, id_text: str | None) -> Scope:
    """The scope a request names (ValueError or DoesNotExist when it names none)."""
    if kind in ("", ScopeKind.LANDLORD):
        return Scope.landlord()
    if kind not in ScopeKind.ALL or not (id_text or "").isdigit():
        raise ValueError(f"unknown scope {kind!r}")
    return Scope.of(kind, int(id_text or 0))


def period_from(kind: str, year: str | None, quarter: str | None, today: date) -> Period:
    """The rent year or quarter a request names; by default the one holding ``today``."""
    if not (year or "").isdigit():
        period = Period.of_day(today, "quarter" if kind == "quarter" else "year")
    elif kind == "quarter":
        q = int(quarter) if quarter in ("1", "2", "3", "4") and quarter else 1
        period = Period.quarter(int(year or 0), q)
    else:
        period = Period.year(int(year or 0))
    if period.start <= today < period.end:  # a period not yet over: up to today
        return period.to(today)
    return period
