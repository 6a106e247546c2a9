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
from helpers.html_ids import unique_ids
from helpers.paths import PACKAGE_DIR

TEMPLATES = PACKAGE_DIR / "templates"
CSS_FILE = TEMPLATES / "workbook" / "report.css"
SUMMARY_ID = "sammanfattning"
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


# Ids the page template itself gives elements (main content, table of contents).
TEMPLATE_IDS = ("innehall", "innehallsforteckning")


def unique_report_ids(nb: nbformat.NotebookNode) -> None:
    """Make every id in the sections' HTML unique across the report (``html_ids``), in place."""
    outputs = [output for cell in nb.cells for output in cell.outputs]
    fragments = unique_ids([output["data"]["text/html"] for output in outputs], TEMPLATE_IDS)
    for output, fragment in zip(outputs, fragments, strict=True):
        output["data"]["text/html"] = fragment


def table_of_contents(nb: nbformat.NotebookNode) -> list[dict]:
    """The h2 headings of the report, each with its h3 headings, for the navigation.

    The summary's own h3 (its cards) stay out: the summary is read whole, right above.
    """
    toc: list[dict] = []
    for cell in nb.cells:
        for output in cell.outputs:
            for level, anchor, inner in _HEADING.findall(output["data"]["text/html"]):
                text = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
                entry = {"id": anchor, "text": text, "children": []}
                if level == "2" or not toc:
                    toc.append(entry)
                elif toc[-1]["id"] != SUMMARY_ID:
                    toc[-1]["children"].append(entry)
    return toc


def summary_cell_id(nb: nbformat.NotebookNode) -> str | None:
    """The id of the cell that shows the Sammanfattning: the table of contents follows it."""
    marker = f'id="{SUMMARY_ID}"'
    for cell in nb.cells:
        if any(marker in output["data"]["text/html"] for output in cell.outputs):
            return cell.id
    return None


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;()–-·/+" or ord(ch) > 127 else f"\\{ord(ch):x} "
        for ch in text
    )
    return f'"{escaped}"'


def page_label(title: str, unit_name: str, fingerprint: str) -> str:
    """What every printed page says at its foot, so a loose page can be traced to its inputs."""
    return css_string(f"{title} · {unit_name} · fingeravtryck {fingerprint}")


def render_report(
    executed: list[Path], *, title: str, unit_name: str, municipality: str, fingerprint: str
) -> str:
    """The report's HTML from its executed sections.

    Nothing in it depends on where or when it was built (no paths, times or random ids), so the
    same inputs give the same bytes.
    """
    nb = assemble(executed)
    unique_report_ids(nb)
    resources = {
        "workbook": {
            "title": title,
            "unit_name": unit_name,
            "municipality": municipality,
            "fingerprint": fingerprint,
            "version": __version__,
            "css": CSS_FILE.read_text(encoding="utf-8"),
            "toc": table_of_contents(nb),
            "toc_after": summary_cell_id(nb),
            "page_label": page_label(title, unit_name, fingerprint),
        }
    }
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body


def write_atomically(path: Path, text: str) -> None:
    """Write next to the target and rename: the old file stays until the new one is complete.

    The file is readable by everyone (0644), as a published report should be; ``mkstemp``
    alone would leave it private to the builder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
