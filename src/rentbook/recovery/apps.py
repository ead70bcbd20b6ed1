from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "rentbook.recovery"
    verbose_name = "Former tenant arrears and write-offs"
    default_auto_field = "django.db.models.BigAutoField"
