"""``workbook build``: arguments and output of the build command."""

from __future__ import annotations

import argparse
import sys

from helpers.build import build


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="rapportåret, t.ex. 2016")
    parser.add_argument("--unit", help="en enhet (utan: alla enheter med params för året)")


def command(args: argparse.Namespace) -> int:
    status = 0
    for result in build(args.year, args.unit):
        if result.failures:
            status = 1
            for section, failure in result.failures.items():
                print(
                    f"FEL {result.year} {result.unit} {section}: {failure.last_line}",
                    file=sys.stderr,
                )
        else:
            print(f"Klar: {result.report}")
    return status
