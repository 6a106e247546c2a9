"""The fixed texts of a report ("etiketter"): which exist, what they may contain, how they read.

Every text the workbook writes around the data — table captions, column headers, "Så här har
verksamheten arbetat för att nå målet", the summary's sentences — comes from the report
definition's ``etiketter:`` (``data/rapport.yaml``, overridable per unit and per section). This
module is the schema of that mapping: :data:`LABELS` names every label by its key path
(``mål.arbete``), the kind of section that uses it, and the placeholders it may contain
(``{år}``, ``{antal}`` …). A label whose text depends on a count (``{antal}``) may be written
as ``{en: "…", flera: "…"}``: the first is used when the count is 1.

Punctuation that joins values is a label too: a *template* (:data:`TEMPLATES`, e.g.
``rapport.uppräkning: "{lista}, {nästa}"``, ``resultat.med_ord: "{belopp} ({ord})"``) must
contain every one of its placeholders, or a value would silently go missing; validation says so.

Swedish *messages* to the analyst (errors, "Text saknas – skriv …") are not labels: they stay
in code.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

# Placeholders every label may use.
COMMON = ("år", "enhet", "kommun")
SINGULAR, PLURAL = "en", "flera"
# Placeholders of the operating statement's labels beyond COMMON (previous year, forecast date).
DRIFT_FIELDS = ("fg_år", "prognosdatum", "periodslut")


@dataclass(frozen=True)
class LabelSpec:
    """A label: the section kind that shows it (``rapport`` = every report) and its
    placeholders beyond :data:`COMMON`."""

    kind: str
    placeholders: tuple[str, ...] = ()
    # A template's placeholders must all be written: each is a value the text would lose.
    required: tuple[str, ...] = ()
    # A label a definition may leave out: the report then says what it said before the label
    # existed (a delår's drift chart: ``budget_view.chart_words``), so older definitions build.
    optional: bool = False

    @property
    def counted(self) -> bool:
        return "antal" in self.placeholders


def _specs(kind: str, group: str, keys: dict[str, tuple[str, ...]]) -> dict[str, LabelSpec]:
    return {f"{group}.{key}": LabelSpec(kind, fields) for key, fields in keys.items()}


def _optional(kind: str, group: str, keys: dict[str, tuple[str, ...]]) -> dict[str, LabelSpec]:
    """Labels a definition may leave out (``LabelSpec.optional``)."""
    return {
        f"{group}.{key}": LabelSpec(kind, fields, optional=True) for key, fields in keys.items()
    }


def _templates(kind: str, group: str, keys: dict[str, tuple[str, ...]]) -> dict[str, LabelSpec]:
    """Labels that put values together with punctuation: every placeholder is required."""
    return {f"{group}.{key}": LabelSpec(kind, fields, fields) for key, fields in keys.items()}


# The templates that join values (see the module docstring); grouped as the labels they
# belong with, so a kommun finds them beside the words they punctuate.
TEMPLATES: dict[str, LabelSpec] = {
    # A list of names or dates, built pair by pair: "A, B" then "A, B, C".
    # "; " between parts that have commas of their own.
    # The parts of a line put side by side (the footer's title, unit, kommun, diarienummer and,
    # printed, the date): "A · B".
    **_templates(
        "rapport",
        "rapport",
        {
            "uppräkning": ("lista", "nästa"),
            "uppräkning_delar": ("lista", "nästa"),
        },
    ),
    # Optional: a definition without it puts the parts side by side as it lists names
    # (``rapport.uppräkning``), as it did before the label existed (``export.navigation_texts``).
    "rapport.sida_vid_sida": LabelSpec(
        "rapport", ("lista", "nästa"), ("lista", "nästa"), optional=True
    ),
    # A result with its word: "+76 tkr (överskott)" (summary and index page).
    **_templates("rapport", "resultat", {"med_ord": ("belopp", "ord")}),
    # The index page: an invented unit's mark, a table's year and period.
    **_templates(
        "rapport", "index", {"påhittad": ("påhittad",), "år_och_period": ("år", "period")}
    ),
    # A unit's own chart described: a value at its category, a series' course, all series.
    **_templates(
        "egen",
        "egen",
        {
            "punkt": ("värde", "kategori"),
            "serie": ("serie", "förlopp"),
            "per_förlopp": ("per", "förlopp"),
        },
    ),
    # The summary: the name before a count, an activity with its goal, a value with its period.
    **_templates(
        "sammanfattning",
        "sammanfattning",
        {
            "före_antal": ("namn",),
            "aktivitet_i_mål": ("aktivitet", "mål"),
            "mätning": ("värde", "period"),
        },
    ),
}


LABELS: dict[str, LabelSpec] = {
    **_specs(
        "rapport",
        "rapport",
        {
            "omslag": ("enhetsnamn",),
            "påhittad": (),
            "påhittad_kort": (),
            "saknas": (),
            "tabell": ("rubrik",),
            "tabell_utan_rubrik": (),
            "innehåll": (),
            "hoppa": (),
            "till_innehållet": (),
            "länkar": (),
            "alla_rapporter": (),
            "pdf": (),
            "diarienummer": ("diarienummer",),
            "utskriven": ("datum",),
            "sida": (),
            "ämne": ("titel",),
            "sidtitel": ("titel", "enhetsnamn"),
            "sidnummer": ("sida", "sidor"),
            "kolofon": ("version", "fingeravtryck"),
            "tabell_i_sammanhang": ("rubrik", "sammanhang"),
        },
    ),
    # The result in words: the report's summary and the index page use them, with or without a
    # drift section.
    **_specs(
        "rapport",
        "resultat",
        {
            "överskott": (),
            "underskott": (),
            "i_balans": (),
            "belopp": ("ord", "belopp"),
            "balans": (),
            "saknas": (),
            "mot_budget": (),
        },
    ),
    # The index page of every built report (reports/index.html).
    **_specs(
        "rapport",
        "index",
        {
            "rubrik": (),
            "titel": (),
            "underrubrik": (),
            "hoppa": (),
            "ingress": (),
            "inga_rapporter": (),
            "tabell_etikett": (),
            "tabell": (),
            "enhet_kolumn": (),
            "resultat_kolumn": (),
            "utan_bedömning": (),
            "pdf_kolumn": (),
            "pdf": (),
            "pdf_för": ("enhetsnamn",),
            "ingen_pdf": (),
            "byggd": ("version",),
            "sammanställd": ("period",),
        },
    ),
    **_specs(
        "rapport",
        "klarmarkering",
        {
            "utkast": (),
            "utkast_text": ("godkända", "antal"),
            "status_utkast": (),
            "status_granskning": (),
            "status_godkänd": (),
            "kolumn": (),
            "klart": ("procent",),
            "i_status": ("antal", "status"),
            "texter_att_skriva": ("antal",),
            "texter_ej_skrivna": ("antal",),
            "läge": ("klart", "statusar", "texter"),
        },
    ),
    **_specs(
        "mal",
        "mål",
        {
            "bedömning": (),
            "ingen_bedömning": (),
            "adressat": (),
            "motivering": (),
            "arbete": (),
            "bedömningstext": (),
            "inga_mål": (),
            "område": ("område",),
        },
    ),
    **_specs(
        "mal",
        "aktiviteter",
        {
            "tabell": (),
            "aktivitet": (),
            "beskrivning": (),
            "slutdatum": (),
            "ansvarig": (),
            "status": (),
            "status_med_kommentar": ("status", "kommentar"),
        },
    ),
    **_specs(
        "mal",
        "indikatorer",
        {
            "tabell": ("källor",),
            "tabell_utan_källa": (),
            "indikator": (),
            "med_jämförelse": ("värde", "jämförelse", "jämförelsevärde"),
            "kolada": ("datum",),
            "serie": (),
            "jämförelseserie": ("jämförelse",),
            "diagram": ("namn", "från", "till", "serier"),
            "diagram_värden": ("lägst", "högst", "senaste"),
            "diagram_förändring": ("förändring", "period"),
            "diagram_jämförelse": ("jämförelse", "senaste"),
            "diagram_mål": ("målvärde", "utfall"),
            "diagram_noll": (),
            "diagram_omvänd": (),
            "axel_omvänd": (),
            "diagram_luckor": (),
            "markering_egen": ("serie",),
            "markering_jämförelse": ("serie",),
            "markering_mål": ("serie",),
            "målserie": (),
            "procentenheter": (),
            "med_målvärde": ("värde", "målvärde", "utfall"),
            "målvärde_utfall": ("målvärde", "utfall"),
            "inget_målvärde": (),
            "mål_nått": (),
            "mål_ej_nått": (),
            "mål_ej_mätt": (),
            "symbol_mål_nått": (),
            "symbol_mål_ej_nått": (),
            "diagram_data": ("namn",),
            "visa_data": ("namn",),
            "period": (),
            "värde": (),
            "ingen_jämförelse": (),
        },
    ),
    **_specs(
        "internkontroll",
        "internkontroll",
        {
            "rubrik": ("område", "kontroll"),
            "tabell": ("kontroll",),
            "åtgärd": (),
            "ansvarig": (),
            "klart": (),
            "inga_åtgärder": (),
            "uppföljning": (),
            "ingen_uppföljning": (),
        },
    ),
    # A unit's own section (kind egen): the words around its tables and charts.
    **_specs(
        "egen",
        "egen",
        {
            "ja": (),
            "nej": (),
            "diagram": (),
            "diagram_per": ("mått", "kategori"),
            "per": ("mått", "kategori"),
            "förlopp": ("första", "sista", "högst", "lägst"),
            "värden_saknas": ("antal",),
            "diagram_data": ("namn",),
            "diagrammet": (),
            "visa_data": ("namn",),
        },
    ),
    **_specs("nyckeltal", "nyckeltal", {"tabell": (), "nyckeltal": (), "kolada": ("datum",)}),
    # The operating statement's headers and total rows; ``drift: rubriker:`` in rapport.yaml or
    # params may change them too (see ``helpers.data.budget_settings``).
    **_specs(
        "drift",
        "drift",
        {
            "post": DRIFT_FIELDS,
            "utfall_fg_år": DRIFT_FIELDS,
            "utfall": DRIFT_FIELDS,
            "budget": DRIFT_FIELDS,
            "avvikelse": DRIFT_FIELDS,
            "prognos": DRIFT_FIELDS,
            "prognos_utan_datum": (),
            "avvikelse_prognos": DRIFT_FIELDS,
            "nettokostnader": DRIFT_FIELDS,
            "resultat": DRIFT_FIELDS,
            "summa": DRIFT_FIELDS,
            "delverksamhet": DRIFT_FIELDS,
            # The texts around the statement (not changed by ``drift: rubriker:``).
            "resultatmening": ("resultat", "mot"),
            "resultat_avvikelse": ("avvikelse",),
            "del_av": ("post",),
            "formel": ("kolumn", "första", "andra"),
            "beräknad": ("antal", "poster"),
            "delsummor": (),
            "och": (),
            "avrundning": ("avrundning",),
            "avrundning_0": ("beloppsenhet",),
            "avrundning_1": (),
            "avrundning_2": (),
            "avrundning_3": (),
            "avrundningsskillnad": ("var", "visat", "skillnad"),
            "diagram": ("delverksamhet", "beloppsenhet", "utfall", "budget"),
            "diagram_över": ("utfallet", "poster"),
            "utfallet": (),
            "nettokostnaden": (),
            "diagram_data": ("beloppsenhet",),
            "diagram_titel": ("delverksamhet",),
            "visa_data": ("namn",),
        },
    ),
    # The drift chart of a report before year end (``budget_view.chart_words``): the year's
    # forecast against budget where the statement has a forecast (``*_prognos``), else the
    # outcome to the cut-off date, said as such (``*_delår``). Without them the chart keeps the
    # year-end words above.
    **_optional(
        "drift",
        "drift",
        {
            "diagram_prognos": (
                "delverksamhet",
                "beloppsenhet",
                "prognos",
                "budget",
                *DRIFT_FIELDS,
            ),
            "diagram_prognos_över": ("poster", *DRIFT_FIELDS),
            "diagram_titel_prognos": ("delverksamhet", *DRIFT_FIELDS),
            "diagram_data_prognos": ("beloppsenhet", *DRIFT_FIELDS),
            "diagram_delår": ("delverksamhet", "beloppsenhet", "utfall", "budget", *DRIFT_FIELDS),
            "diagram_titel_delår": ("delverksamhet", *DRIFT_FIELDS),
            "diagram_data_delår": ("beloppsenhet", *DRIFT_FIELDS),
        },
    ),
    **_specs(
        "sammanfattning",
        "sammanfattning",
        {
            "ekonomi": (),
            "resultat": ("mot",),
            "avvikelse": (),
            "prognos": ("datum",),
            "prognos_utan_datum": (),
            "mål": ("antal",),
            "aktiviteter": ("antal",),
            "inga_aktiviteter": (),
            "indikatorer": (),
            "inga_indikatorer": (),
            "tabell": (),
            "indikator": (),
            "riktning": (),
            "föregående": (),
            "senaste": (),
            "mål_kolumn": (),
            "ingress_resultat": ("resultat", "mot"),
            "ingress_prognos": ("resultat", "mot", "datum"),
            "avvikelse_prognos": (),
            "ingress_mål": ("antal", "bedömningar"),
            "ingress_mål_utan_bedömning": ("antal", "bedömningar", "utan"),
            "ingress_inget_bedömt": (),
            "ingress_bedömda": ("antal", "bedömning"),
            "ingress_aktiviteter": ("antal", "klara"),
            "ingress_fel_håll": ("antal",),
            "ingress_inget_fel_håll": (),
            "och": (),
            "översikt": (),
            "översikt_tabell": (),
            "kolumn_bedömning": (),
            "kolumn_indikatorer": (),
            "kolumn_målvärden": (),
            "utveckling": ("indikator", "utveckling"),
            "bättre": ("period",),
            "sämre": ("period",),
            "oförändrat": ("period",),
            "ökat": ("period",),
            "minskat": ("period",),
            "ingen_utveckling": (),
            "inga_mål_indikatorer": (),
            "målvärde": ("indikator", "period", "målvärde", "utfall"),
        },
    ),
    # A delår's forecast result against the frame in the summary's economy card ("Prognos per
    # {datum}: resultat mot {mot}"). Optional: without it the card says ``sammanfattning.prognos``
    # as before (``summary.economy_card``).
    **_optional("sammanfattning", "sammanfattning", {"prognos_resultat": ("datum", "mot")}),
    # An indicator's own line named as the kommun's where its values are the kommun's (fetched
    # from Kolada for the kommun's code). Optional: without it ``indikatorer.serie`` names it.
    **_optional("mal", "indikatorer", {"kommunserie": ()}),
    **TEMPLATES,
    # The title of a report before year end that does not name its period ("Verksamhets-
    # uppföljning 2017" carried by new-year into a delår): "{titel} – {period}". Optional: a
    # definition without it keeps the params' title (``export.report_title``).
    "rapport.titel_med_period": LabelSpec(
        "rapport", ("titel", "period"), ("titel", "period"), optional=True
    ),
}

GROUPS = sorted({key.split(".")[0] for key in LABELS})


def placeholders_of(text: str) -> list[str]:
    """The ``{names}`` in a label; raises ValueError for braces that are not a placeholder."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name or spec or conversion:
            raise ValueError(text)
        names.append(name)
    return names


