"""Shared helper code for the "QKV and Transformers" course.

Everything that more than one chapter page or notebook needs lives here, so that it
is written once: seeding and warning filters (:mod:`qkvlab.env`), offline data
loaders (:mod:`qkvlab.data`), plotting defaults (:mod:`qkvlab.plots`) and the
assertion helpers that the exercise tests use (:mod:`qkvlab.checks`), chapter 4's given
attention module and its trained model as a compiled black box (:mod:`qkvlab.tinygpt`), and
quiet loading of all-MiniLM-L6-v2 (:mod:`qkvlab.minilm`).

This is the learners' package: it ships in the learner kit and the graded kernel imports it.
Nothing in it computes an exercise's answer (not even under another name or with other
defaults); ``tests/test_learner_kit.py`` tries every public callable of it against every
exercise's hidden tests. Instructor-only code (the reference models, training) lives in the
top-level package ``instructor/``, which is never exported or visible to the graded kernel.
"""

from qkvlab.env import setup

__all__ = ["setup"]
