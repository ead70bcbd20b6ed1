"""Direct Debit mandates, the instructions and collections rentbook sends Bacs, and what the
Bacs reports say came back. Money is integer pence; a collection is a ledger payment and a
return a ledger reversal (ledger/models.py), so these records explain the ledger, never
replace it."""

from __future__ import annotations

from django.db import models

from rentbook.imports.models import import_key, import_ref_field, import_source_field
from rentbook.ledger.models import Account


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    FOUR_WEEKLY = "four_weekly", "Every four weeks"
    MONTHLY = "monthly", "Monthly"


class Mandate(models.Model):
    """A Direct Debit Instruction: the payer's bank details, the reference Bacs knows it by,
    and when and how much is collected. ``collection_day`` is the day of the month (1 to 31,
    the last day in shorter months) for monthly mandates, else the weekday (0 Monday to 6)."""

    class Status(models.TextChoices):
        NEW = "new", "New: to be lodged (0N)"
        LODGED = "lodged", "Lodged with the payer's bank"
        LIVE = "live", "Live"
        SUSPENDED = "suspended", "Suspended: waiting for the payer or new details"
        CANCELLED = "cancelled", "Cancelled"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="mandates")
    reference = models.CharField(max_length=18, unique=True)
    payer_name = models.CharField(max_length=18)
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    collection_day = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField(help_text="pence per collection")
    first_collection = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    status_reason = models.CharField(max_length=120, blank=True, db_default="")
    status_on = models.DateField(null=True, blank=True)
    # A collection returned ARUDD 0 (refer to payer) may be presented once more (code 18).
    represent_due = models.ForeignKey(
        "Collection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The processing day the re-presentation is made: after the payer has been told.
    represent_on = models.DateField(null=True, blank=True)
    #: When the payer was told of the re-presentation (the DDR letter).
    represent_notice_on = models.DateField(null=True, blank=True)
    #: When the advance notice of the collections was sent (rentbook bacs sends it with the
    #: 0N); a first collection waits until the notice period from this day has passed.
    notice_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["reference"]
        constraints = [import_key("mandate_import_key")]

    def __str__(self) -> str:
        return f"mandate {self.reference}"


class Instruction(models.Model):
    """An AUDDIS instruction to send: 0N new, 0C cancel, 0S convert a paper instruction."""

    class Code(models.TextChoices):
        NEW = "0N", "0N new instruction"
        CANCEL = "0C", "0C cancel instruction"
        CONVERT = "0S", "0S convert (paper to electronic)"

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="instructions")
    code = models.CharField(max_length=2, choices=Code.choices)
    reason = models.CharField(max_length=120, blank=True)
    queued_on = models.DateField()
    sent_in = models.ForeignKey(
        "BacsFile", null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )

    class Meta:
        ordering = ["queued_on", "id"]

    def __str__(self) -> str:
        return f"{self.code} for {self.mandate.reference}"


class Collection(models.Model):
    """One Direct Debit presented to Bacs: 01 first, 17 regular, 18 re-presented, 19 final."""

    class Code(models.TextChoices):
        FIRST = "01", "01 first collection"
        REGULAR = "17", "17 regular collection"
        REPRESENTED = "18", "18 re-presentation"
        FINAL = "19", "19 final collection"

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="collections")
    code = models.CharField(max_length=2, choices=Code.choices)
    due_on = models.DateField(help_text="the processing day the payer's account is debited")
    amount = models.BigIntegerField()
    sent_in = models.ForeignKey("BacsFile", on_delete=models.PROTECT, related_name="collections")
    #: The ledger payment this collection posted (source "bacs").
    payment_ref = models.CharField(max_length=80, unique=True)
    returned = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "due_on", "code"], name="one_collection_per_mandate_day_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}p from {self.mandate.reference} on {self.due_on}"


class BacsFile(models.Model):
    """A Standard 18 file rentbook wrote for one processing day: its instructions or its
    collections, with the contra record's totals."""

    class Kind(models.TextChoices):
        AUDDIS = "auddis", "AUDDIS instructions"
        COLLECTIONS = "collections", "Direct Debit collections"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    processing_on = models.DateField()
    made_at = models.DateTimeField()
    records = models.IntegerField(help_text="detail records, the contra not counted")
    total = models.BigIntegerField(help_text="pence; the contra's amount")
    content = models.TextField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-processing_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "processing_on"], name="one_file_per_kind_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.processing_on}"


