"""Core: what every layer shares — errors and their Swedish problems (``errors``,
``notebook_errors``), the project's folders and the only ways inputs are read (``paths``,
``read_log``), escaped HTML (``markup``), files written whole or not at all (``files``), text and
YAML read safely (``text_norm``, ``yaml_text``), the report's label keys, section kinds and table
schemas (``labels``, ``kinds``, ``schema``) and the scaffolds' placeholder mark (``placeholders``)
and what importing the package sets up first (``startup``).

May import: nothing of the workbook (only the package root's ``__version__``).
"""
