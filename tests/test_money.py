import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.money import MoneyError, apportion, format_plain, format_pounds, parse_pounds


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("0", 0),
        ("12", 1200),
        ("12.5", 1250),
        ("12.05", 1205),
        ("£1,234.56", 123456),
        ("-£3.50", -350),
        ("£-3.50", -350),
        ("(3.50)", -350),
        ("+7.01", 701),
        (" 1 000.00 ", 100000),
    ],
)
def test_parse_pounds_accepts_what_housing_systems_export(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "1.234", "12.3.4", "1,23", "£", "--1", "1e3", "nan"])
def test_parse_pounds_refuses_what_is_not_money(text):
    with pytest.raises(MoneyError):
        parse_pounds(text)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_and_parse_round_trip(pence):
    assert parse_pounds(format_pounds(pence)) == pence
    assert parse_pounds(format_plain(pence)) == pence


def test_format_pounds_groups_thousands():
    assert format_pounds(123456789) == "£1,234,567.89"
    assert format_pounds(-5) == "-£0.05"


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20).filter(any),
)
def test_apportioned_parts_add_up_to_the_whole(total, weights):
    parts = apportion(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    for part, w in zip(parts, weights, strict=True):
        exact = total * w / sum(weights)
        assert abs(part - exact) < 1
