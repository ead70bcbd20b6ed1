from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from rentbook.imports.services import import_file
from tests.factories import make_account, post

MANDATE_HEADER = [
    "dd_reference", "tenancy_ref", "payer_name", "sort_code", "account_number", "frequency",
    "collection_day", "amount", "first_collection", "status",
]  # fmt: skip


def mandate_row(ref: str, tenancy: str, **more: str) -> dict[str, str]:
    row = {
        "dd_reference": ref, "tenancy_ref": tenancy, "payer_name": "Sam Tenant",
        "sort_code": "40-12-34", "account_number": "12345678", "frequency": "monthly",
        "collection_day": "1", "amount": "450.00", "first_collection": "2026-11-02",
        "status": "live",
    }  # fmt: skip
    row.update(more)
    return row


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=MANDATE_HEADER)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def mandated(db, tmp_path):
    """One tenancy paying £450 by Direct Debit on 2 November 2026, mandate RB000001."""
    account = make_account(start=date(2024, 4, 1), payment_method="direct_debit")
    result = import_file(
        "mandates", write_csv(tmp_path / "m.csv", [mandate_row("RB000001", account.reference)])
    )
    assert result.ok, result.problems
    payment = post(account, date(2026, 11, 2), -45_000, "payment", "direct_debit")
    return account, payment


def arudd_xml(items: list[dict[str, str]], processing: str = "2026-11-06") -> str:
    """An ARUDD report in Bacs's XML layout, one ReturnedDebitItem per item."""
    body = "\n".join(
        f'''          <ReturnedDebitItem ref="{i.get("ref", "RB000001")}"
              transCode="{i.get("trans", "17")}" returnCode="{i["code"]}"
              returnDescription="{i.get("description", "")}"
              originalProcessingDate="{i.get("original", "2026-11-02")}"
              valueOf="{i.get("amount", "450.00")}" currency="GBP">
            <PayerAccount number="12345678" ref="{i.get("ref", "RB000001")}" name="SAM TENANT"
                sortCode="401234" bankName="A BANK" branchName="HIGH STREET"/>
          </ReturnedDebitItem>'''
        for i in items
    )
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<BACSDocument xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="newbacs-advices.xsd">
  <Data>
    <ARUDD>
      <Header reportType="REFT1027" adviceNumber="00123" currentProcessingDate="{processing}"/>
      <AddresseeInformation name="ANYTOWN COUNCIL"/>
      <ServiceLicenseInformation userName="ANYTOWN COUNCIL" userNumber="123456"/>
      <Advice>
        <OriginatingAccountRecords>
        <OriginatingAccountRecord>
          <OriginatingAccount name="ANYTOWN RENTS" number="87654321" sortCode="201234"
              type="0" bankName="COUNCIL BANK" branchName="TOWN HALL"/>
{body}
          <Totals numberOf="{len(items)}" valueOf="0.00" currency="GBP"/>
        </OriginatingAccountRecord>
        </OriginatingAccountRecords>
      </Advice>
    </ARUDD>
  </Data>
</BACSDocument>
'''


def addacs_xml(advices: list[dict[str, str]], generated: str = "2026-11-09") -> str:
    """An ADDACS report in Bacs's XML layout, one MessagingAdvice per advice."""
    body = "\n".join(
        f'''      <MessagingAdvice user-number="123456" record-type="A"
          effective-date="{a.get("effective", "2026-11-09")}" reference="{a.get("ref", "RB000001")}"
          payer-name="SAM TENANT" payer-account-number="12345678" payer-sort-code="401234"
          reason-code="{a["code"]}" payer-new-name="{a.get("new_name", "")}"
          payer-new-account-number="{a.get("new_account", "")}"
          payer-new-sort-code="{a.get("new_sort", "")}" aosn="" due-date=""/>'''
        for a in advices
    )
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<BACSDocument>
  <Data>
    <MessagingAdvices>
      <MessagingHeader report-generation-date="{generated}" report-type="REFT1019"
          user-name="ANYTOWN COUNCIL" user-number="123456"/>
{body}
    </MessagingAdvices>
  </Data>
</BACSDocument>
'''


def auddis_xml(advices: list[dict[str, str]], generated: str = "2026-11-30") -> str:
    """An AUDDIS report of rejected instructions in Bacs's XML layout (the MessagingAdvices
    shape ADDACS shares, its header saying advice-type AUDDIS)."""
    body = "\n".join(
        f'''      <MessagingAdvice user-number="123456" record-type="R"
          effective-date="{a.get("effective", "2026-11-27")}" reference="{a.get("ref", "RB000001")}"
          payer-name="SAM TENANT" payer-account-number="12345678" payer-sort-code="401234"
          transaction-code="{a.get("trans", "0N")}" reason-code="{a["code"]}"/>'''
        for a in advices
    )
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<BACSDocument>
  <Data>
    <MessagingAdvices>
      <MessagingHeader report-generation-date="{generated}" report-type="REFT1019"
          advice-type="AUDDIS" user-name="ANYTOWN COUNCIL" user-number="123456"/>
{body}
    </MessagingAdvices>
  </Data>
</BACSDocument>
'''


def ddica_xml(claims: list[dict], processing: str = "2026-11-20") -> str:
    """A DDICA report in Bacs's XML layout: one DDICAdvice per claim, each listing the Direct
    Debits claimed back as DDCollection elements."""
    body = "\n".join(
        f'''      <DDICAdvice DDICReference="{c.get("claim", "DDIC0000001")}"
          SUReference="{c.get("ref", "RB000001")}" ReasonCode="{c["code"]}"
          TotalAmount="{c.get("total", "450.00")}" PayerName="SAM TENANT"
          PayerSortCode="401234" PayerAccountNumber="12345678"
          DDICSubmissionDate="{processing}">
        <DDCollections>
'''
        + "\n".join(
            f'          <DDCollection DateOfDirectDebit="{day}" Amount="{amount}"/>'
            for day, amount in c.get("collections", [("2026-11-02", "450.00")])
        )
        + """
        </DDCollections>
      </DDICAdvice>"""
        for c in claims
    )
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<BACSDocument>
  <Data>
    <DDICReport>
      <Header reportType="DDICA" currentProcessingDate="{processing}"/>
      <NewAdvices>
{body}
      </NewAdvices>
    </DDICReport>
  </Data>
</BACSDocument>
'''
