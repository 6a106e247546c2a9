"""The render store (chart SVGs, the export's fragments) never changes a report's bytes.

A build that draws its charts and parses its fragments from the store gives the same report as
one without the store (``WORKBOOK_CACHE=0``); a change in a chart's data gives another SVG; the
export's per-fragment parsing gives the bytes nbconvert gives parsing the whole page, also for
fragments that are not self-contained.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import conftest
import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import copy_inputs
from nbconvert import HTMLExporter

from helpers.building import export_fragments
from helpers.building.export import exporter
from helpers.core.paths import REPO_ROOT, Project
from helpers.data import render_cache
from helpers.parts.charts import indicator_chart
from helpers.parts.figures import ChartRecipe, chart_svg, render_svg


def _series(last: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2013", "2014", "2015", "2016"],
            "värde": [10.0, 12.5, np.nan, last],
            "jämförelse": [11.0, 11.5, 12.0, 12.5],
            "målvärde": [np.nan, np.nan, np.nan, 15.0],
        }
    )


def _recipe(last: float) -> ChartRecipe:
    return ChartRecipe(
        indicator_chart,
        (_series(last), "Andel nöjda", "%"),
        {"own_label": "Hjo", "comparison_label": "Riket", "target_label": "Mål"},
    )


@pytest.fixture(autouse=True)
def own_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests look at a project's own store (``build/.cache``), not the session's."""
    monkeypatch.delenv(render_cache.CACHE_DIR_VARIABLE, raising=False)
    render_cache._store.cache_clear()


@pytest.fixture
def store_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    monkeypatch.delenv(render_cache.CACHE_VARIABLE, raising=False)
    render_cache._store.cache_clear()
    return tmp_path / "build" / render_cache.CACHE_FOLDER


def test_a_stored_chart_is_the_chart_drawn_and_new_data_draws_anew(store_root: Path):
    drawn = render_svg(_recipe(14.0).chart())
    assert chart_svg(_recipe(14.0)) == drawn  # drawn and stored
    stored = sorted((store_root / "diagram").glob("*/*"))
    assert len(stored) == 2  # by its recipe and by its spec
    assert chart_svg(_recipe(14.0)) == drawn  # found by its recipe

    changed = chart_svg(_recipe(16.0))
    assert changed != drawn
    assert changed == render_svg(_recipe(16.0).chart())
    # A value that differs only far behind the decimal point is another chart's input too.
    assert _recipe(14.0).key() != _recipe(14.000000000001).key()


def test_the_store_is_read_by_key_and_off_with_workbook_cache_0(
    store_root: Path, monkeypatch: pytest.MonkeyPatch
):
    recipe = _recipe(14.0)
    store = render_cache.store("diagram")
    assert store is not None
    store.put(recipe.key(), "<svg>från lagret</svg>")
    assert chart_svg(recipe) == "<svg>från lagret</svg>"
    monkeypatch.setenv(render_cache.CACHE_VARIABLE, "0")
    assert chart_svg(recipe) == render_svg(recipe.chart())


def test_the_store_stays_under_its_bound(tmp_path: Path):
    store = render_cache.ContentCache(tmp_path, max_bytes=1000)
    for n in range(30):
        store.put(render_cache.key_of(n), "x" * 100)
    store.prune()
    total = sum(p.stat().st_size for p in tmp_path.glob("*/*"))
    assert 0 < total <= 1000
    assert not list(tmp_path.glob("*/.*.tmp"))  # written aside and renamed: nothing left over


# A page of fragments that are not all self-contained: whitespace-only text at the ends, text
# only, empty, an unclosed tag, a stray end tag, an image without alt, <pre> whitespace.
HOSTILE = [
    '<h2 id="a">A &amp; "b"</h2>\n\n',
    "",
    "bara text & mer\n",
    "\n  <p>mellan</p>  \n",
    "<div><p>öppen",
    "<p>stängd</p></main><p>efter</p>",
    '<img src="data:image/png;base64,AA=="><h3 id="b">B</h3>',
    "<pre>\n\n  två\n</pre>",
    "<p>a</p>\n<!-- kommentar -->\n<style>p{}</style>",
]


