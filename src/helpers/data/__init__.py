"""Data: reading what lies under ``data/`` and ``params/`` — tables (``readers``, ``csv_reader``,
``xlsx_reader``, ``cell_values``), parameters and periods, the report definition (``definition/``,
the consolidated one in ``kommun_definition``), the operating statement's settings
(``budget_settings``), one unit's input (``unit_data``; each table file parsed once per content,
``table_cache``), custom tables, sign-off files and the Kolada comparison groups and mapping the
report shows (``kolada_groups``, ``kolada_mapping``); and what is derived from exactly the files
read: the digests of inputs and code (``fingerprint``) and the content-addressed store of drawn
charts and parsed fragments (``render_cache``).

May import: core.
"""
