"""The consolidated report's sections as HTML: goals side by side, counts, the kommun's operating
statement per nämnd, shared indicators and links to every unit report.

Every text comes from data (the units' tables and texts, the kommun's ``bedomningar.csv`` and
the labels under ``sammanställning:``); every string enters HTML through ``helpers.core.markup``.
Nothing here assesses a goal: the kommun's assessment is the analyst's, or it is shown as
missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from helpers.core.labels import Labels, fill
from helpers.core.markup import Markup, html, join
from helpers.data.definition import Assessment
from helpers.parts.budget_amounts import AmountFormat
from helpers.parts.goals import assessment_badge, goal_anchor, indicator_figures, indicator_table
from helpers.parts.kommun_data import KommunData, UnitPart
from helpers.parts.narrative import markdown_to_html, split_heading
from helpers.parts.tables import Cell, TableSpecHtml, render_table

AMOUNT_FACTORS = {"kr": Decimal(1), "tkr": Decimal(1000), "mkr": Decimal(1_000_000)}
YEAR_END_COLUMNS = ("budget", "utfall", "avvikelse")
PERIOD_COLUMNS = ("budget", "utfall", "prognos", "avvikelse_prognos")
NO_ASSESSMENT = ""


# ----------------------------------------------------------------------------------- goals


@dataclass(frozen=True)
class SharedGoal:
    """A goal of the top level (kommunfullmäktige) and how each unit that has it assessed it."""

    goal_id: str
    number: int
    title: str
    units: list[tuple[UnitPart, str]]  # (unit, its assessment, "" when none)
    kommun: str  # the kommun-level assessment from bedomningar.csv ("" when none)
    motivation: str

    @property
    def disagreement(self) -> bool:
        """Units that assessed the goal did not all assess it the same way."""
        return len({a for _, a in self.units if a}) > 1


def _labels(data: KommunData) -> Labels:
    """The kommun's report labels (``etiketter:``), for tables and missing values."""
    return data.report_labels()


def _missing(data: KommunData) -> str:
    """The definition's word for a value that is missing (``rapport.saknas``)."""
    return _labels(data)("rapport.saknas")


def top_level(data: KommunData) -> str:
    """The first goal level of the kommun's definition (kommunfullmäktige)."""
    return next(iter(data.kommun_definition.levels))


def shared_goals(data: KommunData) -> list[SharedGoal]:
    """Every goal of the top level any unit reports, by number, with each unit's assessment."""
    level = top_level(data)
    # goal id -> (number, title, each unit with its assessment)
    found: dict[str, tuple[Any, Any, list[tuple[UnitPart, str]]]] = {}
    for part in data.units:
        goals = part.tables["mal"]
        for _, goal in goals[goals["nivå"] == level].iterrows():
            entry = found.setdefault(goal["mal_id"], (goal["nummer"], goal["titel"], []))
            entry[2].append((part, goal["bedömning"] or NO_ASSESSMENT))
    own = data.assessments.set_index("mal_id") if not data.assessments.empty else None
    goals = []
    for goal_id, (number, title, units) in found.items():
        kommun = motivation = ""
        if own is not None and goal_id in own.index:
            kommun = own.loc[goal_id, "bedömning"] or ""
            motivation = own.loc[goal_id, "motivering"] or ""
        goals.append(SharedGoal(goal_id, int(number), str(title), units, kommun, motivation))
    return sorted(goals, key=lambda g: (g.number, g.goal_id))


def _badge(data: KommunData, value: str) -> Markup:
    if not value:
        return html('<span class="wb-assessment--none">{}</span>', data.label("ingen_bedömning"))
    assessment: Assessment = data.kommun_definition.assessments[value]
    return html(
        '<span class="wb-assessment--{}">{}</span>', assessment.tone, assessment_badge(assessment)
    )


def goal_summary(data: KommunData, part: UnitPart, goal_id: str) -> Markup:
    """The unit's summary of its work on a goal: ``text/mal/<id>-sammanfattning.md`` when the
    unit wrote one, else the first paragraph of ``text/mal/<id>-arbete.md``."""
    own = part.text(data.project, f"mal/{goal_id}-sammanfattning.md")
    if own is None:
        work = part.text(data.project, f"mal/{goal_id}-arbete.md")
        if work is None:
            return html("{}", data.label("ingen_text"))
        body = split_heading(work)[1].strip()
        own = next((p for p in body.split("\n\n") if p.strip()), "")
    if not own.strip():
        return html("{}", data.label("ingen_text"))
    return markdown_to_html(
        split_heading(own)[1],
        labels=_labels(data),
        top_level=5,
        id_prefix=f"{part.unit}-{goal_id}-",
    )


