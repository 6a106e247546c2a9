"""The reporting workbook: builds a kommun's annual verksamhetsuppföljning per unit and year.

Notebooks under ``notebooks/`` call into this package; see ``ARCHITECTURE.md``.
"""

from helpers.startup import defer_iri_grammar

__version__ = "0.1.0"

# Before anything imports jsonschema: its optional IRI grammar costs seconds per process.
defer_iri_grammar()
