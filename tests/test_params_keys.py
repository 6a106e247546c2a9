"""A top-level key of ``params/<år>/<enhet>.yaml`` that workbook does not know (a misspelling,
``diarienumer``) is refused by ``validate`` with its line and the closest known key, instead of
being ignored; every key the docs show is known."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.data.params import PARAMS_KEYS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"


def _documented_keys() -> set[str]:
    """The top-level keys in the YAML examples of the docs' section on params files."""
    text = DOCS.read_text("utf-8")
    section = text.split("## Parametrar", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    return {m for block in blocks for m in re.findall(r"^([^\s#:][^:]*):", block, flags=re.M)}


def test_every_documented_key_is_known() -> None:
    documented = _documented_keys()
    assert {"år", "enhet", "titel"} <= documented
    assert documented <= set(PARAMS_KEYS)


@pytest.mark.parametrize(("written", "meant"), [("diarienumer", "diarienummer"), ("Titel", None)])
def test_an_unknown_key_is_named_with_its_line_and_the_closest_known_key(
    workspace: Path, capsys: pytest.CaptureFixture[str], written: str, meant: str | None
) -> None:
    path = workspace / "params" / "2016" / "klk.yaml"
    lines = path.read_text("utf-8").splitlines()
    lines.insert(2, f"{written}: något")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["validate", "--year", "2016", "--unit", "klk"]) == 2
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if written in x]
    assert line.startswith("params/2016/klk.yaml, rad 3, nyckel ")
    assert f"okänd nyckel '{written}'" in line
    if meant is not None:
        assert f"menade du '{meant}'" in line
    assert "Traceback" not in out
