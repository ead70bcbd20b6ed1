"""Improvement plans: import a plan's table (CSV or Excel), and the quarterly position report
in the layout of seed 003 (reference, action area, who, when, position statement).

A row whose reference is a bare number (2, R1, R13) is an objective; any other (2.14, R1a) is
an action under the objective its reference starts with (R1a under R1, 2.14 under 2). Rows
keep the order of the landlord's table. Importing again updates the plan in place: the same
reference is the same objective or action, a position statement is one per date, and a
statement the same as the latest before it is not stored again.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from rentbook.performance.indicators import BY_CODE, Period, Scope
from rentbook.performance.models import CustomIndicator
from rentbook.performance.targets import better_of, custom_value, rag
from rentbook.plans.models import Action, Item, Objective, Plan, PositionStatement, Status
from rentbook.spreadsheet import workbook

#: Column names a plan's table may use, normalised (lower case, words joined by "_").
ALIASES = {
    "ref": "reference",
    "reference": "reference",
    "action_area": "title",
    "action": "title",
    "title": "title",
    "objective": "title",
    "who": "who",
    "owner": "who",
    "owners": "who",
    "lead": "who",
    "when": "when",
    "by_when": "when",
    "due": "when",
    "timescale": "when",
    "position_statement": "statement",
    "position": "statement",
    "progress": "statement",
    "resources": "resources",
    "resource": "resources",
    "measure_of_success": "measure_of_success",
    "measures_of_success": "measure_of_success",
    "status": "status",
    "indicator": "indicator",
    "target": "target_value",
    "target_date": "target_date",
}
REQUIRED = ("reference", "title")
OBJECTIVE_REF = re.compile(r"^[A-Za-z]*\d+$")
REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/]{0,19}$")
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})")
STATUS_BY_LABEL = {
    **{s.value: s.value for s in Status},
    **{s.label.lower(): s.value for s in Status},
}


class PlanFileError(ValueError):
    """The file as a whole cannot be read (not CSV or Excel, no header, a required column
    missing)."""


@dataclass
class ImportResult:
    objectives: int
    actions: int
    statements: int
    errors: list[str]


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The file's rows as (line number, {field: text}), blank rows skipped."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        import polars as pl

        try:
            frame = pl.read_excel(
                io.BytesIO(content), sheet_id=1, infer_schema_length=0, drop_empty_rows=False
            )
        except Exception as e:  # the Excel reader raises many kinds of error
            raise PlanFileError(
                f"the file could not be read as Excel: {type(e).__name__}"
            ) from None
        header = list(frame.columns)
        raw = [
            [("" if v is None else str(v).removesuffix(" 00:00:00")) for v in row]
            for row in frame.iter_rows()
        ]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252")
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        if not rows:
            raise PlanFileError("the file is empty")
        header, raw = rows[0], rows[1:]
    fields = [ALIASES.get(_normal(h), "") for h in header]
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise PlanFileError(
            "the first row must name the columns; missing: "
            + ", ".join({"reference": "Ref", "title": "Action Area"}[m] for m in missing)
        )
    out = []
    for n, cells in enumerate(raw, start=2):
        row: dict[str, str] = {}
        for f, v in zip(fields, cells, strict=False):
            if f and f not in row:
                row[f] = (v or "").strip()
        if any(row.values()):
            out.append((n, row))
    return out


def last_date(text: str) -> date | None:
    """The last date written in ``text`` (31/01/2010 or 2010-01-31), if any."""
    found = None
    for m in DATE.finditer(text):
        try:
            if m[1]:
                found = date(int(m[3]), int(m[2]), int(m[1]))
            else:
                found = date(int(m[4]), int(m[5]), int(m[6]))
        except ValueError:
            continue
    return found


def objective_ref(ref: str) -> str:
    m = re.match(r"^([A-Za-z]*\d+)", ref)
    return m[1] if m else ""


def _check(row: dict[str, str], seen: set[str]) -> list[str]:
    errors = []
    ref = row.get("reference", "")
    if not ref:
        errors.append("Ref is missing")
    elif not REF.match(ref):
        errors.append(f"Ref {ref!r} must be letters, digits and dots, at most 20 characters")
    elif ref in seen:
        errors.append(f"Ref {ref} appears twice")
    if not row.get("title"):
        errors.append("Action Area is missing")
    status = row.get("status", "")
    if status and status.lower() not in STATUS_BY_LABEL:
        errors.append(f"Status {status!r} is not one of " + ", ".join(s.label for s in Status))
    code = row.get("indicator", "")
    if code and code not in BY_CODE and not CustomIndicator.objects.filter(code=code).exists():
        errors.append(f"Indicator {code!r} is not a known indicator code")
    target = row.get("target_value", "")
    if target:
        try:
            Decimal(target.rstrip("%"))
        except InvalidOperation:
            errors.append(f"Target {target!r} is not a number")
    td = row.get("target_date", "")
    if td and last_date(td) is None:
        errors.append(f"Target date {td!r} is not a date (DD/MM/YYYY)")
    return errors


@transaction.atomic
def import_plan(
    plan: Plan,
    rows: list[tuple[int, dict[str, str]]],
    as_at: date,
    by=None,  # type: ignore[no-untyped-def]
) -> ImportResult:
    """Store the good rows (re-runnable); report each bad row as "line N: reason"."""
    errors: list[str] = []
    seen: set[str] = set()
    objectives: dict[str, Objective] = {o.reference: o for o in plan.objectives.all()}
    counts = [0, 0, 0]
    for line, row in rows:
        problems = _check(row, seen)
        if problems:
            errors.extend(f"line {line}: {p}" for p in problems)
            continue
        ref = row["reference"]
        seen.add(ref)
        common = {
            "title": row["title"],
            "who": row.get("who", ""),
            "when": row.get("when", ""),
            "due": last_date(row.get("when", "")),
            "position": line,
        }
        item: Item
        if OBJECTIVE_REF.match(ref) and ref not in {a.reference for a in plan.actions.all()}:
            item, _ = Objective.objects.update_or_create(plan=plan, reference=ref, defaults=common)
            objectives[ref] = item
            counts[0] += 1
        else:
            extra = {
                "objective": objectives.get(objective_ref(ref)),
                "resources": row.get("resources", ""),
                "measure_of_success": row.get("measure_of_success", ""),
                "indicator": row.get("indicator", ""),
                "target_value": Decimal(row["target_value"].rstrip("%"))
                if row.get("target_value")
                else None,
                "target_date": last_date(row.get("target_date", "")),
            }
            if row.get("status"):
                extra["status"] = STATUS_BY_LABEL[row["status"].lower()]
            item, _ = Action.objects.update_or_create(
                plan=plan, reference=ref, defaults={**common, **extra}
            )
            counts[1] += 1
        text = row.get("statement", "")
        if text and _statement(item, as_at) != text:  # an unchanged statement carries on
            owner = {"objective": item} if isinstance(item, Objective) else {"action": item}
            PositionStatement.objects.update_or_create(
                **owner, as_at=as_at, defaults={"text": text, "recorded_by": by}
            )
            counts[2] += 1
    return ImportResult(counts[0], counts[1], counts[2], errors)


@dataclass(frozen=True)
class ReportRow:
    reference: str
    title: str
    who: str
    when: str
    statement: str
    is_objective: bool
    status: str = ""
    rag: str | None = None
    value: float | Decimal | None = None
    target: Decimal | None = None
    action_id: int | None = None

    @property
    def cells(self) -> list[str]:
        return [self.reference, self.title, self.who, self.when, self.statement]


HEADINGS = ["Ref", "Action Area", "Who", "When", "Position statement"]


def _statement(item: Item, as_at: date) -> str:
    latest = item.statements.filter(as_at__lte=as_at).order_by("-as_at", "-id").first()  # type: ignore[attr-defined]
    return latest.text if latest else ""


def action_status(action: Action, period: Period, data=None) -> tuple:  # type: ignore[no-untyped-def]
    """(value, target, rag) of an action linked to an indicator, for the landlord over
    ``period``: its red/amber/green is the indicator's against the action's target."""
    if not action.indicator or action.target_value is None:
        return None, None, None
    code = action.indicator
    value: float | Decimal | None
    if code in BY_CODE:
        from rentbook.performance import indicators

        data = data if data is not None else indicators.load(period)
        value = BY_CODE[code].compute(data, Scope.landlord()).value
    else:
        value = custom_value(code, period, Scope.landlord())
    return value, action.target_value, rag(value, action.target_value, better_of(code))


def quarterly_report(plan: Plan, period: Period) -> list[ReportRow]:
    """The plan's rows in its own order with each one's latest position statement on or before
    the period's end, and each linked action's red/amber/green."""
    items: list[Item] = [*plan.objectives.all(), *plan.actions.all()]
    items.sort(key=lambda i: (i.position, i.reference))
    data = None
    if any(isinstance(i, Action) and i.indicator in BY_CODE for i in items):
        from rentbook.performance import indicators

        data = indicators.load(period)
    rows = []
    for item in items:
        if isinstance(item, Action):
            value, target, colour = action_status(item, period, data)
            status = item.get_status_display()
        else:
            value, target, colour, status = None, None, None, ""
        rows.append(
            ReportRow(
                item.reference,
                item.title,
                item.who,
                item.when,
                _statement(item, period.end),
                isinstance(item, Objective),
                status,
                colour,
                value,
                target,
                item.pk if isinstance(item, Action) else None,
            )
        )
    return rows


def report_xlsx(plan: Plan, period: Period, rows: list[ReportRow]) -> bytes:

    buf = io.BytesIO()
    book = workbook(buf)
    sheet = book.add_worksheet("Position report")
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sheet.write(0, 0, f"{plan.name} quarterly report", bold)
    sheet.write(1, 0, period.name)
    for c, h in enumerate(HEADINGS):
        sheet.write(3, c, h, bold)
    for r, row in enumerate(rows, start=4):
        for c, v in enumerate(row.cells):
            sheet.write_string(r, c, v, head if row.is_objective else wrap)
    for c, width in enumerate((8, 50, 20, 14, 70)):
        sheet.set_column(c, c, width)
    book.close()
    return buf.getvalue()


def parse_day(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date")
