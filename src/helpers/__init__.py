"""The reporting workbook: builds a kommun's annual verksamhetsuppföljning per unit and year.

Notebooks under ``notebooks/`` call into this package; see ``ARCHITECTURE.md``.
"""

__version__ = "0.1.0"
