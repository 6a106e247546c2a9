"""``python -m helpers``: the ``workbook`` command line, with the same exit codes."""

import sys

from helpers.cli import main

if __name__ == "__main__":
    sys.exit(main())
