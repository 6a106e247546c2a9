"""A value written twice in one of the definition's lists (levels, assessments, statuses) is
named in good Swedish: "bedömningen 'x' finns redan …", hint "varje bedömning får bara finnas en
gång" (indefinite after "varje", never "varje bedömningen")."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.paths import Project
from helpers.data.definition.load import read_definition

# The list's key, the key of an entry's id, the item in the definite and the indefinite form.
LISTS = [
    ("nivåer", "id", "nivån", "nivå"),
    ("bedömningar", "värde", "bedömningen", "bedömning"),
    ("statusar", "värde", "statusen", "status"),
]


@pytest.mark.parametrize(("key", "id_key", "definite", "indefinite"), LISTS)
def test_a_repeated_value_is_named_in_good_swedish(
    workspace: Path, key: str, id_key: str, definite: str, indefinite: str
):
    path = workspace / "data" / "rapport.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"{key}:")
    first = start + 1
    end = next(i for i in range(first + 1, len(lines)) if lines[i].startswith("  - "))
    entry = lines[first:end]  # the list's first entry, written once more right after it
    assert entry[0].startswith(f"  - {id_key}: ")
    value = entry[0].split(": ", 1)[1]
    path.write_text("\n".join(lines[:end] + entry + lines[end:]) + "\n", encoding="utf-8")
    _, problems = read_definition(Project(workspace))
    repeated = [p for p in problems if f"'{value}' finns redan" in p.message]
    assert repeated, [p.message for p in problems]
    (problem,) = repeated
    assert problem.message.startswith(definite)
    assert f"varje {indefinite} får bara finnas en gång" in (problem.hint or "")
    assert f"varje {definite}" not in (problem.hint or "")
