"""Letters, texts and emails: templates, PDF rendering, sending backends and automation."""

from __future__ import annotations
