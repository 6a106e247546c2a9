"""Sign-off (klarmarkering), ``workbook klar`` / ``workbook status``, the draft mark and the
index's progress column — in a private workspace, without kernels."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from helpers import cli
from helpers.building.export import navigation_texts, render_report
from helpers.building.index_page import progress_text
from helpers.building.readiness import unit_progress
from helpers.building.validate import validate_unit
from helpers.core.errors import ParameterError
from helpers.core.paths import Project
from helpers.data.definition import load_definition
from helpers.data.signoff import (
    APPROVED,
    DRAFT,
    REVIEW,
    STATUSES,
    draft_mark,
    read_signoffs,
    set_status,
    signoff_file,
)
from helpers.data.unit_data import load_unit

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


@pytest.mark.parametrize(
    "words",
    [*STATUSES, "Klar för granskning", "GODKÄND", " granskning ", "Utkast", "godkand",
     "klar for granskning"],
)  # fmt: skip
def test_klar_takes_the_status_in_the_words_status_shows(workspace: Path, words: str):
    project = Project(workspace)
    ids = sections(project)
    assert cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, ids[0], "--status", words]) == 0
    expected = {"klar för granskning": REVIEW, "klar for granskning": REVIEW,
                "granskning": REVIEW, "godkand": APPROVED}  # fmt: skip
    wanted = expected.get(words.strip().lower(), words.strip().lower())
    assert rows(signoff_file(project, YEAR, UNIT))[0]["status"] == wanted


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


def test_unknown_section_is_an_argument_error_naming_the_sections(workspace: Path, capsys):
    project = Project(workspace)
    ids = sections(project)
    code = cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, ids[0], "inget_sadant"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT and "inget_sadant" in err
    # A wrong argument, not a fault in the data: no "Fel i underlaget", no file named.
    assert "underlaget" not in err and "klarmarkering" not in err
    assert all(section in err for section in ids)
    assert "Traceback" not in err
    assert not signoff_file(project, YEAR, UNIT).exists()


def test_unknown_section_is_refused_before_a_broken_file_is_read(workspace: Path, capsys):
    project = Project(workspace)
    path = signoff_file(project, YEAR, UNIT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("avsnitt,status,av,datum\nx,nonsens,,\n", encoding="utf-8")
    code = cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, "inget_sadant"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    assert "inget_sadant" in err and "underlaget" not in err
    assert path.read_text(encoding="utf-8") == "avsnitt,status,av,datum\nx,nonsens,,\n"


def test_set_status_refuses_an_unknown_status_as_an_argument(workspace: Path):
    project = Project(workspace)
    ids = sections(project)
    with pytest.raises(ParameterError, match="Okänd status"):
        set_status(project, YEAR, UNIT, ids, ids[:1], "halvklar", "Anna")
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
    texts = navigation_texts(load_unit(YEAR, UNIT, Project.current(), lazy=True).labels())
    html = render_report(
        [], title="T", unit_name="U", municipality="K", fingerprint="f", texts=texts,
        draft={"mark": "Utkast <b>", "text": "1 av 2 avsnitt är godkända."},
    )  # fmt: skip
    assert 'class="wb-draft"' in html and "Utkast &lt;b&gt;" in html
    assert "@top-center" in html  # every printed page carries the mark
    clean = render_report(
        [], title="T", unit_name="U", municipality="K", fingerprint="f", texts=texts
    )
    assert "wb-draft" not in clean.split("</style>", 1)[1] and "@top-center" not in clean


def test_index_progress_shows_status_counts_texts_and_percent(workspace: Path):
    project = Project(workspace)
    ids = sections(project)
    set_status(project, YEAR, UNIT, ids, ids[:3], APPROVED, "Anna")
    labels = load_unit(YEAR, UNIT, project, lazy=True).labels()
    progress = unit_progress(project, YEAR, UNIT, validate=False)
    text = str(progress_text(progress, labels))
    approved = labels("klarmarkering.status_godkänd")
    drafts = labels("klarmarkering.status_utkast")
    assert labels("klarmarkering.klart", procent=round(100 * 3 / len(ids))) in text
    assert labels("klarmarkering.i_status", antal=3, status=approved) in text
    assert labels("klarmarkering.i_status", antal=len(ids) - 3, status=drafts) in text
    texts = len(progress.texts_to_write)
    assert labels("klarmarkering.texter_att_skriva", antal=texts) in text


def test_the_index_words_are_the_definitions(workspace: Path):
    """Another kommun's words for the progress column reach the index; none is code's."""
    path = workspace / "data" / "rapport.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (
        ('klart: "{procent} % klart"', 'klart: "{procent} % färdigt"'),
        ("status_godkänd: Godkänd", "status_godkänd: Fastställd"),
        ('en: "{antal} text att skriva"', 'en: "{antal} text saknas"'),
        ('flera: "{antal} texter att skriva"', 'flera: "{antal} texter saknas"'),
    ):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    project = Project(workspace)
    ids = sections(project)
    set_status(project, YEAR, UNIT, ids, ids[:1], APPROVED, "Anna")
    labels = load_unit(YEAR, UNIT, project, lazy=True).labels()
    shown = str(progress_text(unit_progress(project, YEAR, UNIT, validate=False), labels))
    assert "% färdigt" in shown and "1 Fastställd" in shown and "saknas" in shown
    assert "klart" not in shown and "att skriva" not in shown and "Godkänd" not in shown


def test_a_delar_report_has_its_own_signoff(workspace: Path, capsys):
    project = Project(workspace)
    delar = project.for_period("delar")
    ids = [s.id for s in load_definition(delar, YEAR, UNIT).sections]
    assert cli.main(["klar", "--year", str(YEAR), "--unit", UNIT, "--period", "delar",
                     ids[0], "--status", "godkänd", "--by", "Anna Ek"]) == 0  # fmt: skip
    assert rows(signoff_file(delar, YEAR, UNIT))[0]["avsnitt"] == ids[0]
    assert signoff_file(delar, YEAR, UNIT).parent == delar.unit_data(YEAR, UNIT)
    assert not signoff_file(project, YEAR, UNIT).exists()  # helår untouched
    assert unit_progress(delar, YEAR, UNIT).by_status()[APPROVED] == [ids[0]]
    assert unit_progress(project, YEAR, UNIT).by_status()[APPROVED] == []
    capsys.readouterr()
    assert cli.main(["status", "--year", str(YEAR), "--period", "delar", "--unit", UNIT]) == 0
    out = capsys.readouterr().out
    percent = unit_progress(delar, YEAR, UNIT).percent
    assert "Anna Ek" in out and f"{percent} %" in out
    assert cli.main(["status", "--year", str(YEAR)]) == 0  # every period of the year
    out = capsys.readouterr().out
    assert out.count(f"Status {YEAR}") == len(project.periods_of_year(YEAR)) >= 2


def test_the_consolidated_report_is_signed_off_as_kommun(workspace: Path, capsys):
    from helpers.checks.kommun_checks import validate_consolidated
    from helpers.core.paths import CONSOLIDATED
    from helpers.data.kommun_definition import read_consolidated

    project = Project(workspace)
    ids = [s.id for s in read_consolidated(project)[0].sections]
    assert cli.main(["klar", "--year", str(YEAR), "--unit", CONSOLIDATED, ids[0],
                     "--status", "godkänd", "--by", "Kommundirektören"]) == 0  # fmt: skip
    path = signoff_file(project, YEAR, CONSOLIDATED)
    assert path.parent == project.unit_data(YEAR, CONSOLIDATED)
    progress = unit_progress(project, YEAR, CONSOLIDATED)
    assert progress.by_status()[APPROVED] == [ids[0]] and progress.problems == []
    capsys.readouterr()
    assert cli.main(["status", "--year", str(YEAR), "--period", "helar"]) == 0
    out = capsys.readouterr().out
    assert CONSOLIDATED in out and "Kommundirektören" in out
    path.write_text("avsnitt,status,av,datum\nfinns_inte,godkänd,,\n", encoding="utf-8")
    found = [(p.row, p.column) for p in validate_consolidated(project, YEAR)]
    assert (2, "avsnitt") in found
    assert cli.main(["klar", "--year", str(YEAR), "--unit", CONSOLIDATED, "--alla"]) == 2


def test_a_status_change_does_not_touch_any_section_fingerprint(workspace: Path):
    """The sign-off file is not a section input: a section's first fingerprint (before it has a
    read set) covers the unit's data without it, for units and the consolidated report."""
    from helpers.building.build_plan import plan_build
    from helpers.building.kommun_plan import plan_consolidated
    from helpers.core.paths import CONSOLIDATED

    project = Project(workspace)
    before = {s.name: s.fingerprint["total"] for s in plan_build(project, [YEAR], UNIT)[0].sections}
    (kommun,) = plan_consolidated(project, [YEAR])
    kommun_before = {s.name: s.fingerprint["total"] for s in kommun.sections}
    ids = sections(project)
    set_status(project, YEAR, UNIT, ids, ids, APPROVED, "Anna")
    kommun_ids = [s.name for s in kommun.sections]
    set_status(project, YEAR, CONSOLIDATED, kommun_ids, kommun_ids, APPROVED, "Anna")
    after = {s.name: s.fingerprint["total"] for s in plan_build(project, [YEAR], UNIT)[0].sections}
    (kommun,) = plan_consolidated(project, [YEAR])
    assert after == before
    assert {s.name: s.fingerprint["total"] for s in kommun.sections} == kommun_before


