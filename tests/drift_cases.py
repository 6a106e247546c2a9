"""Helpers for operating-statement tests: put a drift.csv of any shape into a workspace unit, and
read the expected figures straight from that CSV (an oracle independent of
``helpers.parts.budget``)."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

MINUS = "\u2212"
NBSP = "\u00a0"


def csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV text written with ``,`` or ``;`` (whichever the header uses more)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def amount(cell: str | None) -> Decimal | None:
    """``1 061,9`` / ``-0,20`` / ``45375.4`` as an exact decimal; None for an empty cell."""
    cleaned = (cell or "").replace(NBSP, "").replace(" ", "").replace(MINUS, "-")
    return Decimal(cleaned.replace(",", ".")) if cleaned else None


def shown(value: Decimal, decimals: int, *, signed: bool = False) -> str:
    """How the report must show ``value``: rounded half away from zero, Swedish grouping."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if rounded == 0:
        rounded = Decimal(0)
    body = f"{abs(rounded):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    if rounded < 0:
        return MINUS + body
    return ("+" if signed and rounded > 0 else "") + body


def top_level_parts(rows: list[dict[str, str]]) -> list[str]:
    return [r["post"] for r in rows if r["typ"] == "delverksamhet" and not r.get("överordnad")]


def subtotal(rows: list[dict[str, str]], post: str, column: str) -> Decimal:
    """A part's amount: typed for a leaf, the sum of its own parts for a group."""
    children = [r["post"] for r in rows if r.get("överordnad") == post]
    if not children:
        own = next(r for r in rows if r["post"] == post)
        value = amount(own[column])
        assert value is not None, (post, column)
        return value
    return sum((subtotal(rows, child, column) for child in children), Decimal(0))


def install_drift(
    root: Path,
    drift: str,
    *,
    unit: str = "klk",
    year: int = 2016,
    settings: dict | None = None,
    kommun_settings: dict | None = None,
) -> None:
    """Replace a workspace unit's drift.csv, list its top-level parts as the unit's
    delverksamheter, and add ``drift:`` settings to its params and/or the kommun's definition."""
    (root / f"data/{year}/{unit}/drift.csv").write_text(drift, encoding="utf-8")
    subunits = root / "data/delverksamheter.csv"
    kept = [
        line
        for line in subunits.read_text(encoding="utf-8").splitlines()
        if not line.startswith(f"{unit},")
    ]
    own = [f"{unit},{part}" for part in top_level_parts(csv_rows(drift))]
    subunits.write_text("\n".join(kept + own) + "\n", encoding="utf-8")
    if settings is not None:
        params = root / f"params/{year}/{unit}.yaml"
        raw = yaml.safe_load(params.read_text(encoding="utf-8"))
        raw["drift"] = settings
        params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    if kommun_settings is not None:
        definition = root / "data/rapport.yaml"
        raw = (
            yaml.safe_load(definition.read_text(encoding="utf-8")) if definition.is_file() else {}
        ) or {}
        raw["drift"] = kommun_settings
        definition.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")


def statement_rows(fragment: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(row classes, row header, [(cell classes, cell text)]) of the first table in ``fragment``."""
    table = re.search(r"<table.*?</table>", fragment, re.S)
    assert table, "no table"
    out = []
    # Attribute order is the exporter's (it sorts them): match scope and class anywhere.
    for row_attrs, header, body in re.findall(
        r'<tr([^>]*)><th(?=[^>]*scope="row")[^>]*>(.*?)</th>(.*?)</tr>', table.group(0), re.S
    ):
        header = re.sub(r'<span class="wb-visually-hidden">.*?</span>', "", header)
        cells = [
            (_classes(attrs), html.unescape(re.sub(r"<[^>]+>", "", text)))
            for attrs, text in re.findall(r"<td([^>]*)>(.*?)</td>", body, re.S)
        ]
        out.append((_classes(row_attrs), html.unescape(header), cells))
    return out


def _classes(attrs: str) -> str:
    found = re.search(r'class="([^"]*)"', attrs)
    return found.group(1) if found else ""


def column_headers(fragment: str) -> list[str]:
    table = re.search(r"<table.*?</table>", fragment, re.S)
    assert table, "no table"
    return [
        html.unescape(h)
        for h in re.findall(r'<th(?=[^>]*scope="col")[^>]*>(.*?)</th>', table.group(0))
    ]


def notes(fragment: str) -> list[str]:
    """The notes under the statement table, as text."""
    listed = re.search(r'<ul class="wb-table-note wb-table-notes">(.*?)</ul>', fragment, re.S)
    items = re.findall(r"<li[^>]*>(.*?)</li>", listed.group(1), re.S) if listed else []
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in items]


def install_unit(root: Path, folder: Path, year: int = 2016) -> str:
    """A fixture unit (``folder/unit.yaml`` + ``folder/drift.csv``) added to a workspace: its
    other data borrowed from the unit named ``bas``; returns the unit's id."""
    import shutil

    spec = yaml.safe_load((folder / "unit.yaml").read_text(encoding="utf-8"))
    unit, base = spec["enhet"], spec["bas"]
    shutil.copytree(root / f"data/{year}/{base}", root / f"data/{year}/{unit}")
    params = yaml.safe_load((root / f"params/{year}/{base}.yaml").read_text(encoding="utf-8"))
    params["enhet"] = unit
    (root / f"params/{year}/{unit}.yaml").write_text(
        yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    units = root / "data/enheter.csv"
    header = units.read_text(encoding="utf-8-sig").split("\n", 1)[0].split(",")
    values = {"enhet": unit, "namn": spec["namn"], "förkortning": spec.get("förkortning", "")}
    values["påhittad"] = spec.get("påhittad", "")
    with units.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([values.get(c, "") for c in header])
    drift = (folder / "drift.csv").read_bytes().decode("utf-8-sig")
    install_drift(root, drift, unit=unit, year=year, settings=spec.get("drift"))
    (root / f"data/{year}/{unit}/drift.csv").write_bytes((folder / "drift.csv").read_bytes())
    return unit
