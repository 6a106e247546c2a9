"""The ``workbook`` command: a thin layer over functions that notebooks and tests call too.

Each subcommand lives in its own module with ``add_arguments(parser)`` and ``command(args)``.

Exit status, the same for the same input from every command (README):

* 0 — done (``validate``: the data is in order);
* 1 — a build ran, but at least one section failed (the previous report is kept);
* 2 — bad input or arguments: a Swedish message naming the file (row, column) or argument, no
  traceback; nothing was built or changed;
* 130 — interrupted with Ctrl-C, 143 — stopped with SIGTERM: "Avbrutet.", and nothing started by
  the command is left running.

Output into a closed pipe (``workbook validate | head -1``) is dropped quietly: the command
finishes its work and exits with its own status.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import errno
import importlib
import os
import re
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

if TYPE_CHECKING:
    from pathlib import Path

from helpers.building.arguments import timeout_argument as timeout_argument
from helpers.building.arguments import whole_number as whole_number
from helpers.building.arguments import year_argument as year_argument
from helpers.core.errors import DataError, WorkbookError, safe_text

COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "build",
        "helpers.building.build_cli",
        "bygg rapporter för ett år, en enhet eller ett avsnitt",
    ),
    ("validate", "helpers.building.validate", "kontrollera underlaget utan att bygga"),
    ("new-year", "helpers.chores.new_year", "skapa nästa år utifrån ett tidigare år"),
    (
        "new-period",
        "helpers.chores.new_period",
        "skapa en periods rapporter utifrån en annan period",
    ),
    ("new-unit", "helpers.chores.new_unit", "skapa en ny enhet från mallen"),
    ("kolada", "helpers.kolada.kolada", "hämta indikatorvärden från Kolada"),
    (
        "klar",
        "helpers.season.season_cli:klar",
        "klarmarkera avsnitt: utkast, klar för granskning, godkänd",
    ),
    (
        "status",
        "helpers.season.season_cli:status",
        "säsongens läge per enhet: klarmarkering, texter, fel",
    ),
    (
        "preview",
        "helpers.season.preview:preview",
        "förhandsgranska en rapport som uppdateras medan du skriver",
    ),
    ("lab", "helpers.season.lab:lab", "starta JupyterLab för ett valt år och en vald enhet"),
)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

# argparse's own messages (English) and their Swedish wording.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"argument saknas: \1"),
    (r"unrecognized arguments: (.*)", r"okända argument: \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"\1: ogiltigt val \2 (välj \3)",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"\1: \3 är inget giltigt värde"),
    (r"argument (\S+): expected one argument", r"\1: ett värde saknas efter \1"),
    (r"argument (\S+): expected at least one argument", r"\1: minst ett värde saknas"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 går inte att kombinera med \2"),
    (r"argument (\S+): ignored explicit argument (.*)", r"\1: värdet \2 används inte"),
    (r"one of the arguments (.*) is required", r"ett av argumenten \1 behövs"),
    (r"ambiguous option: (\S+) could match (.*)", r"\1 är tvetydigt: kan betyda \2"),
    (r"argument (\S+): (.*)", r"\1: \2"),
)
_HELP_WORDS = (
    ("usage: ", "användning: "),
    ("positional arguments:", "argument:"),
    ("options:", "flaggor:"),
    ("show this help message and exit", "visa den här hjälpen"),
)


def swedish_message(message: str) -> str:
    """An argparse error message in Swedish (unknown ones are kept as they are)."""
    for pattern, replacement in _MESSAGES:
        if re.fullmatch(pattern, message, flags=re.S):
            return re.sub(pattern, replacement, message, flags=re.S)
    return message


class SwedishArgumentParser(argparse.ArgumentParser):
    """argparse with Swedish usage, help and errors; errors exit 2 like every bad input."""

    _given: Sequence[str] = ()

    def error(self, message: str) -> NoReturn:
        if message.startswith("the following arguments are required"):
            # An option spelt wrong is what makes a required one missing: name it too.
            mine = _long_options(self)
            unknown = [
                word
                for word in self._given
                if word.startswith("--")
                and not any(option.startswith(word.split("=", 1)[0]) for option in mine)
            ]
            near = _closest(unknown, self)
            if near is not None:
                message += f" ({near[0]} finns inte — menade du {near[1]}?)"
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_BAD_INPUT,
            f"Fel: {swedish_message(message)}\nSe `{self.prog} --help` för hjälp.\n",
        )

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """As argparse; the words parsed are kept for :meth:`error`'s suggestion."""
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """As argparse, but an unknown option is refused by the subcommand that was given it,
        with that subcommand's usage and its closest option ("menade du --year?")."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            target = self._subcommand_parser(getattr(parsed, "command", None)) or self
            near = _closest(extras, target)
            suggestion = f" (menade du {near[1]}?)" if near is not None else ""
            target.error(f"unrecognized arguments: {' '.join(extras)}{suggestion}")
        return parsed

    def _subcommand_parser(self, command: str | None) -> argparse.ArgumentParser | None:
        """The parser of subcommand ``command`` (None when there is none)."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and command in action.choices:
                chosen: argparse.ArgumentParser = action.choices[command]
                return chosen
        return None

    def format_usage(self) -> str:
        return _swedish_help(super().format_usage())

    def format_help(self) -> str:
        return _swedish_help(super().format_help())


def _long_options(target: argparse.ArgumentParser) -> list[str]:
    """``target``'s own long options (``--year``, ``--unit`` …)."""
    return [
        option
        for action in target._actions
        for option in action.option_strings
        if option.startswith("--")
    ]


