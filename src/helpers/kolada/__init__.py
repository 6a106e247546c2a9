"""Kolada: ``workbook kolada`` — fetching indicator values from Kolada's API (``kolada_api``,
cached), what changed since last time (``kolada_changes``) and writing ``data/kolada.csv``
(``kolada_csv``). The comparison groups and the mapping file, which the report itself reads, are
data (``data.kolada_groups``, ``data.kolada_mapping``).

May import: core, data, parts, checks, building.
"""
