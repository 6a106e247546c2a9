"""Punctuation that puts values together is the definition's, not code's: the label templates
(``helpers.core.labels.TEMPLATES``; ``sammanställning: etiketter: påhittade, uppräkning`` for the
consolidated report) with every placeholder required, and a kommun's own punctuation shown in
the summary, the index page and the consolidated report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.core.labels import TEMPLATES, Labels, placeholders_of
from helpers.core.paths import Project
from helpers.data.definition import read_definition
from helpers.data.kommun_definition import (
    CONSOLIDATED_LABELS,
    CONSOLIDATED_TEMPLATES,
    read_consolidated,
)

# A kommun's own punctuation for every template: none of these marks is the example's.
OWN = {
    "rapport.uppräkning": "{lista} / {nästa}",
    "rapport.uppräkning_delar": "{lista} | {nästa}",
    "rapport.sida_vid_sida": "{lista} ≀ {nästa}",
    "resultat.med_ord": "{belopp} ≈ {ord}",
    "index.påhittad": "[{påhittad}]",
    "index.år_och_period": "{år} ~ {period}",
    "sammanfattning.före_antal": "{namn} =",
    "sammanfattning.aktivitet_i_mål": "{aktivitet} ≫ {mål}",
    "sammanfattning.mätning": "{värde} år {period}",
    "egen.punkt": "{värde} vid {kategori}",
    "egen.serie": "{serie} ≫ {förlopp}",
    "egen.per_förlopp": "{per} ≫ {förlopp}",
}
OWN_CONSOLIDATED = {"påhittade": "{påhittad} ≫ {enheter}", "uppräkning": "{lista} / {nästa}"}


def _label_line(lines: list[str], key: str) -> int:
    """The index of ``key``'s line (``group.name`` under ``etiketter:``, or a bare name under
    ``sammanställning: etiketter:``) in rapport.yaml's lines."""
    if "." in key:
        group, name = key.split(".")
        start = lines.index(f"  {group}:\n", lines.index("etiketter:\n"))
        indent = "    "
    else:
        name = key
        start = lines.index("  etiketter:\n", lines.index("sammanställning:\n"))
        indent = "    "
    return next(i for i in range(start, len(lines)) if lines[i].startswith(f"{indent}{name}:"))


def _write_labels(root: Path, labels: dict[str, str]) -> Path:
    path = root / "data" / "rapport.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for key, text in labels.items():
        line = _label_line(lines, key)
        name = key.split(".")[-1]
        lines[line] = f'    {name}: "{text}"\n'
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_every_template_is_in_the_example_and_a_kommun_may_punctuate_each() -> None:
    assert set(OWN) == set(TEMPLATES)
    assert set(OWN_CONSOLIDATED) == set(CONSOLIDATED_TEMPLATES)
    for key, spec in TEMPLATES.items():
        assert spec.required and set(spec.required) == set(placeholders_of(OWN[key])), key
    for key in CONSOLIDATED_TEMPLATES:
        assert set(CONSOLIDATED_LABELS[key]) == set(placeholders_of(OWN_CONSOLIDATED[key]))


def test_a_list_is_built_pair_by_pair() -> None:
    labels = Labels({"rapport.uppräkning": "{lista} + {nästa}"}, {})
    assert labels.joined("rapport.uppräkning", []) == ""
    assert labels.joined("rapport.uppräkning", ["a"]) == "a"
    assert labels.joined("rapport.uppräkning", ["a", "b", "c"]) == "a + b + c"
    # A value's own braces are text, not placeholders.
    assert labels.joined("rapport.uppräkning", ["{x}", "b"]) == "{x} + b"


@pytest.mark.parametrize(
    ("key", "dropped"),
    [(key, name) for key, spec in TEMPLATES.items() for name in spec.required],
)
def test_a_template_without_one_of_its_placeholders_is_named_by_file_line_and_key(
    workspace: Path, key: str, dropped: str
) -> None:
    text = OWN[key].replace("{" + dropped + "}", "")
    path = _write_labels(workspace, {key: text})
    line = _label_line(path.read_text(encoding="utf-8").splitlines(keepends=True), key) + 1
    problems = read_definition(Project(workspace), 2016, "klk")[1]
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("data/rapport.yaml", line, f"etiketter.{key}")
    ]
    assert "{" + dropped + "}" in problems[0].message and problems[0].hint


@pytest.mark.parametrize("key", CONSOLIDATED_TEMPLATES)
def test_a_consolidated_template_without_a_placeholder_is_named(workspace: Path, key: str) -> None:
    dropped = CONSOLIDATED_LABELS[key][-1]
    _write_labels(workspace, {key: OWN_CONSOLIDATED[key].replace("{" + dropped + "}", "")})
    definition, problems = read_consolidated(Project(workspace))
    assert definition is None
    assert [(p.file, p.column) for p in problems] == [
        ("data/rapport.yaml", f"sammanställning.etiketter.{key}")
    ]
    assert "{" + dropped + "}" in problems[0].message


