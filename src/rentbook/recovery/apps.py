from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "rentbook.recovery"
    verbose_name = "Former tenant arrears and write-offs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rentbook.recovery import import_kinds  # noqa: F401  (registers its kinds at the door)
