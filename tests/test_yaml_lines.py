"""A YAML syntax error names a line of the file: where the parser found it, or, when that is
the end of the file (a quote or a bracket never closed), the line where the unclosed thing
began; never a line past the last."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.core.errors import DataError
from helpers.core.yaml_text import load_yaml

OPENERS = ['"Verksamhetsuppföljning 2016', "'Verksamhetsuppföljning 2016", "[a, b", "{a: b"]


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("trailing", ["", "\n", "\n\n\n"])
def test_something_never_closed_is_named_where_it_begins(opener: str, trailing: str) -> None:
    text = f"år: 2016\nenhet: klk\ntitel: {opener}{trailing}"
    with pytest.raises(DataError) as raised:
        load_yaml(text, "params/2016/klk.yaml")
    [problem] = raised.value.problems
    assert problem.row == 3


@given(st.text(alphabet="ab:[]{}\"' -#\n", max_size=40))
def test_a_named_line_is_always_in_the_file(text: str) -> None:
    try:
        load_yaml(text, "x.yaml")
    except DataError as exc:
        for problem in exc.problems:
            if problem.row is not None:
                assert 1 <= problem.row <= max(1, len(text.splitlines()))
