"""Reading the parts of a report definition out of located YAML, collecting every problem.

``helpers.data.definition`` decides what a definition is; this module reads one value at a time and
says, in Swedish, what is wrong with it and where (file, line, key path). Nothing here raises for
bad input: each reader returns what it could read and appends :class:`Problem`s.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from helpers.core.errors import Problem
from helpers.core.labels import COMMON, LABELS, PLURAL, SINGULAR, LabelValue, placeholders_of
from helpers.data.definition.located import Located, key_path

SECTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEXT_FILE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}\.md$")
# Ids the report itself uses for its own elements.
RESERVED_IDS = frozenset({"innehall", "innehallsforteckning"})
YES, NO = "ja", "nej"


@dataclass
class Reader:
    """Reads values of one file and collects the problems found."""

    shown_as: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, where: Located | None, message: str, hint: str | None = None) -> None:
        row, column = (where.line, where.key or None) if where is not None else (None, None)
        self.problems.append(Problem(self.shown_as, message, row=row, column=column, hint=hint))

    def mapping(self, where: Located | None, what: str) -> dict[str, Located]:
        if where is None or where.value is None:
            return {}
        if not isinstance(where.value, dict):
            self.problem(where, f"{what} ska vara nycklar med värden (nyckel: värde)")
            return {}
        return where.value

    def sequence(self, where: Located | None, what: str) -> list[Located]:
        if where is None or where.value is None:
            return []
        if not isinstance(where.value, list):
            self.problem(where, f"{what} ska vara en lista (rader som börjar med -)")
            return []
        return where.value

    def known_keys(self, mapping: dict[str, Located], allowed: Iterable[str], what: str) -> None:
        allowed = list(allowed)
        for key, value in mapping.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                guess = f" (menade du '{close[0]}'?)" if close else ""
                self.problem(
                    value,
                    f"okänd nyckel '{key}' i {what}{guess}",
                    hint="tillåtna nycklar: " + ", ".join(allowed),
                )

    def text(self, where: Located | None, what: str, required: Located | None = None) -> str | None:
        """A scalar's text. ``required`` is the parent to blame when the value is missing."""
        if where is None or where.value is None or where.value == "":
            if required is not None:
                self.problem(
                    where or _child(required, what),
                    f"'{what}' saknas",
                    hint=f"skriv {what}: … (se docs/data-format.md)",
                )
            return None
        if not isinstance(where.value, str):
            self.problem(where, f"'{what}' ska vara en text, inte en lista eller tabell")
            return None
        return where.value.strip()

    def flag(self, where: Located | None, what: str) -> bool:
        if where is None or where.value is None:
            return False
        value = where.value.strip().lower() if isinstance(where.value, str) else None
        if value not in (YES, NO):
            self.problem(where, f"'{what}' ska vara ja eller nej")
            return False
        return value == YES

    def pattern(
        self, where: Located | None, what: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> None:
        """Placeholders in a pattern must be ones the workbook fills in for it; a template's
        ``required`` ones must all be there (each is a value the text would otherwise lose)."""
        text = where.value if where is not None else None
        if not isinstance(text, str):
            return
        allowed = list(allowed)
        try:
            names = placeholders_of(text)
        except ValueError:
            self.problem(
                where,
                f"'{what}' har en klammer {{ eller }} som inte är en platshållare",
                hint="platshållare skrivs {år}, {nummer} …; en ensam klammer går inte",
            )
            return
        for name in names:
            if name not in allowed:
                self.problem(
                    where,
                    f"platshållaren {{{name}}} finns inte för '{what}'",
                    hint="använd " + ", ".join(f"{{{a}}}" for a in allowed),
                )
        missing = [name for name in required if name not in names]
        if missing:
            self.problem(
                where,
                f"'{what}' saknar "
                + ", ".join(f"{{{name}}}" for name in missing)
                + " — utan platshållaren kommer värdet inte med i rapporten",
                hint="skriv mallen med "
                + ", ".join(f"{{{name}}}" for name in required)
                + " (se docs/data-format.md)",
            )

    def identifier(self, where: Located | None, what: str, parent: Located) -> str | None:
        value = self.text(where, what, required=parent)
        if value is None:
            return None
        if not SECTION_ID.fullmatch(value) or value in RESERVED_IDS:
            self.problem(
                where or parent,
                f"'{value}' går inte att använda som {what}",
                hint="små bokstäver a–z, siffror och _ (börja med en bokstav), t.ex. kf_mal",
            )
            return None
        return value


def _child(parent: Located, name: str) -> Located:
    """Where a missing key would have been: the parent's line, the key's path."""
    return Located(None, parent.line, (*parent.path, name))


def read_labels(reader: Reader, where: Located | None) -> dict[str, tuple[LabelValue, Located]]:
    """``etiketter:`` as {key path: (value, where)}; unknown keys and bad values are problems."""
    labels: dict[str, tuple[LabelValue, Located]] = {}
    groups = sorted({key.split(".")[0] for key in LABELS})
    for group, entries in reader.mapping(where, "etiketter").items():
        if group not in groups:
            reader.known_keys({group: entries}, groups, "etiketter")
            continue
        names = [key.split(".", 1)[1] for key in LABELS if key.startswith(group + ".")]
        mapping = reader.mapping(entries, f"etiketter.{group}")
        reader.known_keys(mapping, names, f"etiketter.{group}")
        for name, value in mapping.items():
            key = f"{group}.{name}"
            if key not in LABELS:
                continue
            read = _label_value(reader, key, value)
            if read is not None:
                labels[key] = (read, value)
    return labels


def _label_value(reader: Reader, key: str, where: Located) -> LabelValue | None:
    spec = LABELS[key]
    allowed = (*COMMON, *spec.placeholders)
    if isinstance(where.value, dict):
        if not spec.counted:
            reader.problem(
                where,
                f"etiketten {key} ska vara en text (den har inga former för ental och flertal)",
            )
            return None
        reader.known_keys(where.value, (SINGULAR, PLURAL), f"etiketten {key}")
        forms = {}
        for form in (SINGULAR, PLURAL):
            text = reader.text(where.value.get(form), form, required=where)
            reader.pattern(where.value.get(form), key, allowed, spec.required)
            if text is not None:
                forms[form] = text
        return forms if len(forms) == 2 else None
    text = reader.text(where, key, required=where)
    reader.pattern(where, key, allowed, spec.required)
    return text


def text_reference(reader: Reader, where: Located | None, what: str) -> tuple[str, bool] | None:
    """A section's text: ``uppdrag.md`` or ``{fil: handelser.md, ny_varje_år: ja}``.

    Returns (file name under text/, written anew every year).
    """
    if where is None or where.value is None:
        return None
    yearly = False
    name_at: Located | None = where
    if isinstance(where.value, dict):
        reader.known_keys(where.value, ("fil", "ny_varje_år"), what)
        name_at = where.value.get("fil")
        yearly = reader.flag(where.value.get("ny_varje_år"), "ny_varje_år")
        name = reader.text(name_at, "fil", required=where)
    else:
        name = reader.text(where, what)
    if name is None:
        return None
    if not TEXT_FILE.fullmatch(name):
        reader.problem(
            name_at or where,
            f"'{name}' är inget filnamn för en text i text/",
            hint="skriv filens namn med .md, små bokstäver utan å/ä/ö och utan mappar, "
            "t.ex. uppdrag.md",
        )
        return None
    return name, yearly


def unique(reader: Reader, items: list[tuple[str, Located]], what: str, each: str) -> None:
    """Each id once: a repeated one is a problem on its second line. ``what`` names an item in
    the definite form (``bedömningen``), ``each`` in the indefinite one (``bedömning``): Swedish
    says "varje bedömning"."""
    first: dict[str, Located] = {}
    for value, where in items:
        if value in first:
            reader.problem(
                where,
                f"{what} '{value}' finns redan på rad {first[value].line}",
                hint=f"varje {each} får bara finnas en gång: ta bort den ena eller ge den ett "
                "annat namn",
            )
        else:
            first[value] = where


__all__ = ["Reader", "key_path", "read_labels", "text_reference", "unique"]
