from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "rentbook.legal"
    verbose_name = "Legal action"
    default_auto_field = "django.db.models.BigAutoField"
