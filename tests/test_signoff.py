"""Sign-off (klarmarkering), ``workbook klar`` / ``workbook status``, the draft mark and the
index's progress column — in a private workspace, without kernels."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from helpers import cli
from helpers.definition import load_definition
from helpers.export import render_report
from helpers.index_page import progress_text
from helpers.paths import Project
from helpers.season import unit_progress
from helpers.signoff import (
    APPROVED,
    DRAFT,
    REVIEW,
    STATUSES,
    draft_mark,
    read_signoffs,
    set_status,
    signoff_file,
)
from helpers.unit_data import load_unit
from helpers.validate import validate_unit

YEAR, UNIT = 2016, "klk"


def sections(project: Project) -> list[str]:
    return [s.id for s in load_definition(project, YEAR, UNIT).sections]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_section_starts_as_a_draft(workspace: Path):
    project = Project(workspace)
    signoffs, problems = read_signoffs(project, YEAR, UNIT, sections(project))
    assert problems == [] and {s.status for s in signoffs.values()} == {DRAFT}
    assert unit_progress(project, YEAR, UNIT).percent == 0


def test_klar_writes_status_who_and_when_and_status_counts_it(workspace: Path, capsys):
    project = Project(workspace)
    ids = sections(project)
    assert cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, ids[1], ids[2],
                     "--status", "godkänd", "--by", "Anna Ek"]) == 0  # fmt: skip
    assert cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, ids[3], "--by", "Bo"]) == 0
    written = rows(signoff_file(project, YEAR, UNIT))
    today = dt.date.today().isoformat()
    assert written == [
        {"avsnitt": ids[1], "status": APPROVED, "av": "Anna Ek", "datum": today},
        {"avsnitt": ids[2], "status": APPROVED, "av": "Anna Ek", "datum": today},
        {"avsnitt": ids[3], "status": REVIEW, "av": "Bo", "datum": today},
    ]
    assert validate_unit(project, YEAR, UNIT) == []
    progress = unit_progress(project, YEAR, UNIT)
    assert progress.by_status()[APPROVED] == [ids[1], ids[2]]
    assert progress.percent == round(100 * 2 / len(ids))
    capsys.readouterr()
    assert cli.main(["status", "--year", str(YEAR)]) == 0
    out = capsys.readouterr().out
    assert f"{progress.percent} %" in out and "Anna Ek" in out and all(s in out for s in STATUSES)


def test_a_hand_edited_file_is_validated_like_every_table(workspace: Path):
    project = Project(workspace)
    path = signoff_file(project, YEAR, UNIT)
    path.write_text(
        "avsnitt,status,av,datum\ndrift,klar,Anna,2017-13-01\nfinns_inte,godkänd,,\n"
        "drift,godkänd,,\n",
        encoding="utf-8",
    )
    found = {(p.row, p.column) for p in validate_unit(project, YEAR, UNIT)}
    assert {(2, "status"), (2, "datum"), (3, "avsnitt"), (4, "avsnitt")} <= found
    assert cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, "drift"]) == cli.EXIT_BAD_INPUT


def test_unknown_section_is_refused_and_nothing_written(workspace: Path, capsys):
    project = Project(workspace)
    code = cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, "inget_sadant"])
    assert code == cli.EXIT_BAD_INPUT and "inget_sadant" in capsys.readouterr().err
    assert not signoff_file(project, YEAR, UNIT).exists()


def test_draft_mark_uses_the_definitions_words_until_all_are_approved(workspace: Path):
    project = Project(workspace)
    ids = sections(project)
    data = load_unit(YEAR, UNIT, project, lazy=True)
    labels = data.labels()
    mark = draft_mark(data)
    assert mark == {
        "mark": labels("klarmarkering.utkast"),
        "text": labels("klarmarkering.utkast_text", godkända=0, antal=len(ids)),
    }
    set_status(project, YEAR, UNIT, ids, ids, APPROVED, "Anna")
    assert draft_mark(data) is None


def test_the_draft_mark_is_in_the_html_and_in_print(tmp_path: Path):
    html = render_report(
        [], title="T", unit_name="U", municipality="K", fingerprint="f",
        draft={"mark": "Utkast <b>", "text": "1 av 2 avsnitt är godkända."},
    )  # fmt: skip
    assert 'class="wb-draft"' in html and "Utkast &lt;b&gt;" in html
    assert "@top-center" in html  # every printed page carries the mark
    clean = render_report([], title="T", unit_name="U", municipality="K", fingerprint="f")
    assert "wb-draft" not in clean.split("</style>", 1)[1] and "@top-center" not in clean


def test_index_progress_shows_status_counts_texts_and_percent(workspace: Path):
    project = Project(workspace)
    ids = sections(project)
    set_status(project, YEAR, UNIT, ids, ids[:3], APPROVED, "Anna")
    labels = load_unit(YEAR, UNIT, project, lazy=True).labels()
    text = str(progress_text(project, YEAR, UNIT, labels))
    assert f"{round(100 * 3 / len(ids))} %" in text
    assert f"3 {labels('klarmarkering.status_godkänd')}" in text
    assert f"{len(ids) - 3} {labels('klarmarkering.status_utkast')}" in text


@pytest.mark.parametrize("placeholder", [True, False])
def test_texts_still_to_write_are_listed(workspace: Path, placeholder: bool):
    from helpers.new_unit import PLACEHOLDER_MARK

    project = Project(workspace)
    text = project.unit_data(YEAR, UNIT) / "text" / "framtid.md"
    if placeholder:
        text.write_text(f"# Framtid\n\n{PLACEHOLDER_MARK}.\n", encoding="utf-8")
    else:
        text.unlink()
    assert unit_progress(project, YEAR, UNIT, validate=False).texts_to_write == ["text/framtid.md"]
