"""Improvement plans: objectives, actions, milestones and position statements."""
