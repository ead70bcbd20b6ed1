from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "rentbook.comms"
    verbose_name = "Letters and messages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rentbook.engine.signals import run_done

        run_done.connect(_after_run, dispatch_uid="comms.after_run")


def _after_run(sender, run, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """The run is stored: send what an administrator chose to send automatically."""
    import logging

    from django.utils import timezone

    from rentbook.comms.automation import send_for_run

    try:
        send_for_run(run, now=timezone.now())
    except Exception:  # the run is stored; a failure to send must not undo or hide it
        logging.getLogger("rentbook.comms").exception(
            "automatic sending after run %s failed", run.pk
        )
        raise
