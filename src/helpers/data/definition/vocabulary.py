"""Reading the kommun-wide parts of a definition: the kommun, goal levels, assessments and
activity statuses. Each reader returns what it could read and records problems in the reader."""

from __future__ import annotations

import re

from helpers.core.labels import COMMON
from helpers.data.definition.located import Located
from helpers.data.definition.model import TONES, Assessment, Level, Municipality, Status
from helpers.data.definition.reader import Reader, unique

LEVEL_FIELDS = ("nummer", "titel", "id")
_KOLADA = re.compile(r"^[0-9]{4}$")


def read_municipality(reader: Reader, where: Located | None, root: Located) -> Municipality:
    mapping = reader.mapping(where, "kommun")
    reader.known_keys(mapping, ("namn", "kolada"), "kommun")
    name = reader.text(mapping.get("namn"), "namn", required=where or root)
    code = reader.text(mapping.get("kolada"), "kolada")
    if code is not None and not _KOLADA.fullmatch(code):
        reader.problem(
            mapping["kolada"],
            f"'{code}' är ingen kommunkod i Kolada",
            hint='skriv de fyra siffrorna inom citattecken, t.ex. kolada: "0114"',
        )
        code = None
    return Municipality(name or "", code)


def read_levels(reader: Reader, where: Located | None, root: Located) -> dict[str, Level]:
    if where is None:
        reader.text(None, "nivåer", required=root)
    levels: dict[str, Level] = {}
    seen = []
    for item in reader.sequence(where, "nivåer"):
        mapping = reader.mapping(item, "en nivå")
        reader.known_keys(mapping, ("id", "rubrik", "kort"), "en nivå")
        level_id = reader.text(mapping.get("id"), "id", required=item)
        level_id = level_id.lower() if level_id else level_id
        heading = reader.text(mapping.get("rubrik"), "rubrik", required=item)
        short = reader.text(mapping.get("kort"), "kort", required=item)
        reader.pattern(mapping.get("rubrik"), "rubrik", (*COMMON, *LEVEL_FIELDS))
        reader.pattern(mapping.get("kort"), "kort", (*COMMON, *LEVEL_FIELDS))
        if level_id is not None:
            seen.append((level_id, mapping["id"]))
        if level_id and heading and short and level_id not in levels:
            levels[level_id] = Level(level_id, heading, short)
    unique(reader, seen, "nivån", "nivå")
    return levels


def level_ids(where: Located | None) -> list[str]:
    """The ids the levels of ``nivåer:`` are written with (lower case), each level counted
    whether or not the rest of it reads: what a section's ``nivå`` may name. A level with a
    faulty heading is one problem, not also one for each section of that level."""
    items = where.value if where is not None and isinstance(where.value, list) else []
    ids = []
    for item in items:
        written = item.value.get("id") if isinstance(item.value, dict) else None
        if written is not None and isinstance(written.value, str) and written.value.strip():
            ids.append(written.value.strip().lower())
    return ids


def read_assessments(reader: Reader, where: Located | None, root: Located) -> dict[str, Assessment]:
    if where is None:
        reader.text(None, "bedömningar", required=root)
    found: dict[str, Assessment] = {}
    seen = []
    fields = ("värde", "text", "ental", "flertal", "symbol", "färg")
    for item in reader.sequence(where, "bedömningar"):
        mapping = reader.mapping(item, "en bedömning")
        reader.known_keys(mapping, fields, "en bedömning")
        values = {name: reader.text(mapping.get(name), name, required=item) for name in fields}
        colour = values["färg"]
        if colour is not None and colour not in TONES:
            reader.problem(
                mapping["färg"],
                f"färgen '{colour}' finns inte",
                hint="välj " + ", ".join(TONES) + " (ordet och symbolen visas alltid också)",
            )
            values["färg"] = None
        if values["värde"] is not None:
            values["värde"] = values["värde"].lower()
            seen.append((values["värde"], mapping["värde"]))
        given = {name: value for name, value in values.items() if value is not None}
        if len(given) == len(values) and given["värde"] not in found:
            found[given["värde"]] = Assessment(
                given["värde"],
                given["text"],
                given["ental"],
                given["flertal"],
                given["symbol"],
                TONES[given["färg"]],
            )
    unique(reader, seen, "bedömningen", "bedömning")
    return found


def read_statuses(reader: Reader, where: Located | None, root: Located) -> dict[str, Status]:
    if where is None:
        reader.text(None, "statusar", required=root)
    found: dict[str, Status] = {}
    seen = []
    for item in reader.sequence(where, "statusar"):
        mapping = reader.mapping(item, "en status")
        reader.known_keys(mapping, ("värde", "text", "klar"), "en status")
        value = reader.text(mapping.get("värde"), "värde", required=item)
        text = reader.text(mapping.get("text"), "text", required=item)
        done = reader.flag(mapping.get("klar"), "klar")
        if value is not None:
            value = value.lower()
            seen.append((value, mapping["värde"]))
            if text is not None and value not in found:
                found[value] = Status(value, text, done)
    unique(reader, seen, "statusen", "status")
    return found
