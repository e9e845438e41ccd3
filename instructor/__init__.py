"""Instructor-only code: never exported to learners, never visible to the graded kernel."""
