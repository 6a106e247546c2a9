"""Assembling executed section notebooks into one self-contained HTML report.

The export is nbconvert's ``HTMLExporter`` with the workbook's template (``templates/workbook``):
only the sections' HTML outputs reach the reader — no code, prompts, streams or scripts — and
the table of contents is collected from the section headings. The file is written aside and
renamed into place, so a reader never sees half a report and a failed build leaves the old one.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from helpers import __version__
from helpers.paths import PACKAGE_DIR

TEMPLATES = PACKAGE_DIR / "templates"
CSS_FILE = TEMPLATES / "workbook" / "report.css"
_HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.S)


@lru_cache(maxsize=1)
def exporter() -> HTMLExporter:
    """One configured exporter per process (creating it costs more than using it)."""
    return HTMLExporter(
        template_name="workbook",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def assemble(executed: list[Path]) -> nbformat.NotebookNode:
    """One notebook of the sections' displayed outputs, in order, with stable cell ids."""
    combined = nbformat.v4.new_notebook()
    for path in executed:
        section = nbformat.read(path, as_version=4)
        for index, cell in enumerate(section.cells):
            if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
                continue
            outputs = [o for o in cell.get("outputs", []) if "text/html" in o.get("data", {})]
            if not outputs:
                continue
            cell.outputs = outputs
            cell.id = f"{path.stem.replace('_', '-')}-{index}"
            combined.cells.append(cell)
    return combined


def table_of_contents(nb: nbformat.NotebookNode) -> list[dict]:
    """The h2 headings of the report, each with its h3 headings, for the navigation."""
    toc: list[dict] = []
    for cell in nb.cells:
        for output in cell.outputs:
            for level, anchor, inner in _HEADING.findall(output["data"]["text/html"]):
                text = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
                entry = {"id": anchor, "text": text, "children": []}
                if level == "2" or not toc:
                    toc.append(entry)
                else:
                    toc[-1]["children"].append(entry)
    return toc


def render_report(
    executed: list[Path], *, title: str, unit_name: str, municipality: str, fingerprint: str
) -> str:
    """The report's HTML from its executed sections."""
    nb = assemble(executed)
    resources = {
        "workbook": {
            "title": title,
            "unit_name": unit_name,
            "municipality": municipality,
            "fingerprint": fingerprint,
            "version": __version__,
            "css": CSS_FILE.read_text(encoding="utf-8"),
            "toc": table_of_contents(nb),
        }
    }
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body


def write_atomically(path: Path, text: str) -> None:
    """Write next to the target and rename: the old file stays until the new one is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
