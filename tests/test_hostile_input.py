"""No live markup in a published report, whatever string a data or params file holds.

A hostile string goes into every field of every file the KLK 2016 report is built from — the
fields are found by walking the files (every column of every table, every key of the params
file, every narrative file), not listed by hand. Each variant is either
refused by validation, naming the poisoned file, or rendered; a rendered report may contain only
the elements and attributes of an allow-list, checked with a real HTML parser. The variants are
rendered in-process (the sections' own cells run against the real helpers, and the real export
assembles them), which is what makes hundreds of variants affordable; one end-to-end build through
real kernels and nbconvert, with every accepted field poisoned at once, proves the same for the
real path, and its PDF too.

Each field is validated once per module (``walked``), many fields per validation: each problem
names the file and cell or key it is about, which says which field it refuses (``walk``);
both tests read that walk.
"""

from __future__ import annotations

import ast
import csv
import functools
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from helpers.building.build_plan import data_fingerprint, kind_notebook
from helpers.building.export import CONTENT_SECURITY_POLICY, navigation_texts, render_report
from helpers.building.validate import reports_problems
from helpers.core.errors import Problem
from helpers.core.paths import Project
from helpers.core.yaml_text import load_yaml
from helpers.data.definition import load_definition
from helpers.data.unit_data import load_unit

YEAR, UNIT = 2016, "klk"
# Closes an attribute, the title, a style element and a CSS string; opens a script, an event
# handler and a javascript: link; carries entities and a template expression.
HOSTILE = (
    'X"\'><img src=x onerror=alert(1)></title></style>"}</style><script>alert(1)</script>'
    '<a href="javascript:alert(1)">l</a>&lt;b&gt;{{7*7}}\\"; } body { display:none }'
)
# In Markdown, raw HTML and script links are refused by validation (tested elsewhere); markup
# written as entities or escaped, and odd link targets, are what could slip through.
HOSTILE_MARKDOWN = (
    "# Rubrik &lt;img src=x onerror=alert(1)&gt; &#60;script&#62;alert(1)&#60;/script&#62;\n\n"
    'Text &lt;script&gt;alert(1)&lt;/script&gt; och [en länk](https://exempel.se/?a="><b>)\n\n'
    "## Under &amp;lt;b&amp;gt; \\<i\\>\n"
)

HTML_TAGS = {
    "html", "head", "meta", "title", "style", "body", "a", "header", "main", "footer", "nav",
    "section", "article", "div", "span", "p", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
    "ol", "ul",
    "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "details", "summary", "strong", "em", "b", "i", "u", "s", "small",
    "sub", "sup", "code", "pre", "blockquote", "br", "hr", "abbr", "img", "del",
    "time",  # the workbook's own <time datetime="ÅÅÅÅ-MM-DD"> around a date in text
}  # fmt: skip
HTML_ATTRIBUTES = {
    "class", "id", "href", "src", "alt", "title", "lang", "role", "tabindex", "scope",
    "colspan", "rowspan", "width", "height", "start", "rel", "charset", "name", "content",
    "http-equiv", "open", "datetime",
    "data-label",  # a stacked cell's column name on a phone: text, shown by CSS attr()
}  # fmt: skip
SVG_TAGS = {
    "svg", "g", "path", "rect", "line", "text", "tspan", "circle", "ellipse", "polygon",
    "polyline", "defs", "clippath", "lineargradient", "radialgradient", "stop", "title", "desc",
}  # fmt: skip
# Attributes whose value is a URL or a style: text elsewhere (aria-label) is only text.
URL_ATTRIBUTES = {"href", "xlink:href", "src", "style", "action", "formaction", "content"}
FORBIDDEN_VALUE = ("javascript:", "vbscript:", "data:text", "expression(", "url(")
# The workbook's own relative links (no scheme): the index (../index.html) and the report's PDF.
WORKBOOK_LINK = re.compile(r"(?:\.\./)*[a-z0-9_-]+(?:/[a-z0-9_-]+)*\.(?:html|pdf)")


@dataclass(frozen=True)
class Field:
    """One place in one input file that a string can be written into."""

    path: Path
    kind: str  # "csv" (a column), "yaml" (a key), "markdown" (the file)
    name: str

    def __str__(self) -> str:
        return f"{self.path.name}:{self.name}"

    @property
    def hostile(self) -> str:
        """The hostile string, ending in the field's own name: fields poisoned together never
        hold the same value (a YAML list whose values must differ would refuse them)."""
        return f"{HOSTILE} {self.name}"


