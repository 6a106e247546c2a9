"""The default of --jobs: CPUs this process may use (affinity and cgroup quota), read from fake
/proc/self/cgroup files and cgroup trees by the real reading functions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers.building.cpus import available_cpus, cgroup_cpu_limit


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _affinity() -> int:
    return len(os.sched_getaffinity(0))


def test_v2_quota_rounds_up_to_whole_cpus(tmp_path: Path) -> None:
    proc = _write(tmp_path / "proc", "0::/kubepods/pod1/ctr\n")
    _write(tmp_path / "cg/kubepods/pod1/ctr/cpu.max", "150000 100000\n")
    assert cgroup_cpu_limit(proc, tmp_path / "cg") == pytest.approx(1.5)
    assert available_cpus(proc, tmp_path / "cg") == min(_affinity(), 2)


def test_v2_tightest_of_the_group_and_its_ancestors(tmp_path: Path) -> None:
    proc = _write(tmp_path / "proc", "0::/a/b\n")
    _write(tmp_path / "cg/a/b/cpu.max", "max 100000\n")
    _write(tmp_path / "cg/a/cpu.max", "100000 100000\n")
    assert cgroup_cpu_limit(proc, tmp_path / "cg") == pytest.approx(1.0)
    assert available_cpus(proc, tmp_path / "cg") == 1


def test_v2_no_limit_leaves_the_affinity(tmp_path: Path) -> None:
    proc = _write(tmp_path / "proc", "0::/\n")
    _write(tmp_path / "cg/cpu.max", "max 100000\n")
    assert cgroup_cpu_limit(proc, tmp_path / "cg") is None
    assert available_cpus(proc, tmp_path / "cg") == _affinity()


def test_v2_in_a_container_the_mount_is_the_group(tmp_path: Path) -> None:
    # /proc/self/cgroup names the host's path, the container sees only its own group
    proc = _write(tmp_path / "proc", "0::/system.slice/docker-abc.scope\n")
    _write(tmp_path / "cg/cpu.max", "50000 100000\n")
    assert cgroup_cpu_limit(proc, tmp_path / "cg") == pytest.approx(0.5)
    assert available_cpus(proc, tmp_path / "cg") == 1  # never below one


def test_v1_cfs_quota_and_period(tmp_path: Path) -> None:
    proc = _write(tmp_path / "proc", "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n2:cpuset:/\n")
    _write(tmp_path / "cg/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "300000\n")
    _write(tmp_path / "cg/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n")
    assert cgroup_cpu_limit(proc, tmp_path / "cg") == pytest.approx(3.0)
    assert available_cpus(proc, tmp_path / "cg") == min(_affinity(), 3)


def test_v1_minus_one_is_no_limit(tmp_path: Path) -> None:
    proc = _write(tmp_path / "proc", "1:cpu:/\n")
    _write(tmp_path / "cg/cpu/cpu.cfs_quota_us", "-1\n")
    _write(tmp_path / "cg/cpu/cpu.cfs_period_us", "100000\n")
    assert cgroup_cpu_limit(proc, tmp_path / "cg") is None


def test_unreadable_or_garbled_files_mean_no_limit(tmp_path: Path) -> None:
    assert cgroup_cpu_limit(tmp_path / "missing", tmp_path / "cg") is None
    proc = _write(tmp_path / "proc", "garbage\n0::/g\n")
    _write(tmp_path / "cg/g/cpu.max", "lots of cpus\n")
    assert cgroup_cpu_limit(proc, tmp_path / "cg") is None
    assert available_cpus(proc, tmp_path / "cg") == _affinity()


def test_this_machine_is_at_least_one_and_at_most_the_host() -> None:
    assert 1 <= available_cpus() <= (os.cpu_count() or 1)


def test_jobs_defaults_to_the_available_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.building.cpus import JOBS_VARIABLE, default_jobs
    from helpers.cli import parser

    monkeypatch.delenv(JOBS_VARIABLE, raising=False)
    args = parser("build").parse_args(["build", "--year", "2016"])
    assert args.jobs is None  # resolved when the build runs (``WORKBOOK_JOBS`` may say)
    assert default_jobs() == available_cpus()
