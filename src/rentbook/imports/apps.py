from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "rentbook.imports"
    default_auto_field = "django.db.models.BigAutoField"
