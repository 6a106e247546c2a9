"""The kommun's consolidated report: every unit of a year and period in one report.

Only the façade its notebooks call lives here (``report``, as ``helpers.report`` is for a unit's
sections). The rest sits in the layers like a unit report's: ``data.kommun_definition`` reads
``sammanställning:`` of ``data/rapport.yaml``; ``parts.kommun_data`` loads the units and the
kommun's own data and ``parts.kommun_views`` renders the sections; ``checks.kommun_checks``,
``building.kommun_plan`` and ``building.kommun_export`` fit it into validate and the build.
"""
