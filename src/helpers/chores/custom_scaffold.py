"""Custom sections (kind ``egen``) through the year: started from the template by ``new-unit
--eget-avsnitt``, carried to the next year by ``new-year``.

The template is ``templates/custom/``: a notebook (``egen.ipynb``), an empty table with its schema
and a text with an instruction. A new year carries each schema as it is and each table with its
header and the rows' key (the schema's ``nyckel:``), every other cell empty.
"""

from __future__ import annotations

from pathlib import Path

from helpers.chores.new_unit import csv_text
from helpers.core.errors import DataError, ParameterError, display_path
from helpers.core.kinds import CUSTOM_FOLDER
from helpers.core.paths import PACKAGE_DIR, Project, read_input, readable_file
from helpers.core.schema import SPECS
from helpers.core.yaml_text import dump_yaml
from helpers.data.custom_tables import read_schema, schema_path, schema_stems
from helpers.data.definition.model import ReportDefinition
from helpers.data.definition.reader import SECTION_ID
from helpers.data.readers import decode_text, find_table, read_table

CUSTOM_TEMPLATE_DIR = PACKAGE_DIR / "templates" / "custom"


def dump_scalar(text: str) -> str:
    """``text`` as one YAML scalar (quoted where YAML needs it)."""
    return dump_yaml({"x": text}).split(":", 1)[1].strip()


def custom_section_files(
    project: Project, year: int, unit: str, section: str, heading: str
) -> dict[Path, str]:
    """A custom section from the template (``templates/custom/``): its notebook in
    ``notebooks/egna/`` (unless a unit already shares one of that name), an empty table with its
    schema and a text to write, by path."""
    import nbformat

    tokens = {"{år}": str(year), "{id}": unit, "{avsnitt}": section, "{rubrik}": heading}

    def filled(text: str) -> str:
        for token, value in tokens.items():
            text = text.replace(token, value)
        return text

    files: dict[Path, str] = {}
    notebook = project.notebooks / CUSTOM_FOLDER / f"{section}.ipynb"
    if not notebook.exists():
        nb = nbformat.read(CUSTOM_TEMPLATE_DIR / "egen.ipynb", as_version=4)
        for index, cell in enumerate(nb.cells):
            cell.source = filled(cell.source)
            cell.id = f"{section}-{index}"
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = (
                    f'year = {year}\nunit = "{unit}"\nsection = "{section}"\n'
                    f'period = "{project.period}"'
                )
        files[notebook] = nbformat.writes(nb) + "\n"
    folder = project.unit_data(year, unit)
    files[folder / f"{section}.csv"] = (CUSTOM_TEMPLATE_DIR / "tabell.csv").read_text("utf-8")
    schema = (CUSTOM_TEMPLATE_DIR / "tabell.schema.yaml").read_text("utf-8")
    files[folder / f"{section}.schema.yaml"] = filled(
        schema.replace("{rubrik}", dump_scalar(heading))
    )
    files[folder / "text" / f"{section}.md"] = filled(
        (CUSTOM_TEMPLATE_DIR / "text.md").read_text("utf-8")
    )
    return files


def planned_custom_section(
    project: Project, year: int, unit: str, section: str, definition: ReportDefinition
) -> dict[Path, str]:
    """The files of a new unit's custom section (``--eget-avsnitt``); ParameterError when the id
    is unusable or a file would be overwritten."""
    if (
        not SECTION_ID.fullmatch(section)
        or section in SPECS
        or any(s.id == section for s in definition.sections)
    ):
        raise ParameterError(
            f"--eget-avsnitt {section!r} går inte: skriv ett nytt id med små bokstäver a–z, "
            "siffror och _ (börja med en bokstav), t.ex. vantetider, som inte redan är ett "
            "avsnitt eller en tabell."
        )
    files = custom_section_files(
        project, year, unit, section, section.replace("_", " ").capitalize()
    )
    taken = [path for path in files if path.exists()]
    if taken:
        raise ParameterError(
            f"{display_path(taken[0], project.root)} finns redan — new-unit skriver aldrig "
            "över befintliga filer."
        )
    return files


def with_custom_section(params: str, definition: ReportDefinition, section: str) -> str:
    """The params text with the kommun's sections listed and the custom section last but for the
    operating statement (the unit can move it: the list is in its params)."""
    ids: list[object] = [s.id for s in definition.sections]
    own = {
        "id": section,
        "typ": "egen",
        "notebook": section,
        "tabeller": [section],
        "text": f"{section}.md",
    }
    position = next((i for i, s in enumerate(definition.sections) if s.kind == "drift"), len(ids))
    ids.insert(position, own)
    return params + dump_yaml({"rapport": {"avsnitt": ids}})


def scaffold_custom_tables(
    project: Project, unit: str, source: int, *, keep_values: bool = False
) -> dict[str, str]:
    """The unit's own tables (custom sections) for the new year, by file name: each schema as
    it is, each table with its header and its rows' key (the schema's ``nyckel:``, e.g. the
    twelve months) and every other cell empty, to be filled in; a table without a key keeps
    only its header. An Excel table is carried as CSV.

    ``keep_values`` carries every row as it is (a new period of the same year, whose figures
    so far still hold)."""
    folder = project.unit_data(source, unit)
    files: dict[str, str] = {}
    for stem in schema_stems(folder):
        custom, problems = read_schema(schema_path(folder, stem), project)
        if custom is None:
            raise DataError(problems)
        path = find_table(folder, stem)
        if path is None:
            continue
        schema = schema_path(folder, stem)
        files[schema.name] = decode_text(
            read_input(schema, project.root), display_path(schema, project.root), table=False
        )
        readable_file(path, project.root)
        table = read_table(path, display_path(path, project.root), custom.spec.names)
        key = custom.spec.key
        if keep_values:
            rows = [dict(row) for row in table.rows]
        else:
            rows = [{name: row.get(name, "") for name in key} for row in table.rows] if key else []
        files[f"{stem}.csv"] = csv_text([c for c in table.columns if c], rows, like=table)
    return files
