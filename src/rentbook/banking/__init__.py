"""Direct Debit end to end: mandates, the Bacs Standard 18 files rentbook lodges and collects
with, and the Bacs reports that come back (ARUDD, ADDACS), applied to the ledger and the
mandates (docs/banking.md)."""
