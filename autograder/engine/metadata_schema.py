"""nbgrader's cell-metadata check, with its JSON schema checked once per process.

nbgrader checks every cell's ``metadata.nbgrader`` with ``jsonschema.validate``, which first checks the
schema itself against JSON Schema's meta-schema: for every cell, each time a notebook passes
``CheckCellMetadata`` (twice per graded submission). That is 0.18 CPU-s per submission. After
:func:`check_schema_once`, nbgrader's validators build one validator per schema and keep it; the metadata
is checked as before and raises the same errors.
"""

from __future__ import annotations

import functools
import json
import types


def check_schema_once() -> None:
    """Give nbgrader's metadata validators a ``jsonschema`` whose ``validate`` checks each schema once."""
    import jsonschema
    from nbgrader.nbgraderformat import common

    if getattr(common.jsonschema, "checked_once", False):
        return

    @functools.lru_cache(maxsize=8)
    def validator(schema_text: str):
        schema = json.loads(schema_text)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)  # a SchemaError is raised (and not cached) as before
        return cls(schema)

    def validate(instance, schema, *args, **kwargs):
        if args or kwargs:
            return jsonschema.validate(instance, schema, *args, **kwargs)
        error = jsonschema.exceptions.best_match(validator(json.dumps(schema)).iter_errors(instance))
        if error is not None:
            raise error
        return None

    common.jsonschema = types.SimpleNamespace(validate=validate, checked_once=True)
