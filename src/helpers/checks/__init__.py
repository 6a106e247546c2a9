"""Checks: the rules ``validate`` runs on a unit-year's data before any section runs — tables
(``table_checks``), data against the definition (``data_checks``, ``definition_checks``), the
operating statement on the same ``Statement`` the report shows (``budget_checks``), custom
tables (``custom_checks``) and the consolidated report's data (``kommun_checks``).

May import: core, data, parts.
"""
