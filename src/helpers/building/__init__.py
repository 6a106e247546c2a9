"""Building: from validated data to published files — ``validate`` (every problem, before any
kernel), the plan and its fingerprints (``build_plan``, ``kommun_plan``), the kernels and workers
(``execute``, ``supervise``, ``section_worker``), the export to HTML (``export``,
``export_fragments``, ``html_ids``, ``kommun_export``), print and Word copies (``pdf``,
``pdf_finish``, ``word``), the index page and each unit's readiness (``index_page``,
``readiness``), the build command and its progress (``build``, ``build_cli``, ``progress``,
``buildlock``), the argument types every command shares (``arguments``), and where the work runs:
a local pool or any executor, a Dask cluster, the CPUs this process may use (``unit_jobs``,
``cluster``, ``cpus``).

May import: core, data, parts, checks.
"""
