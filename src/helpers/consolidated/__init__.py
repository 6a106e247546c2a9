"""The kommun's consolidated report: every unit of a year and period in one report.

``definition`` reads ``sammanställning:`` of ``data/rapport.yaml``; ``data`` loads the units and
the kommun's own data; ``views`` renders the sections; ``report`` is what the notebooks call;
``plan``, ``checks`` and ``export`` fit it into the build like a unit's report.
"""
