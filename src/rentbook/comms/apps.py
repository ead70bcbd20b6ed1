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
    from django.utils import timezone

    from rentbook.comms.automation import send_for_run

    send_for_run(run, now=timezone.now())
