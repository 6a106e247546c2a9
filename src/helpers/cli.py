"""The ``workbook`` command: a thin layer over functions that notebooks and tests call too.

Each subcommand lives in its own module with ``add_arguments(parser)`` and ``command(args)``.
Errors an analyst can cause are printed as Swedish messages without a traceback (exit 2); a
failed build exits 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from helpers.errors import DataError, WorkbookError

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("build", "helpers.build_cli", "bygg rapporter för ett år, en enhet eller ett avsnitt"),
    ("validate", "helpers.validate", "kontrollera underlaget utan att bygga"),
    ("new-year", "helpers.new_year", "skapa nästa år utifrån ett tidigare år"),
    ("new-unit", "helpers.new_unit", "skapa en ny enhet från mallen"),
    ("kolada", "helpers.kolada", "hämta indikatorvärden från Kolada"),
)


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. With ``only``, just that subcommand's module is imported: a no-op
    rebuild should not pay for pandas being imported by commands that are not running."""
    main_parser = argparse.ArgumentParser(
        prog="workbook", description="Bygg verksamhetsuppföljningen per enhet och år."
    )
    sub = main_parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    for name, module_name, help_text in COMMANDS:
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            module = importlib.import_module(module_name)
            module.add_arguments(command_parser)
            command_parser.set_defaults(func=module.command)
    return main_parser


def report_error(exc: WorkbookError) -> None:
    """Print an analyst-facing error without a traceback."""
    if isinstance(exc, DataError):
        print(f"Fel i underlaget ({len(exc.problems)} st):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(f"Fel: {exc}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = {name for name, _, _ in COMMANDS}
    args = parser(argv[0] if argv and argv[0] in names else None).parse_args(argv)
    try:
        return int(args.func(args))
    except WorkbookError as exc:
        report_error(exc)
        return 2
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
