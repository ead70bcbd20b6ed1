from django.apps import AppConfig

#: The models people change here, audited like the rest (rentbook.audit.signals).
AUDITED = (
    "arrangements.Statement",
    "arrangements.StatementLine",
    "arrangements.Arrangement",
    "arrangements.ArrangementEvent",
    "arrangements.TenantProposal",
)


class ArrangementsConfig(AppConfig):
    name = "rentbook.arrangements"
    verbose_name = "Payment arrangements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from rentbook.arrangements import import_kinds  # noqa: F401  (its kind at the door)
        from rentbook.audit import signals

        for label in AUDITED:
            model = self.apps.get_model(label)
            uid = f"audit:{label}"
            pre_save.connect(signals._before, sender=model, dispatch_uid=uid + ":pre")
            post_save.connect(signals._after, sender=model, dispatch_uid=uid + ":post")
            post_delete.connect(signals._deleted, sender=model, dispatch_uid=uid + ":delete")
