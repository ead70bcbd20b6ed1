"""What the dashboard, its exports and the committee report show, as plain values: the
indicators of one scope with targets and red/amber/green, the collection summary by fund,
the scopes below it, and the weekly arrears series."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from rentbook.ledger.calendar import RentFreeRule
from rentbook.money import format_pounds
from rentbook.performance import indicators as ind
from rentbook.performance.charts import Line, line_chart
from rentbook.performance.collection import FundRow, fund_summary
from rentbook.performance.indicators import INDICATORS, Data, Period, Scope, ScopeKind, Value
from rentbook.performance.models import CustomIndicator
from rentbook.performance.series import weekly_arrears, year_profile
from rentbook.performance.targets import RAG_LABELS, custom_value, status
from rentbook.portfolio.models import Area, Patch, User

#: The indicators whose accounts can be listed (drill-down).
DRILLABLE = frozenset(
    {
        "current_arrears_pct",
        "current_arrears_less_technical_pct",
        "gross_arrears_pct",
        "owing_13_weeks_pct",
        "leavers_in_arrears_pct",
        "leavers_weeks_owed",
        "former_arrears_collected_pct",
        "former_arrears_written_off_pct",
        "former_arrears_cleared_pct",
        "direct_debit_pct",
    }
)
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


def rows_for(data: Data, scope: Scope) -> list[Row]:
    rows = []
    for i in INDICATORS:
        v: Value = i.compute(data, scope)
        st = status(i.code, v.value, data.period, scope)
        rows.append(
            Row(
                i.code, i.name, i.unit, v.value, show(v.value, i.unit),
                show(st.target, i.unit) if st.target is not None else "",
                st.rag, i.source, i.interim, i.code in DRILLABLE, v.numerator, v.denominator,
            )
        )  # fmt: skip
    for c in CustomIndicator.objects.all():
        value = custom_value(c.code, data.period, scope)
        st = status(c.code, value, data.period, scope)
        rows.append(
            Row(
                c.code, c.name, c.unit, value, show(value, c.unit),
                show(st.target, c.unit) if st.target is not None else "", st.rag,
                "Entered or imported", False, False,
            )
        )  # fmt: skip
    return rows


def build(period: Period, scope: Scope, *, weeks_back: int = 26, profile: bool = True) -> Dashboard:
    data = ind.load(period)
    kind, kids = children_of(scope)
    children = []
    for k in kids:
        values = [ind.BY_CODE[c].compute(data, k).value for c in CHILD_CODES]
        children.append(
            Child(
                k,
                k.label,
                [show(v, ind.BY_CODE[c].unit) for c, v in zip(CHILD_CODES, values, strict=True)],
                [status(c, v, period, k).rag for c, v in zip(CHILD_CODES, values, strict=True)],
            )
        )
    last = period.end
    first = max(period.start, last - timedelta(weeks=weeks_back) + timedelta(days=1))
    series = weekly_arrears(first, last, scope)
    weeks = list(zip(series["week_end"].to_list(), series["arrears"].to_list(), strict=True))
    chart = line_chart(
        f"Current tenants' arrears at the end of each week, {scope.label}",
        [Line("Arrears (£)", [a / 100 for _, a in weeks])],
        [f"{d:%d %b}" for d, _ in weeks],
    )
    board = Dashboard(
        period, scope, trail_of(scope), rows_for(data, scope), fund_summary(data, scope),
        children, kind, weeks, chart,
    )  # fmt: skip
    if profile:
        rule = RentFreeRule.parse(settings.RENTBOOK_RENT_FREE_WEEKS)
        year = ind.rent_year_of(period.end)
        board.profile = year_profile([year - 1, year], scope, rule, period.end)
        prev, this = board.profile[year - 1], board.profile[year]
        n = max(len(prev), len(this))
        board.profile_chart = line_chart(
            "Arrears by week of the rent year, this year against last",
            [
                Line(
                    f"{year - 1}/{str(year)[-2:]}",
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
        return Period(period.start, today, f"{period.name} to {today:%d %b %Y}")
    return period
