from datetime import date

import pytest
from django.core.management import CommandError, call_command

from rentbook.simulate.management.commands.simulate import last_sunday_before


def test_the_default_end_is_the_last_sunday_before_today():
    assert last_sunday_before(date(2025, 6, 30)) == date(2025, 6, 29)  # a Monday
    assert last_sunday_before(date(2025, 6, 29)) == date(2025, 6, 22)  # a Sunday
    assert last_sunday_before(date(2025, 7, 5)) == date(2025, 6, 29)  # a Saturday


def test_the_command_writes_the_three_files(tmp_path, capsys):
    call_command(
        "simulate",
        "--tenancies",
        "50",
        "--years",
        "1",
        "--seed",
        "9",
        "--end",
        "2025-03-30",
        "--out",
        str(tmp_path),
        "--rent-free",
        "christmas=1",
    )
    assert "50 tenancies" in capsys.readouterr().out
    for name in ("tenancies", "charges", "transactions"):
        assert (tmp_path / f"{name}.csv").stat().st_size > 0


def test_an_end_that_is_not_a_sunday_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Sunday"):
        call_command("simulate", "--tenancies", "5", "--end", "2025-03-31", "--out", str(tmp_path))
