from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rentbook.cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rentbook.cases import import_kinds  # noqa: F401  (registers its kinds at the door)
