from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "rentbook.ledger"
    verbose_name = "Rent ledger"
    default_auto_field = "django.db.models.BigAutoField"
