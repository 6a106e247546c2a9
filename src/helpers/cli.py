"""The ``workbook`` command: a thin layer over functions that notebooks and tests call too.

Errors an analyst can cause are printed as Swedish messages without a traceback (exit 2); a
failed build exits 1.
"""

from __future__ import annotations

import argparse
import sys

from helpers.errors import DataError, WorkbookError


def _build(args: argparse.Namespace) -> int:
    from helpers.build import build

    results = build(args.year, args.unit)
    status = 0
    for result in results:
        if result.failures:
            status = 1
            for section, failure in result.failures.items():
                print(f"FEL {result.year} {result.unit} {section}: {failure.last_line}", file=sys.stderr)
        else:
            print(f"Klar: {result.report}")
    return status


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="workbook", description="Bygg verksamhetsuppföljningen per enhet och år."
    )
    sub = main_parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    build = sub.add_parser("build", help="bygg rapporter")
    build.add_argument("--year", type=int, required=True, help="rapportåret, t.ex. 2016")
    build.add_argument("--unit", help="en enhet (utan: alla enheter med params för året)")
    build.set_defaults(func=_build)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        print("Fel i underlaget:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except WorkbookError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
