"""Kinds of report section: one notebook per kind, run once for every section of that kind.

A report definition lists *sections* (``avsnitt``), each with an id and a kind (``typ``). The
kind says which notebook renders it (``notebooks/<notebook>``), which tables its data needs
(only those are required and read), which keys a section of the kind may or must have, and
whether it may be used more than once in a report. :data:`KINDS` is the registry; a kind added
later (e.g. a unit's own notebook) registers itself with :func:`register_kind`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Keys every section may have.
COMMON_KEYS = ("id", "typ", "rubrik", "etiketter")
TEXT_KEYS = ("text", "eftertext")


@dataclass(frozen=True)
class SectionKind:
    """One kind of section.

    ``tables`` are the unit-year tables (file stems) the kind reads; ``optional_tables`` are
    read when they exist. ``keys`` are the section keys allowed beyond :data:`COMMON_KEYS`,
    ``required`` those that must be given. ``text_folders`` are the folders under ``text/``
    whose files the kind shows (one text per goal, goal area, priority or control): a report
    without a section of the kind does not use them.
    """

    name: str
    notebook: str
    description: str
    tables: tuple[str, ...] = ()
    optional_tables: tuple[str, ...] = ()
    keys: tuple[str, ...] = TEXT_KEYS
    required: tuple[str, ...] = ()
    once: bool = False
    text_folders: tuple[str, ...] = ()
    # The analyst's own notebook (``notebook:`` of the section, under ``notebooks/egna/``)
    # rather than one notebook shared by every section of the kind.
    custom: bool = False


KINDS: dict[str, SectionKind] = {}


def register_kind(kind: SectionKind) -> SectionKind:
    """Add (or replace) a kind in the registry."""
    KINDS[kind.name] = kind
    return kind


for _kind in (
    SectionKind(
        "sammanfattning",
        "sammanfattning.ipynb",
        "rapportens första sida: ekonomi, mål, aktiviteter och indikatorer i siffror",
        keys=(),
        once=True,
    ),
    SectionKind(
        "text",
        "text.ipynb",
        "en löptext ur text/ (rubriken från filens #-rad eller från rubrik:)",
        keys=("text",),
        required=("text",),
    ),
    SectionKind(
        "mal",
        "mal.ipynb",
        "målen på en nivå: bedömning, texter, aktivitetsplan, indikatorer och diagram",
        tables=("mal", "aktiviteter", "indikatorer", "indikatorvarden"),
        optional_tables=("malomraden",),
        keys=(*TEXT_KEYS, "nivå"),
        required=("nivå",),
        text_folders=("mal", "malomraden"),
    ),
    SectionKind(
        "prioriteringar",
        "prioriteringar.ipynb",
        "politiska prioriteringar med en text var",
        tables=("prioriteringar",),
        once=True,
        text_folders=("prioriteringar",),
    ),
    SectionKind(
        "internkontroll",
        "internkontroll.ipynb",
        "internkontroller med åtgärder och uppföljning",
        tables=("internkontroll", "internkontroll_atgarder"),
        once=True,
        text_folders=("internkontroll",),
    ),
    SectionKind(
        "nyckeltal",
        "nyckeltal.ipynb",
        "nyckeltal per år; med grupp: bara nyckeltalen i den gruppen",
        tables=("nyckeltal", "nyckeltalsvarden"),
        keys=(*TEXT_KEYS, "grupp"),
    ),
    SectionKind(
        "drift",
        "drift.ipynb",
        "driftredovisningen: tabell, diagram och analys",
        tables=("drift",),
        once=True,
    ),
    SectionKind(
        "egen",
        "",
        "ett eget avsnitt: en egen notebook i notebooks/egna/ med egna tabeller (se "
        "docs/analytiker.md)",
        keys=(*TEXT_KEYS, "notebook", "tabeller"),
        required=("notebook",),
        custom=True,
    ),
):
    register_kind(_kind)

# Where the analysts' own section notebooks live, under the project's ``notebooks/``.
CUSTOM_FOLDER = "egna"


def notebook_of(kind: str, custom_notebook: str | None = None) -> str:
    """The notebook that renders a section, relative to ``notebooks/``: the kind's, or for a
    custom section (kind ``egen``) ``egna/<notebook>.ipynb``."""
    if KINDS[kind].custom:
        return f"{CUSTOM_FOLDER}/{custom_notebook}.ipynb"
    return KINDS[kind].notebook


def tables_for(kinds: list[str]) -> tuple[set[str], set[str]]:
    """(required, optional) table stems for sections of these kinds."""
    required: set[str] = set()
    optional: set[str] = set()
    for name in kinds:
        kind = KINDS.get(name)
        if kind is not None:
            required.update(kind.tables)
            optional.update(kind.optional_tables)
    return required, optional - required
