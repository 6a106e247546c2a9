"""``WORKBOOK_CACHE_DIR``: the render stores in a folder several projects share.

That a value from a store is the value drawn without it is ``test_render_cache``'s to check;
here: where the stores are, that two projects find each other's values, and that a setting
naming a file is refused by ``validate`` and ``build`` alike, before anything is built.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_missing_report_hints import run_and_read

from helpers.data import render_cache


@pytest.fixture(autouse=True)
def fresh_stores() -> None:
    render_cache._store.cache_clear()


def _project(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "params").mkdir()
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    return root


def test_without_the_setting_each_project_keeps_its_own_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(render_cache.CACHE_DIR_VARIABLE, raising=False)
    root = _project(tmp_path / "a", monkeypatch)
    store = render_cache.store("diagram")
    assert store is not None
    assert store.folder == root / "build" / render_cache.CACHE_FOLDER / "diagram"


def test_two_projects_share_the_folder_the_setting_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "gemensam"
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, str(shared))
    key = render_cache.key_of("test", "ett diagram")
    _project(tmp_path / "a", monkeypatch)
    first = render_cache.store("diagram")
    assert first is not None and first.folder == shared / "diagram"
    first.put(key, "<svg/>")
    render_cache._store.cache_clear()
    root = _project(tmp_path / "b", monkeypatch)
    second = render_cache.store("diagram")
    assert second is not None and second.get(key) == "<svg/>"
    assert not (root / "build").exists()  # nothing in the project's own build/


def test_a_relative_folder_is_taken_from_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, "lager/ritat")
    root = _project(tmp_path / "a", monkeypatch)
    store = render_cache.store("html")
    assert store is not None and store.folder == root / "lager" / "ritat" / "html"


def test_turned_off_the_setting_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, str(tmp_path / "gemensam"))
    monkeypatch.setenv(render_cache.CACHE_VARIABLE, "0")
    _project(tmp_path / "a", monkeypatch)
    assert render_cache.store("diagram") is None


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_setting_that_names_a_file_is_refused_before_anything_is_built(
    command: str,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a_file = workspace / "lager.txt"
    a_file.write_text("inte en mapp\n", encoding="utf-8")
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, a_file.name)
    code, said = run_and_read([command, "--year", "2016", "--unit", "klk"], capsys)
    assert code == 2
    assert render_cache.CACHE_DIR_VARIABLE in said and "'lager.txt'" in said and "mapp" in said
    assert "Traceback" not in said
    assert not (workspace / "reports").exists() and not (workspace / "build").exists()
