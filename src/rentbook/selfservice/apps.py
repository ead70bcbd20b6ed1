from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "rentbook.selfservice"
    label = "selfservice"
    verbose_name = "Tenant self-service"
    default_auto_field = "django.db.models.BigAutoField"
