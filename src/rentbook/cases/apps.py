from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rentbook.cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"
