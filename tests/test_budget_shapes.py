"""Operating statements of other shapes than KLK's: net-only, nested, costs negative, mkr with
decimals, published totals off by rounding or by more, rounded zeros.

Each case writes a drift.csv (and ``drift:`` settings) into a copy of the project, then runs what
the workbook runs: ``validate_unit`` and the rendering of the section and the summary. What the
report must show is derived from the CSV by :mod:`drift_cases`, not from ``helpers.parts.budget``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from drift_cases import (
    MINUS,
    NBSP,
    amount,
    column_headers,
    csv_rows,
    install_drift,
    notes,
    shown,
    statement_rows,
    subtotal,
)

from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.data.unit_data import load_unit
from helpers.parts.budget import statement_of
from helpers.parts.budget_view import budget_html
from helpers.parts.summary import summary_html

UNIT_NAME = "Kommunledningskontoret"  # the workspace unit the cases are written into (klk)


def render(root: Path) -> tuple[str, str]:
    data = load_unit(2016, "klk", Project(root))
    return str(budget_html(data)), str(summary_html(data))


def cells_of(rows, label: str) -> list[tuple[str, str]]:
    return next(cells for _, header, cells in rows if header == label)


# ------------------------------------------------------------------------------- net only

NET_ONLY = """post,typ,budget,utfall
Ledning,delverksamhet,5400,5350
Administration,delverksamhet,10000,10100
Service,delverksamhet,11800,11700
"""


def test_a_net_only_statement_needs_no_fixed_rows(workspace: Path) -> None:
    install_drift(workspace, NET_ONLY)
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, summary = render(workspace)
    rows = csv_rows(NET_ONLY)
    budget = sum(amount(r["budget"]) for r in rows)
    outcome = sum(amount(r["utfall"]) for r in rows)

    # Only the columns the file has, in the usual order, deviation computed.
    assert column_headers(section)[1:] == ["Utfall 2016", "Budget 2016", "Avvikelse mot budget"]
    table = statement_rows(section)
    assert [header for _, header, _ in table] == [r["post"] for r in rows] + ["Summa"]
    for row in rows:
        deviation = amount(row["budget"]) - amount(row["utfall"])
        assert [text for _, text in cells_of(table, row["post"])] == [
            shown(amount(row["utfall"]), 0), shown(amount(row["budget"]), 0),
            shown(deviation, 0, signed=True),
        ]  # fmt: skip
    assert [t for _, t in cells_of(table, "Summa")][:2] == [shown(outcome, 0), shown(budget, 0)]

    # No frame: the result is the deviation against budget, in the section and the summary.
    word = "överskott" if budget > outcome else "underskott"
    sentence = (
        f"{UNIT_NAME} redovisar ett {word} på {shown(abs(budget - outcome), 0)}{NBSP}tkr "
        "mot budget 2016."
    )
    assert f'<p class="wb-result">{sentence}</p>' in section
    assert sentence in summary
    assert "Resultat mot" not in summary and "Prognos per" not in summary
    assert (
        f"<dt>Avvikelse mot budget</dt><dd><strong>{shown(budget - outcome, 0, signed=True)}"
        f"{NBSP}tkr</strong> ({word})</dd>" in summary
    )
    assert "Nettokostnader" not in section and "Resultat" not in section


# -------------------------------------------------------------------------- three levels

NESTED = """post,typ,överordnad,utfall,budget
Äldreomsorg,delverksamhet,,,
Hemtjänst,delverksamhet,Äldreomsorg,,
Hemtjänst norr,delverksamhet,Hemtjänst,1260,1200
Hemtjänst söder,delverksamhet,Hemtjänst,1090,1100
Särskilt boende,delverksamhet,Äldreomsorg,3310,3300
Funktionsstöd,delverksamhet,,2050,2100
"""


def test_three_nested_levels_have_every_subtotal_computed(workspace: Path) -> None:
    install_drift(workspace, NESTED)
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    rows = csv_rows(NESTED)
    table = statement_rows(section)
    assert [header for _, header, _ in table] == [r["post"] for r in rows] + ["Summa"]

    def depth(post: str) -> int:
        parent = next(r["överordnad"] for r in rows if r["post"] == post)
        return 1 if not parent else 1 + depth(parent)

    for row in rows:
        post = row["post"]
        outcome, budget = subtotal(rows, post, "utfall"), subtotal(rows, post, "budget")
        classes, _, cells = next(t for t in table if t[1] == post)
        assert [text for _, text in cells] == [
            shown(outcome, 0),
            shown(budget, 0),
            shown(budget - outcome, 0, signed=True),
        ]
        if depth(post) > 1:
            assert f"wb-level-{depth(post)}" in classes
            assert f'<span class="wb-visually-hidden"> (del av {row["överordnad"]})</span>' in (
                section
            )
        if any(r["överordnad"] == post for r in rows):  # a subtotal reads as one
            assert "wb-subtotal" in classes and all(c for c in cells)
            assert f"<strong>{shown(outcome, 0)}</strong>" in section
    tops = [r["post"] for r in rows if not r["överordnad"]]
    total = sum(subtotal(rows, post, "utfall") for post in tops)
    assert cells_of(table, "Summa")[0][1] == shown(total, 0)
    computed = load_unit(2016, "klk", Project(workspace)).labels()
    assert computed("drift.beräknad", antal=2, poster="Delsummor och summa") in section
    # The chart compares the unit's own parts: the top level.
    data_table = section[section.index('<details class="wb-chart-data">') :]
    assert [h for _, h, _ in statement_rows(data_table)] == tops


# ------------------------------------------------------------------------ costs negative

NEGATIVE = """post,typ,utfall_fg_år,utfall,budget
Intäkter,intäkter,1954,3724,2256
Kostnader,kostnader,-42539,-45299,-43907
Kommunbidrag,ram,42007,41651,41651
Ledning,delverksamhet,-20000,-20500,-20651
Stöd,delverksamhet,-20585,-21075,-21000
"""


def test_costs_declared_negative_are_shown_as_the_kommun_writes_them(workspace: Path) -> None:
    install_drift(workspace, NEGATIVE, settings={"kostnader": "negativa"})
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, summary = render(workspace)
    rows = {r["post"]: r for r in csv_rows(NEGATIVE)}
    table = statement_rows(section)
    columns = ("utfall_fg_år", "utfall", "budget")

    def value(post: str, column: str) -> Decimal:
        return amount(rows[post][column])

    for post in rows:  # as typed, and a deviation that is positive when better: utfall − budget
        deviation = value(post, "utfall") - value(post, "budget")
        assert [t for _, t in cells_of(table, post)] == [
            shown(value(post, "utfall_fg_år"), 0), shown(value(post, "utfall"), 0),
            shown(value(post, "budget"), 0), shown(deviation, 0, signed=True),
        ]  # fmt: skip
    net = {c: value("Intäkter", c) + value("Kostnader", c) for c in columns}
    assert [t for _, t in cells_of(table, "Nettokostnader")][:3] == [
        shown(net[c], 0) for c in columns
    ]
    result = {c: value("Kommunbidrag", c) + net[c] for c in columns}
    assert [t for _, t in cells_of(table, "Resultat")][:3] == [
        shown(result[c], 0, signed=True) for c in columns
    ]
    # the note names the deviation column by the header the reader sees in the table
    header = statement_of(load_unit(2016, "klk", Project(workspace))).settings.labels["avvikelse"]
    assert f"{header.capitalize()} = utfall − budget" in section
    word = "överskott" if result["utfall"] > 0 else "underskott"
    assert (
        f"{UNIT_NAME} redovisar ett {word} på {shown(abs(result['utfall']), 0)}{NBSP}tkr "
        "mot kommunbidrag 2016" in section
    )
    assert "<dt>Resultat mot kommunbidrag</dt>" in summary
    worse = [
        p for p in ("Ledning", "Stöd") if value(p, "utfall") - value(p, "budget") < 0
    ]  # a more negative outcome is a higher net cost
    assert f"nettokostnaden var högre än budget för {', '.join(worse)}." in section


def test_income_written_negative_under_negative_costs_is_named(workspace: Path) -> None:
    install_drift(
        workspace, NEGATIVE.replace("Intäkter,intäkter,1954,", "Intäkter,intäkter,-1954,"),
        settings={"kostnader": "negativa"},
    )  # fmt: skip
    problems = validate_unit(Project(workspace), 2016, "klk")
    assert [(p.row, p.column) for p in problems] == [(2, "utfall_fg_år")]
    assert "intäkter skrivs utan minustecken när kostnader är negativa" in problems[0].message


# ------------------------------------------------------------- published totals, rounding

ROUNDED = """post;typ;budget;utfall
Ledning;delverksamhet;10,2;10,4
Stöd;delverksamhet;20,1;19,9
Service;delverksamhet;5,3;5,4
Summa;summa;35,6;{typed}
"""
MKR_ONE_DECIMAL = {"belopp": "mkr", "decimaler": 1}


def _typed_total_case(offset: str) -> tuple[str, Decimal, Decimal, Decimal]:
    parts = csv_rows(ROUNDED.format(typed=""))[:-1]
    computed = sum(amount(r["utfall"]) for r in parts)
    typed = computed + Decimal(offset)
    # Each shown part is rounded once, and so is the published total: half a unit each.
    tolerance = (len(parts) + 1) * Decimal("0.1") / 2
    return ROUNDED.format(typed=str(typed).replace(".", ",")), typed, computed, tolerance


def test_a_published_total_off_by_rounding_is_accepted_and_noted(workspace: Path) -> None:
    drift, typed, computed, tolerance = _typed_total_case("0.1")
    assert 0 < typed - computed < tolerance
    install_drift(workspace, drift, settings=MKR_ONE_DECIMAL)
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    total = cells_of(statement_rows(section), "Summa")
    assert total[0][1] == shown(typed, 1)  # shown as published …
    assert notes(section) == [  # … and the computed sum beside it
        f"Summa, Utfall 2016: summan {shown(typed, 1)}{NBSP}mkr och radernas summa "
        f"{shown(computed, 1)}{NBSP}mkr skiljer sig med {shown(typed - computed, 1)}{NBSP}mkr "
        "på grund av avrundning."
    ]


def test_a_published_total_off_by_more_than_rounding_names_the_rows(workspace: Path) -> None:
    drift, typed, computed, tolerance = _typed_total_case("0.3")
    assert typed - computed >= tolerance
    install_drift(workspace, drift, settings=MKR_ONE_DECIMAL)
    problems = validate_unit(Project(workspace), 2016, "klk")
    lines = drift.splitlines()
    total_line = next(i for i, line in enumerate(lines, 1) if line.startswith("Summa;"))
    parts = [i for i, line in enumerate(lines, 1) if ";delverksamhet;" in line]
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("data/2016/klk/drift.csv", total_line, "utfall")
    ]
    assert (
        f"summan {shown(typed, 1)} stämmer inte med radernas summa {shown(computed, 1)} "
        f"(rad {parts[0]}–{parts[-1]})" in problems[0].message
    )


def test_nettokostnader_and_the_parts_may_differ_only_by_rounding(workspace: Path) -> None:
    base = """post,typ,utfall,budget
