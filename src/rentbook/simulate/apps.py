from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "rentbook.simulate"
    default_auto_field = "django.db.models.BigAutoField"