LabelValue = str | Mapping[str, str]


@dataclass(frozen=True)
class Labels:
    """Resolved labels of one report (or section): key → text or {en, flera}, plus the values of
    the common placeholders."""

    values: Mapping[str, LabelValue]
    common: Mapping[str, str]

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The label ``key`` with its placeholders filled.

        A counted label picks its ``en`` form when ``antal`` is 1. Raises KeyError for a label
        the definition does not have (validation reports that before any section runs).
        """
        value = self.values[key]
        if not isinstance(value, str):
            value = value[SINGULAR] if fields.get("antal") == 1 else value[PLURAL]
        return value.format_map({**self.common, **{k: str(v) for k, v in fields.items()}})

    def markup(self, key: str, /, **fields: Any) -> Markup:
        """The label ``key`` as HTML: its own words escaped, each field escaped unless it is
        ``Markup`` already (a link, a ``<strong>`` from the caller). Raises KeyError as
        :meth:`__call__` does."""
        value = self.values[key]
        if not isinstance(value, str):
            value = value[SINGULAR] if fields.get("antal") == 1 else value[PLURAL]
        return escape(value).format_map({**self.common, **fields})

    def joined(self, key: str, items: Iterable[str]) -> str:
        """``items`` put together pair by pair with the template ``key`` (``{lista}`` what is
        joined so far, ``{nästa}`` the next item): ``A, B, C`` with ``"{lista}, {nästa}"``;
        "" for none. Raises KeyError as :meth:`__call__` does."""
        return join_with(lambda so_far, item: self(key, lista=so_far, nästa=item), items)

    def with_overrides(self, overrides: Mapping[str, LabelValue]) -> Labels:
        return Labels({**self.values, **overrides}, self.common)


def join_with(pair: Callable[[str, str], str], items: Iterable[str]) -> str:
    """``items`` folded left to right by ``pair`` (a list template filled with what is joined
    so far and the next item); "" for no items, the item itself for one."""
    joined: str | None = None
    for item in items:
        joined = str(item) if joined is None else pair(joined, str(item))
    return joined or ""


def fill(pattern: str, common: Mapping[str, str], **fields: Any) -> str:
    """A definition pattern (a heading, a level's heading) with its placeholders filled."""
    return pattern.format_map({**common, **{k: str(v) for k, v in fields.items()}})
