from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "rentbook.engine"
    verbose_name = "Arrears run"
    default_auto_field = "django.db.models.BigAutoField"
