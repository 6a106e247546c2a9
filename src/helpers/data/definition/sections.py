"""A report's sections: the kommun's list, the unit's changes (``avsnitt``, ``ändra``, ``utan``)
and the checks of the finished list (kinds, keys, ids, levels, labels).

While the list is put together each key remembers the file and line it was written on (a
:data:`Draft`), so a problem is reported where the analyst wrote the value, in rapport.yaml or in
the unit's params.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

from helpers.core.kinds import COMMON_KEYS, KINDS
from helpers.core.labels import COMMON, LABELS, LabelValue
from helpers.core.schema import SPECS
from helpers.data.definition.located import Located
from helpers.data.definition.model import SectionSpec, TextRef
from helpers.data.definition.reader import SECTION_ID, Reader, read_labels, text_reference

# A section being put together: key → (reader of the file it was written in, where).
Draft = dict[str, tuple[Reader, Located]]


def read_drafts(reader: Reader, where: Located | None, root: Located | None) -> list[Draft]:
    if where is None and root is not None:
        reader.text(None, "avsnitt", required=root)
    drafts = []
    for item in reader.sequence(where, "avsnitt"):
        mapping = reader.mapping(item, "ett avsnitt")
        if mapping:
            drafts.append({key: (reader, value) for key, value in mapping.items()})
    return drafts


def _draft_id(draft: Draft) -> str | None:
    if "id" not in draft:
        return None
    reader, where = draft["id"]
    return where.value if isinstance(where.value, str) else None


def apply_overrides(
    kommun: list[Draft], reader: Reader, override: dict[str, Located]
) -> list[Draft]:
    """The unit's section list: its own ``avsnitt`` list, ``ändra`` and ``utan`` applied."""
    by_id = {_draft_id(d): d for d in kommun if _draft_id(d)}
    drafts = kommun
    if "avsnitt" in override:
        drafts = []
        for item in reader.sequence(override["avsnitt"], "avsnitt"):
            if isinstance(item.value, str):
                if _known(reader, item, item.value, by_id):
                    drafts.append(dict(by_id[item.value]))
                continue
            mapping = reader.mapping(item, "ett avsnitt")
            own = {key: (reader, value) for key, value in mapping.items()}
            section_id = _draft_id(own)
            base = dict(by_id.get(section_id, {})) if section_id else {}
            drafts.append({**base, **own})
    current = {_draft_id(d): d for d in drafts if _draft_id(d)}
    for section_id, changes in reader.mapping(override.get("ändra"), "ändra").items():
        if _known(reader, changes, section_id, current):
            mapping = reader.mapping(changes, f"ändra.{section_id}")
            if "id" in mapping:
                reader.problem(mapping["id"], "id:t går inte att ändra", hint="ta bort raden")
            current[section_id].update(
                {key: (reader, value) for key, value in mapping.items() if key != "id"}
            )
    if "avsnitt" in override and "utan" in override:
        # The unit's own list already says which sections it has: a section left out of it is
        # out. ``utan`` beside it was applied to that list silently, and an id the list does
        # not name was said to be missing from the definition.
        reader.problem(
            override["utan"],
            "'utan' kan inte stå tillsammans med 'avsnitt': med en egen lista under avsnitt har "
            "rapporten bara de avsnitt som står i listan",
            hint="ta bort 'utan' och stryk de avsnitten ur listan under avsnitt (eller ta bort "
            "'avsnitt' och behåll kommunens lista med 'utan' och 'ändra')",
        )
        return drafts
    left_out = set()
    for item in reader.sequence(override.get("utan"), "utan"):
        name = reader.text(item, "utan")
        if name is not None and _known(reader, item, name, current):
            left_out.add(name)
    return [d for d in drafts if _draft_id(d) not in left_out]


def _known(reader: Reader, where: Located, section_id: str, known: dict) -> bool:
    if section_id in known:
        return True
    close = difflib.get_close_matches(section_id, [k for k in known if k], n=1, cutoff=0.6)
    reader.problem(
        where,
        f"avsnittet '{section_id}' finns inte i rapportdefinitionen"
        + (f" (menade du '{close[0]}'?)" if close else ""),
        hint="avsnitten är: " + ", ".join(k for k in known if k),
    )
    return False