def report_check(project: Project) -> list[Problem]:
    """What ``validate`` and ``build`` refuse the report with (``validate.reports_problems``):
    the unit's data and what every report of the year shares (``data/rapport.yaml``'s
    comparison groups, the period folders)."""
    return reports_problems(project, [(project.period, YEAR, UNIT)], [YEAR])


def input_files(root: Path) -> list[Path]:
    """Every file the KLK 2016 report is built from."""
    unit = sorted(p for p in (root / "data" / str(YEAR) / UNIT).rglob("*") if p.is_file())
    shared = sorted(p for p in (root / "data").iterdir() if p.is_file())
    return [root / "params" / str(YEAR) / f"{UNIT}.yaml", *shared, *unit]


def fields(root: Path) -> list[Field]:
    found = []
    for path in input_files(root):
        if path.suffix == ".csv":
            header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
            found += [Field(path, "csv", column) for column in header if column]
        elif path.suffix == ".yaml":
            document = load_yaml(path.read_text(encoding="utf-8"), path.name)
            found += [Field(path, "yaml", key) for key in _leaves(document)]
        elif path.suffix == ".md":
            found.append(Field(path, "markdown", "text"))
    return found


def _leaves(node: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every scalar in a YAML document (``drift.rubriker.summa``, ``titel``)."""
    if isinstance(node, dict):
        items = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(str(i), v) for i, v in enumerate(node)]
    else:
        return [prefix.rstrip(".")]
    return [leaf for key, value in items for leaf in _leaves(value, f"{prefix}{key}.")]


def poison(field: Field) -> None:
    """Write the hostile string into ``field`` (for a table: in the unit's row, or the first)."""
    poison_all([field])


def poison_all(batch: list[Field], *, spread: bool = False) -> dict[Path, int]:
    """``poison`` for every field of ``batch``: a YAML file's keys in one edit of its text, a
    table's columns in one row — with ``spread``, each in a row of its own (``_poison_cells``).
    Returns the line each poisoned table row starts on (the first, when spread)."""
    by_file: dict[Path, list[Field]] = {}
    for field in batch:
        by_file.setdefault(field.path, []).append(field)
    lines: dict[Path, int] = {}
    for path, in_file in by_file.items():
        kind = in_file[0].kind
        if kind == "markdown":
            path.write_text(HOSTILE_MARKDOWN, encoding="utf-8")
        elif kind == "csv":
            lines[path] = _poison_cells(path, in_file, spread=spread)
        else:
            text = path.read_text(encoding="utf-8")
            spans = scalar_spans(text)
            # From the end backwards, so each edit leaves the earlier offsets as they are.
            for field in sorted(in_file, key=lambda f: spans[f.name][0], reverse=True):
                start, end = spans[field.name]
                text = f"{text[:start]}{json.dumps(field.hostile, ensure_ascii=False)}{text[end:]}"
            path.write_text(text, encoding="utf-8")
    return lines


@functools.lru_cache(maxsize=8)
def scalar_spans(text: str) -> dict[str, tuple[int, int]]:
    """Where each scalar of a YAML document is written: its dotted path (``_leaves``) → the
    characters from its first to its last (a folded block's indicator to its last word).

    The hostile string replaces only that span, as a double-quoted scalar (a JSON string is
    one): the rest of the file stays as the analyst wrote it, and no whole-file YAML dump per
    field is needed (the walk poisons hundreds of keys of data/rapport.yaml one at a time)."""
    spans: dict[str, tuple[int, int]] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{prefix}{key.value}.")
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{prefix}{index}.")
        else:
            start, end = node.start_mark.index, node.end_mark.index
            spans[prefix.rstrip(".")] = (start, start + len(text[start:end].rstrip()))

    walk(yaml.compose(text, Loader=yaml.SafeLoader), "")
    return spans


def _poison_cells(path: Path, columns: list[Field], *, spread: bool = False) -> int:
    """The hostile strings in ``columns`` of one row (the unit's, or the first); the line the
    row starts on, as messages count it (the header is line 1). With ``spread``, the first
    column in that row, the next in the unit's next row (``unit_rows``), and so on: no row
    holds two poisoned cells, so none can hide another."""
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    if not body:
        body = [[""] * len(header)]
    eligible = [r for r in body if UNIT in r] or body
    row = eligible[0]
    for index, field in enumerate(columns):
        eligible[index if spread else 0][header.index(field.name)] = field.hostile
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows([header, *body[: body.index(row)]])
    line = out.getvalue().count("\n") + 1
    writer.writerows(body[body.index(row) :])
    path.write_text(out.getvalue(), encoding="utf-8")
    return line


def render_in_process(project: Project, target: Path) -> str:
    """The report as the build makes it, with each section's cells run here instead of in a
    kernel: the same helpers, the same notebooks, the same export."""
    executed = []
    for spec in load_definition(project, YEAR, UNIT).sections:  # the report's sections, in order
        notebook = kind_notebook(project, spec)
        nb = nbformat.read(notebook, as_version=4)
        namespace: dict[str, Any] = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            cell.id = f"c{index}"
            if "parameters" in cell.metadata.get("tags", []):
                exec(cell.source, namespace)  # noqa: S102 - our own notebooks
                namespace.update(year=YEAR, unit=UNIT, section=spec.id)
                continue
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, notebook.name, "exec"), namespace)  # noqa: S102
            if last is None:
                continue
            shown = eval(compile(ast.Expression(last.value), notebook.name, "eval"), namespace)  # noqa: S307
            if hasattr(shown, "_repr_html_"):
                cell.outputs = [
                    nbformat.v4.new_output("display_data", data={"text/html": shown._repr_html_()})
                ]
        path = target / f"{spec.id}.ipynb"
        nbformat.write(nb, path)
        executed.append(path)
    data = load_unit(YEAR, UNIT, project)
    return render_report(
        executed,
        title=data.params.title,
        unit_name=data.info.display_name,
        municipality=data.info.municipality,
        fingerprint=data_fingerprint(project, YEAR, UNIT),
        texts=navigation_texts(data.labels()),
    )