@pytest.mark.parametrize("placeholder", [True, False])
def test_texts_still_to_write_are_listed(workspace: Path, placeholder: bool):
    from helpers.chores.new_unit import PLACEHOLDER_MARK

    project = Project(workspace)
    text = project.unit_data(YEAR, UNIT) / "text" / "framtid.md"
    if placeholder:
        text.write_text(f"# Framtid\n\n{PLACEHOLDER_MARK}.\n", encoding="utf-8")
    else:
        text.unlink()
    assert unit_progress(project, YEAR, UNIT, validate=False).texts_to_write == ["text/framtid.md"]


def test_the_index_shows_the_consolidated_reports_progress_beside_its_link(workspace: Path):
    from helpers.building.index_page import PeriodReports, year_table
    from helpers.core.paths import CONSOLIDATED, YEAR_END
    from helpers.data.definition import read_definition
    from helpers.data.signoff import report_sections

    project = Project(workspace)
    ids = report_sections(project, YEAR, CONSOLIDATED)
    set_status(project, YEAR, CONSOLIDATED, ids, ids[:1], APPROVED, "Anna")
    progress = unit_progress(project, YEAR, CONSOLIDATED, validate=False)
    definition, _ = read_definition(project)
    labels = definition.label_set({"år": "", "enhet": "", "kommun": "K"})
    group = PeriodReports(YEAR_END, "Helår", [], f"{YEAR}/kommun.html", progress)
    shown = str(year_table(YEAR, [], [], labels, [group]))
    assert labels("klarmarkering.klart", procent=round(100 / len(ids))) in shown
    approved = labels("klarmarkering.status_godkänd")
    assert labels("klarmarkering.i_status", antal=1, status=approved) in shown
