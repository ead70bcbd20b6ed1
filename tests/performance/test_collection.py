"""The collection summary by fund reproduces seed 002's table (paragraph 3) and sums a ledger."""

from __future__ import annotations

import pytest

from rentbook.money import parse_pounds
from rentbook.performance import indicators as ind
from rentbook.performance.collection import FundRow, fund_summary, with_total
from tests.performance.ledger import PERIOD, build

# Seed 002, "Council Revenues Collection 2013/14": fund, cash collected, sum billed,
# % collected, written off, % written off; the last line is the total row.
SEED_002 = """\
Council Tax	£41,028,634.82	£41,314,511.21	99.31	£548,953.41	1.33
NDR	£13,343,580.69	£13,684,722.07	97.51	£76,218.72	0.56
Rents	£3,703,115.12	£3,718,621.12	99.58	£70,428.72	1.89
Sundry Debtors	£8,735,855.59	£9,019,245.49	96.86	£178,584.27	1.98
Total	£66,811,186.22	£67,737,099.89	98.63	£874,167.12	1.29"""


def test_seed_002_percentages_and_total_row_come_from_its_money_figures():
    lines = [line.split("\t") for line in SEED_002.splitlines()]
    rows = [
        FundRow(f, parse_pounds(c), parse_pounds(b), parse_pounds(w))
        for f, c, b, _, w, _ in lines[:-1]
    ]
    table = with_total(rows)
    for row, (fund, cash, billed, pc, woff, pw) in zip(table, lines, strict=True):
        assert row.fund == fund
        assert (row.collected, row.billed) == (parse_pounds(cash), parse_pounds(billed))
        if fund != "Total":
            assert row.written_off == parse_pounds(woff)
        assert f"{row.collected_pct:.2f}" == pc
        assert f"{row.written_off_pct:.2f}" == pw
    # The seed's own written-off column adds up to £874,185.12, £18.00 more than its printed
    # total of £874,167.12; either gives 1.29%.
    assert table[-1].written_off - parse_pounds(lines[-1][4]) == 1_800


@pytest.mark.django_db
def test_fund_summary_of_the_hand_built_ledger():
    build()
    data = ind.load(PERIOD)
    rent, service, recharge, former, total = fund_summary(data, ind.Scope.landlord())
    # every charge is coded rent; current tenants' cash in the period: A 150, B 100, D's 0
    # before leaving (its £50 came after), E 100, F 100 (C's £40 is former tenant cash)
    assert (rent.billed, rent.collected, rent.written_off) == (80_000, 45_000, 0)
    assert (service.billed, recharge.billed) == (0, 0)
    assert (former.billed, former.collected, former.written_off) == (72_000, 9_000, 6_000)
    assert (total.billed, total.collected, total.written_off) == (152_000, 54_000, 6_000)
    assert rent.collected_pct == 56.25 and former.written_off_pct == 8.33
