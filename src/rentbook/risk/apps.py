from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "rentbook.risk"
    label = "risk"
    verbose_name = "Predictive, explainable risk"
