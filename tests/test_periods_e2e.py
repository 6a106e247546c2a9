"""End to end: a year with three units, both periods (helår, delår) and the consolidated reports.

Built once per module with real kernels and nbconvert in a private copy of the inputs. Every
expectation is derived from the inputs: the units' tables, their computed statements, the
definition's labels.

These reports — the consolidated and klk's, helår and delår among them — are read in Chromium by
``test_a11y_every_report`` (the same ``built_year``): axe-core and HTML_CodeSniffer at every
width, no request outside the page, no script. They are not run a second time here.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.building.build import build_years, plan_periods, select_periods
from helpers.core import read_log
from helpers.core.paths import CONSOLIDATED, YEAR_END, Project
from helpers.data.definition import read_definition
from helpers.data.unit_data import load_unit
from helpers.parts.budget import statement_of
from helpers.parts.dates import format_date
from helpers.parts.kommun_views import AMOUNT_FACTORS

pytestmark = pytest.mark.e2e
YEAR = 2016
PERIODS = (YEAR_END, "delar")


@pytest.fixture(scope="module")
def built(built_year: Project) -> Project:
    """Every unit, both periods and the consolidated reports (``conftest.built_year``)."""
    return built_year


def read_drift_settings(project: Project, year: int, unit: str):  # noqa: ANN201
    """The unit-year's drift settings as its report definition reads them, and problems."""
    definition, problems = read_definition(project, year, unit)
    return (definition.drift if definition else None), problems


def units(project: Project) -> list[str]:
    from helpers.data.params import units_of_year

    return units_of_year(YEAR, project)