def goal_heading(data: KommunData, goal: SharedGoal) -> str:
    level = data.kommun_definition.levels[top_level(data)]
    common = {"år": str(data.year), "enhet": "", "kommun": data.municipality}
    return fill(level.heading, common, nummer=goal.number, titel=goal.title, id=goal.goal_id)


def goals_html(data: KommunData, section_id: str) -> Markup:
    """Every top-level goal: the kommun's assessment, each unit's assessment and summary side by
    side, and a note where units disagree."""
    parts = []
    for goal in shared_goals(data):
        anchor = f"{section_id}-{goal_anchor(goal.goal_id)}"
        assessment, summary = data.label("bedömning"), data.label("sammanfattning_text")
        # On a phone each row stacks, every value under its column's name (data-label).
        rows = [
            html(
                '<tr><th scope="row"><a href="{}">{}</a></th><td data-label="{}">{}</td>'
                '<td data-label="{}">{}</td></tr>',
                f"{part.unit}.html#{goal_anchor(goal.goal_id)}",
                part.info.display_name,
                assessment,
                _badge(data, value),
                summary,
                goal_summary(data, part, goal.goal_id),
            )
            for part, value in goal.units
        ]
        caption = goal_heading(data, goal)
        table = html(
            '<div class="wb-table-wrap" role="region" aria-label="{region}" tabindex="0">'
            '<table class="wb-table"><caption class="wb-visually-hidden">{caption}</caption>'
            "<thead><tr>"
            '<th scope="col">{unit}</th><th scope="col">{assessment}</th>'
            '<th scope="col">{summary}</th></tr></thead><tbody>{rows}</tbody></table></div>',
            region=_labels(data)("rapport.tabell", rubrik=caption),
            caption=caption,
            unit=data.label("enhet"),
            assessment=assessment,
            summary=summary,
            rows=join(rows),
        )
        disagreement = (
            html('<p class="wb-disagreement"><strong>{}</strong></p>', data.label("oenighet"))
            if goal.disagreement
            else Markup("")
        )
        motivation = (
            markdown_to_html(
                goal.motivation, labels=_labels(data), top_level=4, id_prefix=f"{anchor}-"
            )
            if goal.motivation
            else Markup("")
        )
        parts.append(
            html(
                '<hgroup class="wb-heading-group"><h3 id="{}">{}</h3>'
                '<p class="wb-assessment">{} {}</p></hgroup>{}{}{}',
                anchor,
                goal_heading(data, goal),
                data.label("kommunens_bedömning"),
                _badge(data, goal.kommun),
                motivation,
                disagreement,
                table,
            )
        )
    return join(parts)


# --------------------------------------------------------------------------------- counts


def goal_counts(data: KommunData) -> dict[str, dict[str, Counter[str]]]:
    """For each goal level any unit uses: each unit's goals counted by assessment ("" = none),
    and for the top level the kommun's own (key ``""`` in the outer mapping's unit place)."""
    counts: dict[str, dict[str, Counter[str]]] = {}
    for part in data.units:
        for _, goal in part.tables["mal"].iterrows():
            level = counts.setdefault(goal["nivå"], {})
            level.setdefault(part.unit, Counter())[goal["bedömning"] or NO_ASSESSMENT] += 1
    return counts