class ReturnedDebit(models.Model):
    """One item of an ARUDD report: a Direct Debit the payer's bank did not pay."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="returned_debits")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="returns")
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )
    reason_code = models.CharField(max_length=1)
    amount = models.BigIntegerField()
    original_processing_on = models.DateField()
    reported_on = models.DateField()
    payer_name = models.CharField(max_length=18, blank=True)
    #: The ledger reversal it posted ("" when no collection was found to reverse).
    reversal_ref = models.CharField(max_length=80, blank=True, db_default="")
    consequence = models.CharField(max_length=200, blank=True, db_default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-reported_on", "id"]
        constraints = [import_key("returneddebit_import_key")]

    def __str__(self) -> str:
        return f"ARUDD {self.reason_code} on {self.mandate.reference}"


class InstructionChange(models.Model):
    """One item of an ADDACS report: the payer's bank changed or cancelled an instruction."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="dd_changes")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="changes")
    reason_code = models.CharField(max_length=1)
    effective_on = models.DateField()
    reported_on = models.DateField()
    new_sort_code = models.CharField(max_length=6, blank=True)
    new_account_number = models.CharField(max_length=8, blank=True)
    new_payer_name = models.CharField(max_length=18, blank=True)
    consequence = models.CharField(max_length=200, blank=True, db_default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-reported_on", "id"]
        constraints = [import_key("instructionchange_import_key")]

    def __str__(self) -> str:
        return f"ADDACS {self.reason_code} on {self.mandate.reference}"


class InstructionRejection(models.Model):
    """One item of an AUDDIS report: the payer's bank rejected an instruction rentbook lodged."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="dd_rejections")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="rejections")
    transaction_code = models.CharField(max_length=2, help_text="0N, 0C or 0S")
    reason_code = models.CharField(max_length=1)
    effective_on = models.DateField()
    reported_on = models.DateField()
    consequence = models.CharField(max_length=200, blank=True, db_default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-reported_on", "id"]
        constraints = [import_key("instructionrejection_import_key")]

    def __str__(self) -> str:
        return f"AUDDIS {self.transaction_code} rejected ({self.reason_code})"


class IndemnityClaim(models.Model):
    """One Direct Debit of a DDICA advice: the payer reclaimed it under the Direct Debit
    Guarantee and the bank takes it back from the landlord."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="dd_claims")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="claims")
    claim_ref = models.CharField(max_length=40, help_text="the paying bank's claim reference")
    reason_code = models.CharField(max_length=1)
    amount = models.BigIntegerField(help_text="pence reclaimed for this collection")
    collected_on = models.DateField(help_text="the day the Direct Debit was taken")
    reported_on = models.DateField()
    #: The ledger reversal it posted ("" when no collection was found to reverse).
    reversal_ref = models.CharField(max_length=80, blank=True, db_default="")
    consequence = models.CharField(max_length=200, blank=True, db_default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-reported_on", "id"]
        constraints = [import_key("indemnityclaim_import_key")]

    def __str__(self) -> str:
        return f"DDICA {self.reason_code} on {self.mandate.reference}"


class ChannelPayment(models.Model):
    """One payment from a cash or card channel's daily file, or a bank statement line: posted
    to the account its reference names, or held in suspense until a person allocates it.
    Money in suspense is not on any account's ledger; allocating it posts it there once."""

    class Channel(models.TextChoices):
        ALLPAY = "allpay", "Allpay"
        PAYPOINT = "paypoint", "PayPoint"
        POST_OFFICE = "post_office", "Post Office"
        CARD = "card", "Card payment"
        STANDING_ORDER = "standing_order", "Standing order"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"

    class Status(models.TextChoices):
        POSTED = "posted", "Posted to the account"
        SUSPENSE = "suspense", "In suspense"
        ALLOCATED = "allocated", "Allocated from suspense"

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="channel_payments"
    )
    reference_given = models.CharField(max_length=60, help_text="as the payer wrote it")
    amount = models.BigIntegerField(help_text="pence received")
    paid_on = models.DateField()
    paid_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    outlet = models.CharField(max_length=60, blank=True, default="", db_default="")
    payer = models.CharField(max_length=100, blank=True, default="", db_default="")
    status = models.CharField(max_length=10, choices=Status.choices)
    matched_by = models.CharField(max_length=60, blank=True, default="", db_default="")
    suspense_reason = models.CharField(max_length=120, blank=True, default="", db_default="")
    #: The ledger payment it posted: (its import source, this reference), or "suspense/<id>".
    posted_ref = models.CharField(max_length=80, blank=True, default="", db_default="")
    allocated_by = models.CharField(max_length=150, blank=True, default="", db_default="")
    allocated_at = models.DateTimeField(null=True, blank=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-paid_on", "id"]
        constraints = [import_key("channelpayment_import_key")]
        indexes = [models.Index(fields=["status", "paid_on"], name="channelpayment_queue")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.amount}p ({self.reference_given})"
