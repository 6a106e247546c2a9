"""``workbook new-unit`` gives a section text with no template of its own the title
``data/rapport.yaml`` gives the section, not its id turned into words ("# Kf mal")."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.cli import main
from helpers.core.paths import Project


def retext(root: Path, section_id: str, new_file: str) -> dict[str, object]:
    """The section ``section_id`` of data/rapport.yaml reads ``new_file`` (no template has it);
    the definition as plain YAML, to derive expectations from."""
    path = root / "data" / "rapport.yaml"
    text = path.read_text("utf-8")
    definition = yaml.safe_load(text)
    section = next(s for s in definition["avsnitt"] if s["id"] == section_id)
    old = f"    text: {section['text']}\n"
    start = text.index(f"  - id: {section_id}\n")
    at = text.index(old, start)
    path.write_text(text[:at] + f"    text: {new_file}\n" + text[at + len(old) :], "utf-8")
    return definition


def test_a_text_without_template_is_headed_by_the_definitions_title(workspace: Path) -> None:
    definition = retext(workspace, "kf_mal", "kf_mal.md")
    titles = {s["id"]: s["rubrik"] for s in definition["sammanställning"]["avsnitt"]}
    unit_section = next(s for s in definition["avsnitt"] if s["id"] == "kf_mal")
    assert "rubrik" not in unit_section  # the heading comes from the text file
    assert main(["new-unit", "soc", "--name", "Soc", "--year", "2016"]) == 0
    text = (Project(workspace).unit_data(2016, "soc") / "text" / "kf_mal.md").read_text("utf-8")
    heading = text.splitlines()[0]
    assert heading == f"# {titles['kf_mal']}"
    assert heading != "# " + "kf_mal".replace("_", " ").capitalize()