def counts_html(data: KommunData) -> Markup:
    """A table per goal level: units (and, for the top level, the kommun) by assessment."""
    assessments = list(data.kommun_definition.assessments.values())
    names = {p.unit: p.info.display_name for p in data.units}
    counts = goal_counts(data)
    tables = []
    for level_id, level in data.kommun_definition.levels.items():
        if level_id not in counts:
            continue
        table = TableSpecHtml(
            labels=_labels(data),
            caption=data.label("mål_per_enhet", nivå=fill(level.short, {}, nummer="").strip()),
            columns=[
                data.label("enhet"),
                *(a.text for a in assessments),
                data.label("utan_bedömning"),
                data.label("summa"),
            ],
            numeric_columns=frozenset(range(1, len(assessments) + 3)),
        )
        rows = list(counts[level_id].items())
        if level_id == top_level(data):
            goals = shared_goals(data)
            rows.append(("", Counter(g.kommun or NO_ASSESSMENT for g in goals)))
        for unit, counted in rows:
            cells = [Cell(str(counted.get(a.value, 0)), ("num",)) for a in assessments]
            cells.append(Cell(str(counted.get(NO_ASSESSMENT, 0)), ("num",)))
            cells.append(Cell(str(sum(counted.values())), ("num",), strong=True))
            table.add(names.get(unit) or data.label("kommunen"), cells)
        tables.append(render_table(table))
    return join(tables)


def disagreements_html(data: KommunData, goals_section: str | None) -> Markup:
    disagreeing = [g for g in shared_goals(data) if g.disagreement]
    if not disagreeing:
        return html("<p>{}</p>", data.label("inga_oeniga"))
    items = [
        html(
            '<li><a href="#{}">{}</a></li>',
            f"{goals_section}-{goal_anchor(g.goal_id)}",
            goal_heading(data, g),
        )
        if goals_section
        else html("<li>{}</li>", goal_heading(data, g))
        for g in disagreeing
    ]
    return html("<p>{}</p><ul>{}</ul>", data.label("oeniga_mål"), join(items))


# ---------------------------------------------------------------------------------- drift


def kommun_format(data: KommunData) -> AmountFormat:
    """The kommun's amount unit and decimals (``drift:`` of rapport.yaml)."""
    settings = data.kommun_definition.drift
    return AmountFormat(settings.unit, settings.decimals or 0)


def statement_columns(data: KommunData) -> tuple[str, ...]:
    return YEAR_END_COLUMNS if data.project.is_year_end else PERIOD_COLUMNS


def unit_net(part: UnitPart, column: str, to_unit: str, kommun_sign: int) -> Decimal | None:
    """The unit's net cost (or its deviation) in ``column``, converted to ``to_unit`` and to the
    kommun's sign convention; None when the unit's statement lacks it."""
    statement = part.statement
    if statement is None:
        return None
    factor = AMOUNT_FACTORS[statement.format.unit] / AMOUNT_FACTORS[to_unit]
    if column in ("avvikelse", "avvikelse_prognos"):
        other = "utfall" if column == "avvikelse" else "prognos"
        value = statement.deviation_of(other)
        return None if value is None else value * factor
    net = statement.net_row
    if net is None or column not in net.figures:
        return None
    value = net.value(column)
    return None if value is None else value * factor * statement.cost_sign * kommun_sign


def statement_totals(data: KommunData) -> dict[str, dict[str, Decimal | None]]:
    """Each unit's figures and the kommun's total (key ``""``) per column, in the kommun's
    amount unit; a total is None when a unit lacks the figure (it cannot be summed honestly)."""
    settings = data.kommun_definition.drift
    rows: dict[str, dict[str, Decimal | None]] = {}
    for part in data.units:
        rows[part.unit] = {
            c: unit_net(part, c, settings.unit, settings.cost_sign) for c in statement_columns(data)
        }
    total: dict[str, Decimal | None] = {}
    for column in statement_columns(data):
        values = [row[column] for row in rows.values()]
        present = [v for v in values if v is not None]
        total[column] = sum(present, Decimal(0)) if len(present) == len(values) else None
    rows[""] = total
    return rows


def drift_html(data: KommunData) -> Markup:
    """The operating statement per unit (nämnd) with the kommun's totals."""
    settings = data.kommun_definition.drift
    amounts = kommun_format(data)
    # Column headers are labels, not running text: dates as the params write them, as the
    # units' statements head theirs (``budget_view._header_values``).
    values = {
        "år": data.year,
        "fg_år": data.year - 1,
        "enhet": data.municipality,
        "prognosdatum": next((p.params.forecast_date for p in data.units), None),
        "periodslut": next((p.params.period_end for p in data.units), None),
    }
    columns = statement_columns(data)
    table = TableSpecHtml(
        labels=_labels(data),
        caption=data.label("drift_tabell", belopp=amounts.unit),
        columns=[data.label("enhet"), *(_column_label(settings, c, values) for c in columns)],
        numeric_columns=frozenset(range(1, len(columns) + 1)),
        note=data.label("drift_not"),
    )
    names = {p.unit: p.info.display_name for p in data.units}
    for unit, row in statement_totals(data).items():
        cells = []
        for column in columns:
            value = row[column]
            signed = column.startswith("avvikelse")
            classes = ("num", "neg") if signed and amounts.sign(value) < 0 else ("num",)
            text = _missing(data) if value is None else amounts.text(value, signed=signed)
            cells.append(Cell(text, classes, strong=not unit))
        header = names.get(unit) or data.label("summa")
        table.add(header, cells, ("wb-total",) if not unit else ())
    return render_table(table)


