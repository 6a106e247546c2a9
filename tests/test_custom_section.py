"""Custom sections (kind ``egen``): a unit's own notebook and tables, as the example VON has.

Expectations come from the example's own files: its params (the section), its table and schema
(data/2016/von/vantetider.*), and the notebook under notebooks/egna/.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from bs4 import BeautifulSoup

pytest.register_assert_rewrite("browser")

from browser import PHONE, describe_violations, open_page, run_axe  # noqa: E402

from helpers import report  # noqa: E402
from helpers.building.build import build  # noqa: E402
from helpers.building.validate import validate_unit  # noqa: E402
from helpers.chores.new_unit import new_unit  # noqa: E402
from helpers.chores.new_year import new_year  # noqa: E402
from helpers.core.errors import DataError, ParameterError  # noqa: E402
from helpers.core.paths import REPO_ROOT, Project  # noqa: E402
from helpers.data.custom_tables import (  # noqa: E402
    load_custom_table,  # noqa: E402
    read_schema,
    schema_path,
)
from helpers.data.definition import load_definition, read_definition  # noqa: E402
from helpers.parts import custom_view  # noqa: E402
from helpers.parts.numbers import format_number  # noqa: E402

pytest_plugins = ["browser"]
UNIT, YEAR, SECTION, TABLE = "von", 2016, "vantetider", "vantetider"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _with_notebooks(root: Path) -> Path:
    """The workspace gets its own copy of notebooks/ (as a kommun's project has)."""
    shutil.copytree(REPO_ROOT / "notebooks", root / "notebooks")
    return root


# ------------------------------------------------------------------------------ the definition


def test_the_example_lists_its_custom_section() -> None:
    definition = load_definition(Project.current(), YEAR, UNIT)
    spec = definition.section(SECTION)
    assert spec.kind == "egen" and spec.notebook == SECTION
    assert spec.custom_tables == (TABLE,)
    assert (Project.current().notebooks / spec.notebook_path).is_file()
    assert spec.notebook_path == f"egna/{SECTION}.ipynb"


def _replace_in_params(root: Path, old: str, new: str) -> None:
    params = root / "params" / str(YEAR) / f"{UNIT}.yaml"
    text = params.read_text(encoding="utf-8")
    assert old in text
    params.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_custom_section_needs_a_notebook_that_exists(workspace: Path) -> None:
    _replace_in_params(workspace, "notebook: vantetider", "notebook: vantetid")
    problems = validate_unit(Project(workspace), YEAR, UNIT)
    assert [(p.file, p.column) for p in problems] == [(f"params/{YEAR}/{UNIT}.yaml", "notebook")]
    assert "notebooks/egna/vantetid.ipynb" in problems[0].message
    for named in re.findall(r"[\w/.]+/(?:[\w.]+)?", problems[0].hint or ""):
        assert (REPO_ROOT / named).exists(), f"the hint names {named}, which does not exist"

    _replace_in_params(workspace, "      notebook: vantetid\n", "")
    _, problems = read_definition(Project(workspace), YEAR, UNIT)
    assert any("behöver 'notebook'" in p.message for p in problems), problems


def test_a_missing_kind_notebook_stops_validate_and_build_alike(workspace: Path, capsys) -> None:
    """A built-in kind's notebook that is gone is the same bad input for every command."""
    from helpers.cli import main

    project = Project(workspace)
    if not (workspace / "notebooks").is_dir():  # the workspace's own copy, never the repository's
        shutil.copytree(REPO_ROOT / "notebooks", workspace / "notebooks")
    spec = next(s for s in load_definition(project, 2016, "klk").sections if s.notebook is None)
    notebook = project.notebooks / spec.notebook_path
    assert notebook.is_relative_to(workspace)
    notebook.unlink()
    shown = notebook.relative_to(workspace).as_posix()
    argv = ["--year", "2016", "--unit", "klk", "--period", "helar"]
    assert main(["validate", *argv]) == 2
    assert shown in capsys.readouterr().out
    assert main(["build", *argv]) == 2
    message = capsys.readouterr().err
    assert shown in message and "WORKBOOK_ROOT" not in message  # only this file is missing


def test_a_listed_table_needs_its_schema(workspace: Path) -> None:
    folder = Project(workspace).unit_data(YEAR, UNIT)
    schema_path(folder, TABLE).unlink()
    problems = validate_unit(Project(workspace), YEAR, UNIT)
    assert [p.file for p in problems] == [f"data/{YEAR}/{UNIT}/{TABLE}.schema.yaml"]
    assert "schemat" in problems[0].message


# ------------------------------------------------------------------------------------ the schema


def _schema(tmp_path: Path, text: str) -> tuple[object, list]:
    path = tmp_path / "matt.schema.yaml"
    path.write_text(text, encoding="utf-8")
    return read_schema(path, Project(tmp_path))


def test_the_schema_gives_the_built_in_column_kinds(tmp_path: Path) -> None:
    table, problems = _schema(
        tmp_path,
        "rubrik: Mått\nnyckel: [månad]\nkolumner:\n"
        "  - {namn: månad, typ: text, obligatorisk: ja}\n"
        "  - {namn: antal, typ: heltal}\n"
        "  - {namn: andel, typ: tal, procent: ja, decimaler: 1, enhet: '%'}\n"
        "  - {namn: läge, typ: val, värden: [öppen, stängd]}\n",
    )
    assert problems == []
    kinds = {c.name: c.kind for c in table.spec.columns}
    assert kinds == {"månad": "text", "antal": "int", "andel": "number", "läge": "choice"}
    assert table.spec.key == ("månad",)
    assert table.spec.columns[0].required and table.spec.columns[2].percent
    assert table.spec.columns[3].choices == ("öppen", "stängd")
    assert (table.caption, table.decimals, table.units) == ("Mått", {"andel": 1}, {"andel": "%"})


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("kolumner:\n  - namn: a\n    typ: tall\n", 3, "menade du 'tal'"),
        ("kolumner:\n  - namn: a\n    typ: text\n    obligatorsk: ja\n", 4, "'obligatorisk'"),
        ("kolumnr:\n  - {namn: a, typ: text}\n", 1, "'kolumner'"),
        ("nyckel: [b]\nkolumner:\n  - {namn: a, typ: text}\n", 1, "nyckelkolumnen 'b'"),
        ("kolumner:\n  - {namn: a, typ: val}\n", 2, "värden"),
        ("kolumner:\n  - {namn: a, typ: text}\n  - {namn: a, typ: tal}\n", 3, "finns redan"),
        ("kolumner:\n  - {namn: a, typ: text, decimaler: två}\n", 2, "decimaler"),
        ('rubrik: "M\\x1bått"\nkolumner:\n  - {namn: a, typ: text}\n', 1, "U+001B"),
    ],
)
def test_a_bad_schema_is_named_with_line_and_key(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    table, problems = _schema(tmp_path, text)
    assert table is None
    assert any(p.row == line and words in f"{p.message} {p.hint}" for p in problems), problems
    assert all(p.file == "matt.schema.yaml" for p in problems)


# ------------------------------------------------------------------------------ validate the data


def test_validate_finds_a_typo_in_the_custom_table(workspace: Path) -> None:
    path = Project(workspace).unit_data(YEAR, UNIT) / f"{TABLE}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    column = header.index("väntetid_dagar")
    cells = lines[5].split(",")
    cells[column] = "4o"  # the letter o for a zero
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = validate_unit(Project(workspace), YEAR, UNIT)
    assert [(p.file, p.row, p.column) for p in problems] == [
        (f"data/{YEAR}/{UNIT}/{TABLE}.csv", 6, "väntetid_dagar")
    ]
    assert '"4o"' in problems[0].message
    with pytest.raises(DataError):  # the report reads it the same way
        report.table(report.section(YEAR, UNIT, SECTION), TABLE)


def test_validate_finds_a_repeated_key(workspace: Path) -> None:
    path = Project(workspace).unit_data(YEAR, UNIT) / f"{TABLE}.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    problems = validate_unit(Project(workspace), YEAR, UNIT)
    assert [(p.row, p.column) for p in problems] == [(len(lines) + 1, "månad")]


def test_the_table_reads_typed_in_file_order() -> None:
    frame = report.table(report.section(YEAR, UNIT, SECTION), TABLE)
    rows = _rows(Project.current().unit_data(YEAR, UNIT) / f"{TABLE}.csv")
    assert list(frame["månad"]) == [r["månad"] for r in rows]
    assert list(frame["väntetid_dagar"]) == [float(r["väntetid_dagar"]) for r in rows]
    assert str(frame["ansökningar"].dtype) == "Int64"
    assert "_rad" not in frame.columns


# ------------------------------------------------------------------------------ how it looks


def test_a_dataframe_becomes_the_reports_table() -> None:
    report.section(YEAR, UNIT, SECTION)  # the section whose labels the table uses
    frame = pd.DataFrame(
        {"enhet": ["Norr <b>", "Söder"], "antal": [41575, None], "andel": [0.25, 12.5]}
    )
    html = str(report.show_table(frame, "Antal & andel", units={"andel": "%"}).data)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("div.wb-table-wrap[role=region][tabindex='0']")
    assert soup.caption.get_text() == "Antal & andel"
    assert [th["scope"] for th in soup.thead.find_all("th")] == ["col"] * 3
    assert [th.get_text() for th in soup.thead.find_all("th")] == ["Enhet", "Antal", "Andel (%)"]
    first, second = soup.tbody.find_all("tr")
    assert first.th["scope"] == "row" and first.th.get_text() == "Norr <b>"  # escaped text
    assert "<b>" not in html.replace("&lt;b&gt;", "")
    assert [td.get_text() for td in first.find_all("td")] == [
        format_number(41575, missing=""),
        "0,25",
    ]
    assert [td.get_text() for td in second.find_all("td")] == ["Uppgift saknas", "12,50"]
    assert all("num" in td["class"] for td in first.find_all("td"))


def test_a_bare_dataframe_and_chart_display_as_the_report_does() -> None:
    from types import SimpleNamespace

    from IPython.core.formatters import DisplayFormatter

    shell = SimpleNamespace(display_formatter=DisplayFormatter())  # what a kernel's shell has
    assert custom_view.install_formatters(shell)
    frame = report.table(report.section(YEAR, UNIT, SECTION), TABLE)
    shown, _ = shell.display_formatter.format(frame)
    assert 'class="wb-table-wrap"' in shown["text/html"] and "dataframe" not in shown["text/html"]
    assert "<caption>Ansökningar och väntetid" in shown["text/html"]
    shown, _ = shell.display_formatter.format(frame.style)
    assert 'class="wb-table-wrap"' in shown["text/html"]
    chart = alt.Chart(frame).mark_line().encode(x="månad:N", y="väntetid_dagar:Q")
    shown, _ = shell.display_formatter.format(chart)
    html = shown["text/html"]
    assert html.startswith('<figure class="wb-figure">') and '<svg role="img"' in html
    assert "<script" not in html and "cdn" not in html.lower()


def test_the_charts_text_alternative_and_table_come_from_the_data_drawn() -> None:
    frame = report.table(report.section(YEAR, UNIT, SECTION), TABLE)
    chart = (
        alt.Chart(frame, title="Väntetid")
        .mark_line()
        .encode(x=alt.X("månad:N", sort=None), y=alt.Y("väntetid_dagar:Q", title="Dagar"))
    )
    description, table = custom_view.describe_chart(chart)
    high = frame.loc[frame["väntetid_dagar"].idxmax()]
    low = frame.loc[frame["väntetid_dagar"].idxmin()]
    first, last = frame.iloc[0], frame.iloc[-1]
    assert description.startswith("Väntetid. Dagar per månad:")
    for row, word in ((first, "från"), (last, "till"), (high, "högst"), (low, "lägst")):
        assert (
            f"{word} {format_number(row['väntetid_dagar'], missing='')} ({row['månad']})"
            in description
        )
    assert [header for header, _ in table.rows] == list(frame["månad"])
    assert table.columns == ["Månad", "Dagar"]


def test_an_aggregated_or_horizontal_chart_is_described_by_what_it_draws() -> None:
    frame = pd.DataFrame({"ort": ["Norr", "Norr", "Söder"], "antal": [2.0, 4.0, 9.0]})
    sums = frame.groupby("ort")["antal"].sum()
    chart = alt.Chart(frame).mark_bar().encode(y="ort:N", x="sum(antal):Q")
    labels = report.section(YEAR, UNIT, SECTION).data.labels()
    description, table = custom_view.describe_chart(chart, labels)
    assert f"högst {format_number(sums.max(), missing='')} ({sums.idxmax()})" in description
    assert f"lägst {format_number(sums.min(), missing='')} ({sums.idxmin()})" in description
    assert [header for header, _ in table.rows] == list(sums.index)


@pytest.mark.parametrize("rows", ["none", "no_values"])
def test_a_chart_of_an_empty_table_says_the_figures_are_missing(rows: str) -> None:
    """A new year's empty table draws no empty frame of axes: the figure keeps the chart's name
    and says ``rapport.saknas``; a chart with one value is still drawn."""
    frame = report.table(report.section(YEAR, UNIT, SECTION), TABLE)
    empty = frame.iloc[0:0] if rows == "none" else frame.assign(väntetid_dagar=float("nan"))
    labels = report.section(YEAR, UNIT, SECTION).data.labels()

    def chart(data: pd.DataFrame) -> alt.Chart:
        return (
            alt.Chart(data, title="Väntetid")
            .mark_line()
            .encode(x=alt.X("månad:N", sort=None), y=alt.Y("väntetid_dagar:Q", title="Dagar"))
        )

    shown = str(custom_view.figure(chart(empty), labels=labels))
    assert "<svg" not in shown and "<details" not in shown
    assert f'<p class="wb-missing">{labels("rapport.saknas")}</p>' in shown
    assert "<figcaption>Väntetid" in shown
    one = frame.assign(väntetid_dagar=[5.0] + [float("nan")] * (len(frame) - 1))
    assert '<svg role="img"' in str(custom_view.figure(chart(one), labels=labels))
    buttons = {
        re.search(
            r"<summary>(.*?)</summary>", str(custom_view.figure(chart(frame), title, labels))
        ).group(1)
        for title in ("Väntetid i januari", "Väntetid i februari")
    }
    assert len(buttons) == 2  # each chart's data button has its own name


def test_a_narrative_file_is_sanitized_markdown() -> None:
    part = report.section(YEAR, UNIT, SECTION)
    html = str(report.narrative(part, "vantetider_analys.md").data)
    assert html.startswith("<h3") and "<em>" in html
    missing = str(report.narrative(part, "finns_inte.md").data)
    assert "Text saknas" in missing and "text/finns_inte.md" in missing


# ------------------------------------------------------------------------- through the year


def test_new_year_carries_the_schema_and_the_keys(workspace: Path) -> None:
    project = Project(workspace)
    new_year(YEAR + 1, YEAR, UNIT, project)
    old, new = project.unit_data(YEAR, UNIT), project.unit_data(YEAR + 1, UNIT)
    assert schema_path(new, TABLE).read_bytes() == schema_path(old, TABLE).read_bytes()
    before, after = _rows(old / f"{TABLE}.csv"), _rows(new / f"{TABLE}.csv")
    assert [list(r) for r in after] == [list(r) for r in before]  # same header
    assert [r["månad"] for r in after] == [r["månad"] for r in before]  # the key, nyckel:
    assert all(value == "" for r in after for key, value in r.items() if key != "månad")
    assert load_definition(project, YEAR + 1, UNIT).section(SECTION).kind == "egen"
    assert validate_unit(project, YEAR + 1, UNIT) == []


def test_new_year_carries_the_custom_table_into_a_delar_period(workspace: Path) -> None:
    """Issue 15 × 16: next year's delår from this year's helår keeps the unit's own section,
    its schema and keys, under the period's folder."""
    project = Project(workspace)
    new_year(YEAR + 1, YEAR, UNIT, project, period="delar", end=f"{YEAR + 1}-08-31")
    delar = project.for_period("delar")
    old, new = project.unit_data(YEAR, UNIT), delar.unit_data(YEAR + 1, UNIT)
    assert new != project.unit_data(YEAR + 1, UNIT)
    assert schema_path(new, TABLE).read_bytes() == schema_path(old, TABLE).read_bytes()
    assert load_definition(delar, YEAR + 1, UNIT).section(SECTION).kind == "egen"
    assert validate_unit(delar, YEAR + 1, UNIT) == []
    frame = load_custom_table(new, TABLE, delar)
    assert list(frame["månad"]) == [r["månad"] for r in _rows(old / f"{TABLE}.csv")]


def test_new_unit_can_start_from_the_custom_template(workspace: Path) -> None:
    project = Project(_with_notebooks(workspace))
    created = new_unit(
        "soc", "Socialförvaltningen", YEAR, project=project, custom_section="brukare"
    )
    notebook = workspace / "notebooks" / "egna" / "brukare.ipynb"
    assert notebook in created
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    assert cells[1].source == (
        f'year = {YEAR}\nunit = "soc"\nsection = "brukare"\nperiod = "{project.period}"'
    )
    assert 'report.table(part, "brukare")' in cells[2].source
    definition = load_definition(project, YEAR, "soc")
    assert definition.section("brukare").custom_tables == ("brukare",)
    kommun, _ = read_definition(project)
    assert [s.id for s in definition.sections if s.kind != "egen"] == [
        s.id for s in kommun.sections
    ]
    problems = validate_unit(project, YEAR, "soc")
    assert not [p for p in problems if "brukare" in p.file or p.column == "notebook"], problems


@pytest.mark.parametrize("section", ["drift", "mal", "Väntetider", "../x"])
def test_new_unit_refuses_an_unusable_custom_section_before_writing(
    workspace: Path, section: str
) -> None:
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    with pytest.raises(ParameterError, match="--eget-avsnitt"):
        new_unit("soc", "Socialförvaltningen", YEAR, project=Project(workspace),
                 custom_section=section)  # fmt: skip
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before


# ----------------------------------------------------------------------- in the built report


def _section_nodes(html: str, section_id: str) -> list:
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find("h2", id=section_id)
    assert heading is not None
    nodes = []
    for node in heading.find_all_next():
        if node.name == "h2":
            break
        nodes.append(node)
    return nodes


@pytest.mark.e2e
def test_the_custom_section_looks_like_the_rest(built_von: Path) -> None:
    html = built_von.read_text(encoding="utf-8")
    nodes = _section_nodes(html, SECTION)
    tables = [n for n in nodes if n.name == "table"]
    figures = [n for n in nodes if n.name == "figure"]
    assert len(figures) == 1 and len(tables) == 2  # its table, and the chart's data
    for table in tables:
        assert table.caption.get_text(strip=True)
        assert table.parent.name == "div" and "wb-table-wrap" in table.parent["class"]
        assert all(th.get("scope") in ("col", "row") for th in table.find_all("th"))
        assert "dataframe" not in (table.get("class") or [])
    figure = figures[0]
    svg = figure.find("svg")
    assert svg["role"] == "img" and svg["aria-label"]
    assert figure.figcaption.get_text().startswith(svg["aria-label"])
    frame = report.table(report.section(YEAR, UNIT, SECTION), TABLE)
    data_rows = [tr.th.get_text() for tr in figure.find("details").tbody.find_all("tr")]
    assert data_rows == list(frame["månad"])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("a", href=f"#{SECTION}"), "the heading joins the contents"
    assert "<script" not in html.split("</head>", 1)[1]


@pytest.mark.browser
def test_the_custom_section_on_a_phone_is_accessible_and_offline(built_von: Path, browser) -> None:
    opened = open_page(browser, built_von.resolve().as_uri(), PHONE)
    try:
        violations = run_axe(opened.page)
        assert violations == [], describe_violations(violations)
        assert opened.blocked.urls == []
        figure = opened.page.evaluate(
            """id => {
                const heading = document.getElementById(id);
                let node = heading.nextElementSibling, figure = null;
                while (node && node.tagName !== 'H2' && !figure) {
                    figure = node.matches('figure') ? node : node.querySelector('figure');
                    node = node.nextElementSibling;
                }
                const box = figure.querySelector('svg').getBoundingClientRect();
                return {width: box.width, height: box.height,
                        fits: box.right <= document.documentElement.clientWidth};
            }""",
            SECTION,
        )
        assert figure["width"] > 100 and figure["height"] > 50 and figure["fits"], figure
    finally:
        opened.page.context.close()


@pytest.mark.e2e
def test_a_broken_custom_notebook_fails_only_its_section(
    built_von: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat

    root = tmp_path / "ws"
    shutil.copytree(built_von.parents[2], root)
    _with_notebooks(root)
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    project = Project(root)
    report_file = project.report_file(YEAR, UNIT)
    before = report_file.read_bytes()
    path = root / "notebooks" / "egna" / f"{SECTION}.ipynb"
    nb = nbformat.read(path, as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    broken = code[3]  # the table cell, after parameters, imports and heading
    nb.cells[broken].source = 'vantetider["finns_inte"].sum()'
    nbformat.write(nb, path)

    [result] = build(YEAR, UNIT, project)
    assert result.sections_run == 1  # only the changed notebook's section ran
    assert list(result.failures) == [SECTION]
    failure = result.failures[SECTION]
    assert failure.error == "KeyError" and "finns_inte" in failure.last_line
    executed = nbformat.read(project.executed_dir(YEAR, UNIT) / f"{SECTION}.ipynb", 4)
    assert failure.cell is not None
    assert "finns_inte" in executed.cells[failure.cell - 1].source
    assert not result.report_written
    assert report_file.read_bytes() == before


def test_a_table_before_any_section_asks_to_load_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(custom_view, "_current", [])
    with pytest.raises(ValueError, match="report.section"):
        report.show_table(pd.DataFrame({"a": [1]}))
