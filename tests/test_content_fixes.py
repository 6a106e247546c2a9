"""What a report says, from its data: dates written as Swedish readers read them (one function,
``helpers.parts.dates``), the delår Ekonomi card showing each figure once under its own label,
an indicator's own line named for the unit (or the kommun, or what the data says), the footer's
separator a label template, a helår ``periodslut`` and ``utan:`` beside ``avsnitt:`` refused by
validate, and the sign rule for every row of the operating statement whose sign the kommun's
convention fixes.

Expectations are derived from the inputs (the example's data and labels, Babel's month names);
one small delår build with real kernels checks the report's own words end to end."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from babel.dates import get_month_names
from bs4 import BeautifulSoup
from conftest import copy_inputs, project_root

from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.data.unit_data import UnitData, load_unit
from helpers.parts.budget import Amount, Statement, result_word, statement_of
from helpers.parts.dates import date_markup, format_date

YEAR = 2016
DELAR = "delar"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTHS = get_month_names("wide", locale="sv_SE")


def _text(markup: str) -> str:
    """The text a reader sees in ``markup`` (inline tags dropped, entities read, runs of spaces and
    line breaks folded; no-break spaces, as the report binds amounts to units, kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup))).strip()


def _definition(root: Path) -> dict:
    return yaml.safe_load((root / "data/rapport.yaml").read_text("utf-8"))


def _write_definition(root: Path, raw: dict) -> None:
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    (root / "data/rapport.yaml").write_text(text, "utf-8")


def _params(root: Path, unit: str, period: str | None = None) -> Path:
    return root / "params" / str(YEAR) / (f"{period}/{unit}.yaml" if period else f"{unit}.yaml")


# --------------------------------------------------------------------------------- 1. dates


@pytest.mark.parametrize("iso", ["2016-08-31", "2024-05-02", "2017-01-01", "2016-12-31"])
def test_a_date_reads_as_a_swedish_reader_expects(iso: str) -> None:
    date = dt.date.fromisoformat(iso)
    expected = f"{date.day} {MONTHS[date.month]} {date.year}"
    assert format_date(iso) == expected == format_date(date)
    assert str(date_markup(iso)) == f'<time datetime="{iso}">{expected}</time>'


def test_text_that_is_no_date_is_kept_as_written() -> None:
    assert format_date("Löpande") == "Löpande"
    assert format_date(None) == "" and str(date_markup(None)) == ""
    assert str(date_markup("<b>Löpande</b>")) == "&lt;b&gt;Löpande&lt;/b&gt;"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    return copy_inputs(tmp_path / "ws")


def test_the_delar_drift_section_and_summary_say_their_dates_in_words(inputs: Path) -> None:
    from helpers.parts.budget_view import budget_html
    from helpers.parts.summary import summary_html

    project = Project(inputs).for_period(DELAR)
    for unit in ("klk", "von", "exempel"):
        data = load_unit(YEAR, unit, project)
        forecast = data.params.forecast_date or data.params.period_end
        page = str(summary_html(data)) + str(budget_html(data))
        lead = re.search(r'<p class="wb-lead">(.*?)</p>', page, re.S).group(1)
        result = re.search(r'<p class="wb-result">(.*?)</p>', page, re.S).group(1)
        headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page)
        captions = re.findall(r"<figcaption.*?</figcaption>", page, re.S)
        for where in (lead, result, *captions):
            assert not ISO_DATE.search(_text(where)), (unit, where)
        assert format_date(forecast) in _text(lead) and f'datetime="{forecast}"' in lead
        assert format_date(forecast) in _text(result) and f'datetime="{forecast}"' in result
        # A column header is a table's label, not running text: the delår's own header
        # (perioder: delar: drift: rubriker: utfall: "Utfall till {periodslut}") keeps the date
        # as the params write it, as the kommun's published statement heads its columns.
        assert any(str(data.params.period_end) in _text(h) for h in headers), headers


def test_kolada_dates_under_a_table_read_in_words(inputs: Path) -> None:
    from helpers.parts.sections import key_figures_html

    values = inputs / f"data/{YEAR}/klk/nyckeltalsvarden.csv"
    lines = values.read_text("utf-8").splitlines()
    fetched = ["2024-05-02", "2023-11-30"]
    lines[0] += ",kolada_hämtad"
    lines[1:] = [f"{line},{fetched[i % 2]}" for i, line in enumerate(lines[1:])]
    values.write_text("\n".join(lines) + "\n", "utf-8")
    data = load_unit(YEAR, "klk", Project(inputs))
    [section] = data.definition.of_kind("nyckeltal")
    note = _text(str(key_figures_html(data, section)))
    labels = data.labels(section)
    listed = labels.joined("rapport.uppräkning", [format_date(d) for d in sorted(fetched)])
    assert labels("nyckeltal.kolada", datum=listed) in note
    assert not ISO_DATE.search(note)


