"""The report definition's objects: kommun, goal levels, vocabularies, sections and labels.

Built by ``helpers.data.definition.load`` from ``data/rapport.yaml`` and a unit's ``rapport:`` key;
the rest of the workbook reads only these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.core.errors import ParameterError
from helpers.core.kinds import KINDS, notebook_of, tables_for
from helpers.core.labels import Labels, LabelValue
from helpers.data.budget_settings import DriftSettings

TONES = {"grön": "good", "gul": "partial", "röd": "bad", "grå": "none"}


@dataclass(frozen=True)
class Municipality:
    name: str
    kolada: str | None  # Kolada's four-digit municipality code


@dataclass(frozen=True)
class Level:
    """A goal level (``nivå`` in mal.csv): its goal heading and short form, as patterns."""

    id: str
    heading: str  # e.g. "Kommunfullmäktiges prioriterade mål {nummer}: {titel}"
    short: str  # e.g. "KF-mål {nummer}"


@dataclass(frozen=True)
class Assessment:
    """An assessment word of mal.csv's ``bedömning``: how it is shown and counted."""

    value: str
    text: str
    singular: str
    plural: str
    symbol: str
    tone: str  # good, partial, bad or none (CSS; never the only cue)


@dataclass(frozen=True)
class Status:
    value: str
    text: str
    done: bool


@dataclass(frozen=True)
class TextRef:
    file: str  # under data/<år>/<enhet>/text/
    yearly: bool  # written anew every year (new-year leaves an instruction)


@dataclass(frozen=True)
class SectionSpec:
    """One section of the report after the unit's changes."""

    id: str
    kind: str
    heading: str | None  # a pattern ({år}, {enhet}, {kommun}); see heading_from_unit
    heading_from_unit: bool  # set in the unit's params: wins over the text file's # heading
    text: TextRef | None = None
    after: TextRef | None = None
    level: str | None = None
    group: str | None = None
    labels: dict[str, LabelValue] = field(default_factory=dict)
    source: tuple[str, int] = ("", 0)  # file and line where the section is written
    # A custom section (kind ``egen``): its notebook's name under notebooks/egna/ (no suffix)
    # and the unit's own tables it reads (each with a schema beside it).
    notebook: str | None = None
    custom_tables: tuple[str, ...] = ()

    @property
    def notebook_path(self) -> str:
        """The section's notebook relative to ``notebooks/``."""
        return notebook_of(self.kind, self.notebook)

    @property
    def texts(self) -> list[TextRef]:
        return [t for t in (self.text, self.after) if t is not None]


@dataclass(frozen=True)
class ReportDefinition:
    municipality: Municipality
    comparison: str
    levels: dict[str, Level]
    assessments: dict[str, Assessment]
    statuses: dict[str, Status]
    sections: list[SectionSpec]
    labels: dict[str, LabelValue]
    drift: DriftSettings = field(default_factory=DriftSettings)  # the operating statement's

    def section(self, section_id: str) -> SectionSpec:
        for section in self.sections:
            if section.id == section_id:
                return section
        known = ", ".join(s.id for s in self.sections)
        raise ParameterError(
            f"Avsnittet {section_id!r} finns inte i enhetens rapport — avsnitten är: {known}."
        )

    def of_kind(self, kind: str) -> list[SectionSpec]:
        return [s for s in self.sections if s.kind == kind]

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(s.kind for s in self.sections))

    @property
    def shown_levels(self) -> list[str]:
        return [s.level for s in self.of_kind("mal") if s.level]

    @property
    def custom_tables(self) -> list[str]:
        """The unit's own tables the custom sections read (``tabeller:``), in order."""
        return list(dict.fromkeys(t for s in self.sections for t in s.custom_tables))

    def tables(self) -> tuple[set[str], set[str]]:
        """(required, optional) table stems of the report's sections."""
        return tables_for(self.kinds)

    @property
    def text_files(self) -> list[str]:
        """The sections' own texts (``text:``, ``eftertext:``), relative to ``text/``, in
        report order."""
        return list(dict.fromkeys(ref.file for s in self.sections for ref in s.texts))

    def uses_text(self, name: str) -> bool:
        """Whether the report shows the narrative file ``text/<name>`` (``name`` with ``/``):
        a section's own text, or a file in a folder a section's kind shows (``mal/``,
        ``prioriteringar/`` … ``SectionKind.text_folders``). A section the unit left out uses
        nothing (docs/analytiker.md: it "lämnar inga spår")."""
        if name in self.text_files:
            return True
        folder, _, rest = name.partition("/")
        return bool(rest) and any(
            folder in KINDS[kind].text_folders for kind in self.kinds if kind in KINDS
        )

    def label_set(self, common: dict[str, str], section: SectionSpec | None = None) -> Labels:
        labels = Labels(self.labels, common)
        return labels.with_overrides(section.labels) if section is not None else labels

    def vocabularies(self) -> dict[str, list[str]]:
        """The values mal.csv and aktiviteter.csv may use (see ``schema.unit_specs``)."""
        return {
            "nivåer": list(self.levels),
            "bedömningar": list(self.assessments),
            "statusar": list(self.statuses),
        }

    @property
    def done_statuses(self) -> list[str]:
        return [s.value for s in self.statuses.values() if s.done]
