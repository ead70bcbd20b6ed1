"""Signals the arrears run sends, so later apps (comms sends what a run recommends) can act on
a run without the engine importing them."""

from django.dispatch import Signal

#: Sent once a run is stored as done, after its transaction commits; ``run`` is the Run.
run_done = Signal()
