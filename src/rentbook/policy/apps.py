from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "rentbook.policy"
    verbose_name = "Arrears policies"