class Cells(HTMLParser):
    """Every table of a page as rows of cell texts, with its caption."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)


def tables_of(path: Path) -> list[dict]:
    parser = Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def text_of(path: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")).split())


def test_every_report_of_both_periods_exists_side_by_side(built: Project) -> None:
    for period in PERIODS:
        seen = built.for_period(period)
        for unit in [*units(seen), CONSOLIDATED]:
            assert seen.report_file(YEAR, unit).is_file(), (period, unit)
    assert built.report_file(YEAR, "klk") != built.for_period("delar").report_file(YEAR, "klk")


@pytest.mark.parametrize("period", PERIODS)
def test_every_units_goals_and_assessments_are_in_the_consolidated_report(
    built: Project, period: str
) -> None:
    seen = built.for_period(period)
    tables = tables_of(seen.report_file(YEAR, CONSOLIDATED))
    definition, _ = read_definition(seen)
    top = next(iter(definition.levels))
    for unit in units(seen):
        data = load_unit(YEAR, unit, seen)
        goals = data.goals[data.goals["nivå"] == top]
        assert not goals.empty
        for _, goal in goals.iterrows():
            caption_part = f"{goal['nummer']}: {goal['titel']}"
            table = next(t for t in tables if t["caption"].endswith(caption_part))
            row = next(r for r in table["rows"] if r[0] == data.info.display_name)
            expected = (
                definition.assessments[goal["bedömning"]].text
                if goal["bedömning"]
                else "Ingen bedömning"
            )
            assert expected in row[1], (unit, goal["mal_id"], row)


def test_units_that_disagree_on_a_shared_goal_are_shown_as_such(built: Project) -> None:
    by_goal: dict[str, set[str]] = {}
    for unit in units(built):
        data = load_unit(YEAR, unit, built)
        for _, goal in data.goals.iterrows():
            if goal["bedömning"]:
                by_goal.setdefault(goal["mal_id"], set()).add(goal["bedömning"])
    disagreeing = [g for g, values in by_goal.items() if len(values) > 1]
    assert disagreeing, "the example data should have a goal the units assess differently"
    html = built.report_file(YEAR, CONSOLIDATED).read_text(encoding="utf-8")
    for goal_id in disagreeing:
        section = html.split(f'id="kf_mal-mal-{goal_id.lower()}"', 1)[1].split("<h3", 1)[0]
        assert "wb-disagreement" in section, goal_id


def expected_totals(project: Project) -> dict[str, dict[str, Decimal | None]]:
    """Each unit's net cost and deviation, from its own computed statement, in the kommun's
    amount unit — and their sum."""
    kommun, _ = read_definition(project)
    settings = kommun.drift
    columns = (
        ("budget", "utfall", "avvikelse")
        if project.is_year_end
        else ("budget", "utfall", "prognos", "avvikelse_prognos")
    )
    rows: dict[str, dict[str, Decimal | None]] = {}
    for unit in units(project):
        data = load_unit(YEAR, unit, project)
        statement = statement_of(data)
        factor = AMOUNT_FACTORS[statement.format.unit] / AMOUNT_FACTORS[settings.unit]
        row = {}
        for column in columns:
            if column.startswith("avvikelse"):
                other = "utfall" if column == "avvikelse" else "prognos"
                row[column] = statement.deviation_of(other) * factor
            else:
                row[column] = statement.net_row.value(column) * factor * statement.cost_sign
        rows[data.info.display_name] = row
    rows["Summa"] = {c: sum((r[c] for r in rows.values()), Decimal(0)) for c in columns}
    return rows


def shown(value: Decimal) -> str:
    rounded = value.quantize(Decimal(1))
    text = f"{abs(rounded):,.0f}".replace(",", " ")  # the parser reads a no-break space as one
    return ("−" if rounded < 0 else "") + text


@pytest.mark.parametrize("period", PERIODS)
def test_consolidated_totals_are_the_sum_of_the_units_statements(
    built: Project, period: str
) -> None:
    seen = built.for_period(period)
    expected = expected_totals(seen)
    table = next(
        t for t in tables_of(seen.report_file(YEAR, CONSOLIDATED)) if "Nettokostnad" in t["caption"]
    )
    body = {row[0]: row[1:] for row in table["rows"][1:]}
    assert set(body) == set(expected)
    for name, values in expected.items():
        got = [cell.replace("+", "") for cell in body[name]]
        assert got == [shown(v) for v in values.values()], (name, got)
    # von keeps its statement in mkr, the kommun in tkr: the conversion is part of the sum.
    assert len({read_drift_settings(seen, YEAR, u)[0].unit for u in units(seen)}) > 1


def test_shared_indicators_are_shown_once_with_every_reporting_unit(built: Project) -> None:
    reporters: dict[str, list[str]] = {}
    for unit in units(built):
        data = load_unit(YEAR, unit, built)
        for indicator_id in data.table("indikatorer")["indikator_id"]:
            reporters.setdefault(indicator_id, []).append(data.info.display_name)
    shared = {i: names for i, names in reporters.items() if len(names) > 1}
    assert shared
    html = built.report_file(YEAR, CONSOLIDATED).read_text(encoding="utf-8")
    for indicator_id, names in shared.items():
        assert html.count(f'id="indikator-{indicator_id}"') == 1
        section = html.split(f'id="indikator-{indicator_id}"', 1)[1].split("<h3", 1)[0]
        for name in names:
            assert name in section


def test_the_consolidated_report_links_every_unit_report(built: Project) -> None:
    for period in PERIODS:
        seen = built.for_period(period)
        html = seen.report_file(YEAR, CONSOLIDATED).read_text(encoding="utf-8")
        for unit in units(seen):
            assert f'href="{unit}.html"' in html
            assert (seen.report_file(YEAR, CONSOLIDATED).parent / f"{unit}.html").is_file()
        assert html.index('id="sammanfattning"') < html.index('id="kf_mal"')


def test_the_consolidated_report_is_worded_and_linked_as_a_units_report(built: Project) -> None:
    """Its page (skip link, links, contents, page numbers, colophon) uses the kommun's labels
    ``etiketter: rapport:``, it links back to the index, and its PDF subject is its own label."""
    from bs4 import BeautifulSoup

    from helpers.parts.kommun_data import load_kommun

    for period in PERIODS:
        seen = built.for_period(period)
        data = load_kommun(YEAR, seen)
        labels = data.report_labels()
        report = seen.report_file(YEAR, CONSOLIDATED)
        page = report.read_text(encoding="utf-8")
        soup = BeautifulSoup(page, "html.parser")
        assert soup.select_one(".wb-skip").get_text(strip=True) == labels("rapport.hoppa")
        assert soup.select_one(".wb-toc h2").get_text(strip=True) == labels("rapport.innehåll")
        index = soup.select_one(".wb-links a")
        assert index.get_text(strip=True) == labels("rapport.alla_rapporter")
        assert (report.parent / index["href"]).resolve() == (built.reports / "index.html").resolve()
        subject = soup.find("meta", attrs={"name": "description"})["content"]
        assert subject == data.label("ämne", titel=data.title)
        # The page title names the kommun once: the consolidated report has no unit of its own.
        assert soup.title.get_text() == data.label("sidtitel", titel=data.title)
        assert soup.title.get_text().count(data.municipality) == 1
        before, _, after = labels("rapport.kolofon", version="{v}", fingeravtryck="{f}").partition(
            "{f}"
        )
        colophon = " ".join(soup.select_one(".wb-footer p:last-child").get_text().split())
        assert colophon.startswith(before.split("{v}")[0].strip()) and colophon.endswith(after)
        word = labels("rapport.sidnummer", sida="{s}", sidor="{t}").split("{s}")[0].strip()
        assert f'@bottom-right {{ content: "{word} " counter(page)' in page


def header_row(path: Path, caption_start: str) -> list[str]:
    table = next(t for t in tables_of(path) if t["caption"].startswith(caption_start))
    return table["rows"][0]


def test_delar_and_helar_reports_carry_their_own_columns_and_headings(built: Project) -> None:
    for period in PERIODS:
        seen = built.for_period(period)
        data = load_unit(YEAR, "klk", seen)
        settings, problems = read_drift_settings(seen, YEAR, "klk")
        assert problems == []
        statement = statement_of(data)
        values = {
            "år": YEAR,
            "fg_år": YEAR - 1,
            "enhet": data.info.name,
            "prognosdatum": data.params.forecast_date,
            "periodslut": data.params.period_end,
        }  # fmt: skip  (headers: as params write them)
        expected = [settings.label(c, **values) for c in statement.columns]
        report = seen.report_file(YEAR, "klk")
        post = settings.label("post", **values)
        assert header_row(report, "")[1:] == expected or any(
            t["rows"][0] == [post, *expected] for t in tables_of(report)
        ), (period, expected)
    helar = read_drift_settings(built, YEAR, "klk")[0]
    delar = read_drift_settings(built.for_period("delar"), YEAR, "klk")[0]
    assert "avvikelse_prognos" in (delar.columns or ())
    assert helar.columns is None or "avvikelse_prognos" not in helar.columns
    delar_text = text_of(built.for_period("delar").report_file(YEAR, "klk"))
    assert format_date("2016-08-31") in delar_text  # a date in text, as a reader reads it
    assert "Delårsrapport 2016" in delar_text


def test_one_units_text_reruns_only_its_sections_and_the_consolidated_ones_reading_it(
    built: Project, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    for name in ("data", "params", "build", "reports"):
        shutil.copytree(built.root / name, root / name)
    project = Project(root)

    def to_run() -> set[tuple[str, str, str]]:
        selections = select_periods(project, [YEAR], None, list(PERIODS))
        plans = plan_periods(project, selections, None, None, False, True)
        return {(p.period, p.unit, s.name) for p in plans for s in p.to_run}

    assert to_run() == set()

    def readers(period: str, name: Path) -> set[tuple[str, str, str]]:
        """The (period, klk, section) whose read set holds the file's content (``read_log``)."""
        shown = name.relative_to(root).as_posix()
        folder = project.for_period(period).executed_dir(YEAR, "klk")
        return {
            (period, "klk", path.name.removesuffix(".reads.json"))
            for path in folder.glob("*.reads.json")
            if (read_log.load(path) or {}).get(shown, "").startswith("sha256:")
        }

    klk_sections = {s.id for s in load_unit(YEAR, "klk", project).definition.sections}
    events = project.unit_data(YEAR, "klk") / "text" / "handelser.md"
    events.write_text(events.read_text(encoding="utf-8") + "\nEn ny mening.\n", encoding="utf-8")
    event_readers = readers(YEAR_END, events)
    assert event_readers and len(event_readers) < len(klk_sections)  # not the whole unit
    assert to_run() == event_readers

    goal_text = project.unit_data(YEAR, "klk") / "text" / "mal" / "KF9-arbete.md"
    goal_text.write_text("Ett nytt första stycke.\n\n" + goal_text.read_text(encoding="utf-8"))
    goal_readers = readers(YEAR_END, goal_text)
    assert goal_readers
    assert to_run() == event_readers | goal_readers | {(YEAR_END, CONSOLIDATED, "kf_mal")}


