"""Synthetic units and years for measuring scale — INVENTED DATA, never real figures.

Writes a complete workbook project (``data/``, ``params/``) into a folder of its own, to be used
with ``WORKBOOK_ROOT``; the repository's ``data/`` is only read. Every synthetic unit is shaped
like the real example (the KLK 2016 files are the template: same tables, same columns, same
narrative files), with amounts and values deterministically perturbed so no two units are equal,
and each unit's name and texts say that the data is invented.

    python benchmarks/synthetic.py /tmp/scale --units 12 --years 2016
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_YEAR = 2016
TEMPLATE_UNIT = "klk"
LABEL = "PÅHITTAD DATA (syntetisk enhet för prestandamätning)"
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def report_sections() -> list[tuple[Path, str]]:
    """The example report's sections in order, as (notebook of the kind, section id)."""
    from helpers.core.kinds import KINDS
    from helpers.core.paths import Project
    from helpers.data.definition import load_definition

    definition = load_definition(Project(REPO_ROOT), TEMPLATE_YEAR, TEMPLATE_UNIT)
    return [(REPO_ROOT / "notebooks" / KINDS[s.kind].notebook, s.id) for s in definition.sections]


def unit_ids(count: int) -> list[str]:
    return [f"syn{i:02d}" for i in range(1, count + 1)]


def _perturb_csv(path: Path, rng: random.Random) -> None:
    """Scale plain numeric cells by a random factor (0.8-1.2) keeping their format."""
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.count(";") > text.count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    header, body = rows[0], rows[1:]
    skip = {i for i, name in enumerate(header) if name in {"år", "nummer", "period"}}
    for row in body:
        for i, cell in enumerate(row):
            if i in skip or not _NUMBER.match(cell.strip()):
                continue
            decimals = len(re.split(r"[.,]", cell)[1]) if re.search(r"[.,]", cell) else 0
            value = float(cell.replace(",", ".")) * rng.uniform(0.8, 1.2)
            new = f"{value:.{decimals}f}" if decimals else str(round(value))
            row[i] = new.replace(".", ",") if "," in cell else new
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows([header, *body])


def _balance_drift(path: Path) -> None:
    """Make the perturbed statement add up again: costs = the parts' sum − income, per column.

    Amounts perturbed one by one no longer agree (Nettokostnader against the Summa of the parts),
    which ``workbook validate`` rightly refuses.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c for c in ("utfall_fg_år", "utfall", "budget", "prognos") if c in rows[0]]
    for column in columns:
        parts = sum(int(r[column]) for r in rows if r["typ"] == "delverksamhet")
        income = sum(int(r[column]) for r in rows if r["typ"] == "intäkter")
        for row in rows:
            if row["typ"] == "kostnader":
                row[column] = str(parts - income)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generate(target: Path, units: int, years: list[int], seed: int = 1) -> list[str]:
    """Write ``units`` invented units for each year into ``target``; their ids."""
    source = REPO_ROOT / "data" / str(TEMPLATE_YEAR) / TEMPLATE_UNIT
    (target / "data").mkdir(parents=True, exist_ok=True)
    ids = unit_ids(units)
    # The kommun's report definition is the example's (same sections, labels, vocabularies).
    shutil.copy(REPO_ROOT / "data" / "rapport.yaml", target / "data" / "rapport.yaml")
    with (target / "data" / "enheter.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["enhet", "namn", "förkortning", "påhittad"])
        for i, unit in enumerate(ids, 1):
            writer.writerow([unit, f"Syntetisk förvaltning {i} ({LABEL})", f"S{i}", "ja"])
    template_subunits = [
        row["delverksamhet"]
        for row in csv.DictReader(
            (REPO_ROOT / "data" / "delverksamheter.csv").open(encoding="utf-8")
        )
        if row["enhet"] == TEMPLATE_UNIT
    ]
    with (target / "data" / "delverksamheter.csv").open(
        "w", encoding="utf-8", newline=""
    ) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["enhet", "delverksamhet"])
        for unit in ids:
            writer.writerows([unit, name] for name in template_subunits)
    for year in years:
        if year != TEMPLATE_YEAR:
            raise SystemExit(
                f"Bara {TEMPLATE_YEAR} kan genereras (mallens perioder hör till det året)."
            )
        for index, unit in enumerate(ids):
            rng = random.Random(f"{seed}-{year}-{unit}")
            folder = target / "data" / str(year) / unit
            if folder.exists():
                shutil.rmtree(folder)
            shutil.copytree(source, folder)
            for table in folder.glob("*.csv"):
                _perturb_csv(table, rng)
            _balance_drift(folder / "drift.csv")
            intro = folder / "text" / "inledning.md"
            heading, rest = intro.read_text(encoding="utf-8").split("\n", 1)
            intro.write_text(
                f"{heading}\n\n> {LABEL}. Siffror och texter är kopierade och slumpvis "
                f"ändrade.\n{rest}",
                encoding="utf-8",
            )
            params = target / "params" / str(year) / f"{unit}.yaml"
            params.parent.mkdir(parents=True, exist_ok=True)
            params.write_text(
                f"år: {year}\nenhet: {unit}\n"
                f"titel: Verksamhetsuppföljning {year} – {LABEL} nr {index + 1}\n"
                f"prognosdatum: {year}-08-31\n",
                encoding="utf-8",
            )
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--units", type=int, default=12)
    parser.add_argument("--years", type=int, nargs="+", default=[TEMPLATE_YEAR])
    args = parser.parse_args()
    ids = generate(args.target, args.units, args.years)
    print(f"{len(ids)} syntetiska enheter × {len(args.years)} år i {args.target} ({LABEL})")


if __name__ == "__main__":
    main()
