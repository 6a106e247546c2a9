"""The reporting season: the analyst's live preview (``preview``), JupyterLab with a local choice
of year, unit and period (``lab``, ``notebook_hygiene``) and the sign-off commands
``workbook klar`` and ``workbook status`` (``season_cli``).

May import: core, data, parts, checks, building, kolada, chores.
"""
