"""Keeping notebooks diff-friendly: no outputs, counts or run metadata in what is saved."""

from __future__ import annotations

from typing import Any

# Notebook metadata that describes the notebook itself; everything else is left by a run.
KEPT_METADATA = ("kernelspec",)


def strip_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """Remove outputs, execution counts and run metadata in place; return the notebook."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in ("execution", "collapsed", "scrolled", "papermill"):
            cell.get("metadata", {}).pop(key, None)
    metadata = nb.get("metadata", {})
    language = metadata.get("language_info", {}).get("name")
    kept = {k: metadata[k] for k in KEPT_METADATA if k in metadata}
    if language:
        kept["language_info"] = {"name": language}
    nb["metadata"] = kept
    return nb


def strip_on_save(model: dict[str, Any], **_: Any) -> None:
    """A Jupyter ``pre_save_hook``: strip notebooks before they are written."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_notebook(model["content"])
