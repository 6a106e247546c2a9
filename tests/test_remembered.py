"""Goals remembered between runs of a section (``parts.remembered``): the same HTML and the same
read set as computing them afresh, whatever was edited in between.

The section runs here as in a kernel: ``read_log`` records from its start; the parts kept in
memory are this process's, as a warm kernel's are. The charts come from the render store of the
session's build (``built_year``, copied): what is counted here is which goals are computed, and
that a chart from the store is the chart drawn is ``test_render_cache``'s to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_built, copy_inputs

from helpers import report
from helpers.core import read_log
from helpers.core.paths import Project
from helpers.parts import goals, remembered


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_year: Project) -> Iterator[Path]:
    """The example's inputs; the charts of the session's build are in the session's render
    store (``conftest.pytest_configure``), which every test project shares."""
    root = copy_inputs(tmp_path / "ws")
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    monkeypatch.setattr(remembered, "_PARTS", type(remembered._PARTS)())
    yield root
    read_log.stop()


def run_section(
    root: Path, unit: str = "klk", section: str = "kf_mal"
) -> tuple[str, dict[str, str]]:
    """The goal section's HTML and read set, as its notebook gives them in a kernel."""
    read_log.start(root)
    part = report.section(2016, unit, section, "helar")
    shown = str(report.heading(part).data) + str(report.goals_of(part).data)
    return shown, read_log.stop()


def afresh(
    root: Path, monkeypatch: pytest.MonkeyPatch, *section: str
) -> tuple[str, dict[str, str]]:
    with monkeypatch.context() as patch:
        patch.setattr(remembered, "_PARTS", type(remembered._PARTS)())
        return run_section(root, *section)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    computed: list[str] = []
    original = goals.goal_html

    def goal_html(data, goal, *args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(goal["mal_id"])
        return original(data, goal, *args, **kwargs)

    monkeypatch.setattr(goals, "goal_html", goal_html)
    return computed


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(
    "section", [("klk", "kf_mal"), ("von", "namnd_mal")], ids=["goals", "goals-in-areas"]
)
def test_an_edited_goal_text_computes_that_goal_and_gives_what_computing_all_gives(
    root: Path, monkeypatch: pytest.MonkeyPatch, section: tuple[str, str]
) -> None:
    computed = counting(monkeypatch)
    first, _ = run_section(root, *section)
    every_goal = list(computed)
    assert len(every_goal) > 2
    computed.clear()
    text = root / f"data/2016/{section[0]}/text/mal/{every_goal[1]}-arbete.md"
    append(text, "\nEn ny mening.\n")
    shown, reads = run_section(root, *section)
    assert computed == [every_goal[1]]
    assert "En ny mening." in shown and shown != first
    assert (shown, reads) == afresh(root, monkeypatch, *section)


@pytest.mark.parametrize(
    ("edited", "text"),
    [
        ("data/2016/klk/aktiviteter.csv", None),  # a table goals read
        ("data/rapport.yaml", None),  # the definition: labels of every goal
        ("data/2016/klk/text/mal/{goal}-motivering.md", "Varför målet finns.\n"),  # a new file
    ],
)
def test_any_input_a_goal_read_or_could_read_makes_it_computed_again(
    root: Path, monkeypatch: pytest.MonkeyPatch, edited: str, text: str | None
) -> None:
    computed = counting(monkeypatch)
    run_section(root)
    goal = computed[0]
    path = root / edited.format(goal=goal)
    if text is not None:
        assert not path.exists()
        path.write_text(text, encoding="utf-8")
    elif path.suffix == ".csv":
        lines = path.read_text(encoding="utf-8").splitlines()
        row = next(i for i, line in enumerate(lines) if line.startswith(f"{goal},"))
        lines[row] = lines[row].replace(f"{goal},", f"{goal},Ändrad ", 1)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        definition = path.read_text(encoding="utf-8")
        assert "Så här har verksamheten arbetat" in definition
        path.write_text(definition.replace("Så här har", "Så här har vi"), encoding="utf-8")
    computed.clear()
    shown, reads = run_section(root)
    assert goal in computed
    assert (shown, reads) == afresh(root, monkeypatch)


def test_nothing_is_remembered_outside_a_section_run(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = counting(monkeypatch)
    assert not read_log.active()
    part = report.section(2016, "klk", "kf_mal", "helar")
    report.goals_of(part)
    count = len(computed)
    report.goals_of(part)
    assert len(computed) == 2 * count and not remembered._PARTS


@pytest.mark.e2e
def test_the_preview_runs_its_goal_sections_once_before_the_first_edit(
    built_year: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Preview.prime``: the goal sections run again on the preview's kernel (so it remembers
    their goals), every section stays current and the report is as it was; an edit already
    waiting stops it before it starts. On a copy of the session's build (``built_year``): the
    first build finds the report current, and primes (a cold first build is
    ``test_preview``'s)."""
    from helpers.building.build_plan import plan_build
    from helpers.season.preview import Preview

    project = copy_built(built_year, tmp_path / "ws")
    monkeypatch.setenv("WORKBOOK_ROOT", str(project.root))
    preview = Preview(project, 2016, "klk")
    try:
        preview.first_build()
        report_file = project.report_file(2016, "klk")
        before = report_file.read_bytes()
        executed = {
            p.stem: p.stat().st_mtime_ns for p in project.executed_dir(2016, "klk").glob("*.ipynb")
        }
        preview.pending.set()
        preview.prime()  # an edit is waiting: nothing runs
        assert executed == {
            p.stem: p.stat().st_mtime_ns for p in project.executed_dir(2016, "klk").glob("*.ipynb")
        }
        preview.pending.clear()
        preview.prime()
        after = {
            p.stem: p.stat().st_mtime_ns for p in project.executed_dir(2016, "klk").glob("*.ipynb")
        }
        (plan,) = plan_build(project, [2016], "klk")
        goal_sections = {s.name for s in plan.all_sections if s.kind == "mal"}
        assert (
            goal_sections
            and {name for name in after if after[name] != executed[name]} == goal_sections
        )
        assert not plan.to_run and not plan.report_reason
        assert report_file.read_bytes() == before
    finally:
        preview.stop()