def finish_section(
    draft: Draft, levels: Collection[str], unit_reader: Reader | None
) -> SectionSpec | None:
    """A finished section, or None when it has problems (recorded in the readers). ``levels``:
    the ids ``nivåer:`` names (``vocabulary.level_ids``), a level with a fault of its own
    included (that fault is its own problem, not also one for each section of the level)."""
    any_reader, any_where = next(iter(draft.values()))
    parent = Located(None, any_where.line, any_where.path[:-1])

    def value(key: str) -> tuple[Reader, Located | None]:
        return draft.get(key, (any_reader, None))

    reader, where = value("id")
    section_id = reader.identifier(where, "id", parent)
    reader, where = value("typ")
    kind_name = reader.text(where, "typ", required=parent)
    if kind_name is not None and kind_name not in KINDS:
        close = difflib.get_close_matches(kind_name, list(KINDS), n=1, cutoff=0.6)
        reader.problem(
            where,
            f"typen '{kind_name}' finns inte" + (f" (menade du '{close[0]}'?)" if close else ""),
            hint="typerna är: " + ", ".join(KINDS),
        )
        kind_name = None
    if section_id is None or kind_name is None:
        return None
    kind = KINDS[kind_name]
    ok = True
    allowed = (*COMMON_KEYS, *kind.keys)
    for key, (reader, where) in draft.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            reader.problem(
                where,
                f"avsnitt av typen {kind_name} har ingen nyckel '{key}'"
                + (f" (menade du '{close[0]}'?)" if close else ""),
                hint="tillåtna nycklar: " + ", ".join(allowed),
            )
            ok = False
    for key in kind.required:
        if key not in draft or draft[key][1].value in (None, ""):
            reader, where = draft.get(key, value("id"))
            reader.problem(
                where if key in draft else parent,
                f"avsnittet '{section_id}' (typ {kind_name}) behöver '{key}'",
                hint=f"skriv {key}: … (se docs/data-format.md)",
            )
            ok = False
    reader, where = value("rubrik")
    heading = reader.text(where, "rubrik")
    reader.pattern(where, "rubrik", COMMON)
    # Written, but not a text (a list, a mapping): reader.text said so; one fault, one message.
    not_text = heading is None and where is not None and where.value not in (None, "")
    ok = ok and not not_text
    from_unit = "rubrik" in draft and draft["rubrik"][0] is unit_reader
    texts = {}
    for key in ("text", "eftertext"):
        reader, where = value(key)
        ref = text_reference(reader, where, key)
        texts[key] = None if ref is None else TextRef(*ref)
    if heading is None and "text" not in draft and not not_text:  # unreadable text: above
        reader, where = value("id")
        reader.problem(
            where or parent,
            f"avsnittet '{section_id}' har ingen rubrik",
            hint="skriv rubrik: … (eller text: med en fil som börjar med '# Rubrik')",
        )
        ok = False
    reader, where = value("nivå")
    level = reader.text(where, "nivå")
    level = level.lower() if level else level
    if level is not None and level not in levels:
        reader.problem(
            where,
            f"nivån '{level}' finns inte under nivåer:",
            hint="nivåerna är: " + ", ".join(levels),
        )
        ok = False
    reader, where = value("grupp")
    group = reader.text(where, "grupp")
    notebook, custom_tables = _custom_parts(draft)
    if kind.custom and notebook is None:
        ok = False
    labels: dict[str, LabelValue] = {}
    if "etiketter" in draft:
        reader, where = draft["etiketter"]
        labels = {key: value for key, (value, _) in read_labels(reader, where).items()}
    if not ok:
        return None
    id_reader, id_where = draft["id"]
    return SectionSpec(
        section_id,
        kind_name,
        heading,
        from_unit,
        texts["text"],
        texts["eftertext"],
        level,
        group,
        labels,
        (id_reader.shown_as, id_where.line),
        notebook,
        custom_tables,
    )


