"""A plan imported from a CSV with the layout of seed 003's table gives a quarterly report with
the same rows; bad rows are reported with their line numbers; importing again changes
nothing twice."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from rentbook.performance.indicators import Period, Scope
from rentbook.performance.models import CustomIndicator
from rentbook.performance.targets import set_custom_value
from rentbook.plans.models import Action, Objective, Plan, PositionStatement
from rentbook.plans.services import (
    HEADINGS,
    PlanFileError,
    import_plan,
    quarterly_report,
    read_table,
    report_xlsx,
)

pytestmark = pytest.mark.django_db

SEED_003 = Path("/work/shared/seeds/003_ac3dbec667e6c217.txt")
HERE = Path(__file__).parent / "seed_003_table.tsv"
QUARTER = Period(date(2009, 4, 1), date(2009, 6, 30), "April - June 2009")


def seed_rows() -> list[list[str]]:
    """Seed 003's table: the tab-separated rows after its heading line (a copy is kept beside
    this test so it runs without the shared seeds)."""
    text = SEED_003.read_text() if SEED_003.exists() else HERE.read_text()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Ref\t"))
    rows = [line.split("\t") for line in lines[start + 1 :] if line.strip()]
    return [(r + [""] * 5)[:5] for r in rows]


def as_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADINGS)
    w.writerows(rows)
    return buf.getvalue().encode()


def test_seed_003_table_round_trips_through_import_and_quarterly_report():
    rows = seed_rows()
    assert len(rows) == 22 and rows[0][0] == "R1" and rows[-1][0] == "R13b"
    plan = Plan.objects.create(name="Benefits Improvement Plan")
    result = import_plan(plan, read_table(as_csv(rows), "plan.csv"), QUARTER.end)
    assert result.errors == []
    assert (result.objectives, result.actions) == (8, 14)
    report = quarterly_report(plan, QUARTER)
    assert [r.cells for r in report] == [[c.strip() for c in r] for r in rows]
    r1a = Action.objects.get(plan=plan, reference="R1a")
    assert r1a.objective == Objective.objects.get(plan=plan, reference="R1")
    assert r1a.due == date(2009, 5, 19)
    assert Action.objects.get(reference="R11c").objective is None  # the seed has no R11
    assert Objective.objects.get(reference="R4").due == date(2010, 9, 30)  # "Interim … Full …"


def test_importing_again_updates_in_place_and_keeps_statements_per_date():
    rows = seed_rows()
    plan = Plan.objects.create(name="Plan")
    import_plan(plan, read_table(as_csv(rows), "plan.csv"), QUARTER.end)
    import_plan(plan, read_table(as_csv(rows), "plan.csv"), QUARTER.end)
    assert plan.actions.count() == 14 and plan.objectives.count() == 8
    n = PositionStatement.objects.count()
    rows[1][4] = "Decision made: stays with Income Recovery."
    import_plan(plan, read_table(as_csv(rows), "plan.csv"), date(2009, 9, 30))
    assert PositionStatement.objects.count() == n + 1
    q2 = quarterly_report(plan, Period(date(2009, 7, 1), date(2009, 9, 30)))
    q1 = quarterly_report(plan, QUARTER)
    assert q2[1].statement == "Decision made: stays with Income Recovery."
    assert q1[1].statement.startswith("Initial discussions")


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_kept():
    content = as_csv(
        [
            ["R1", "Improve collection", "", "31/01/2010", ""],
            ["", "No reference", "", "", ""],
            ["R1a", "", "D Taylor", "", ""],
            ["R1b", "Fine", "D Taylor", "19/06/2009", "Going well"],
            ["R1b", "Twice", "", "", ""],
        ]
    )
    plan = Plan.objects.create(name="P")
    result = import_plan(plan, read_table(content, "p.csv"), QUARTER.end)
    assert result.errors == [
        "line 3: Ref is missing",
        "line 4: Action Area is missing",
        "line 6: Ref R1b appears twice",
    ]
    assert [r.reference for r in quarterly_report(plan, QUARTER)] == ["R1", "R1b"]


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(PlanFileError, match="missing: Ref"):
        read_table(b"Name,When\nx,y\n", "p.csv")


def test_excel_plan_and_linked_action_takes_its_rag_from_the_indicator():
    days = CustomIndicator.objects.create(
        code="hb-days", name="Average days to process a claim", better="lower"
    )
    set_custom_value(days, QUARTER, Scope(), Decimal(16))
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    header = ["Ref", "Action Area", "Who", "When", "Position statement", "Indicator", "Target"]
    row = ["R5a", "Improve claim processing performance.", "K Herbert", "30/06/2009",
           "16 days against 21 last quarter.", "hb-days", "13"]  # fmt: skip
    for c, v in enumerate(header):
        sheet.write(0, c, v)
    for c, v in enumerate(row):
        sheet.write(1, c, v)
    book.close()
    plan = Plan.objects.create(name="X")
    result = import_plan(plan, read_table(buf.getvalue(), "plan.xlsx"), QUARTER.end)
    assert result.errors == []
    (r,) = quarterly_report(plan, QUARTER)
    assert (r.value, r.target, r.rag) == (Decimal(16), Decimal(13), "red")
    xlsx = report_xlsx(plan, QUARTER, [r])
    import polars as pl

    sheet_rows = pl.read_excel(io.BytesIO(xlsx), read_options={"header_row": 3})
    assert sheet_rows.row(0) == tuple(r.cells)
