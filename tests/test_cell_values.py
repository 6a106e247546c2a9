"""One reading of every cell: Unicode from Office pastes, percentages, ambiguous thousands.

The same functions serve ``workbook validate`` and the report (``typed_frame``), so each test
checks the value a section would show, derived from the text the test types in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.core.errors import MAX_FIELD, Problem, quote
from helpers.core.paths import REPO_ROOT, Project
from helpers.core.schema import SPECS, Column, unit_specs
from helpers.core.text_norm import DASHES, INVISIBLE, clean_text, clean_token, unusual_characters
from helpers.data.cell_values import ambiguous_thousands, convert_cell
from helpers.data.definition import read_definition
from helpers.data.formulas import FormulaError, parse_formula
from helpers.data.readers import Table, parse_number
from helpers.data.unit_data import typed_frame

# The unit tables with the example kommun's vocabularies (levels, assessments, statuses).
KOMMUN_SPECS = {
    spec.stem: spec for spec in unit_specs(read_definition(Project(REPO_ROOT))[0].vocabularies())
}

# Every space a paste brings: no-break, narrow no-break, thin, figure, en/em spaces, tab,
# ideographic; and every dash Office autocorrects to.
SPACES = ["\u00a0", "\u202f", "\u2009", "\u2007", "\u2002", "\u2003", "\t", "\u3000", "  "]


def table(stem: str, rows: list[dict[str, str]]) -> Table:
    names = SPECS[stem].names
    full = [{name: row.get(name, "") for name in names} for row in rows]
    return Table(Path(f"{stem}.csv"), f"{stem}.csv", names, full, list(range(2, 2 + len(rows))))


# --- spaces, dashes and invisible characters --------------------------------------------------


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("dash", ["-", *DASHES])
def test_a_formula_reads_the_same_with_any_space_and_dash(space: str, dash: str) -> None:
    assert parse_formula(f"medianlon_kvinnor{space}{dash}{space}medianlon_man") == (
        "medianlon_kvinnor",
        "medianlon_man",
    )


@pytest.mark.parametrize("invisible", list(INVISIBLE) + ["\u00ad"])
def test_a_formula_reads_the_same_with_invisible_characters(invisible: str) -> None:
    text = f"{invisible}a{invisible} - b{invisible}"
    assert parse_formula(text) == ("a", "b")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("a-b", "mellanslag"), ("a + b", "skillnaden"), ("a * b", "skillnaden"), ("a", "två")],
)
def test_an_unreadable_formula_says_why(text: str, reason: str) -> None:
    with pytest.raises(FormulaError, match=reason):
        parse_formula(text)


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("dash", ["-", *DASHES])
def test_numbers_read_the_same_with_any_space_and_dash(space: str, dash: str) -> None:
    assert parse_number(f"{dash}41{space}575,5") == -41575.5
    assert parse_number(f"{dash}{space}6") == -6.0


@pytest.mark.parametrize("dash", ["-", *DASHES])
def test_periods_read_the_same_with_any_dash(dash: str) -> None:
    column = Column("period", "period")
    assert convert_cell(column, f"2010{dash}2013") == "2010-2013"
    assert convert_cell(column, f"2010 {dash} 2013") == "2010-2013"


@pytest.mark.parametrize("extra", [*INVISIBLE, "\u00ad", "\u00a0", "\t"])
def test_ids_compare_equal_whatever_invisible_character_a_paste_left(extra: str) -> None:
    column = Column("mal_id", "id")
    assert convert_cell(column, f"{extra}KF1{extra}") == "KF1"


@pytest.mark.parametrize("dash", DASHES)
def test_ids_with_office_dashes_are_the_same_id(dash: str) -> None:
    assert convert_cell(Column("x", "id"), f"medianlon{dash}man") == "medianlon-man"


def test_an_id_with_a_space_inside_names_the_space() -> None:
    with pytest.raises(ValueError, match="hårt mellanslag"):
        convert_cell(Column("mal_id", "id"), "KF\u00a01")


@pytest.mark.parametrize("space", SPACES)
def test_choices_read_the_same_with_any_space(space: str) -> None:
    column = KOMMUN_SPECS["mal"].columns[4]  # bedömning
    assert convert_cell(column, f"Delvis{space}uppfyllt\u200b") == "delvis uppfyllt"


def test_text_keeps_line_breaks_and_soft_hyphens_but_not_invisible_characters() -> None:
    text = "Stab,\u00a0ekonomi\u200b\r\nrad två\u00ad"
    assert clean_text(text) == "Stab, ekonomi\nrad två\u00ad"
    assert clean_token(text) == "Stab, ekonomi rad två"


def test_unusual_characters_are_named_in_swedish() -> None:
    assert unusual_characters("a\u00a0b\u200bc") == [
        "hårt mellanslag (U+00A0)",
        "nollbreddsmellanslag (U+200B)",
    ]


def test_a_required_cell_holding_only_invisible_characters_is_empty() -> None:
    rows = [{"mal_id": "\u200b", "nivå": "kommunfullmäktige", "nummer": "1", "titel": "\u00a0"}]
    _, problems = typed_frame(KOMMUN_SPECS["mal"], table("mal", rows))
    assert sorted((p.column, p.message) for p in problems) == [
        ("mal_id", "cellen är tom men måste fyllas i"),
        ("titel", "cellen är tom men måste fyllas i"),
    ]


def test_a_subunit_pasted_with_a_no_break_space_matches_its_name(workspace: Path) -> None:
    from helpers.building.validate import validate_unit
    from helpers.core.paths import Project

    path = workspace / "data/2016/klk/drift.csv"
    text = path.read_text(encoding="utf-8")
    assert "KS Samverkan," in text
    path.write_text(text.replace("KS Samverkan,", "KS\u00a0Samverkan\u200b,"), encoding="utf-8")
    assert validate_unit(Project(workspace), 2016, "klk") == []


@given(st.text(max_size=30))
def test_clean_token_is_idempotent_and_has_no_unusual_space_or_dash(text: str) -> None:
    token = clean_token(text)
    assert clean_token(token) == token
    assert not any(c in DASHES or c in INVISIBLE or (c.isspace() and c != " ") for c in token)


# --- percentages ------------------------------------------------------------------------------

VALUE = SPECS["indikatorvarden"].columns[2]  # värde: may hold percentages
AMOUNT = SPECS["drift"].columns[3]  # utfall: tkr


@pytest.mark.parametrize(
    ("text", "value"),
    [("70%", 70.0), ("70 %", 70.0), ("70\u00a0%", 70.0), ("0,5 %", 0.5), ("-3,25%", -3.25),
     ("\u22123 %", -3.0), ("100 %", 100.0)],
)  # fmt: skip
def test_a_percentage_is_read_as_written_where_percentages_belong(text: str, value: float) -> None:
    assert convert_cell(VALUE, text) == value


@pytest.mark.parametrize("text", ["70%", "5 %"])
def test_a_percentage_in_an_amount_column_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="procenttal"):
        convert_cell(AMOUNT, text)


@pytest.mark.parametrize(
    ("text", "advice"),
    [("'41575", "apostrofen"), ("1,234,567", "tusental"), ("41 575 kr", "utan enhet"),
     ("12 tkr", "utan enhet")],
)  # fmt: skip
def test_a_number_that_is_not_one_says_what_to_do(text: str, advice: str) -> None:
    with pytest.raises(ValueError, match=advice):
        convert_cell(AMOUNT, text)


# --- thousands or decimals? -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "flagged"),
    [
        (["41,575", "-3,724", "21,038"], {"41,575", "-3,724", "21,038"}),  # English Excel, tkr
        (["41,575", "0.7"], {"41,575"}),  # the file writes decimals with a point
        (["41.575", "0,7"], {"41.575"}),
        (["12,345", "0,7"], set()),  # the file writes decimals with a comma: 12,345 is decimal
        (["41 575", "0,7", "1392"], set()),
        (["0,125", "2,5"], set()),
        (["1,5"], set()),
    ],
)
def test_ambiguous_thousands_are_found_from_the_rest_of_the_table(
    texts: list[str], flagged: set[str]
) -> None:
    assert set(ambiguous_thousands(texts)) == flagged


def test_an_english_excel_export_of_drift_is_refused_not_read_a_thousand_times_too_small() -> None:
    rows = [
        {"post": "Intäkter", "typ": "intäkter", "utfall": "-3,724", "budget": "-2,256"},
        {"post": "Stab", "typ": "delverksamhet", "utfall": "21,038", "budget": "20,126"},
    ]
    frame, problems = typed_frame(SPECS["drift"], table("drift", rows))
    assert sorted((p.row, p.column) for p in problems) == [
        (2, "budget"), (2, "utfall"), (3, "budget"), (3, "utfall")
    ]  # fmt: skip
    assert frame["utfall"].isna().all()


def test_numbers_from_xlsx_cells_are_exact_never_ambiguous() -> None:
    rows = [{"post": "Stab", "typ": "delverksamhet", "utfall": "21.038"}]
    read = table("drift", rows)
    exact = Table(read.path, read.shown_as, read.columns, read.rows, read.lines,
                  exact=frozenset({(2, "utfall")}))  # fmt: skip
    frame, problems = typed_frame(SPECS["drift"], exact)
    assert problems == [] and list(frame["utfall"]) == [21.038]


# --- bounded messages -------------------------------------------------------------------------


@pytest.mark.parametrize("length", [81, 10_000, 20_000_000])
def test_a_quoted_value_is_cut_and_its_length_named(length: int) -> None:
    quoted = quote("å" * length)
    assert len(quoted) < 120 and f"{length:,}".replace(",", "\u00a0") in quoted


def test_no_problem_field_is_longer_than_the_bound() -> None:
    problem = Problem("x" * 5000, "y" * 5000 + " — gör så här", column="z" * 5000, hint="h" * 5000)
    assert all(len(value) <= MAX_FIELD + 60 for value in vars(problem).values() if value)
    assert problem.message.endswith("gör så här")


@pytest.mark.parametrize("column", [c for spec in SPECS.values() for c in spec.columns])
def test_every_cell_message_quotes_a_huge_value_bounded(column: Column) -> None:
    try:
        convert_cell(column, "1" * 5_000 + "x")
    except ValueError as exc:
        assert len(str(exc)) < 400
