"""Argument types the commands share (``--year``, ``--timeout``, ``--jobs``): a value, or a Swedish
error from argparse (exit 2). Here, below the command modules, so that they need not import
``cli``, the entry point that imports them."""

from __future__ import annotations

import argparse

from helpers.core.errors import WorkbookError


def year_argument(text: str) -> int:
    """``--year`` and the like: a four-digit year, or a Swedish error from argparse (exit 2)."""
    from helpers.core.paths import check_year

    try:
        return check_year(text)
    except WorkbookError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def period_argument(text: str) -> str:
    """``--period``: a period id, its å, ä and ö read as a, a and o, its capitals as small
    letters and spaces around it left out (``" Delår "`` → ``delar``, as ``klar --status`` reads
    ``godkand``: an id has small letters only); the id itself is checked where it is used."""
    from helpers.core.text_norm import fold_swedish

    return fold_swedish(text.strip()).lower()


def timeout_argument(text: str) -> float:
    """``--timeout``: seconds, read as ``WORKBOOK_SECTION_TIMEOUT`` is (``parse_timeout``)."""
    from helpers.building.execute import parse_timeout

    try:
        return parse_timeout(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def whole_number(text: str) -> int:
    """A whole number (``--jobs 2``)."""
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inget heltal — ange t.ex. 2") from None


HIGHEST_PORT = 65535


def port_argument(text: str) -> int:
    """``--port``: a TCP port, 0 to 65535 (0: any free port), or a Swedish error (exit 2)."""
    try:
        port = int(text.strip())
    except ValueError:
        port = -1
    if not 0 <= port <= HIGHEST_PORT:
        raise argparse.ArgumentTypeError(
            f"'{text}' är ingen port — ange ett heltal från 0 till {HIGHEST_PORT} "
            "(0: valfri ledig port)"
        )
    return port
