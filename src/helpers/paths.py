"""Where everything lives. The one place that knows the project layout.

The project root is the repository, unless ``WORKBOOK_ROOT`` points elsewhere (benchmarks and
tests build synthetic units in a temporary folder without touching ``data/``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import ParameterError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent

_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SECTION_ID = re.compile(r"^[0-9]{2}_[a-z0-9_]{1,40}$")


def check_year(year: int | str) -> int:
    """A report year as an int; refuses anything that is not four digits in a sane range."""
    text = str(year).strip()
    if not re.fullmatch(r"[0-9]{4}", text) or not 1990 <= int(text) <= 2100:
        raise ParameterError(f"Året {text!r} är inte ett år — ange fyra siffror, t.ex. 2016.")
    return int(text)


def check_unit(unit: str) -> str:
    """A unit id that is safe to use in a path: lower-case letters, digits and hyphens."""
    if not isinstance(unit, str) or not _UNIT_ID.fullmatch(unit):
        raise ParameterError(
            f"Enheten {unit!r} är inget giltigt enhets-id — använd små bokstäver a–z, siffror "
            "och bindestreck, t.ex. klk."
        )
    return unit


def check_section(section: str) -> str:
    """A section (notebook) name such as ``30_kf_mal``."""
    if not isinstance(section, str) or not _SECTION_ID.fullmatch(section):
        raise ParameterError(
            f"Avsnittet {section!r} finns inte — ange ett avsnitt som 30_kf_mal "
            "(se `workbook build --dry-run`)."
        )
    return section


@dataclass(frozen=True)
class Project:
    """The folders of one workbook project."""

    root: Path

    @classmethod
    def current(cls) -> Project:
        return cls(Path(os.environ.get("WORKBOOK_ROOT", REPO_ROOT)).resolve())

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def notebooks(self) -> Path:
        # Notebooks are code: they come with the workbook, wherever the data lives.
        return REPO_ROOT / "notebooks"

    def unit_data(self, year: int, unit: str) -> Path:
        return self.data / str(check_year(year)) / check_unit(unit)

    def params_file(self, year: int, unit: str) -> Path:
        return self.params / str(check_year(year)) / f"{check_unit(unit)}.yaml"

    def report_file(self, year: int, unit: str) -> Path:
        return self.reports / str(check_year(year)) / f"{check_unit(unit)}.html"

    def executed_dir(self, year: int, unit: str) -> Path:
        return self.build / str(check_year(year)) / check_unit(unit)
