"""Fast unit tests of ``tests/seed_items.py`` (no built report needed)."""

from __future__ import annotations

from collections import Counter

import pytest
from seed_items import (
    SeedItem,
    extract_items,
    missing_items,
    normalise,
    seed_path,
    visible_text,
)


def _texts(items: list[SeedItem], kind: str) -> list[str]:
    return [item.text for item in items if item.kind == kind]


# --- extract_items -------------------------------------------------------------------------


def test_headings_lose_marks_markup_and_trailing_colons() -> None:
    seed = "# Verksamhetsuppföljning 2016\n\n### Enhetens uppdrag:\n\n## <b>Framtid</b>\n"
    items = extract_items(seed)
    assert _texts(items, "heading") == [
        "Verksamhetsuppföljning 2016",
        "Enhetens uppdrag",
        "Framtid",
    ]
    assert [item.line for item in items] == [1, 3, 5]


def test_bold_goal_line_splits_into_label_and_title() -> None:
    seed = (
        "**Kommunfullmäktiges prioriterade mål 1:****Hjo ska vara en attraktiv boendekommun med "
        "positiv befolkningstillväxt**\n\n**Barnfötma**\n"
    )
    assert extract_items(seed) == [
        SeedItem("heading", "Kommunfullmäktiges prioriterade mål 1", 1),
        SeedItem(
            "heading",
            "Hjo ska vara en attraktiv boendekommun med positiv befolkningstillväxt",
            1,
        ),
        SeedItem("heading", "Barnfötma", 3),
    ]


def test_table_cells() -> None:
    seed = (
        "<b>Indikator:</b>\t<b>2012</b>\t<b>2013</b>\n"
        "SCB medborgarundersökning\t\t\n"
        "- Betygsindex för Hjo kommun (NRI)\t53 (medel 57)\tIngen mätning gjordes\n"
        "Intäkter\t- 1 954\t<b>+76</b>\n"
        "-------------------------\t---\t---------\n"
        "Summa\t53 (medel 57)\t\n"
    )
    items = extract_items(seed)
    assert {item.kind for item in items} == {"cell"}
    assert [item.text for item in items] == [
        "Indikator:",
        "2012",
        "2013",
        "SCB medborgarundersökning",
        "Betygsindex för Hjo kommun (NRI)",
        "53 (medel 57)",
        "Ingen mätning gjordes",
        "Intäkter",
        "- 1 954",
        "+76",
        "Summa",
    ]
    assert items[5].line == 3


def test_paragraph_yields_its_first_sentence() -> None:
    seed = (
        "Hjo kommun är en serviceorganisation för de som lever och verkar i Hjo. Vi finns till "
        "för våra invånare.\n\n"
        "*Kommunledning ger strategiskt stöd. Staben innefattar ekonomi.*\n\n"
        "- **Nuläge:** Anita Isaksson är projektanställd. Arbetet sker främst genom handledning.\n"
        "\nAdressat: samtliga verksamheter\n"
    )
    assert extract_items(seed) == [
        SeedItem(
            "sentence",
            "Hjo kommun är en serviceorganisation för de som lever och verkar i Hjo.",
            1,
        ),
        SeedItem("sentence", "Kommunledning ger strategiskt stöd.", 3),
        SeedItem("sentence", "Nuläge: Anita Isaksson är projektanställd.", 5),
        SeedItem("sentence", "Adressat: samtliga verksamheter", 7),
    ]


def test_long_first_sentence_is_capped_at_a_word_boundary() -> None:
    paragraph = " ".join(["ordet"] * 60) + "."
    (item,) = extract_items(paragraph)
    assert 100 <= len(item.text) <= 120
    assert paragraph.startswith(item.text)
    assert item.text.endswith("ordet")


def test_form_labels_are_skipped_and_uppföljning_prefix_dropped() -> None:
    seed = (
        "Så här har verksamheten arbetat för att nå målet:\n\n"
        "#### Bedömning:\n\n**Bedömning:**\n\nMotivering:\n\n*Aktivitetsplan 2016:*\n\n"
        "Uppföljning:\n\n"
        "Uppföljning: Utkast till rutinbeskrivning har tagits fram. Den fastställs 2017.\n\n"
        "Uppföljning sker i form av årlig redovisning.\n"
    )
    assert _texts(extract_items(seed), "sentence") == [
        "Utkast till rutinbeskrivning har tagits fram.",
        "Uppföljning sker i form av årlig redovisning.",
    ]
    assert _texts(extract_items(seed), "heading") == []


