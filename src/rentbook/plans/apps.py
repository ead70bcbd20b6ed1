from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "rentbook.plans"
    verbose_name = "Improvement plans"
    default_auto_field = "django.db.models.BigAutoField"
