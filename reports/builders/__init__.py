"""The reports, one module per domain; importing this package registers them all."""

from . import awards, evaluations, records, scores  # noqa: F401
