from __future__ import annotations

import pytest

from rentbook.comms import merge
from rentbook.comms.models import Template
from rentbook.comms.pdf import body_html
from rentbook.comms.services import TemplateError, current_template, save_version, uk_mobile

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_merge_fields_are_filled_and_nothing_is_evaluated():
    assert (
        merge.fill("Owe ((balance)) {{ x }} {% y %}", {"balance": "£1.00"})
        == "Owe £1.00 {{ x }} {% y %}"
    )
    with pytest.raises(merge.MergeError, match=r"\(\(__import__\)\)|\(\(secret\)\)"):
        merge.fill("((secret))", {})


def test_letter_words_are_escaped():
    assert (
        str(body_html("# Hi <b>\n\n<script>x</script>"))
        == "<h2>Hi &lt;b&gt;</h2>\n<p>&lt;script&gt;x&lt;/script&gt;</p>"
    )


def test_an_edit_is_a_new_version_and_an_unknown_field_is_refused(officer):
    t = current_template("IC1", "letter")
    with pytest.raises(TemplateError) as e:
        save_version(t, by=officer, body="((nonsense))")
    assert "nonsense" in e.value.errors["body"]
    new = save_version(t, by=officer, body="Pay ((balance))")
    t.refresh_from_db()
    assert (t.version, t.is_current, new.version, new.is_current) == (1, False, 2, True)
    assert current_template("IC1", "letter") == new


def test_the_tenants_language_is_used_with_english_as_fallback(account):
    Template.objects.create(
        code="IC1", channel="letter", language="Welsh", name="Llythyr", body="x"
    )
    assert current_template("IC1", "letter", "Welsh").language == "Welsh"
    assert current_template("IC1", "letter", "Polish").language == "English"


def test_account_values(account):
    v = merge.account_values(account, today=NOW.date(), officer_name="Olu")
    assert (v["balance"], v["weekly_charge"], v["tenant_names"]) == (
        "£175.00",
        "£100.00",
        "Sam Okafor",
    )
    assert v["address_block"].endswith("AB1 2CD")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("020 7946 0000", None),
        ("", None),
    ],
)
def test_uk_mobile(text, expected):
    assert uk_mobile(text) == expected