def _closest(words: Sequence[str], target: argparse.ArgumentParser) -> tuple[str, str] | None:
    """(the word, ``target``'s option) for the first option-like word of ``words`` close to one
    of ``target``'s own long options (the part before any ``=``); None when none is close."""
    options = _long_options(target)
    for word in words:
        if not word.startswith("-"):
            continue
        name = word.split("=", 1)[0]
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        if close:
            return name, close[0]
    return None


def _swedish_help(text: str) -> str:
    for english, swedish in _HELP_WORDS:
        text = text.replace(english, swedish)
    return text


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. With ``only``, just that subcommand's module is imported: a no-op
    rebuild should not pay for pandas being imported by commands that are not running. With
    ``only`` naming no command (``""``), none is: ``workbook --help`` and a bad command word need
    only the commands' names and help texts."""
    main_parser = SwedishArgumentParser(
        prog="workbook", description="Bygg verksamhetsuppföljningen per enhet och år."
    )
    sub = main_parser.add_subparsers(
        dest="command", required=True, metavar="KOMMANDO", title="kommandon"
    )
    for name, module_name, help_text in COMMANDS:
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            # "module" has add_arguments/command; "module:x" has add_x_arguments/x_command.
            module_path, _, prefix = module_name.partition(":")
            module = importlib.import_module(module_path)
            add = f"add_{prefix}_arguments" if prefix else "add_arguments"
            getattr(module, add)(command_parser)
            command_parser.set_defaults(
                func=getattr(module, f"{prefix}_command" if prefix else "command")
            )
    return main_parser


def report_error(exc: WorkbookError) -> None:
    """Print an analyst-facing error without a traceback."""
    if isinstance(exc, DataError):
        print(f"Fel i underlaget ({len(exc.problems)} st):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        if exc.closing:
            print(exc.closing, file=sys.stderr)
    else:
        print(f"Fel: {safe_text(str(exc))}", file=sys.stderr)


class _PipeSafe:
    """A text stream that stops writing, quietly, once its reader has gone (``| head -1``).

    The command still finishes (a build still writes its index); the rest of its output goes
    to /dev/null, so no ``BrokenPipeError`` reaches the user, not even at exit.
    """

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._discard()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard()

    def _discard(self) -> None:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    """The command line; ``argv`` None: this process is the command (``sys.argv``)."""
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else argv
    installed_streams = _protect_streams()
    try:
        try:
            args = parser(_command_word(argv)).parse_args(argv)
        except SystemExit as exc:  # --help (0) or a bad argument (2, message already printed)
            return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
        return _run(args)
    except KeyboardInterrupt:  # Ctrl-C outside ``_run``'s own handling (its finally, say)
        print("Avbrutet.", file=sys.stderr)
        return 128 + signal.SIGINT
    finally:
        if installed_streams:
            _flush_quietly()
        if as_program:
            from helpers.core.startup import quick_exit

            quick_exit()


def _command_word(argv: list[str]) -> str:
    """The subcommand ``argv`` runs, or ``""`` when it names none (``--help``, a misspelt
    command): before the command word the main parser knows only ``-h``, so the first argument
    that is a command's name is the one argparse will run."""
    names = {name for name, _, _ in COMMANDS}
    return next((word for word in argv if word in names), "")


def _run(args: argparse.Namespace) -> int:
    from helpers.building.supervise import Interrupted, raise_on_termination, stop_requested

    previous = raise_on_termination() if _in_main_thread() else {}
    try:
        code = int(args.func(args))
        stopped = stop_requested() if previous else None
        if stopped is not None:  # its exception was swallowed on the way (see supervise)
            print("Avbrutet.", file=sys.stderr)
            return 128 + stopped
        return code
    except WorkbookError as exc:
        report_error(exc)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 128 + signal.SIGINT
    except Interrupted as exc:
        print("Avbrutet.", file=sys.stderr)
        return 128 + exc.signum
    except OSError as exc:  # the disk or the system, not the workbook: say which file
        print(f"Fel: {os_error_message(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def os_error_message(exc: OSError) -> str:
    """An operating-system error that reached the command line, in Swedish, naming the file."""
    from pathlib import Path

    from helpers.core.errors import display_path
    from helpers.core.paths import Project, os_error_text, write_error_text

    try:
        root = Project.current().root
    except WorkbookError:  # no project (WORKBOOK_ROOT names no folder): show paths as they are
        root = Path("/")
    if not exc.filename:
        name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
        return f"ett systemfel inträffade ({name}). Försök igen."
    path = Path(exc.filename)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) or (
        exc.errno in (errno.EACCES, errno.EPERM) and _refuses_writing(path)
    ):
        return write_error_text(exc, path, root)
    message, hint = os_error_text(exc)
    return f"{display_path(path, root)}: {message} — {hint}."


def _refuses_writing(path: Path) -> bool:
    """``path`` (or, when it does not exist, the folder it would be made in) may be read but not
    written: a permission error on it came from writing, and is said so."""
    target = path if os.path.lexists(path) else path.parent
    return os.access(target, os.R_OK) and not os.access(target, os.W_OK)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _protect_streams() -> bool:
    """Make stdout and stderr safe against a closed pipe (only for the real console streams)."""
    if isinstance(sys.stdout, _PipeSafe) or sys.stdout is not sys.__stdout__:
        return False
    sys.stdout = _PipeSafe(cast(TextIO, sys.stdout))
    if sys.stderr is sys.__stderr__:
        sys.stderr = _PipeSafe(cast(TextIO, sys.stderr))
    return True


def _flush_quietly() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


if __name__ == "__main__":
    sys.exit(main())
