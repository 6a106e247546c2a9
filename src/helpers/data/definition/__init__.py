"""The report definition: what a kommun's report consists of, as data.

``data/rapport.yaml`` describes the kommun (name, Kolada code), the comparison series' name, the
goal levels, the assessment and activity-status vocabularies, the report's sections in order and
every fixed text (``etiketter``). A unit changes it in its params file under ``rapport:`` —
leave sections out (``utan``), change them (``ändra``), give its own list (``avsnitt``) or its
own texts (``etiketter``). See docs/data-format.md, "Rapportdefinitionen".

Modules: ``located`` (YAML with lines and key paths), ``reader`` (one value at a time, with
Swedish problems), ``vocabulary`` and ``sections`` (the parts), ``load`` (reading and merging),
``model`` (the objects the rest of the workbook uses) and ``checks`` (rules between the
definition and a unit-year's data; imports pandas, so it is not imported here).
"""

from helpers.data.definition.load import (
    DEFINITION_FILE,
    definition_path,
    load_definition,
    read_definition,
)
from helpers.data.definition.model import (
    Assessment,
    Level,
    Municipality,
    ReportDefinition,
    SectionSpec,
    Status,
    TextRef,
)

__all__ = [
    "DEFINITION_FILE",
    "Assessment",
    "Level",
    "Municipality",
    "ReportDefinition",
    "SectionSpec",
    "Status",
    "TextRef",
    "definition_path",
    "load_definition",
    "read_definition",
]
