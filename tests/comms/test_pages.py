from __future__ import annotations

import pytest
from django.urls import reverse

from rentbook.comms.models import LetterRequest, Message
from rentbook.comms.services import current_template
from rentbook.portfolio.models import Role
from tests.cases.builders import make_run, recommend
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(client, django_user_model):
    user = django_user_model.objects.create_user("olu", password="x", role=Role.INCOME_OFFICER)
    client.force_login(user)
    return client


def test_preview_then_send_from_the_case_and_a_duplicate_is_refused(client_in, account):
    url = reverse("web:comms-send", args=[account.reference])
    t = current_template("IC1", "letter")
    page = client_in.post(url, {"template": t.pk, "preview": "1"})
    assert page.status_code == 200 and "Dear Sam Okafor" in page.content.decode()
    sent = client_in.post(url, {"template": t.pk, "send": "1"})
    assert sent.status_code == 302
    assert Message.objects.get(account=account).status == "stored"
    again = client_in.post(url, {"template": t.pk, "send": "1"})
    assert again.status_code == 400 and "Duplicate: IC1 was already sent" in again.content.decode()
    assert Message.objects.filter(account=account).count() == 1
    listing = client_in.get(reverse("web:comms-sent", args=[account.reference]))
    assert "Stored in the outbox" in listing.content.decode()


def test_sending_without_choosing_names_the_field(client_in, account):
    page = client_in.post(reverse("web:comms-send", args=[account.reference]), {"send": "1"})
    assert (
        page.status_code == 400 and "Select the letter or message to send" in page.content.decode()
    )


def test_an_auditor_cannot_send(client, django_user_model, account):
    client.force_login(django_user_model.objects.create_user("a", password="x", role=Role.AUDITOR))
    assert client.get(reverse("web:comms-send", args=[account.reference])).status_code == 403


def test_the_batch_page_sends_the_letters_due_and_offers_the_print_file(
    client_in, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    a, b = make_account(last_name="Ames"), make_account(last_name="Bell")
    run = make_run()
    recommend(run, a, "send_letter_one")
    recommend(run, b, "send_letter_two")
    page = client_in.get(reverse("web:comms-letters")).content.decode()
    assert a.reference in page and b.reference in page  # the sample
    assert "recommends 2 letters not yet sent" in page
    only_one = client_in.get(reverse("web:comms-letters"), {"letter": "send_letter_two"})
    assert "1 letter chosen" in only_one.content.decode()
    bad = client_in.post(reverse("web:comms-letters"), {"letter": "nonsense", "patch": "x"})
    assert bad.status_code == 400 and "Choose a letter from the list" in bad.content.decode()
    assert "Choose a patch from the list" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client_in.post(reverse("web:comms-letters"), {"letter": "", "patch": ""})
    assert done.status_code == 302
    req = LetterRequest.objects.get()
    assert req.status == "done" and req.total == req.done == 2 and req.batch is not None
    batch = Message.objects.get(account=a).batch
    assert batch == req.batch and Message.objects.get(account=b).batch == batch
    page = client_in.get(reverse("web:comms-letters")).content.decode()
    assert "No letters are due." in page and f"Batch {batch.pk}: 2 letters" in page
    pdf = client_in.get(reverse("web:comms-letters-pdf", args=[batch.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    manifest = client_in.get(reverse("web:comms-letters-csv", args=[batch.pk])).content.decode()
    assert manifest.splitlines()[1].startswith(f"1,{a.reference},IC1,1,1,")
    assert manifest.splitlines()[2].startswith(f"2,{b.reference},IC2,1,")


def test_an_auditor_sees_the_letters_due_but_cannot_prepare_them(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("au", password="x", role=Role.AUDITOR))
    run = make_run()
    recommend(run, make_account(last_name="Ames"), "send_letter_one")
    page = client.get(reverse("web:comms-letters")).content.decode()
    assert "recommends 1 letter not yet sent" in page and 'data-testid="prepare"' not in page
    assert client.post(reverse("web:comms-letters"), {"letter": ""}).status_code == 403
    assert not LetterRequest.objects.exists()


@pytest.fixture
def admin_in(client, django_user_model):
    user = django_user_model.objects.create_user("adm", password="x", role=Role.ADMINISTRATOR)
    client.force_login(user)
    return client


def test_an_administrator_previews_an_edit_against_an_account_then_saves_a_version(
    admin_in, account
):
    t = current_template("GMS", "sms")
    url = reverse("web:comms-template-edit", args=[t.pk])
    data = {
        "name": t.name,
        "subject": "",
        "body": "You owe ((balance)) on ((reference))",
        "account": account.reference,
        "preview": "1",
    }
    page = admin_in.post(url, data)
    assert page.status_code == 200
    assert f"You owe £175.00 on {account.reference}" in page.content.decode()
    assert current_template("GMS", "sms").version == 1  # a preview saves nothing
    bad = admin_in.post(url, {**data, "body": "((owed))"})
    assert bad.status_code == 400 and "Unknown merge field ((owed))" in bad.content.decode()
    assert "((owed))" in bad.content.decode()  # what was typed is kept
    saved = admin_in.post(url, {**data, "save": "1"})
    assert saved.status_code == 302
    assert current_template("GMS", "sms").version == 2


def test_an_officer_cannot_edit_templates(client_in):
    assert client_in.get(reverse("web:comms-templates")).status_code == 403


def test_the_print_file_needs_sign_in_and_the_export_right(client_in, account):
    from rentbook.comms.services import send_batch

    from .conftest import NOW

    batch = send_batch([(account, current_template("BLI", "letter"), None)], now=NOW).batch
    url = reverse("web:comms-letters-csv", args=[batch.pk])
    assert client_in.get(url).status_code == 200
    client_in.logout()
    assert client_in.get(url).status_code == 302  # to sign in