def test_validate_says_which_template_lost_a_placeholder(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_labels(workspace, {"resultat.med_ord": "{belopp}"})
    assert main(["validate", "--year", "2016", "--unit", "klk"]) == 2
    out = capsys.readouterr()
    assert "resultat.med_ord" in out.out and "{ord}" in out.out
    assert "rapport.yaml" in out.out and "Traceback" not in out.out + out.err


def test_the_summary_uses_the_kommuns_own_punctuation(workspace: Path) -> None:
    from helpers.data.unit_data import load_unit
    from helpers.parts.budget import result_word
    from helpers.parts.summary import summarise, summary_html

    _write_labels(workspace, OWN)
    checked = set()
    for unit in ("klk", "von", "exempel"):
        data = load_unit(2016, unit, Project(workspace))
        labels = data.labels()
        page = str(summary_html(data))
        summary = summarise(data)
        # The result with its word.
        word = result_word(summary.result, summary.statement.format, labels)
        if word:
            assert f"</strong> ≈ {word}</dd>" in page and f"({word})" not in page
            checked.add("resultat.med_ord")
        # Each status's count, and under it each activity with its goal.
        activities = data.table("aktiviteter")
        for key, status in data.definition.statuses.items():
            if (activities["status"] == key).any():
                assert f"<summary><span>{status.text} =</span> <strong>" in page
                checked.add("sammanfattning.före_antal")
        for _, activity in activities.iterrows():
            assert re.search(re.escape(activity["aktivitet"]) + r"</a> ≫ [^<(]+</li>", page)
            checked.add("sammanfattning.aktivitet_i_mål")
        # The goal overview: a goal's indicators one after the other.
        indicators = data.table("indikatorer")
        for _, own in indicators.groupby("mal_id"):
            if len(own) > 1:
                first, second = (name.rstrip(".") for name in own["indikator"].iloc[:2])
                assert re.search(re.escape(first) + r": [^<]*? \| " + re.escape(second), page)
                checked.add("rapport.uppräkning_delar")
        # A measurement with its period.
        for move in summary.wrong_direction:
            assert f" år {move.latest[0]}</td>" in page
            checked.add("sammanfattning.mätning")
        # The lead's list of assessments: all but the last joined by the list template.
        assessed = [k for k, n in summary.goals_by_assessment.items() if n and k]
        if len(assessed) > 2:
            lead = re.search(r'<p class="wb-lead">(.*?)</p>', page).group(1)
            assert " / " in lead and ", " not in lead.split("bedöms")[1].split(".")[0]
            checked.add("rapport.uppräkning")
    assert checked == {
        "resultat.med_ord", "sammanfattning.före_antal", "sammanfattning.aktivitet_i_mål",
        "rapport.uppräkning_delar", "sammanfattning.mätning", "rapport.uppräkning",
    }  # fmt: skip


def test_the_index_and_the_consolidated_report_use_the_kommuns_own_punctuation(
    workspace: Path,
) -> None:
    from helpers.building.index_page import write_index
    from helpers.consolidated import report
    from helpers.data.definition import load_definition
    from helpers.data.periods import period_spec

    _write_labels(workspace, {**OWN, **OWN_CONSOLIDATED})
    project = Project(workspace)
    for path in ("2016/klk.html", "2016/exempel.html", "2016/delar/klk.html"):
        (workspace / "reports" / path).parent.mkdir(parents=True, exist_ok=True)
        (workspace / "reports" / path).write_text("<!DOCTYPE html>", encoding="utf-8")
    write_index(project)
    page = (workspace / "reports" / "index.html").read_text(encoding="utf-8")
    invented = load_definition(project, 2016, "exempel").label_set({})("rapport.påhittad_kort")
    assert f'<span class="wb-invented-tag">[{invented}]</span>' in page
    assert f"2016 ~ {period_spec(project, 'delar').name}" in page
    assert re.search(r'data-label="[^"]*">[+−]\d[^<]* ≈ \w[^<]*</td>', page)
    assert " (överskott)" not in page and " (underskott)" not in page
    # The consolidated report: its invented units and the units reporting an indicator.
    summary = str(report.summary(report.section(2016, "sammanfattning")).data)
    assert re.search(r'<p class="wb-invented-tag">[^<]+ ≫ [^<]+ / [^<]+</p>', summary)
    indicators = str(report.indicators(report.section(2016, "indikatorer")).data)
    assert re.search(r"<p>[^<]*: [^<]+ / [^<]+\.</p>", indicators)
