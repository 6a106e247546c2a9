"""HTML written inside a Markdown code span or code block is text: the report shows it as written
(escaped), so ``validate`` does not refuse it. The same parser that renders the text decides what
is raw HTML; outside code the same tags are still refused, on their own line."""

from __future__ import annotations

import html

import pytest

from helpers.core.paths import Project
from helpers.data.definition import read_definition
from helpers.parts.narrative import markdown_to_html, unsafe_html

LABELS = read_definition(Project.current())[0].label_set({"år": "2016", "enhet": "", "kommun": ""})
TAGS = ["<script>alert(1)</script>", '<img src="x.png" onerror="y()">', "<iframe src=x></iframe>"]


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize(
    "template",
    [
        "Så här skriver man: `{tag}` i en mening.",
        "Två backticks: ``{tag}`` och mer.",
        "Ett kodblock:\n\n```\n{tag}\n```\n",
        "Ett indraget kodblock:\n\n    {tag}\n",
        "| kod |\n|---|\n| `{tag}` |\n",
    ],
)
def test_html_in_code_is_shown_as_written_and_not_refused(template: str, tag: str) -> None:
    markdown = template.format(tag=tag)
    assert unsafe_html(markdown) == []
    rendered = str(markdown_to_html(markdown, labels=LABELS))
    assert html.escape(tag, quote=False) in rendered  # shown as text
    assert tag not in rendered  # never live


@pytest.mark.parametrize("tag", TAGS)
def test_the_same_html_outside_code_is_refused_on_its_line(tag: str) -> None:
    markdown = f"`{tag}` är kod.\n\n```\n{tag}\n```\n\nMen här:\n{tag}\n"
    found = unsafe_html(markdown)
    assert found and {line for line, _ in found} == {markdown.count("\n")}
    html_block = f"Stycke.\n\n{tag}\n"
    assert [line for line, _ in unsafe_html(html_block)] == [3]