Intäkter,intäkter,-100.4,-100
Kostnader,kostnader,{costs},1000
Ledning,delverksamhet,450.3,450
Stöd,delverksamhet,450.4,450
"""
    # Two amounts behind Nettokostnader, two behind the Summa: rounding explains under 0,2.
    install_drift(workspace, base.format(costs="1001.0"), settings={"decimaler": 1})
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    assert any("på grund av avrundning" in note for note in notes(section))
    install_drift(workspace, base.format(costs="1001.3"), settings={"decimaler": 1})
    problems = validate_unit(Project(workspace), 2016, "klk")
    assert [(p.row, p.column) for p in problems] == [(4, "utfall")]
    assert "radernas summa 900,7 (rad 4–5) stämmer inte med Nettokostnader 900,9 (rad 2–3)" in (
        problems[0].message
    )


def test_a_typed_deviation_is_checked_and_shown_as_published(workspace: Path) -> None:
    drift = """post,typ,utfall,budget,avvikelse
Ledning,delverksamhet,450.26,450.04,-0.2
Stöd,delverksamhet,300,310,10
"""
    install_drift(workspace, drift, settings={"decimaler": 1})
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    ledning = cells_of(statement_rows(section), "Ledning")
    assert ledning[2] == ("num neg", f"{MINUS}0,2")
    install_drift(workspace, drift.replace(",10\n", ",-10\n"), settings={"decimaler": 1})
    problems = validate_unit(Project(workspace), 2016, "klk")
    assert [(p.row, p.column) for p in problems] == [(3, "avvikelse")]
    assert "avvikelsen -10,0 stämmer inte med budget − utfall 10,0" in problems[0].message


# ------------------------------------------------------------------------ rounded zeros

ZERO = """post,typ,utfall,budget
Intäkter,intäkter,-3724,-2256
Kostnader,kostnader,45375.4,43907
Tilldelad ram,ram,41651,41651
Stab,delverksamhet,41651.4,41651
"""


def _zero_result() -> Decimal:
    rows = {r["typ"]: r for r in csv_rows(ZERO)}
    net = amount(rows["intäkter"]["utfall"]) + amount(rows["kostnader"]["utfall"])
    return amount(rows["ram"]["utfall"]) - net


def test_a_result_shown_as_zero_is_in_balance(workspace: Path) -> None:
    result = _zero_result()
    assert result < 0 and shown(result, 0) == "0"
    install_drift(workspace, ZERO, settings={"decimaler": 0})
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, summary = render(workspace)
    table = statement_rows(section)
    assert cells_of(table, "Resultat")[0] == ("num", "0")  # no colour, no sign
    assert cells_of(table, "Stab")[2] == ("num", "0")
    assert f"{UNIT_NAME} redovisar ett resultat i balans mot tilldelad ram 2016" in section
    assert f"{UNIT_NAME} redovisar ett resultat i balans mot tilldelad ram 2016." in summary
    assert f"<strong>0{NBSP}tkr</strong> (i balans)" in summary
    for text in (section, summary):  # (the table's note explains what a deficit looks like)
        assert "underskott på" not in text and "(underskott)" not in text
        assert f"{MINUS}0<" not in text and 'class="neg"' not in text
    # The rounding is said, not silent.
    assert "Beloppen visas avrundade till hela tkr" in " ".join(notes(section))


def test_without_declared_decimals_nothing_is_rounded_away(workspace: Path) -> None:
    result = _zero_result()
    install_drift(workspace, ZERO)  # no decimaler: as many as the amounts carry (one)
    section, summary = render(workspace)
    assert cells_of(statement_rows(section), "Resultat")[0] == ("num neg", shown(result, 1))
    assert f"ett underskott på {shown(abs(result), 1)}{NBSP}tkr" in section
    assert f'<strong class="neg">{shown(result, 1, signed=True)}{NBSP}tkr</strong>' in summary
    assert notes(section) == []


MKR = """post;typ;budget;utfall
Funktionsstöd;delverksamhet;214,60;214,80
Hemtjänst;delverksamhet;120,00;120,00
"""


def test_minus_020_mkr_with_one_decimal_is_minus_02(workspace: Path) -> None:
    install_drift(workspace, MKR, settings=MKR_ONE_DECIMAL)
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, summary = render(workspace)
    rows = csv_rows(MKR)
    deviation = amount(rows[0]["budget"]) - amount(rows[0]["utfall"])
    assert shown(deviation, 1) == f"{MINUS}0,2"
    table = statement_rows(section)
    assert column_headers(section)[0] == f"{UNIT_NAME} Drift"
    assert f"<caption>{UNIT_NAME} Drift (mkr)</caption>" in section
    assert cells_of(table, "Funktionsstöd")[2] == ("num neg", shown(deviation, 1, signed=True))
    assert cells_of(table, "Hemtjänst")[1] == ("num", "120,0")
    total = sum(amount(r["budget"]) - amount(r["utfall"]) for r in rows)
    assert f"ett underskott på {shown(abs(total), 1)}{NBSP}mkr mot budget 2016" in section
    assert f'<strong class="neg">{shown(total, 1, signed=True)}{NBSP}mkr</strong>' in summary
    # The chart's axis is in mkr too.
    assert ">mkr<" in section and "i mkr." in section


def test_column_order_and_labels_come_from_the_settings(workspace: Path) -> None:
    settings = {
        "kolumner": ["budget", "utfall", "avvikelse"],
        "rubriker": {"avvikelse": "Budgetavvikelse", "summa": "Totalt", "post": "Verksamhet"},
    }
    install_drift(workspace, NET_ONLY, kommun_settings=settings)
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    headers = ["Verksamhet", "Budget 2016", "Utfall 2016", "Budgetavvikelse"]
    assert column_headers(section) == headers
    assert statement_rows(section)[-1][1] == "Totalt"
    assert "<caption>Verksamhet (tkr)</caption>" in section


# ------------------------------------------------------------------------------- the docs

DOCS = Path(__file__).resolve().parent.parent / "docs" / "data-format.md"


def _docs_section(start: str, end: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text[text.index(start) : text.index(end, text.index(start))]


def test_every_drift_example_in_the_docs_validates(workspace: Path) -> None:
    import re

    import yaml

    section = _docs_section("### `drift.csv`", "### `internkontroll.csv`")
    examples = re.findall(r"(?:```yaml\n(.*?)```\s*)?```csv\n(.*?)```", section, re.S)
    assert len(examples) >= 4
    for settings, drift in examples:
        install_drift(
            workspace, drift, settings=yaml.safe_load(settings)["drift"] if settings else {}
        )
        assert validate_unit(Project(workspace), 2016, "klk") == [], drift
        render(workspace)


def test_every_settings_example_in_the_docs_is_valid() -> None:
    import re

    import yaml

    from helpers.data.budget_settings import LABEL_KEYS, parse_drift_settings

    section = _docs_section("## Driftredovisningens inställningar", "## Vad `workbook validate`")
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(blocks) >= 2
    for block in blocks:
        loaded = yaml.safe_load(block)
        if "etiketter" in loaded:  # the labels' wording, as the definition writes it
            assert set(loaded["etiketter"]["drift"]) == set(LABEL_KEYS), block
            continue
        settings, problems = parse_drift_settings(loaded["drift"])
        assert problems == [], block


def test_an_excel_formulas_binary_noise_is_not_shown_as_decimals(workspace: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["post", "typ", "budget", "utfall"])
    sheet.append(["Ledning", "delverksamhet", 0.1 + 0.2, 0.3])  # as a formula's cached value
    sheet.append(["Stöd", "delverksamhet", 1.5, 1.25])
    install_drift(
        workspace, "post,typ,budget,utfall\nLedning,delverksamhet,,\nStöd,delverksamhet,,\n"
    )
    (workspace / "data/2016/klk/drift.csv").unlink()
    workbook.save(workspace / "data/2016/klk/drift.xlsx")
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    assert cells_of(statement_rows(section), "Ledning")[:2] == [("num", "0,30"), ("num", "0,30")]
    assert cells_of(statement_rows(section), "Stöd")[2] == ("num", "+0,25")


# ------------------------------------------------------------------ order and typed totals

IN_ORDER = """post,typ,budget,utfall
Totalt,summa,,
Ledning,delverksamhet,5400,5350
Service,delverksamhet,11800,11700
Kommunbidrag,ram,17200,17200
"""


def test_rows_stand_in_the_order_of_the_file(workspace: Path) -> None:
    install_drift(workspace, IN_ORDER)
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    rows = csv_rows(IN_ORDER)
    # Typed rows where they are; the Resultat (computed) after the frame and the net cost.
    assert [h for _, h, _ in statement_rows(section)] == [r["post"] for r in rows] + ["Resultat"]
    parts = [r for r in rows if r["typ"] == "delverksamhet"]
    outcome = sum(amount(r["utfall"]) for r in parts)
    assert cells_of(statement_rows(section), "Totalt")[0][1] == shown(outcome, 0)
    frame = amount(rows[-1]["utfall"])
    assert cells_of(statement_rows(section), "Resultat")[0][1] == shown(
        frame - outcome, 0, signed=True
    )


TYPED_NET = """post,typ,utfall,budget
Intäkter,intäkter,-3724,-2256
Kostnader,kostnader,45299,43907
Nettokostnader,nettokostnader,{net},41651
Tilldelad ram,ram,41651,41651
Resultat,resultat,{result},0
"""


def test_typed_net_cost_and_result_are_checked_and_shown_as_published(workspace: Path) -> None:
    rows = {r["typ"]: r for r in csv_rows(TYPED_NET.format(net="0", result="0"))}
    net = amount(rows["intäkter"]["utfall"]) + amount(rows["kostnader"]["utfall"])
    result = amount(rows["ram"]["utfall"]) - net
    # Published one off: two amounts and the published one explain a difference of 1 …
    drift = TYPED_NET.format(net=net + 1, result=result)
    install_drift(workspace, drift)
    assert validate_unit(Project(workspace), 2016, "klk") == []
    section, _ = render(workspace)
    assert cells_of(statement_rows(section), "Nettokostnader")[0][1] == shown(net + 1, 0)
    assert any("Nettokostnader" in note and "avrundning" in note for note in notes(section))
    # … but not 2; and a typed result must follow from the frame and the net cost. (With both
    # wrong only the net cost is named: the result cannot be judged until it is right.)
    for net_off, result_off, wrong in ((2, 0, "Nettokostnader,"), (0, 5, "Resultat,")):
        drift = TYPED_NET.format(net=net + net_off, result=result + result_off)
        install_drift(workspace, drift)
        problems = validate_unit(Project(workspace), 2016, "klk")
        line = next(i for i, text in enumerate(drift.splitlines(), 1) if text.startswith(wrong))
        assert [(p.row, p.column) for p in problems] == [(line, "utfall")], wrong
    assert (
        f"Resultat {result + 5} stämmer inte med Tilldelad ram − Nettokostnader {result}"
        in problems[0].message
    )


def test_a_negative_frame_is_named_whatever_the_kommun_calls_it(workspace: Path) -> None:
    install_drift(
        workspace, IN_ORDER.replace("Kommunbidrag,ram,17200,", "Kommunbidrag,ram,-17200,")
    )
    problems = validate_unit(Project(workspace), 2016, "klk")
    assert [(p.row, p.column) for p in problems] == [(5, "budget")]
    assert "ramen (Kommunbidrag)" in problems[0].message and "minustecken" in problems[0].message
