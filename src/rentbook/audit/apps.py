from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rentbook.audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rentbook.audit import signals

        signals.connect()