def test_items_are_deduplicated_on_normalised_text() -> None:
    seed = "Ej uppfyllt\n\n**Ej uppfyllt**\n\nA\tIngen mätning\n\nB\tIngen  mätning\n"
    items = extract_items(seed)
    assert [(item.kind, item.text) for item in items] == [
        ("sentence", "Ej uppfyllt"),
        ("cell", "A"),
        ("cell", "Ingen mätning"),
        ("cell", "B"),
    ]


# --- normalise -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("41 575", "41575"),
        ("41\u00a0575", "41575"),
        ("41\u202f575", "41575"),
        ("- 6 %", "-6%"),
        ("\u22126\u00a0%", "-6%"),
        ("4 %", "4%"),
        ("6%", "6%"),
        ("- 1 221", "-1221"),
        ("0.9", "0,9"),
        ("- 0.3", "-0,3"),
        ("www.hjo.se", "www.hjo.se"),
        ("53 (medel 57)", "53 (medel 57)"),
        ("Barns språkutveckling \u2013 Certifierade", "barns språkutveckling - certifierade"),
        ("  Enhetens\n\tuppdrag:  ", "enhetens uppdrag"),
        ("Indikator :", "indikator"),
        ('\u201dbristvara\u201d \u201eHjärta\u201c "x"', '"bristvara" "hjärta" "x"'),
        ("**Kommunfullmäktiges** *mål*", "kommunfullmäktiges mål"),
        ("Budget 2016: Under 2016", "budget 2016: under 2016"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_is_nfc() -> None:
    assert normalise("Va\u0308ttern") == normalise("Vättern") == "vättern"


# --- visible_text --------------------------------------------------------------------------


def test_visible_text_drops_head_scripts_and_styles() -> None:
    html = (
        "<!doctype html><html><head><title>Titel</title><style>p { color: red }</style>"
        "</head><body><script>var hidden = '<p>nej</p>';</script><h1>Framtid</h1>"
        "<p>Ett framtida arbete</p><style>.x{}</style><div hidden><p>dold</p></div>"
        "<template><p>mall</p></template></body></html>"
    )
    text = visible_text(html)
    assert text == "Framtid Ett framtida arbete"


def test_visible_text_separates_blocks_but_not_inline_elements() -> None:
    html = (
        "<p>år <em>2020</em>. <strong>Nuläge:</strong> Anita&nbsp;Isaksson</p>"
        "<table><tr><td>Summa</td><td>41&#8239;575</td></tr></table>a<br>b"
    )
    assert visible_text(html) == "år 2020. Nuläge: Anita Isaksson Summa 41 575 a b"


def test_visible_text_tolerates_unclosed_head() -> None:
    assert visible_text("<html><head><title>x</title><body><p>Text</p>") == "Text"


# --- missing_items -------------------------------------------------------------------------


def test_missing_items_compares_normalised_text() -> None:
    items = [
        SeedItem("cell", "- 6 %", 1),
        SeedItem("cell", "0.9", 1),
        SeedItem("heading", "Enhetens uppdrag", 2),
        SeedItem("sentence", "Inte med i rapporten.", 3),
    ]
    report = "ENHETENS UPPDRAG: ... \u22126\u00a0% och 0,9"
    assert missing_items(items, report) == [items[3]]


def test_known_typo_is_satisfied_by_the_computed_total_only() -> None:
    typo = SeedItem("cell", "41 577", 470)
    assert missing_items([typo], "Summa 41\u00a0575") == []
    assert missing_items([typo], "Summa 41 577") == [typo]


def test_signed_cell_accepts_with_or_without_plus() -> None:
    item = SeedItem("cell", "+76", 462)
    assert missing_items([item], "Resultat +76") == []
    assert missing_items([item], "Resultat 76") == []
    assert missing_items([item], "Resultat 77") == [item]


# --- the real seed -------------------------------------------------------------------------


def test_real_seed_yields_all_kinds() -> None:
    path = seed_path()
    if path is None:
        pytest.skip("seed file not present")
    items = extract_items(path.read_text(encoding="utf-8"))
    counts = Counter(item.kind for item in items)
    assert 350 <= len(items) <= 700
    assert set(counts) == {"heading", "cell", "sentence"}
    texts = {item.text for item in items}
    assert "Kommunfullmäktiges prioriterade mål 1" in texts
    assert "53 (medel 57)" in texts
    assert "41 577" in texts
    assert len({normalise(text) for text in texts}) == len(items)
