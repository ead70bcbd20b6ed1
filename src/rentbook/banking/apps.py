from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "rentbook.banking"
    label = "banking"
    verbose_name = "Direct Debit and Bacs"

    def ready(self) -> None:
        from rentbook.banking import import_kinds  # noqa: F401  (registers its kinds at the door)
