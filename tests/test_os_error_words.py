"""Write errors in the analyst's words: a Swedish reason for every errno (never the operating
system's English text), the file the analyst knows (never our temporary file), and a report path
that is a folder found before any section runs. EISDIR/ENOTDIR/EEXIST cases work as root."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest

from helpers import cli
from helpers.core.files import write_atomically
from helpers.core.paths import Project, os_error_text, write_error_text

BUILD = ["build", "--year", "2016", "--unit", "klk", "--jobs", "1"]
# Every errno a write may meet, the common ones and some rare ones (the generic fallback).
CODES = sorted(
    {
        errno.EEXIST,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.EACCES,
        errno.EPERM,
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.ENAMETOOLONG,
        errno.ENOENT,
        errno.EIO,
        errno.EBUSY,
        errno.EMFILE,
        errno.EXDEV,
        errno.ENOLCK,
        errno.EOVERFLOW,
    }
)


@pytest.mark.parametrize("code", CODES, ids=lambda c: errno.errorcode[c])
def test_every_write_error_is_said_in_swedish_naming_the_file(tmp_path: Path, code: int):
    path = tmp_path / "reports" / "2016" / "klk.html"
    said = write_error_text(OSError(code, os.strerror(code), str(path)), path, tmp_path)
    assert "reports/2016/klk.html" in said and "kunde inte skrivas" in said
    assert os.strerror(code) not in said, said
    message, hint = os_error_text(OSError(code, os.strerror(code), str(path)))
    assert os.strerror(code) not in message + hint


def test_an_unusual_error_is_named_by_its_errno_name(tmp_path: Path):
    path = tmp_path / "a.html"
    said = write_error_text(OSError(errno.ENOLCK, os.strerror(errno.ENOLCK)), path, tmp_path)
    assert "ENOLCK" in said


def test_writing_over_a_folder_names_the_file_not_the_temporary_one(tmp_path: Path):
    target = tmp_path / "reports" / "bun.html"
    target.mkdir(parents=True)
    with pytest.raises(IsADirectoryError) as raised:
        write_atomically(target, "<html></html>")
    assert raised.value.filename == str(target)
    assert [p.name for p in target.parent.iterdir()] == ["bun.html"]  # no temporary file left
    said = write_error_text(raised.value, Path(raised.value.filename), tmp_path)
    assert said.startswith("reports/bun.html kunde inte skrivas") and "mapp" in said


def test_a_file_where_a_folder_must_be_is_named(tmp_path: Path):
    (tmp_path / "reports").write_text("", encoding="utf-8")
    target = tmp_path / "reports" / "2016" / "klk.html"
    with pytest.raises(OSError) as raised:
        write_atomically(target, "x")
    said = write_error_text(raised.value, Path(raised.value.filename), tmp_path)
    assert "reports är en fil, men här ska det vara en mapp" in said, said


def _build(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(BUILD)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_reports_as_a_plain_file_stops_the_build_in_swedish(workspace: Path, capsys):
    reports = Project(workspace).reports
    if reports.exists():
        import shutil

        shutil.rmtree(reports)
    reports.write_text("inte en mapp\n", encoding="utf-8")
    code, said = _build(capsys)
    assert code == cli.EXIT_BAD_INPUT, said
    # the folder named as it is (``reports``) or as a folder (``reports/``)
    assert re.search(
        r"reports/? kunde inte skrivas: det är en fil, men här ska det vara en mapp", said
    )
    assert "File exists" not in said and os.strerror(errno.EEXIST) not in said
    assert not (workspace / "build").exists() or not list((workspace / "build").rglob("*.ipynb"))


def test_a_report_path_that_is_a_folder_is_refused_before_any_section(workspace: Path, capsys):
    project = Project(workspace)
    report = project.report_file(2016, "klk")
    if report.is_file():
        report.unlink()
    report.mkdir(parents=True)
    code, said = _build(capsys)
    shown = report.relative_to(workspace).as_posix()
    assert code == cli.EXIT_BAD_INPUT, said
    assert f"{shown} kunde inte skrivas: det är en mapp" in said, said
    assert ".tmp" not in said and os.strerror(errno.EISDIR) not in said
    assert not (workspace / "build").exists() or not list((workspace / "build").rglob("*.ipynb"))


def test_preview_refuses_a_report_path_that_is_a_folder_as_build_does(workspace: Path):
    from helpers.core.errors import BuildError
    from helpers.season.preview import check_writable

    project = Project(workspace)
    report = project.report_file(2016, "klk")
    if report.is_file():
        report.unlink()
    report.mkdir(parents=True)
    with pytest.raises(BuildError) as raised:
        check_writable(project, 2016, "klk")
    said = str(raised.value)
    assert f"{report.relative_to(workspace).as_posix()} kunde inte skrivas: det är en mapp" in said
