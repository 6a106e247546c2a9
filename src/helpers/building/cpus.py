"""How many CPUs this process may use: the default of ``--jobs`` (unless ``WORKBOOK_JOBS`` says).

``os.cpu_count()`` is the host's count; a build in a container, a CI job or under ``taskset``
gets less. The answer is the smallest of

* the CPUs in this process's affinity mask (``os.sched_getaffinity``: taskset, cpusets), and
* the CPU quota of its control group and every group above it, rounded up:
  cgroup v2 ``cpu.max`` (``"200000 100000"`` is two CPUs, ``"max 100000"`` no limit), or
  cgroup v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us`` (quota ``-1`` is no limit),

and never less than 1. The same rule as Python 3.13's ``os.process_cpu_count`` plus the quota,
which is what Docker's ``--cpus`` and Kubernetes' CPU limits set.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

PROC_SELF_CGROUP = Path("/proc/self/cgroup")
CGROUP_MOUNT = Path("/sys/fs/cgroup")


def available_cpus(
    proc_self_cgroup: Path = PROC_SELF_CGROUP, cgroup_mount: Path = CGROUP_MOUNT
) -> int:
    """CPUs this process may use (at least 1); the paths are parameters so tests can point
    them at a fake ``/proc/self/cgroup`` and cgroup tree."""
    count = _affinity_count()
    quota = cgroup_cpu_limit(proc_self_cgroup, cgroup_mount)
    if quota is not None:
        count = min(count, math.ceil(quota))
    return max(1, count)


def _affinity_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def cgroup_cpu_limit(
    proc_self_cgroup: Path = PROC_SELF_CGROUP, cgroup_mount: Path = CGROUP_MOUNT
) -> float | None:
    """The tightest CPU quota (in CPUs, e.g. 1.5) on this process's control group and its
    ancestors, or None when there is none or it cannot be read."""
    try:
        lines = proc_self_cgroup.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    limits: list[float] = []
    for line in lines:
        hierarchy, _, rest = line.partition(":")
        controllers, _, group = rest.partition(":")
        if not group:
            continue
        if hierarchy == "0" and controllers == "":  # cgroup v2 (unified)
            limits += _walk(cgroup_mount, group, _v2_limit)
        elif "cpu" in controllers.split(","):  # cgroup v1, the cpu controller
            mount = _v1_mount(cgroup_mount, controllers)
            if mount is not None:
                limits += _walk(mount, group, _v1_limit)
    return min(limits) if limits else None


def _walk(mount: Path, group: str, read: Callable[[Path], float | None]) -> list[float]:
    """The limits read in ``group`` and each of its ancestors up to the mount point. In a
    container the group path names the host's hierarchy while the mount shows only the
    container's own group: then the mount point itself is the group."""
    parts = [p for p in group.strip("/").split("/") if p and p != ".."]
    found: list[float] = []
    folders = [mount.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]
    for folder in folders:
        if folder.is_dir():
            limit = read(folder)
            if limit is not None:
                found.append(limit)
    return found


def _v2_limit(folder: Path) -> float | None:
    try:
        quota, _, period = (folder / "cpu.max").read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return None
    return _ratio(quota, period or "100000")


def _v1_limit(folder: Path) -> float | None:
    try:
        quota = (folder / "cpu.cfs_quota_us").read_text(encoding="utf-8").strip()
        period = (folder / "cpu.cfs_period_us").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return _ratio(quota, period)


def _v1_mount(cgroup_mount: Path, controllers: str) -> Path | None:
    for name in (controllers, "cpu,cpuacct", "cpuacct,cpu", "cpu"):
        if (cgroup_mount / name).is_dir():
            return cgroup_mount / name
    return None


def _ratio(quota: str, period: str) -> float | None:
    """CPUs from a quota and period in microseconds; None for no limit or nonsense."""
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:  # "max": no limit
        return None
    if quota_us <= 0 or period_us <= 0:  # -1: no limit (v1)
        return None
    return quota_us / period_us


JOBS_VARIABLE = "WORKBOOK_JOBS"


def default_jobs() -> int:
    """How many kernels a build starts when ``--jobs`` is not given: ``WORKBOOK_JOBS`` when
    set (a shared build server keeps its builds to a few cores; the test suite, whose own
    workers already fill the machine, builds on one), else :func:`available_cpus`.

    ``ParameterError`` (exit 2) when ``WORKBOOK_JOBS`` is not a whole number of at least 1."""
    text = os.environ.get(JOBS_VARIABLE, "").strip()
    if not text:
        return available_cpus()
    if not text.isdigit() or int(text) < 1:
        from helpers.core.errors import ParameterError, quote

        raise ParameterError(
            f"Miljövariabeln {JOBS_VARIABLE}: '{quote(text)}' är inget antal kärnor — ange ett "
            "heltal från 1, t.ex. 2, eller ta bort variabeln så används de processorer bygget "
            f"får använda (här {available_cpus()})."
        )
    return int(text)


if __name__ == "__main__":  # `python -m helpers.building.cpus`: the Makefile's pytest -n
    print(available_cpus())
