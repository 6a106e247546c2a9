"""A workbook error in JupyterLab: the Swedish problem list as the cell's output, no traceback.

IPython asks an exception for ``_render_traceback_()`` before it formats a Python traceback
(``InteractiveShell.showtraceback``); ``WorkbookError`` answers with :func:`render_error`. The
problems are displayed as a table — file, row, column, what is wrong, what to do — and the
traceback IPython sends is one Swedish line. The cell still fails as before: the kernel replies
"error" and sends an error output named after the exception (``DataError``, its message the
problem list), so papermill stops the section and ``workbook build`` reports it as failed, with
the same message. Anything that is not a ``WorkbookError`` is a bug and keeps its traceback.
"""

from __future__ import annotations

from helpers.core.errors import DataError, Problem, WorkbookError
from helpers.core.markup import Markup, html, join

# Problems shown in the table; the rest are counted (all of them are in the error's text).
MAX_SHOWN = 200


def render_error(error: WorkbookError) -> list[str]:
    """Display ``error`` for the analyst; return the traceback lines IPython shows below it.

    IPython asks twice (to show the error, and to store it in the history): the list is
    displayed the first time only.
    """
    if not getattr(error, "_shown_in_notebook", False):
        from IPython.display import display

        display({"text/html": str(error_html(error)), "text/plain": str(error)}, raw=True)
        error._shown_in_notebook = True  # type: ignore[attr-defined]
    return [summary_line(error)]


def summary_line(error: WorkbookError) -> str:
    """One Swedish line for the error output (and the operator's log)."""
    if isinstance(error, DataError):
        return f"{type(error).__name__}: {len(error.problems)} fel i underlaget (se listan ovan)"
    return f"{type(error).__name__}: {error}"


def error_html(error: WorkbookError) -> Markup:
    """The error as HTML: a table of problems for a DataError, else its message."""
    if not isinstance(error, DataError):
        return html('<div class="wb-problems" role="alert"><p><strong>Fel:</strong> {}</p></div>',
                    str(error))  # fmt: skip
    problems = error.problems
    rows = join(_row(problem) for problem in problems[:MAX_SHOWN])
    more = (
        html("<p>… och {} fel till (alla finns i felmeddelandet nedan).</p>",
             len(problems) - MAX_SHOWN)
        if len(problems) > MAX_SHOWN
        else ""
    )  # fmt: skip
    count = len(problems)
    return html(
        '<div class="wb-problems" role="alert">'
        "<p><strong>Underlaget har {} fel.</strong> Rätta {} i filerna och kör cellen igen "
        "(<code>workbook validate</code> visar samma lista).</p>"
        "<table><thead><tr>"
        '<th scope="col">Fil</th><th scope="col">Rad</th><th scope="col">Kolumn/nyckel</th>'
        '<th scope="col">Fel</th><th scope="col">Gör så här</th>'
        "</tr></thead><tbody>{}</tbody></table>{}</div>",
        count,
        "det" if count == 1 else "dem",
        rows,
        more,
    )


def _row(problem: Problem) -> Markup:
    return html(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        problem.file,
        "" if problem.row is None else problem.row,
        problem.column or "",
        problem.message,
        problem.hint or "",
    )
