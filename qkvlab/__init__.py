"""Shared helper code for the "QKV and Transformers" course.

Everything that more than one chapter page or notebook needs lives here, so that it
is written once: seeding and warning filters (:mod:`qkvlab.env`), offline data
loaders (:mod:`qkvlab.data`), plotting defaults (:mod:`qkvlab.plots`) and the
assertion helpers that the exercise tests use (:mod:`qkvlab.checks`).

No reference solution lives in this package: learners import it too.
"""

from qkvlab.env import setup

__all__ = ["setup"]
