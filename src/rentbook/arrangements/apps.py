from django.apps import AppConfig


class ArrangementsConfig(AppConfig):
    name = "rentbook.arrangements"
    verbose_name = "Payment arrangements"
    default_auto_field = "django.db.models.BigAutoField"