def live_markup(page: str) -> list[str]:
    """Everything in ``page`` outside the allow-list: elements, attributes, values, head."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    for tag in soup.find_all(True):
        in_svg = tag.name == "svg" or tag.find_parent("svg") is not None
        allowed_tags = SVG_TAGS if in_svg else HTML_TAGS
        if tag.name not in allowed_tags:
            found.append(f"<{tag.name}>")
        for attribute, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            name = attribute.lower()
            unknown = not in_svg and name not in HTML_ATTRIBUTES and not name.startswith("aria-")
            if name.startswith("on") or unknown:
                found.append(f"<{tag.name} {attribute}>")
            # A named <meta>'s content (author, description, the printed page label) is text;
            # only http-equiv's (refresh) can hold a URL.
            text_meta = tag.name == "meta" and name == "content" and not tag.get("http-equiv")
            if (
                name in URL_ATTRIBUTES
                and not text_meta
                and any(bad in text.lower().replace(" ", "") for bad in FORBIDDEN_VALUE)
            ):
                found.append(f"<{tag.name} {attribute}={text[:40]!r}>")
            if (
                name in ("href", "xlink:href")
                and not text.startswith(("#", "https://", "http://", "mailto:"))
                and not WORKBOOK_LINK.fullmatch(text)
            ):
                found.append(f"<{tag.name} {attribute}={text[:40]!r}>")
            if name == "src" and not text.startswith("data:image/"):
                found.append(f"<{tag.name} src={text[:40]!r}>")
    head = soup.head
    metas = head.find_all("meta") if head else []
    policies = [m.get("content") for m in metas if m.get("http-equiv") == "Content-Security-Policy"]
    if policies != [CONTENT_SECURITY_POLICY]:
        found.append(f"Content-Security-Policy: {policies}")
    if len(soup.find_all("title")) != 1 or len(soup.find_all("style")) != 1:
        found.append("more than one <title> or <style>")
    style = soup.find("style")
    if style is not None and isinstance(style, Tag) and "</" in style.get_text():
        found.append("</ in <style>")
    return found


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "ws"
    from conftest import copy_inputs

    return copy_inputs(root)


@dataclass(frozen=True)
class Walk:
    """Every field of the clean inputs, poisoned and validated (``walk``)."""

    every: list[Field]
    accepted: list[Field]
    refused: dict[Field, list]  # the field → the problems validation reported
    validations: int
    unlocated: list  # problems that named no file, of every validation (there must be none)


def names_field(problem: Problem, field: Field, root: Path, line: int | None) -> bool:
    """Whether ``problem`` is about ``field`` itself: it names the field's file and, in a table,
    the poisoned cell (``line``, the column), in YAML the key (a located path such as
    ``avsnitt[4].nivå`` is the dotted ``avsnitt.3.nivå``); a Markdown file is one field."""
    if problem.file != field.path.relative_to(root).as_posix():
        return False
    if field.kind == "markdown":
        return True
    if field.kind == "csv":
        return problem.row == line and problem.column == field.name
    key = re.sub(r"\[(\d+)\]", lambda m: f".{int(m.group(1)) - 1}", problem.column or "")
    return key == field.name


def walk(root: Path, every: list[Field]) -> Walk:
    """Each field poisoned and validated, many at once (454 fields in about 80 validations
    instead of 454), each decided as the one-at-a-time walk decided it.

    A batch is every field of one table, or of one top-level key of a YAML file, or every
    Markdown text (a text is judged by itself). A batch that validation passes is accepted: each
    of its fields got through with the others poisoned too, and the render test shows them. Of a
    refused batch, the fields a problem names (``names_field``: the field's own file and cell or
    key) are refused with that message, and the rest are validated again without them. When no
    problem names any field of a batch (a broken reference is reported where it is used, e.g. a
    status renamed in rapport.yaml is refused in aktiviteter.csv), the batch is halved until one
    does, or until it holds one field, refused with every problem it causes."""
    project = Project(root)
    accepted: list[Field] = []
    refused: dict[Field, list] = {}
    batches: dict[tuple[Path, str], list[Field]] = {}
    for field in every:
        if field.kind == "markdown":
            batches.setdefault((Path("text"), ""), []).append(field)
        else:  # a YAML file's top-level keys apart: a broken reference sends fewer into halves
            part = field.name.split(".")[0] if field.kind == "yaml" else ""
            batches.setdefault((field.path, part), []).append(field)
    queue = list(batches.values())
    validations = 0
    unlocated: list[Problem] = []
    while queue:
        batch = queue.pop()
        with poisoned(batch) as lines:
            problems = report_check(project)
        validations += 1
        unlocated += [p for p in problems if not p.file]
        if not problems:
            accepted += batch
            continue
        if len(batch) == 1:
            refused[batch[0]] = problems
            continue
        named = {
            field: found
            for field in batch
            if (
                found := [p for p in problems if names_field(p, field, root, lines.get(field.path))]
            )
        }
        refused.update(named)
        rest = [field for field in batch if field not in named]
        if named and rest:
            queue.append(rest)
        elif not named:
            queue += [batch[: len(batch) // 2], batch[len(batch) // 2 :]]
    return Walk(every, accepted, refused, validations, unlocated)


@pytest.fixture(scope="module")
def walked(clean: Path) -> Walk:
    from conftest import project_root

    with project_root(clean):
        return walk(clean, fields(clean))


def test_the_clean_report_is_within_the_allow_list(clean: Path, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WORKBOOK_ROOT", str(clean))
    page = render_in_process(Project(clean), tmp_path)
    assert live_markup(page) == []
    # Nothing escaped twice: the data holds no "<", so an escaped tag is the workbook's own HTML
    # turned into text.
    assert "&lt;" not in page and "&amp;lt;" not in page
    soup = BeautifulSoup(page, "html.parser")
    assert len(soup.find_all("table")) > 10 and len(soup.find_all("svg")) > 3


def unit_rows(path: Path) -> int:
    """How many rows of a table are the unit's (hold its id), or all its rows if none is."""
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    return max(1, len([r for r in body if UNIT in r]) or len(body))


