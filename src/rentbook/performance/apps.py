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
        from rentbook.engine.signals import run_done
        from rentbook.imports.signals import import_done

        run_done.connect(_after_run, dispatch_uid="performance.after_run")
        import_done.connect(_after_import, dispatch_uid="performance.after_import")


#: The import kinds whose rows the indicators read.
READ_KINDS = frozenset(
    {"tenancies", "charges", "transactions", "diary", "notices", "court_cases", "arrangements",
     "write_offs", "former_tenants"}
)  # fmt: skip


def _after_run(sender, run, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A run is stored: queue the rent year's and the quarter's indicators to its day."""
    from rentbook.performance import stored

    for period in stored.standard_periods(run.as_of):
        stored.request(period, reason=f"after the arrears run of {run.as_of:%-d %b %Y}", run=run)


def _after_import(sender, kind, result, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if kind not in READ_KINDS:
        return
    from django.utils import timezone

    from rentbook.performance import stored

    for period in stored.standard_periods(timezone.localdate()):
        stored.request(period, reason=f"after the {kind} import")