def _notebook(fragments: list[str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for index, fragment in enumerate(fragments):
        cell = nbformat.v4.new_code_cell("", id=f"avsnitt-{index}")
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={"text/html": fragment}, metadata={})
        ]
        nb.cells.append(cell)
    return nb


def _resources() -> dict:
    from markupsafe import Markup

    from helpers.building.export import CONTENT_SECURITY_POLICY

    texts = dict.fromkeys(
        ("innehåll", "hoppa", "till_innehållet", "länkar", "alla_rapporter", "pdf", "utskriven",
         "sida", "ämne", "sidtitel", "sidnummer", "kolofon", "diarienummer"),
        "ord",
    )  # fmt: skip
    return {
        "workbook": {
            "title": "T", "unit_name": "U", "municipality": "K", "fingerprint": "f",
            "version": "0", "csp": CONTENT_SECURITY_POLICY, "css": Markup(""), "toc": [],
            "toc_after": None, "page_label": Markup('""'), "page_label_text": "", "texts": texts,
            "page_title": "T", "page_numbers": Markup('""'), "colophon": ("", ""), "subject": "",
            "diary": "", "pdf_href": None, "index_href": None, "section_ends": [],
            "draft": None, "draft_label": None,
        }
    }  # fmt: skip


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize(
    "fragments",
    [HOSTILE, [f for f in HOSTILE if f not in ("<div><p>öppen", HOSTILE[5])], HOSTILE[:2]],
    ids=["with-open-tags", "self-contained", "few"],
)
def test_fragment_export_gives_the_whole_page_parse(
    fragments: list[str], cached: bool, store_root: Path, monkeypatch: pytest.MonkeyPatch
):
    if not cached:
        monkeypatch.setenv(render_cache.CACHE_VARIABLE, "0")
    nb = _notebook(fragments)
    whole, _ = HTMLExporter.from_notebook_node(exporter(), nb, resources=_resources())
    for _ in range(3):  # the second time from the store, the third from memory
        if _ < 2:
            export_fragments._MEMORY.clear()
        ours, _ = exporter().from_notebook_node(nb, resources=_resources())
        assert ours == whole


# KLK's report cut to sections with charts of both kinds (goals' indicators, the statement),
# tables and a text: every way a chart or fragment reaches the report, at a fraction of the build.
# The goal section is KLK's smaller one (ks_mal: four charts, not kf_mal's two dozen; the copy
# leaves out the kommunfullmäktige goals, which a report without kf_mal may not have): five
# builds draw or read the same kinds of chart and fragment, each with a third less work. A goal
# section with dozens of charts is exported from the store and without it by
# test_a_goal_sections_charts_export_as_the_whole_page_parse.
STORE_SECTIONS = ("ks_mal", "drift", "handelser")
CHARTED_SECTIONS = ("ks_mal", "drift")
CHANGED_SECTION = "ks_mal"  # the section that shows indikatorvarden.csv, which the test changes
LEFT_OUT_GOALS = "KF"  # the prefix of the goals (mal_id) and their indicators left out
GOAL_TABLES = ("mal.csv", "aktiviteter.csv", "indikatorer.csv", "indikatorvarden.csv")


def _leave_out_goals(unit: Path, prefix: str) -> None:
    """The unit's goals whose id starts with ``prefix`` (any case) gone from its data: their
    rows (the first column is the goal's or indicator's id) and their texts."""
    for name in GOAL_TABLES:
        path = unit / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines[1:] if not line.lower().startswith(prefix.lower())]
        assert len(kept) < len(lines) - 1, name
        path.write_text(lines[0] + "".join(kept), encoding="utf-8")
    for text in (unit / "text" / "mal").glob(f"{prefix}*"):
        text.unlink()


