"""The key-figure formula in ``nyckeltal.beräkning``: ``a - b``, read once for check and report.

``a`` and ``b`` are two other key figures' ``nyckeltal_id``; the figure's value each year is
``a − b``. What Word and Excel paste is read as what it looks like (``text_norm.clean_token``):
no-break, thin and narrow spaces and tabs around the dash, and the minus sign, en dash or
non-breaking hyphen as the dash. Ids may contain ``-`` themselves, so the operator is a dash with
space on both sides.
"""

from __future__ import annotations

import re

from helpers.core.errors import quote
from helpers.core.text_norm import clean_token

_FORMULA = re.compile(r"(\S+) - (\S+)")


class FormulaError(ValueError):
    """A formula that cannot be read; the message says why and what to write, in Swedish."""


def parse_formula(text: str) -> tuple[str, str]:
    """``(a, b)`` for the formula ``a - b``; raises FormulaError for anything else."""
    token = clean_token(text)
    match = _FORMULA.fullmatch(token)
    if match:
        return match.group(1), match.group(2)
    if re.fullmatch(r"\S+-\S+", token):
        reason = "minustecknet behöver ett mellanslag på var sida (id:n kan innehålla -)"
    elif re.search(r"[+*/()]", token):
        reason = "bara skillnaden mellan två nyckeltal (a - b) kan räknas ut"
    else:
        reason = "den ska vara två nyckeltal_id med ' - ' emellan"
    raise FormulaError(f"beräkningen '{quote(text)}' går inte att läsa: {reason}")