def _column_label(settings: object, column: str, values: dict[str, object]) -> str:
    return settings.label(column, **values)  # type: ignore[attr-defined]


def result_line(data: KommunData) -> Markup:
    """The kommun's total deviation against budget (or the forecast's, for a delår)."""
    amounts = kommun_format(data)
    year_end = data.project.is_year_end
    column = "avvikelse" if year_end else "avvikelse_prognos"
    value = statement_totals(data)[""][column]
    text = _missing(data) if value is None else amounts.with_unit(value, signed=True)
    return html("<p>{}</p>", data.label("resultat" if year_end else "resultat_prognos",
                                        resultat=text))  # fmt: skip


# ----------------------------------------------------------------------------- indicators


def shared_indicators(data: KommunData) -> list[tuple[str, list[UnitPart]]]:
    """Indicator ids that more than one unit reports, with the units, in first-seen order."""
    seen: dict[str, list[UnitPart]] = {}
    for part in data.units:
        for indicator_id in part.tables["indikatorer"]["indikator_id"]:
            seen.setdefault(indicator_id, []).append(part)
    return [(i, units) for i, units in seen.items() if len(units) > 1]


def indicators_html(data: KommunData) -> Markup:
    """Each shared indicator once: which units report it, its table and chart (with the
    comparison series), from the first unit that reports it."""
    shared = shared_indicators(data)
    if not shared:
        return html("<p>{}</p>", data.label("inga_indikatorer"))
    parts = []
    for indicator_id, units in shared:
        first = units[0]
        indicators = first.tables["indikatorer"]
        indicator = indicators[indicators["indikator_id"] == indicator_id]
        values = first.tables["indikatorvarden"]
        values = values[values["indikator_id"] == indicator_id]
        labels = first.definition.label_set(
            {"år": str(data.year), "enhet": first.info.name, "kommun": data.municipality}
        )
        name = str(indicator.iloc[0]["indikator"])
        reporters = data.joined("uppräkning", (p.info.display_name for p in units))
        parts.append(html('<h3 id="{}">{}</h3>', f"indikator-{indicator_id}", name))
        parts.append(html("<p>{}</p>", data.label("indikator_enheter", enheter=reporters)))
        if not values.empty:
            parts.append(Markup(indicator_table(first, indicator, values, labels)))  # type: ignore[arg-type]
            parts.extend(Markup(f) for f in indicator_figures(first, indicator, values, labels))  # type: ignore[arg-type]
    return join(parts)


# -------------------------------------------------------------------------------- reports


def reports_html(data: KommunData) -> Markup:
    """A link to every unit's report of the year and period (beside this report)."""
    table = TableSpecHtml(
        labels=_labels(data),
        caption=data.label("rapporter_tabell"),
        columns=[data.label("enhet"), data.label("titel"), data.label("rapport")],
    )
    for part in data.units:
        table.add(
            part.info.display_name,
            [
                Cell(part.params.title),
                Cell(f"{part.unit}.html", link=f"{part.unit}.html"),
            ],
        )
    return render_table(table)


def intro_html(data: KommunData, section_id: str, heading: str) -> Markup:
    """The section's ``<h2>``; the summary also carries the kommun's introduction."""
    return html('<h2 id="{}">{}</h2>', section_id, heading)


def kommun_intro(data: KommunData) -> Markup:
    if not data.intro:
        return Markup("")
    return markdown_to_html(
        split_heading(data.intro)[1], labels=_labels(data), top_level=3, id_prefix="inledning-"
    )


def invented_units(data: KommunData) -> list[UnitPart]:
    return [p for p in data.units if p.info.invented]