@pytest.mark.e2e
def test_a_build_from_the_store_equals_a_build_without_it(tmp_path: Path):
    """KLK's report (``STORE_SECTIONS``): built without the store, then twice with it (the
    second time every chart and fragment comes from the store) — the same bytes; then a chart's
    data changes and only its figure changes, as its section built without the store shows it."""
    root = copy_inputs(tmp_path / "ws")
    _leave_out_goals(root / "data" / "2016" / "klk", LEFT_OUT_GOALS)
    params = root / "params" / "2016" / "klk.yaml"
    assert "rapport:" not in params.read_text(encoding="utf-8")
    with params.open("a", encoding="utf-8") as out:
        out.write("rapport:\n  avsnitt:\n" + "".join(f"    - {s}\n" for s in STORE_SECTIONS))
    env = {**os.environ, "WORKBOOK_ROOT": str(root)}
    report = Project(root).report_file(2016, "klk")

    def build(*extra: str, cache: bool = True) -> bytes:
        run_env = {**env, render_cache.CACHE_VARIABLE: "1" if cache else "0"}
        subprocess.run(
            [sys.executable, "-m", "helpers.cli", "build", "--year", "2016", "--unit", "klk",
             "--period", "helar", "--jobs", "1", *extra],
            env=run_env, cwd=REPO_ROOT, check=True, capture_output=True, timeout=1800,
        )  # fmt: skip
        return report.read_bytes()

    without = build(cache=False)
    assert [h for h in re.findall(r'<h2 id="([^"]+)"', without.decode()) if h in STORE_SECTIONS]
    by_section = dict(re.findall(r'<h2 id="([^"]+)"(.*?)(?=<h2 id=|$)', without.decode(), re.S))
    assert all(by_section[name].count("<svg") >= 2 for name in CHARTED_SECTIONS)
    assert not (root / "build" / render_cache.CACHE_FOLDER).exists()
    assert build("--force") == without  # fills the store
    assert list((root / "build" / render_cache.CACHE_FOLDER / "diagram").glob("*/*"))
    assert build("--force") == without  # from the store

    values = root / "data" / "2016" / "klk" / "indikatorvarden.csv"
    lines = values.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = _change_one_value(lines)
    values.write_text("".join(changed), encoding="utf-8")
    from_store = build()
    assert from_store != without
    # Without the store, only the section that reads the values (the others' notebooks, from
    # the store, are those the first build's equal; the export parses every fragment afresh).
    assert build("--force", "--section", CHANGED_SECTION, cache=False) == from_store


def _change_one_value(lines: list[str]) -> list[str]:
    """The CSV with the first whole-number ``värde`` of an indicator one higher."""
    import csv

    separator = ";" if lines[0].count(";") > lines[0].count(",") else ","
    header = next(csv.reader([lines[0]], delimiter=separator))
    column = header.index("värde")
    for position, line in enumerate(lines[1:], 1):
        cells = next(csv.reader([line], delimiter=separator))
        if cells[column].strip().isdigit():
            cells[column] = str(int(cells[column]) + 1)
            lines[position] = separator.join(cells) + "\n"
            return lines
    raise AssertionError("no whole-number value to change")


