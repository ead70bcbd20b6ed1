from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rentbook.legal import rules

D = date(2026, 3, 2)


def test_nosp_earliest_date_is_28_days_on_and_lapses_12_months_after_it():
    assert rules.notice_dates("nosp", D) == (date(2026, 3, 30), date(2027, 3, 30))


def test_section8_runs_12_months_from_service():
    assert rules.notice_dates("section8", D) == (date(2026, 3, 30), date(2027, 3, 2))


def test_notice_of_proceedings_gives_six_months_after_the_earliest_date():
    assert rules.notice_dates("nop", D) == (date(2026, 3, 30), date(2026, 9, 30))


@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.sampled_from(["nosp", "section8", "nop"]))
def test_a_notice_is_valid_from_service_until_it_lapses(served, kind):
    earliest, expires = rules.notice_dates(kind, served)
    assert served + timedelta(days=28) == earliest < expires
    assert rules.notice_valid(expires, None, earliest)
    assert not rules.notice_valid(expires, None, expires)


def test_checklist_names_each_missing_step_and_dates_the_done_ones():
    items = rules.checklist("england", [("CALL", D), ("IC1", D)], D)
    assert [i.key for i in items if i.done] == ["contacted", "written"]
    missing = rules.missing_steps(items)
    assert len(missing) == 3 and "debt advice" in missing[0]


def test_checklist_ignores_steps_older_than_the_window_or_after_the_day():
    old = D - timedelta(days=rules.PRE_ACTION_WINDOW_DAYS + 1)
    items = rules.checklist("england", [("CALL", old), ("IC1", D + timedelta(days=1))], D)
    assert not any(i.done for i in items)


def test_scotland_asks_for_advice_on_housing_costs():
    keys = [s.key for s in rules.PRE_ACTION_STEPS["scotland"]]
    assert "housing_costs" in keys


def _blockers(**kw):
    base = dict(
        eviction_on=date(2026, 6, 1),
        authorised_by_role="income_manager",
        authorised_on=date(2026, 5, 1),
        consultations={"housing_options": date(2026, 4, 20), "social_work": date(2026, 4, 21)},
        required=("housing_options", "social_work"),
        notified_on=date(2026, 5, 2),
        recipients=["tenant", "social work"],
        on=date(2026, 6, 1),
    )
    base.update(kw)
    return rules.eviction_blockers(**base)


def test_an_authorised_notified_eviction_outside_the_appeal_window_may_proceed():
    assert _blockers() == []


def test_eviction_cannot_proceed_inside_the_appeal_window():
    out = _blockers(authorised_on=date(2026, 5, 28))
    assert any("appeal window" in b for b in out)


def test_eviction_cannot_proceed_without_authorisation_by_a_role_that_may():
    assert any("not been authorised" in b for b in _blockers(authorised_by_role="income_officer"))
    assert any("not been authorised" in b for b in _blockers(authorised_on=None))


def test_eviction_needs_14_days_written_notice_and_the_consultations_first():
    assert any("14 days" in b for b in _blockers(notified_on=date(2026, 5, 20)))
    assert any("Social work" in b for b in _blockers(consultations={"housing_options": D}))


def test_three_decrees_within_ten_years_of_the_start_is_serial():
    start = date(2010, 1, 1)
    three = [date(2012, 1, 1), date(2015, 1, 1), date(2019, 12, 31)]
    assert rules.serial_decrees(start, three, date(2026, 1, 1))
    assert not rules.serial_decrees(start, [*three[:2], date(2020, 1, 2)], date(2026, 1, 1))
    assert not rules.serial_decrees(start, three, date(2016, 1, 1))