def _custom_parts(draft: Draft) -> tuple[str | None, tuple[str, ...]]:
    """A custom section's ``notebook:`` (a name under notebooks/egna/, ``.ipynb`` optional) and
    ``tabeller:`` (the unit's own tables it reads, by file stem)."""
    notebook = None
    if "notebook" in draft:
        reader, where = draft["notebook"]
        name = reader.text(where, "notebook")
        if name is not None:
            name = name.removesuffix(".ipynb")
            if name.startswith("egna/"):
                name = name.removeprefix("egna/")
            if SECTION_ID.fullmatch(name):
                notebook = name
            else:
                reader.problem(
                    where,
                    f"'{name}' går inte att använda som notebook",
                    hint="skriv notebookens namn i notebooks/egna/ utan mapp, t.ex. "
                    "notebook: vantetider (små bokstäver a–z, siffror och _)",
                )
    tables: list[str] = []
    if "tabeller" in draft:
        reader, where = draft["tabeller"]
        items = [where] if isinstance(where.value, str) else reader.sequence(where, "tabeller")
        for item in items:
            stem = reader.text(item, "tabeller")
            if stem is None:
                continue
            stem = stem.removesuffix(".csv").removesuffix(".xlsx")
            if not SECTION_ID.fullmatch(stem) or stem in SPECS:
                reader.problem(
                    item,
                    f"'{stem}' går inte att använda som eget tabellnamn"
                    + (" (workbook har redan en tabell med det namnet)" if stem in SPECS else ""),
                    hint="skriv filnamnet utan .csv, t.ex. tabeller: [vantetider] (små bokstäver "
                    "a–z, siffror och _)",
                )
            else:
                tables.append(stem)
    return notebook, tuple(dict.fromkeys(tables))


def check_sections(
    reader: Reader, sections: list[tuple[SectionSpec, Draft]], where: Located | None
) -> None:
    ids = [(spec.id, draft["id"][1]) for spec, draft in sections]
    seen: dict[str, Located] = {}
    for section_id, at in ids:
        if section_id in seen:
            owner = next(d["id"][0] for s, d in sections if d["id"][1] is at)
            owner.problem(
                at,
                f"avsnittet '{section_id}' finns redan (rad {seen[section_id].line})",
                hint="varje avsnitt behöver ett eget id",
            )
        else:
            seen[section_id] = at
    for kind in KINDS.values():
        same = [(s, d) for s, d in sections if s.kind == kind.name]
        if kind.once and len(same) > 1:
            draft = same[1][1]
            draft["typ"][0].problem(
                draft["typ"][1],
                f"typen {kind.name} kan bara finnas en gång i en rapport",
                hint=f"ta bort avsnittet '{same[1][0].id}' eller ändra dess typ",
            )
    if not sections and where is not None:
        reader.problem(where, "rapporten har inga avsnitt", hint="lista minst ett avsnitt")


def _written_labels(where: Located | None) -> set[str]:
    """The keys (``rapport.titel``) written under ``etiketter:``, read or not."""
    groups = where.value if where is not None and isinstance(where.value, dict) else {}
    return {
        f"{group}.{name}"
        for group, entries in groups.items()
        if isinstance(entries.value, dict)
        for name in entries.value
    }


def required_labels(
    reader: Reader,
    where: Located | None,
    labels: dict[str, LabelValue],
    sections: list[SectionSpec],
) -> None:
    """Every label the report's sections show must be written (in rapport.yaml, the unit's
    params or the section's own ``etiketter``)."""
    line = where.line if where is not None else 1
    written = _written_labels(where)  # a label written wrong is its own problem, not also missing
    for key, spec in LABELS.items():
        if key in labels or key in written or spec.optional:
            continue
        if spec.kind == "rapport":
            users = ["alla rapporter"]
        else:
            users = [s.id for s in sections if s.kind == spec.kind and key not in s.labels]
        if users:
            reader.problem(
                Located(None, line, ("etiketter", *key.split("."))),
                f"etiketten {key} saknas (används av {', '.join(users)})",
                hint="skriv texten under etiketter: (se docs/data-format.md)",
            )
