"""Improvement plans: objectives, actions, milestones and position statements."""

from __future__ import annotations
