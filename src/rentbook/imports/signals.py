"""Signals the import door sends, so later apps (performance works out its stored indicators)
can act on an import without the door importing them."""

from django.dispatch import Signal

#: Sent once an import that changed rows has committed; ``kind`` and ``result`` describe it.
import_done = Signal()
