from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "rentbook.comms"
    verbose_name = "Letters and messages"
    default_auto_field = "django.db.models.BigAutoField"
