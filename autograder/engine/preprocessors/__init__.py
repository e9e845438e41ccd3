"""nbgrader preprocessors of the grade command, one per module (import them in workers only:
nbgrader is slow to import)."""