def render_rounds(accepted: list[Field]) -> list[list[Field]]:
    """The accepted fields in rounds, each rendered once (poisoned with ``spread``): a round
    holds at most one column of a table per row of the unit's (a poisoned id or unit column
    hides the rest of its row) and one text of each Markdown file, but every accepted key of a
    YAML file (a poisoned label or name hides no other)."""
    slots: dict[Path, list[list[Field]]] = {}
    for field in accepted:
        file_slots = slots.setdefault(field.path, [])
        if field.kind == "yaml" and file_slots:
            file_slots[0].append(field)
        elif field.kind == "csv" and file_slots and len(file_slots[-1]) < unit_rows(field.path):
            file_slots[-1].append(field)
        else:
            file_slots.append([field])
    depth = max(len(s) for s in slots.values())
    return [
        [field for file_slots in slots.values() if i < len(file_slots) for field in file_slots[i]]
        for i in range(depth)
    ]


def test_a_hostile_string_in_any_field_is_refused_or_shown_as_text(
    clean: Path, walked: Walk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBOOK_ROOT", str(clean))
    project = Project(clean)
    assert len(walked.every) > 60  # the walk found the tables' columns, the keys and the texts
    assert walked.unlocated == []  # every problem of every validation names its file
    for field, problems in walked.refused.items():
        # Located: naming the poisoned file, or quoting the value where it broke a link.
        shown = field.path.relative_to(clean).as_posix()
        assert all(p.file for p in problems), problems
        assert any(shown in str(p) or "onerror" in str(p) for p in problems), problems
    accepted = walked.accepted
    assert len(accepted) > 20 and walked.refused  # both outcomes occur: rendering is exercised
    assert sorted(map(str, accepted + list(walked.refused))) == sorted(map(str, walked.every))

    # Rendering, in rounds (``render_rounds``: a round of N fields costs one render instead of
    # N; 2 rounds for KLK, a table's columns each in a row of the unit's); a round that
    # validation refuses as a whole is split in two until each part passes.
    rounds = render_rounds(accepted)
    leaks: dict[str, list[str]] = {}
    rendered: list[Field] = []
    shown: list[Field] = []
    while rounds:
        batch = rounds.pop(0)
        with poisoned(batch, spread=True):
            if len(batch) > 1 and report_check(project):
                half = len(batch) // 2
                rounds[:0] = [batch[:half], batch[half:]]
                continue
            out = tmp_path / str(len(rendered))
            out.mkdir()
            page = render_in_process(project, out)
        rendered += batch
        if found := live_markup(page):
            leaks[", ".join(map(str, batch))] = found
        text = BeautifulSoup(page, "html.parser").get_text()
        shown += [f for f in batch if f.kind == "csv" and f.hostile in text]
    assert leaks == {}
    assert sorted(map(str, rendered)) == sorted(map(str, accepted))
    assert len(shown) > 10  # the tables' hostile cells are in the reports, as text


@contextmanager
def poisoned(batch: list[Field], *, spread: bool = False) -> Iterator[dict[Path, int]]:
    """The fields of ``batch`` poisoned (``poison_all``, whose result it gives) for the block."""
    originals: dict[Path, bytes] = {}
    for field in batch:
        originals.setdefault(field.path, field.path.read_bytes())
    try:
        yield poison_all(batch, spread=spread)
    finally:
        for path, data in originals.items():
            path.write_bytes(data)


@pytest.mark.e2e
def test_a_real_build_with_every_accepted_field_poisoned_has_no_live_markup(
    clean: Path, walked: Walk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kernels, papermill and nbconvert: the real path, all accepted fields at once, and its PDF."""
    from helpers.building.build import build

    root = tmp_path / "ws"
    shutil.copytree(clean, root, ignore=shutil.ignore_patterns("build", "reports"))
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    project = Project(root)
    # The fields validation accepted alone (refused alone: covered by the test above), at once;
    # should the combination be refused, one by one, each kept if the whole still passes.
    accepted = [Field(root / f.path.relative_to(clean), f.kind, f.name) for f in walked.accepted]
    poison_all(accepted)
    poisoned = accepted
    if report_check(project):
        shutil.rmtree(root / "data")
        shutil.rmtree(root / "params")
        shutil.copytree(clean / "data", root / "data")
        shutil.copytree(clean / "params", root / "params")
        poisoned = []
        for field in accepted:
            original = field.path.read_bytes()
            poison(field)
            if report_check(project):
                field.path.write_bytes(original)
            else:
                poisoned.append(field)
    assert len(poisoned) > 20
    results = build(YEAR, UNIT, project, jobs=1)
    assert not any(r.failures for r in results), [r.failures for r in results]
    report = project.report_file(YEAR, UNIT)
    page = report.read_text(encoding="utf-8")
    assert live_markup(page) == []
    assert HOSTILE.split("<img")[0] in BeautifulSoup(page, "html.parser").title.get_text()

    from browser import require_chromium

    require_chromium()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) saknas")
    from helpers.building.pdf import print_pdf

    printed = tmp_path / "klk.pdf"
    print_pdf(report, printed)
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True).stdout
    assert "onerror=alert(1)" in text  # shown as text, on paper too
    assert "Verksamhetsuppföljning" in text or "Sammanfattning" in text