def test_a_delar_text_reruns_only_the_delar_sections_that_read_it(
    built: Project, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    for name in ("data", "params", "build", "reports"):
        shutil.copytree(built.root / name, root / name)
    project = Project(root)
    delar = project.for_period("delar")
    goal_text = sorted((delar.unit_data(YEAR, "klk") / "text" / "mal").glob("*-arbete.md"))[0]
    goal_text.write_text(goal_text.read_text(encoding="utf-8") + "\nEn ny mening i delåret.\n")
    shown = goal_text.relative_to(root).as_posix()
    selections = select_periods(project, [YEAR], None, list(PERIODS))
    plans = plan_periods(project, selections, None, None, False, True)
    ran = {(p.period, p.unit, s.name) for p in plans for s in p.to_run}
    folder = delar.executed_dir(YEAR, "klk")
    expected = {
        ("delar", "klk", path.name.removesuffix(".reads.json"))
        for path in folder.glob("*.reads.json")
        if (read_log.load(path) or {}).get(shown, "").startswith("sha256:")
    }
    assert expected
    unit_runs = {r for r in ran if r[1] != CONSOLIDATED}
    assert unit_runs == expected  # no helår section, no other delår section
    assert {r for r in ran if r[1] == CONSOLIDATED} <= {("delar", CONSOLIDATED, "kf_mal")}
    reasons = [s.reason for p in plans for s in p.to_run if p.unit == "klk"]
    assert all(shown in reason for reason in reasons), reasons  # --dry-run names the file


def test_every_report_carries_the_draft_mark_until_its_sections_are_approved(
    built: Project, tmp_path: Path
) -> None:
    from helpers.data.signoff import APPROVED, report_sections, set_status

    for period in PERIODS:
        seen = built.for_period(period)
        for unit in [*units(seen), CONSOLIDATED]:
            assert 'class="wb-draft"' in seen.report_file(YEAR, unit).read_text("utf-8")
    root = tmp_path / "copy"
    for name in ("data", "params", "build", "reports"):
        shutil.copytree(built.root / name, root / name)
    delar = Project(root).for_period("delar")
    ids = report_sections(delar, YEAR, CONSOLIDATED)
    set_status(delar, YEAR, CONSOLIDATED, ids, ids, APPROVED, "Kommundirektören")
    result = build_years([YEAR], CONSOLIDATED, delar, jobs=1)
    (kommun,) = result.units
    assert kommun.sections_run == 0 and kommun.report_written  # only the export
    assert 'class="wb-draft"' not in delar.report_file(YEAR, CONSOLIDATED).read_text("utf-8")
    helar = Project(root).report_file(YEAR, CONSOLIDATED).read_text("utf-8")
    assert 'class="wb-draft"' in helar  # the helår report has its own sign-off