def test_jsonschema_checks_iris_as_before_without_building_the_grammar_at_import():
    code = (
        "import sys, helpers, jsonschema\n"
        "built = 'rfc3987_syntax.syntax_helpers' in sys.modules\n"
        "check = jsonschema.Draft7Validator.FORMAT_CHECKER\n"
        "answers = [check.conforms(v, f) for v, f in (('http://exempel.se/å', 'iri'),"
        " ('http://[fel', 'iri'), ('##', 'iri-reference'), ('a/b', 'iri-reference'))]\n"
        "print(built, answers)\n"
    )
    deferred = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    real = subprocess.run(
        [sys.executable, "-c", code.replace("helpers, ", "")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert deferred.split(" ", 1)[0] == "False"  # not built when jsonschema was imported
    assert real.split(" ", 1)[0] == "True"
    assert deferred.split(" ", 1)[1] == real.split(" ", 1)[1]


# A goal section with its charts (KLK's smaller one, four charts: whether altair is imported does
# not depend on how many), shown in a fresh process: what it shows and whether altair was
# imported to show it.
SHOW_GOALS = """
import hashlib, sys
from helpers import report
part = report.section(2016, "klk", "ks_mal", "helar")
html = str(report.goals_of(part).data)
print(hashlib.sha256(html.encode()).hexdigest(), html.count("<svg"), "altair" in sys.modules,
      "vl_convert" in sys.modules)
"""


def test_charts_from_the_store_are_shown_without_importing_altair(tmp_path: Path):
    root = copy_inputs(tmp_path / "ws")

    def show(*caches: bool) -> list[list[str]]:
        """The goal section shown once per entry of ``caches`` (store on or off), in one fresh
        process: what each showing printed."""
        script = "import os\n" + "".join(
            f"os.environ[{render_cache.CACHE_VARIABLE!r}] = {'1' if cache else '0'!r}\n"
            + SHOW_GOALS
            for cache in caches
        )
        env = {**os.environ, "WORKBOOK_ROOT": str(root)}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True,
            check=True, timeout=600,
        )  # fmt: skip
        return [line.split() for line in done.stdout.splitlines()]

    assert not (root / "build" / render_cache.CACHE_FOLDER).exists()
    # Drawn (the store is empty) and stored. That drawing with the store gives what drawing
    # without it gives is checked chart by chart in
    # test_a_stored_chart_is_the_chart_drawn_and_new_data_draws_anew, and this section's HTML
    # by test_a_build_from_the_store_equals_a_build_without_it (a report with it, built without
    # the store and then filling it: the same bytes).
    (drawn,) = show(True)
    assert int(drawn[1]) > 0 and drawn[2:] == ["True", "True"]  # drew its charts
    assert list((root / "build" / render_cache.CACHE_FOLDER / "diagram").glob("*/*"))
    (from_store,) = show(True)
    assert from_store[:2] == drawn[:2]
    assert from_store[2:] == ["False", "False"]  # neither altair nor vl-convert imported


def test_a_recipes_key_is_the_same_before_and_after_altair_is_imported():
    """The key reads altair's settings without importing it (``ALTAIR_DEFAULTS``): they are
    what a fresh import gives, and a chart's class is found by the name the formatter uses."""
    code = (
        "import sys\n"
        "import pandas as pd\n"
        "from helpers.parts.charts import indicator_chart\n"
        "from helpers.parts.custom_view import chart_class_name\n"
        "from helpers.parts.figures import ChartRecipe\n"
        "series = pd.DataFrame({'period': ['2015', '2016'], 'värde': [1.0, 2.0],\n"
        "                       'jämförelse': [1.5, 1.5], 'målvärde': [2.0, 2.0]})\n"
        "recipe = ChartRecipe(indicator_chart, (series, 'Andel', '%'),\n"
        "                     {'own_label': 'Hjo', 'comparison_label': 'Riket'})\n"
        "before = recipe.key()\n"
        "assert 'altair' not in sys.modules\n"
        "import altair as alt\n"
        "assert recipe.key() == before\n"
        "assert (alt.TopLevelMixin.__module__, alt.TopLevelMixin.__name__) == chart_class_name()\n"
        "alt.theme.enable('dark')\n"
        "assert recipe.key() != before\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.stdout.strip() == "ok", done.stderr


# Charts (SVG) in the places a fragment may hold them: set aside and parsed on their own, or,
# where that could change the page (inside <pre>, a comment, an attribute, a <style>, a heading;
# nested), parsed with their fragment. Every way gives the bytes of the whole-page parse.
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
    '<g class="mark">\n  \n<path d="M0,0L1,1"/><text x="1">5 &lt; 6 &amp; å</text></g>'
    '<image href="data:,"/><style>.a{fill:red}</style></svg>'
)
WITH_CHARTS = [
    f'<figure class="wb-figure"><div class="wb-chart">{SVG}</div>\n'
    f'<div class="wb-chart">{SVG}</div><figcaption>Text</figcaption></figure>',
    f"{SVG}\n<p>efter</p>",
    f'<h2 id="rubrik">Rubrik {SVG}</h2><h3 id="under">Under</h3><p>{SVG}</p>',
    f"<pre>\n{SVG}\n  </pre>",
    f'<p title="{SVG}">attribut</p><!-- {SVG} --><style>{SVG}</style>',
    f"<svg><svg></svg>{SVG}</svg><p>kapslad</p>",
    f'<div><img src="data:,">{SVG.replace("<image", "<img")}</div>',
    f"<textarea>{SVG}</textarea><template><p>{SVG}</p></template>",
    f"<WB-EXPORT-SVG-0></WB-EXPORT-SVG-0>{SVG}",
    "<p>öppen " + SVG,
]


@pytest.mark.parametrize("cached", [False, True])
def test_fragments_with_charts_export_as_the_whole_page_parse(
    cached: bool, store_root: Path, monkeypatch: pytest.MonkeyPatch
):
    if not cached:
        monkeypatch.setenv(render_cache.CACHE_VARIABLE, "0")
    for fragments in (WITH_CHARTS, WITH_CHARTS[:-1], *([f] for f in WITH_CHARTS)):
        nb = _notebook(fragments)
        whole, _ = HTMLExporter.from_notebook_node(exporter(), nb, resources=_resources())
        for _ in range(3):  # the second time from the store, the third from memory
            if _ < 2:
                export_fragments._MEMORY.clear()
            ours, _ = exporter().from_notebook_node(nb, resources=_resources())
            assert ours == whole, fragments


def test_a_goal_sections_charts_export_as_the_whole_page_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built_year: Project
):
    """The KLK goal section as its notebook shows it (dozens of charts): the export that sets
    its charts aside gives nbconvert's bytes, parsed afresh and from the store. Its charts come
    from the chart store of the session's build (``built_year``, in ``conftest.SESSION_STORES``):
    what is exported is the same
    (a stored chart is the chart drawn:
    ``test_a_stored_chart_is_the_chart_drawn_and_new_data_draws_anew``)."""
    from helpers import report
    from helpers.parts.figures import STORE

    root = copy_inputs(tmp_path / "ws")
    charts = Path(render_cache.CACHE_FOLDER, STORE)
    shutil.copytree(conftest.SESSION_STORES / STORE, root / "build" / charts)
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    monkeypatch.delenv(render_cache.CACHE_VARIABLE, raising=False)
    render_cache._store.cache_clear()
    part = report.section(2016, "klk", "kf_mal", "helar")
    fragments = [str(report.heading(part).data), str(report.goals_of(part).data)]
    assert fragments[1].count("<svg") > 10
    nb = _notebook(fragments)
    whole, _ = HTMLExporter.from_notebook_node(exporter(), nb, resources=_resources())
    for _ in range(3):  # the second time from the store, the third from memory
        if _ < 2:
            export_fragments._MEMORY.clear()
        ours, _ = exporter().from_notebook_node(nb, resources=_resources())
        assert ours == whole


