from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rentbook.api"
    label = "api"
    verbose_name = "Integration API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rentbook.api import schema  # noqa: F401  (registers the token's description)
