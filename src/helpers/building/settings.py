"""The environment settings a build reads, checked together: ``validate`` checks them as
``build`` will, so that a night build set up with a mistyped setting is caught by the check run
before it (``WORKBOOK_SECTION_TIMEOUT``, ``WORKBOOK_WARM_KERNELS``, ``WORKBOOK_SCHEDULER``,
``WORKBOOK_CACHE_DIR``, ``WORKBOOK_JOBS``; docs/operator.md)."""

from __future__ import annotations


def check_build_settings() -> None:
    """Read every build setting from the environment with the build's own parser.

    Raises ``ParameterError`` (exit 2) naming the variable and what it may be, exactly as
    ``build`` would for the same environment."""
    from helpers.building.cluster import check_scheduler_address, scheduler_from_environment
    from helpers.building.cpus import default_jobs
    from helpers.building.execute import timeout_from_environment
    from helpers.building.warm_kernels import warm_seconds
    from helpers.core.errors import WorkbookError
    from helpers.core.paths import Project
    from helpers.data.render_cache import check_stores_folder

    timeout_from_environment()
    warm_seconds()
    default_jobs()
    scheduler = scheduler_from_environment()
    if scheduler is not None:
        check_scheduler_address(scheduler)
    try:
        root = Project.current().root
    except WorkbookError:
        return  # no project here: the command says so itself
    check_stores_folder(root)
