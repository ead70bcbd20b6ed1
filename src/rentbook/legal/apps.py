from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "rentbook.legal"
    verbose_name = "Legal action"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rentbook.legal import import_kinds  # noqa: F401  (registers its kinds at the door)
