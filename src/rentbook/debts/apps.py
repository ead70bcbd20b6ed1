from django.apps import AppConfig


class DebtsConfig(AppConfig):
    name = "rentbook.debts"
    label = "debts"
    verbose_name = "Corporate debt"

    def ready(self) -> None:
        from rentbook.debts import import_kinds  # noqa: F401  (registers its kinds at the door)
