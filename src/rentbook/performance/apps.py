from django.apps import AppConfig

#: The models of performance and plans that people edit: audited like the audit app's own.
AUDITED = (
    "performance.CustomIndicator",
    "performance.CustomValue",
    "performance.Target",
    "plans.Plan",
    "plans.Objective",
    "plans.Action",
    "plans.Milestone",
    "plans.PositionStatement",
)


def connect_audit(labels: tuple[str, ...]) -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save, pre_save

    from rentbook.audit import signals

    for label in labels:
        if not apps.is_installed(f"rentbook.{label.split('.')[0]}"):
            continue
        model = apps.get_model(label)
        uid = f"audit:{label}"
        pre_save.connect(signals._before, sender=model, dispatch_uid=uid + ":pre")
        post_save.connect(signals._after, sender=model, dispatch_uid=uid + ":post")
        post_delete.connect(signals._deleted, sender=model, dispatch_uid=uid + ":delete")


class PerformanceConfig(AppConfig):
    name = "rentbook.performance"
    verbose_name = "Performance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # plans is listed after performance; its models are connected from plans' own ready()
        connect_audit(tuple(x for x in AUDITED if x.startswith("performance.")))
