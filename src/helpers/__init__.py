"""The reporting workbook: builds a kommun's annual verksamhetsuppföljning per unit and year.

Notebooks under ``notebooks/`` call into this package through its façade: ``helpers.report`` (a
unit's sections) and ``helpers.consolidated.report`` (the kommun's consolidated report);
``helpers.cli`` is the command line. Everything else lives in the layers below, lowest first; a
module may import its own layer and the layers before it, never a later one, and no layer imports
the façade (``tests/test_architecture.py`` draws the import graph and holds the code to this).
See ``ARCHITECTURE.md``.
"""

from helpers.core.startup import defer_iri_grammar

__version__ = "0.1.0"

LAYERS = ("core", "data", "parts", "checks", "building", "kolada", "chores", "season")
FACADE = ("__init__", "__main__", "cli", "report", "consolidated")

# Before anything imports jsonschema: its optional IRI grammar costs seconds per process.
defer_iri_grammar()
