from __future__ import annotations

import csv
import io

import pytest

from rentbook.cases.models import DiaryEntry, Pause
from rentbook.comms.automation import send_for_run
from rentbook.comms.models import AutoSend, Message
from rentbook.comms.services import current_template, manifest_csv, send_batch
from rentbook.engine.models import Run
from rentbook.engine.signals import run_done
from rentbook.portfolio.models import Patch
from tests.cases.builders import make_run, recommend
from tests.factories import make_account

from .conftest import NOW, pdf_text

pytestmark = pytest.mark.django_db


def test_a_batch_prints_one_letter_per_account_in_order_with_a_manifest(officer, tmp_path):
    accounts = [make_account(last_name=name) for name in ("Adams", "Brown", "Clarke")]
    ic1 = current_template("IC1", "letter")  # with a statement page: 2 pages a letter
    bli = current_template("BLI", "letter")  # 1 page
    items = [(accounts[0], ic1, None), (accounts[1], bli, None), (accounts[2], ic1, None)]
    result = send_batch(items, now=NOW, by=officer, processes=2)
    batch = result.batch
    assert (batch.letters, batch.pages) == (3, 5)
    rows = list(csv.DictReader(io.StringIO(manifest_csv(batch))))
    assert [(r["account"], r["first_page"], r["last_page"]) for r in rows] == [
        (accounts[0].reference, "1", "2"),
        (accounts[1].reference, "3", "3"),
        (accounts[2].reference, "4", "5"),
    ]
    text = pdf_text(bytes(batch.pdf), tmp_path)
    pages = text.split("\f")
    for (account, _template, _rec), row in zip(items, rows, strict=True):
        assert account.reference in pages[int(row["first_page"]) - 1]
    assert DiaryEntry.objects.filter(code="IC1").count() == 2


def test_a_batch_small_chunks_keep_the_order(officer, tmp_path):
    accounts = [make_account(last_name=f"N{i}") for i in range(5)]
    bli = current_template("BLI", "letter")
    result = send_batch([(a, bli, None) for a in accounts], now=NOW, by=officer)
    assert [m.account for m in result.sent] == accounts
    from rentbook.comms import pdf

    letters = [pdf.Letter(a.reference, ["1 Road", "AB1 2CD"], "today", "S", "B") for a in accounts]
    rendered = pdf.render_letters(letters, processes=2, chunk=2)
    pages = pdf_text(rendered.pdf, tmp_path).split("\f")
    assert [a.reference in pages[i] for i, a in enumerate(accounts)] == [True] * 5


def test_the_run_sends_only_what_an_administrator_chose_for_the_patch(officer):
    a, b, paused, texted = (make_account(last_name=n) for n in ("Ames", "Bell", "Cole", "Dunn"))
    other = Patch.objects.create(area=a.tenancy.property.patch.area, code="P2", name="Vale")
    prop = b.tenancy.property
    prop.patch = other
    prop.save()
    Pause.objects.create(
        account=paused, reason="promise", starts_at=NOW, until=NOW.date().replace(day=30)
    )
    run = make_run()
    for acc in (a, b, paused):
        recommend(run, acc, "send_letter_one")
    recommend(run, texted, "send_first_SMS")
    AutoSend.objects.create(
        policy="hackney", action="send_letter_one", patch=a.tenancy.property.patch
    )
    AutoSend.objects.create(policy="hackney", action="send_first_SMS", enabled=False)
    sent = send_for_run(run, now=NOW)
    assert {(m.account, m.code, m.status) for m in sent} == {
        (a, "IC1", "stored"),
        (paused, "IC1", "held"),
    }
    entry = DiaryEntry.objects.get(account=a)
    assert (entry.source, entry.code, entry.officer) == ("run", "IC1", None)
    assert not Message.objects.filter(account__in=[b, texted]).exists()


def test_the_run_done_signal_triggers_automatic_sending(officer):
    a = make_account()
    run = make_run()
    recommend(run, a, "send_letter_one")
    AutoSend.objects.create(policy="hackney", action="send_letter_one")
    run_done.send(sender=Run, run=run)
    assert Message.objects.get(account=a).source == "run"


def test_the_print_file_has_each_letter_on_its_own_a4_pages_in_order(officer):
    from pypdf import PdfReader

    accounts = [make_account(last_name=f"Order{i}") for i in range(7)]
    ic1, bli = current_template("IC1", "letter"), current_template("BLI", "letter")
    items = [(a, ic1 if i % 3 else bli, None) for i, a in enumerate(accounts)]
    result = send_batch(items, now=NOW, by=officer, processes=2)
    reader = PdfReader(io.BytesIO(bytes(result.batch.pdf)))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == result.batch.pages == 4 * 2 + 3
    assert {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    } == {(595, 842)}
    for m, (account, template, _rec) in zip(result.sent, items, strict=True):
        assert (m.account, m.batch_position) == (
            account,
            items.index((account, template, None)) + 1,
        )
        pages = texts[m.first_page - 1 : m.last_page]
        assert len(pages) == (2 if template.attach_statement else 1)
        assert all(account.reference in p for p in pages[:1])
        assert all(a.reference not in "".join(pages) for a in accounts if a != account)
        if template.attach_statement:
            assert "rent statement for the last 13 weeks" in pages[1]


def test_a_batch_holds_what_may_not_go_and_audits_everything_it_writes(officer):
    from rentbook.audit.models import AuditEvent

    ok, paused, duplicate = (make_account(last_name=n) for n in ("Ok", "Paused", "Dup"))
    Pause.objects.create(account=paused, reason="promise", starts_at=NOW, until=NOW.date())
    ic1 = current_template("IC1", "letter")
    send_batch([(duplicate, ic1, None)], now=NOW, by=officer)
    result = send_batch([(a, ic1, None) for a in (ok, paused, duplicate)], now=NOW, by=officer)
    assert [m.account for m in result.sent] == [ok]
    assert [(m.account, m.status) for m in result.held] == [(paused, "held"), (duplicate, "held")]
    assert "paused until" in result.held[0].detail and "Duplicate" in result.held[1].detail
    m = Message.objects.get(account=ok)
    assert (m.batch, m.first_page, m.last_page, m.diary_entry.code) == (result.batch, 1, 2, "IC1")
    events = AuditEvent.objects.filter(actor=officer)
    assert events.filter(
        action="create", object_type="cases.DiaryEntry", object_id=str(m.diary_entry_id)
    ).exists()
    assert events.filter(action="message.sent", object_id=str(m.pk)).exists()