# ----------------------------------------------------------------- 2. the delår Ekonomi card


def _card(data: UnitData) -> list[tuple[str, str]]:
    """(label, value) of each entry of the summary's Ekonomi card, as text."""
    from helpers.parts.summary import summary_html

    card = re.search(r'<dl class="wb-keyfigures">(.*?)</dl>', str(summary_html(data)), re.S)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", card.group(1), re.S)
    return [(_text(label), _text(value)) for label, value in pairs]


def _signed(statement: Statement, value: Amount) -> str:
    """An amount as the card shows it: signed, with its unit after a no-break space."""
    amounts = statement.format
    return f"{amounts.text(value, signed=True)}\u00a0{amounts.unit}"


def test_the_delar_card_shows_the_forecast_result_and_its_deviation_once_each(
    inputs: Path,
) -> None:
    project = Project(inputs).for_period(DELAR)
    for unit in ("klk", "von", "exempel"):
        data = load_unit(YEAR, unit, project)
        statement = statement_of(data)
        labels = data.labels()
        assert statement.has_frame and "prognos" in statement.amount_columns
        frame = statement.row("ram").label
        mot = frame[:1].lower() + frame[1:]
        date = format_date(data.params.forecast_date or data.params.period_end)
        result_label = labels("sammanfattning.prognos_resultat", datum=date, mot=mot)
        deviation_label = labels("sammanfattning.avvikelse_prognos")
        card = _card(data)
        assert [label for label, _ in card] == [result_label, deviation_label], (unit, card)
        assert card[0][1].startswith(_signed(statement, statement.result_of("prognos")))
        assert card[1][1] == _signed(statement, statement.deviation_of("prognos"))
        # The outcome to the cut-off date is no figure of the card.
        assert _signed(statement, statement.result_of("utfall")) not in " ".join(
            value for _, value in card
        )


def test_without_a_frame_the_delar_forecast_is_shown_once(inputs: Path) -> None:
    drift = inputs / f"data/{YEAR}/{DELAR}/exempel/drift.csv"
    rows = drift.read_text("utf-8").splitlines()
    drift.write_text("\n".join(r for r in rows if ",ram," not in r) + "\n", "utf-8")
    data = load_unit(YEAR, "exempel", Project(inputs).for_period(DELAR))
    statement = statement_of(data)
    assert not statement.has_frame
    labels = data.labels()
    forecast = statement.deviation_of("prognos")
    assert forecast == statement.result_of("prognos")  # without a frame: one figure
    [(label, value)] = _card(data)
    assert label == labels("sammanfattning.avvikelse_prognos")
    word = result_word(float(forecast), statement.format, labels)
    assert word  # the figure, once, with its word (överskott/underskott) beside it
    assert value == labels("resultat.med_ord", belopp=_signed(statement, forecast), ord=word)


# ------------------------------------------------------------- 3. an indicator's own line


def _captions(data: UnitData, indicator_id: str) -> str:
    from helpers.parts.indicators import indicator_figures

    indicators = data.table("indikatorer")
    values = data.table("indikatorvarden")
    own = indicators[indicators["indikator_id"] == indicator_id]
    [figure] = indicator_figures(data, own, values, data.labels())
    return _text(re.search(r"<figcaption.*?</figcaption>", figure, re.S).group(0))


def _charted(data: UnitData) -> str:
    """An indicator of ``data`` with a chart (at least two measurements)."""
    values = data.table("indikatorvarden")
    counts = values[values["värde"].notna()].groupby("indikator_id").size()
    return str(counts[counts >= 2].index[0])


def test_a_units_own_indicator_is_labelled_with_the_units_name(inputs: Path) -> None:
    data = load_unit(YEAR, "von", Project(inputs))
    labels = data.labels()
    caption = _captions(data, _charted(data))
    assert data.info.name != data.info.municipality
    assert labels("indikatorer.markering_egen", serie=data.info.name) in caption
    assert labels("indikatorer.markering_egen", serie=data.info.municipality) not in caption


