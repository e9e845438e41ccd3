"""Instructor-only Python: reference models and training code used by ``scripts/`` to make the assets the pages
need (e.g. ``assets/tiny_gpt/``).

Never exported to learners (``python -m autograder export-learner`` leaves it out) and never visible to the
graded kernel. Book pages must not import it: they are built in the learner kit too. Code that computes an
exercise's answer belongs here, not in ``qkvlab/``.
"""
