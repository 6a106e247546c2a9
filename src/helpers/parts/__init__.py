"""Parts of a report: what a section shows, computed from a unit's data — the operating
statement (``budget*``), goals, indicators, key figures and narrative, tables, charts and figures,
numbers and dates in Swedish, the summary, custom sections' tables and charts, and the consolidated
report's data and views (``kommun_data``, ``kommun_views``). Each returns HTML or an altair chart;
none reads a path of its own or runs a kernel.

May import: core, data.
"""
