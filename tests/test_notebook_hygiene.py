"""Saving a notebook in JupyterLab (``make lab``) leaves the committed file byte-identical."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from nbclient import NotebookClient
from traitlets.config.loader import PyFileConfigLoader

from helpers.core.paths import REPO_ROOT
from helpers.season.notebook_hygiene import strip_on_save


# jupyter_server validates a configured hook twice while it starts and warns about itself.
@pytest.mark.filterwarnings("ignore:Overriding existing pre_save_hook")
def test_running_and_saving_a_section_keeps_the_committed_bytes(tmp_path: Path) -> None:
    source = REPO_ROOT / "notebooks" / "nyckeltal.ipynb"
    shutil.copy(source, tmp_path / source.name)
    nb = nbformat.read(tmp_path / source.name, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600, startup_timeout=600).execute()
    assert any(cell.get("outputs") for cell in nb.cells)  # it really ran and showed something

    # The project's own JupyterLab config, as `make lab` loads it.
    config = PyFileConfigLoader("jupyter_server_config.py", path=str(REPO_ROOT)).load_config()
    manager = FileContentsManager(root_dir=str(tmp_path), config=config)
    assert manager.pre_save_hook is strip_on_save
    manager.save({"type": "notebook", "format": "json", "content": nb}, source.name)

    assert (tmp_path / source.name).read_bytes() == source.read_bytes()


def test_make_lab_loads_the_project_config() -> None:
    assert "--config=jupyter_server_config.py" in (REPO_ROOT / "Makefile").read_text()