def test_values_from_kolada_are_the_kommuns_and_the_data_may_name_the_line(
    inputs: Path,
) -> None:
    folder = inputs / f"data/{YEAR}/von"
    data = load_unit(YEAR, "von", Project(inputs))
    indicator = _charted(data)
    values = folder / "indikatorvarden.csv"
    lines = values.read_text("utf-8").splitlines()
    lines[0] += ",kolada_hämtad"
    lines[1:] = [f"{line},{'2024-05-02' if line.startswith(indicator + ',') else ''}"
                 for line in lines[1:]]  # fmt: skip
    values.write_text("\n".join(lines) + "\n", "utf-8")
    data = load_unit(YEAR, "von", Project(inputs))
    labels = data.labels()
    kommun = labels("indikatorer.markering_egen", serie=data.info.municipality)
    assert kommun in _captions(data, indicator)
    # What the data says wins: serie_namn in indikatorer.csv.
    named = "Brukarna i undersökningen"
    table = folder / "indikatorer.csv"
    lines = table.read_text("utf-8").splitlines()
    lines[0] += ",serie_namn"
    lines[1:] = [f"{line},{named if line.startswith(indicator + ',') else ''}"
                 for line in lines[1:]]  # fmt: skip
    table.write_text("\n".join(lines) + "\n", "utf-8")
    assert validate_unit(Project(inputs), YEAR, "von") == []
    data = load_unit(YEAR, "von", Project(inputs))
    caption = _captions(data, indicator)
    assert labels("indikatorer.markering_egen", serie=named) in caption and kommun not in caption


# ----------------------------------------------------------------- 4. the footer's separator


def test_the_printed_foot_is_the_definitions_template_with_the_date_in_words() -> None:
    from helpers.building.export import side_by_side
    from helpers.building.pdf import print_copy, read_report

    pattern = "{lista} ≀ {nästa}"
    assert side_by_side(pattern, ["A", "", "B {x}", "C"]) == "A ≀ B {x} ≀ C"
    foot = side_by_side(pattern, ["Titel", "Enhet", "Utskriven {datum}"])
    source = (
        '<html><head><meta name="workbook-page-foot" content="'
        + html.escape(foot)
        + '"></head><body></body></html>'
    )
    printed = print_copy(read_report(source), dt.date(2017, 2, 15))
    assert f'"Titel ≀ Enhet ≀ Utskriven {format_date("2017-02-15")}"' in printed


# --------------------------------------------------------- 5. params that passed silently


def test_periodslut_in_a_helar_params_file_is_named_with_its_line(inputs: Path) -> None:
    params = _params(inputs, "klk")
    lines = params.read_text("utf-8").splitlines()
    lines.insert(2, f"periodslut: {YEAR}-08-31")
    params.write_text("\n".join(lines) + "\n", "utf-8")
    [problem] = validate_unit(Project(inputs), YEAR, "klk")
    assert problem.file == f"params/{YEAR}/klk.yaml"
    assert (problem.row, problem.column) == (3, "periodslut")
    assert f"{YEAR}-08-31" in problem.message and problem.hint
    # The year's own last day says what a helår means anyway: no problem.
    lines[2] = f"periodslut: {YEAR}-12-31"
    params.write_text("\n".join(lines) + "\n", "utf-8")
    assert validate_unit(Project(inputs), YEAR, "klk") == []


def test_utan_beside_a_units_own_section_list_is_named_with_its_line(inputs: Path) -> None:
    params = _params(inputs, "von")
    raw = yaml.safe_load(params.read_text("utf-8"))
    own = raw["rapport"]["avsnitt"]
    assert own, "von has its own list of sections"
    text = params.read_text("utf-8").replace("rapport:\n", "rapport:\n  utan: [framtid]\n", 1)
    params.write_text(text, "utf-8")
    line = text.splitlines().index("  utan: [framtid]") + 1
    problems = validate_unit(Project(inputs), YEAR, "von")
    [problem] = [p for p in problems if p.column and "utan" in p.column]
    assert problem.file == f"params/{YEAR}/von.yaml"
    assert (problem.row, problem.column) == (line, "rapport.utan")
    assert "avsnitt" in problem.message and problem.hint
    with pytest.raises(Exception):  # noqa: B017,PT011 (the build refuses as validate does)
        load_unit(YEAR, "von", Project(inputs))


# ------------------------------------------------ 6. the sign rule for every row it fixes


def _drift_rows(root: Path) -> tuple[Path, list[dict[str, str]]]:
    import csv
    import io

    path = root / f"data/{YEAR}/klk/drift.csv"
    return path, list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def _write_drift(path: Path, rows: list[dict[str, str]]) -> None:
    columns = list(rows[0])
    lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _negate(text: str) -> str:
    return text[1:] if text.startswith("-") else f"-{text}"


