from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "rentbook.plans"
    verbose_name = "Improvement plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rentbook.performance.apps import AUDITED, connect_audit

        connect_audit(tuple(x for x in AUDITED if x.startswith("plans.")))
