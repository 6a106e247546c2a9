"""``rapport.sida_vid_sida`` (the mark between the footer's parts) is optional: a kommun's
rapport.yaml written before the label existed validates and puts the parts side by side as it
lists names (``rapport.uppräkning``); one that has it uses it."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.building.export import navigation_texts, side_by_side
from helpers.building.validate import validate_unit
from helpers.core.paths import Project
from helpers.data.unit_data import load_unit

PARTS = ["Verksamhetsuppföljning", "Kommunstyrelsen", "Kommunen"]


def _without_side_by_side(root: Path) -> dict:
    path = root / "data/rapport.yaml"
    raw = yaml.safe_load(path.read_text("utf-8"))
    del raw["etiketter"]["rapport"]["sida_vid_sida"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return raw


def test_a_definition_without_the_label_validates_and_joins_as_it_lists(workspace: Path) -> None:
    raw = _without_side_by_side(workspace)
    project = Project(workspace)
    assert validate_unit(project, 2016, "klk") == []
    texts = navigation_texts(load_unit(2016, "klk", project).labels())
    listing = raw["etiketter"]["rapport"]["uppräkning"]
    assert texts["sida_vid_sida"] == listing
    expected = listing.replace("{lista}", PARTS[0]).replace("{nästa}", PARTS[1])
    expected = listing.replace("{lista}", expected).replace("{nästa}", PARTS[2])
    assert side_by_side(texts["sida_vid_sida"], PARTS) == expected


def test_a_definition_with_the_label_uses_it(workspace: Path) -> None:
    raw = yaml.safe_load((workspace / "data/rapport.yaml").read_text("utf-8"))
    own = raw["etiketter"]["rapport"]["sida_vid_sida"]
    texts = navigation_texts(load_unit(2016, "klk", Project(workspace)).labels())
    assert texts["sida_vid_sida"] == own != raw["etiketter"]["rapport"]["uppräkning"]
