"""Skill tags: one tag for every spelling, who holds which, and every place that uses tags."""
