"""A section that shows a Kolada comparison group's name reads ``data/kolada.csv`` (which says
which indicator's comparison is that group's): the file is in the section's read set with its
content, so an edit to it runs the section again."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.core import read_log
from helpers.core.paths import Project
from helpers.data.kolada_groups import comparison_names

UNIT = "klk"


def test_the_mapping_behind_a_comparison_name_is_in_the_read_set(workspace: Path) -> None:
    groups = yaml.safe_load((workspace / "data/rapport.yaml").read_text(encoding="utf-8"))[
        "jämförelsegrupper"
    ]
    group, entry = next(iter(groups.items()))  # the example's: riket
    mapping = workspace / "data/kolada.csv"
    header = mapping.read_text(encoding="utf-8").splitlines()[0]
    indicator = "kf1_nri"
    mapping.write_text(f"{header}\nindikator,{indicator},U00402,{group},*,\n", encoding="utf-8")

    read_log.start(workspace)
    try:
        names = comparison_names(Project(workspace), UNIT)
    finally:
        reads = read_log.stop()

    assert names == {indicator: entry["namn"]}
    assert reads["data/kolada.csv"] == read_log.file_token(mapping)