def test_the_code_digest_is_remembered_by_signature_and_any_edit_hashes_anew(
    store_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from helpers.data import fingerprint

    package = tmp_path / "paket"
    (package / "templates").mkdir(parents=True)
    (package / "modul.py").write_text("SVAR = 41\n", encoding="utf-8")
    (package / "templates" / "mall.css").write_text("p { }\n", encoding="utf-8")
    monkeypatch.setattr(fingerprint, "PACKAGE_DIR", package)
    monkeypatch.setattr(fingerprint, "_CODE_DIGEST", {})

    def by_content() -> str:
        return fingerprint.files_digest(fingerprint._source_files(package), package)

    first = fingerprint.code_digest()
    assert first == by_content()
    stored = list((store_root / fingerprint.CODE_STORE).glob("*/*"))
    assert [p.read_text() for p in stored] == [first]

    # Another process (no memory of its own) takes it from the store, without hashing.
    monkeypatch.setattr(fingerprint, "_CODE_DIGEST", {})
    hashed = []
    with monkeypatch.context() as patch:
        patch.setattr(fingerprint, "files_digest", lambda *a: hashed.append(a) or "x")
        assert fingerprint.code_digest() == first and not hashed
    monkeypatch.setattr(fingerprint, "_CODE_DIGEST", {})

    # An edit of the same size with the modification time put back still hashes anew (the
    # change time moved); so does a garbled stored value.
    module = package / "modul.py"
    before = module.stat()
    module.write_text("SVAR = 42\n", encoding="utf-8")
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    edited = fingerprint.code_digest()
    assert edited != first and edited == by_content()
    for path in (store_root / fingerprint.CODE_STORE).glob("*/*"):
        path.write_text("inte en hash")
    monkeypatch.setattr(fingerprint, "_CODE_DIGEST", {})
    assert fingerprint.code_digest() == edited


# Goal blocks (``<section>``): set aside with their charts, or parsed with their fragment when
# they are not self-contained; their headings take their place in the fragment's.
WITH_BLOCKS = [
    f'<section class="wb-goal"><h3 id="m1">Mål 1</h3><p>{SVG}</p></section>'
    f'<section class="wb-goal"><h3 id="m2">Mål &amp; 2</h3>\n<p>text</p></section>',
    f'<h2 id="r">Rubrik</h2><section><h3 id="a">A</h3></section><h3 id="b">B</h3>{SVG}',
    "<section><section><h3 id='inre'>Inre</h3></section></section><p>kapslad</p>",
    '<section class="wb-goal-area"><h3 id="o">Område</h3><p>intro</p>'
    f'<section class="wb-goal"><h4 id="g1">Mål</h4>{SVG}</section>'
    '<section class="wb-goal"><h4 id="g2">Mål 2</h4></section></section>',
    "<section><p>öppen</section><p>efter</p>",
    "<pre><section>\n\n</section></pre>",
    '<h2 id="x"><section>i rubrik</section></h2>',
    "<section></section>",
    '<section><img src="data:,"></section>',
]


@pytest.mark.parametrize("cached", [False, True])
def test_fragments_with_blocks_export_and_list_headings_as_the_whole_page_parse(
    cached: bool, store_root: Path, monkeypatch: pytest.MonkeyPatch
):
    from bs4 import BeautifulSoup

    if not cached:
        monkeypatch.setenv(render_cache.CACHE_VARIABLE, "0")
    for fragments in (WITH_BLOCKS, *([f] for f in WITH_BLOCKS)):
        nb = _notebook(fragments)
        whole, _ = HTMLExporter.from_notebook_node(exporter(), nb, resources=_resources())
        for _ in range(3):  # the second time from the store, the third from memory
            if _ < 2:
                export_fragments._MEMORY.clear()
            ours, _ = exporter().from_notebook_node(nb, resources=_resources())
            assert ours == whole, fragments
            for fragment in fragments:
                whole_headings = export_fragments._headings(BeautifulSoup(fragment, "html.parser"))
                assert export_fragments.parse_fragment(fragment).headings == whole_headings


def test_an_edit_in_one_goal_parses_that_goal_and_takes_the_others_as_they_were(
    store_root: Path, monkeypatch: pytest.MonkeyPatch
):
    blocks = [
        f'<section><h3 id="m{i}">Mål {i}</h3><p>Text {i}</p>{SVG}</section>' for i in range(4)
    ]
    export_fragments._MEMORY.clear()
    export_fragments.parse_fragment("<h2 id='mal'>Mål</h2>" + "".join(blocks))
    parsed: list[str] = []
    original = export_fragments._parse_fragment
    monkeypatch.setattr(
        export_fragments,
        "_parse_fragment",
        lambda text, aside: parsed.append(text) or original(text, aside),
    )
    edited = blocks[2].replace("Text 2", "Text 2, med en ny mening")
    result = export_fragments.parse_fragment(
        "<h2 id='mal'>Mål</h2>" + "".join([*blocks[:2], edited, blocks[3]])
    )
    assert [t[:20] for t in parsed] == ["<h2 id='mal'>Mål</h2", edited[:20]]
    assert [h["id"] for h in result.headings] == ["mal", "m0", "m1", "m2", "m3"]