@pytest.mark.parametrize("costs", ["positiva", "negativa"])
@pytest.mark.parametrize("column", ["utfall", "budget"])
def test_a_part_with_the_wrong_sign_is_named_like_an_income_or_cost_row(
    inputs: Path, costs: str, column: str
) -> None:
    path, rows = _drift_rows(inputs)
    if costs == "negativa":  # the same statement in the other convention (a frame stays)
        for row in rows:
            if row["typ"] != "ram":
                amounts = {c: v for c, v in row.items() if c not in ("post", "typ") and v}
                row.update({c: _negate(v) for c, v in amounts.items()})
        params = _params(inputs, "klk")
        params.write_text(params.read_text("utf-8") + "drift:\n  kostnader: negativa\n", "utf-8")
    _write_drift(path, rows)
    assert validate_unit(Project(inputs), YEAR, "klk") == []
    parts = [i for i, row in enumerate(rows) if row["typ"] == "delverksamhet"]
    wrong = max(parts, key=lambda i: abs(float(rows[i][column])))  # the largest amount
    right = rows[wrong][column]
    rows[wrong][column] = _negate(right)
    _write_drift(path, rows)
    [problem] = validate_unit(Project(inputs), YEAR, "klk")
    assert problem.file == f"data/{YEAR}/klk/drift.csv"
    assert (problem.row, problem.column) == (wrong + 2, column)  # the header is line 1
    assert rows[wrong]["post"] in problem.message
    # The hint says the amount to write back: the one the file had (grouped the Swedish way).
    said = problem.hint.removeprefix("skriv ")
    assert Decimal(said.replace(" ", "").replace(",", ".")) == Decimal(right), problem.hint


def test_a_sub_part_with_the_wrong_sign_is_named_too(inputs: Path) -> None:
    path, rows = _drift_rows(inputs)
    parts = [r for r in rows if r["typ"] == "delverksamhet"]
    # The first part's amounts split over two sub-parts of its own; it becomes their subtotal.
    parent = parts[0]
    columns = [c for c in rows[0] if c not in ("post", "typ") and parent[c]]
    halves = [{"post": f"{parent['post']} {n}", "typ": "delverksamhet"} for n in (1, 2)]
    for column in columns:
        whole = int(parent[column])
        halves[0][column], halves[1][column] = str(whole // 2), str(whole - whole // 2)
        parent[column] = ""
    for half in halves:
        half["överordnad"] = parent["post"]
    for row in rows:
        row.setdefault("överordnad", "")
    at = rows.index(parent) + 1
    rows[at:at] = halves
    _write_drift(path, [{"post": r["post"], "typ": r["typ"], "överordnad": r["överordnad"],
                         **{c: r.get(c, "") for c in columns}} for r in rows])  # fmt: skip
    assert validate_unit(Project(inputs), YEAR, "klk") == []
    column = columns[-1]
    _, written = _drift_rows(inputs)
    line = next(i for i, r in enumerate(written) if r["post"] == halves[1]["post"]) + 2
    written[line - 2][column] = _negate(written[line - 2][column])
    _write_drift(path, written)
    [problem] = validate_unit(Project(inputs), YEAR, "klk")
    assert (problem.row, problem.column) == (line, column)
    assert halves[1]["post"] in problem.message


# --------------------------------------------------- the report end to end (one delår build)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Project]:
    """The invented example's delår report, built with real kernels from a definition whose
    footer separator (``rapport.sida_vid_sida``) is its own."""
    root = copy_inputs(tmp_path_factory.mktemp("content_fixes") / "ws")
    raw = _definition(root)
    raw["etiketter"]["rapport"]["sida_vid_sida"] = "{lista} ≀ {nästa}"
    _write_definition(root, raw)
    project = Project(root).for_period(DELAR)
    with project_root(root):  # a module fixture: no monkeypatch
        from helpers.building.build import build

        assert validate_unit(project, YEAR, "exempel") == []
        results = build(YEAR, "exempel", project)
        assert all(not r.failures for r in results), [r.failures for r in results]
    return project.report_file(YEAR, "exempel"), project


def test_the_built_delar_report_says_its_dates_in_words_and_joins_with_its_own_mark(
    built: tuple[Path, Project],
) -> None:
    report, project = built
    page = report.read_text("utf-8")
    data = load_unit(YEAR, "exempel", project)
    forecast = data.params.forecast_date
    assert forecast
    for cls in ("wb-lead", "wb-result"):
        [paragraph] = re.findall(rf'<p class="{cls}">(.*?)</p>', page, re.S)
        assert format_date(forecast) in _text(paragraph) and not ISO_DATE.search(_text(paragraph))
        assert f'<time datetime="{forecast}">' in paragraph
    footer = re.search(r'<footer class="wb-footer">\s*<p>(.*?)</p>', page, re.S).group(1)
    assert " ≀ " in _text(footer) and " · " not in _text(footer)
    assert data.info.name in _text(footer) and data.info.municipality in _text(footer)
    foot = str(
        BeautifulSoup(page, "html.parser").find("meta", {"name": "workbook-page-foot"})["content"]
    )
    assert foot.endswith(" ≀ " + data.labels()("rapport.utskriven", datum="{datum}"))
