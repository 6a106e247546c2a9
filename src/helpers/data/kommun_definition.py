"""The consolidated report's definition: ``sammanställning:`` in ``data/rapport.yaml``.

::

    sammanställning:
      titel: "Sammanställd verksamhetsuppföljning {år} – {period}"
      avsnitt:                          # in order; the summary first
        - {id: sammanfattning, typ: kommun_sammanfattning, rubrik: Sammanfattning}
        - {id: kf_mal, typ: kommun_mal, rubrik: Kommunfullmäktiges mål}
        ...
      etiketter: {...}                  # every fixed text (CONSOLIDATED_LABELS)

The kinds (``typ``) are those of :data:`CONSOLIDATED_KINDS`: each has its notebook and declares
which files of every unit it reads (``reads``), so a change in one unit re-runs only the
consolidated sections that read what changed. A kommun without ``sammanställning:`` has no
consolidated report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from helpers.core.errors import DataError, Problem
from helpers.core.paths import Project
from helpers.data.definition.load import definition_part, with_definition_lines

KEY = "sammanställning"
PARAMS = "params"  # in ``reads``: the unit's params file (title, drift settings)


@dataclass(frozen=True)
class ConsolidatedKind:
    """A kind of consolidated section: its notebook and the files of each unit it reads
    (globs under the unit's data folder, or :data:`PARAMS`)."""

    name: str
    notebook: str
    reads: tuple[str, ...]


CONSOLIDATED_KINDS: dict[str, ConsolidatedKind] = {
    kind.name: kind
    for kind in (
        ConsolidatedKind(
            "kommun_sammanfattning", "kommun_sammanfattning.ipynb", (PARAMS, "mal.*", "drift.*")
        ),
        ConsolidatedKind(
            "kommun_mal",
            "kommun_mal.ipynb",
            ("mal.*", "text/mal/*-arbete.md", "text/mal/*-sammanfattning.md"),
        ),
        ConsolidatedKind("kommun_drift", "kommun_drift.ipynb", (PARAMS, "drift.*")),
        ConsolidatedKind(
            "kommun_indikatorer", "kommun_indikatorer.ipynb", ("indikatorer.*", "indikatorvarden.*")
        ),
        ConsolidatedKind("kommun_rapporter", "kommun_rapporter.ipynb", (PARAMS,)),
    )
}

# Every fixed text of the consolidated report, with the placeholders it may use beyond {år},
# {kommun} and {period}.
CONSOLIDATED_LABELS: dict[str, tuple[str, ...]] = {
    "enhet": (),
    "kommunen": (),
    "bedömning": (),
    "sammanfattning_text": (),
    "ingen_bedömning": (),
    "ingen_text": (),
    "oenighet": (),
    "oeniga_mål": (),
    "inga_oeniga": (),
    "kommunens_bedömning": (),
    "mål_per_enhet": ("nivå",),
    "utan_bedömning": (),
    "summa": (),
    "drift_tabell": ("belopp",),
    "drift_not": (),
    "resultat": ("resultat",),
    "resultat_prognos": ("resultat",),
    "indikator_enheter": ("enheter",),
    "inga_indikatorer": (),
    "rapport": (),
    "rapporter_tabell": (),
    "titel": (),
    "ämne": ("titel",),
    "sidtitel": ("titel",),
    # Templates that put values together (every placeholder required, as the unit labels'
    # ``helpers.core.labels.TEMPLATES``): the invented units and a list of names.
    "påhittade": ("påhittad", "enheter"),
    "uppräkning": ("lista", "nästa"),
}
CONSOLIDATED_TEMPLATES = ("påhittade", "uppräkning")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
COMMON = ("år", "kommun", "period")


@dataclass(frozen=True)
class ConsolidatedSection:
    id: str
    kind: str
    heading: str


@dataclass(frozen=True)
class ConsolidatedDefinition:
    title: str  # with {år}, {kommun}, {period} still in it
    sections: tuple[ConsolidatedSection, ...]
    labels: dict[str, str]

    def section(self, section_id: str) -> ConsolidatedSection:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise DataError([Problem("data/rapport.yaml", f"avsnittet '{section_id}' finns inte",
                                 column=f"{KEY}.avsnitt")])  # fmt: skip

    def label(self, key: str, **values: object) -> str:
        return self.labels[key].format_map({k: "" if v is None else v for k, v in values.items()})


def read_consolidated(project: Project) -> tuple[ConsolidatedDefinition | None, list[Problem]]:
    """See ``_read_consolidated``; each problem with its line (``with_definition_lines``)."""
    value, problems = _read_consolidated(project)
    return value, with_definition_lines(project, problems)


def _read_consolidated(project: Project) -> tuple[ConsolidatedDefinition | None, list[Problem]]:
    """The kommun's consolidated report (None when rapport.yaml has no ``sammanställning:``),
    and every problem with it: unknown kinds, repeated ids, missing labels, bad placeholders."""
    value, shown = definition_part(project, KEY)
    if value is None:
        return None, []
    problems: list[Problem] = []

    def problem(key: str, message: str, hint: str) -> None:
        problems.append(Problem(shown, message, column=f"{KEY}.{key}" if key else KEY, hint=hint))

    if not isinstance(value, dict):
        problem("", "'sammanställning' ska vara en tabell med titel, avsnitt och etiketter",
                "se docs/data-format.md, Den sammanställda rapporten")  # fmt: skip
        return None, problems
    title = value.get("titel")
    if not isinstance(title, str) or not title.strip():
        problem("titel", "titeln saknas", "skriv t.ex. titel: Sammanställd verksamhetsuppföljning")
        title = ""
    sections = _sections(value.get("avsnitt"), problem)
    labels = _labels(value.get("etiketter"), problem)
    _check_placeholders("titel", title, (), problem)
    if problems:
        return None, problems
    return ConsolidatedDefinition(title.strip(), tuple(sections), labels), []


def _sections(value: Any, problem: Any) -> list[ConsolidatedSection]:
    if not isinstance(value, list) or not value:
        problem("avsnitt", "avsnitten saknas", "lista avsnitten med id, typ och rubrik")
        return []
    sections: list[ConsolidatedSection] = []
    for index, entry in enumerate(value, start=1):
        where = f"avsnitt[{index}]"
        if not isinstance(entry, dict):
            problem(where, "ska vara en tabell med id, typ och rubrik", "se docs/data-format.md")
            continue
        section_id, kind = str(entry.get("id") or ""), str(entry.get("typ") or "")
        heading = entry.get("rubrik")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", section_id):
            problem(f"{where}.id", f"'{section_id}' är inget giltigt avsnitts-id",
                    "små bokstäver a–z, siffror och understreck, t.ex. kf_mal")  # fmt: skip
            continue
        if section_id in {s.id for s in sections}:
            problem(f"{where}.id", f"avsnittet '{section_id}' finns redan", "ge det ett annat id")
            continue
        if kind not in CONSOLIDATED_KINDS:
            problem(f"{where}.typ", f"'{kind}' är ingen typ av sammanställt avsnitt",
                    f"använd en av: {', '.join(CONSOLIDATED_KINDS)}")  # fmt: skip
            continue
        if heading is not None and not isinstance(heading, str):
            problem(f"{where}.rubrik", "rubriken ska vara en text, inte en lista eller tabell",
                    "skriv rubrik: följt av rubrikens text på samma rad")  # fmt: skip
            continue
        if not isinstance(heading, str) or not heading.strip():
            problem(f"{where}.rubrik", "rubriken saknas", "skriv rubrik: …")
            continue
        _check_placeholders(f"{where}.rubrik", heading, (), problem)
        sections.append(ConsolidatedSection(section_id, kind, heading.strip()))
    return sections


def _labels(value: Any, problem: Any) -> dict[str, str]:
    labels: dict[str, str] = {}
    given = value if isinstance(value, dict) else {}
    for key, allowed in CONSOLIDATED_LABELS.items():
        text = given.get(key)
        if not isinstance(text, str) or not text.strip():
            hint = "skriv den under sammanställning: etiketter: (se docs/data-format.md)"
            problem(f"etiketter.{key}", f"etiketten '{key}' saknas", hint)
            continue
        required = allowed if key in CONSOLIDATED_TEMPLATES else ()
        _check_placeholders(f"etiketter.{key}", text, allowed, problem, required)
        labels[key] = text.strip()
    for key in given:
        if key not in CONSOLIDATED_LABELS:
            problem(f"etiketter.{key}", f"okänd etikett '{key}'",
                    f"kända etiketter: {', '.join(CONSOLIDATED_LABELS)}")  # fmt: skip
    return labels


def _check_placeholders(
    key: str, text: str, allowed: tuple[str, ...], problem: Any, required: tuple[str, ...] = ()
) -> None:
    found = _PLACEHOLDER.findall(text)
    for name in found:
        if name not in (*COMMON, *allowed):
            problem(key, f"platshållaren {{{name}}} finns inte här",
                    f"använd {', '.join('{' + n + '}' for n in (*COMMON, *allowed))}")  # fmt: skip
    missing = [name for name in required if name not in found]
    if missing:
        named = ", ".join("{" + name + "}" for name in missing)
        problem(key, f"mallen saknar {named} — utan platshållaren kommer värdet inte med",
                f"skriv mallen med {', '.join('{' + n + '}' for n in required)}")  # fmt: skip
