from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "rentbook.benefits"
    label = "benefits"
    verbose_name = "Housing benefit"

    def ready(self) -> None:
        from rentbook.benefits import import_kinds  # noqa: F401  (registers its kind at the door)
