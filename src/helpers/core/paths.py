"""Where everything lives. The one place that knows the project layout.

The project root is ``WORKBOOK_ROOT`` when set (benchmarks and tests build synthetic units in a
temporary folder without touching ``data/``; a kommun may keep its data on a shared drive and
point ``WORKBOOK_ROOT`` there); else the nearest folder at or above the working directory that
holds ``data/`` and ``params/`` (so a copy of a project works on the copy); else the repository
the package runs from (an editable install, ``pip install -e .``, run from elsewhere). A package
installed with ``pip install .`` works from inside a project and refuses, loudly, anywhere else.

**The data-root rule.** Every input the workbook reads — params, tables, narrative, folders it
walks — must resolve inside the project root. A symbolic link is followed only when its target is
inside the root too; one that points elsewhere (``text/handelser.md -> /etc/passwd``) is refused
with a ``DataError`` naming the file, before anything is read. ``input_file``, ``read_input`` and
``input_files`` are the only ways code reads or walks inputs.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import helpers
from helpers.core import read_log
from helpers.core.errors import DataError, ParameterError, Problem, display_path

PACKAGE_DIR = Path(helpers.__file__).resolve().parent  # wherever this module lies in it
REPO_ROOT = PACKAGE_DIR.parent.parent

_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SECTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_PERIOD_ID = re.compile(r"^[a-z][a-z0-9]{0,19}$")

# The year-end period (helår): its reports keep the paths a year has always had
# (params/<år>/<enhet>.yaml, data/<år>/<enhet>/, reports/<år>/<enhet>.html). Every other period
# (delår, tertial1 …) has one folder more under the year: params/<år>/<period>/<enhet>.yaml,
# data/<år>/<period>/<enhet>/, build/<år>/<period>/<enhet>/, reports/<år>/<period>/<enhet>.html.
YEAR_END = "helar"
# The consolidated report of a year and period lives where a unit would (data/<år>/kommun/,
# reports/<år>/kommun.html), so no unit may have this id.
CONSOLIDATED = "kommun"


# The report years every command accepts (check_year): Kolada's series and the kommuner's
# digital reports begin in the 1990s; the upper bound only catches typing errors.
FIRST_YEAR = 1990
LAST_YEAR = 2100


def check_year(year: int | str) -> int:
    """A report year as an int, ``FIRST_YEAR``–``LAST_YEAR``.

    Raises ``ParameterError`` (Swedish) for anything that is not four digits, and, naming the
    range, for a four-digit year outside it."""
    text = str(year).strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ParameterError(f"Året {text!r} är inte ett år — ange fyra siffror, t.ex. 2016.")
    if not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ParameterError(
            f"Året {text} ligger utanför de år som går att ange ({FIRST_YEAR}–{LAST_YEAR}) "
            "— kontrollera årtalet, t.ex. 2016."
        )
    return int(text)


def check_unit(unit: str) -> str:
    """A unit id that is safe to use in a path: lower-case letters, digits and hyphens."""
    if not isinstance(unit, str) or not _UNIT_ID.fullmatch(unit):
        raise ParameterError(
            f"Enheten {unit!r} är inget giltigt enhets-id — använd små bokstäver a–z, siffror "
            "och bindestreck, t.ex. klk."
        )
    return unit


def check_section(section: str) -> str:
    """A section id of the report definition, such as ``kf_mal``."""
    if not isinstance(section, str) or not _SECTION_ID.fullmatch(section):
        raise ParameterError(
            f"Avsnittet {section!r} finns inte — ange ett avsnitts-id som kf_mal "
            "(se `workbook build --dry-run`)."
        )
    return section


def check_period(period: str) -> str:
    """A period id that is safe in a path: ``helar``, ``delar``, ``tertial1`` (a–z, digits)."""
    if not isinstance(period, str) or not _PERIOD_ID.fullmatch(period):
        raise ParameterError(
            f"Perioden {period!r} är ingen giltig period — ange ett id med små bokstäver a–z och "
            f"siffror, t.ex. {YEAR_END} (helår) eller delar (delår)."
        )
    return period


def period_order(periods: Iterable[str]) -> list[str]:
    """Periods in the order an operator works them: helår first, then the others by id."""
    return sorted(set(periods), key=lambda p: (p != YEAR_END, p))


def periods_of_unit(
    project: Project, years: Iterable[int], unit: str | None, periods: list[str]
) -> list[str]:
    """Of ``periods`` (several, none asked for by name), those in which ``unit`` has a params
    file for one of ``years``: a unit with a helår report but no delår yet is built and checked
    for helår only. All of them when no unit is named or the unit has none (so the missing file
    is reported)."""
    if unit is None or unit == CONSOLIDATED or len(periods) < 2:
        return periods
    years = list(years)
    own = [
        period
        for period in periods
        if any(os.path.lexists(project.for_period(period).params_file(y, unit)) for y in years)
    ]
    return own or periods


def is_project(folder: Path) -> bool:
    """A folder that holds a workbook project's inputs."""
    return (folder / "data").is_dir() and (folder / "params").is_dir()


def find_root() -> Path:
    """The project root when ``WORKBOOK_ROOT`` is not set (see the module docstring)."""
    here = Path.cwd().resolve()
    # The project the command is run in comes first: a copy of a project (a test copy, next
    # year's draft) is never silently served by the repository the package was installed from.
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    if (REPO_ROOT / "pyproject.toml").is_file() and is_project(REPO_ROOT):
        return REPO_ROOT
    raise ParameterError(
        f"Hittar inget projekt: varken {here} eller mappar ovanför har data/ och params/, och "
        "workbook är installerat utanför projektets mapp (pip install utan -e). Kör kommandot i "
        "projektmappen, sätt WORKBOOK_ROOT till den, eller installera med `pip install -e .`."
    )


def named_root(value: str) -> Path:
    """The project folder ``WORKBOOK_ROOT`` names, resolved. A ``ParameterError`` (exit 2)
    when it does not exist or is not a folder: every command says so before it looks for
    ``params/`` or ``data/rapport.yaml`` inside it."""
    path = Path(value).expanduser()
    try:
        is_folder = path.is_dir()
        exists = is_folder or path.exists()
    except OSError:
        is_folder = exists = False
    if not is_folder:
        what = "är ingen mapp (en fil)" if exists else "finns inte"
        raise ParameterError(
            f"Mappen som WORKBOOK_ROOT anger, {value}, {what}. Sätt WORKBOOK_ROOT till "
            "projektets mapp (den som har data/ och params/), eller ta bort variabeln "
            "(`unset WORKBOOK_ROOT`) och kör kommandot i projektmappen."
        )
    return path.resolve()


@dataclass(frozen=True)
class Project:
    """The folders of one workbook project, seen for one period (``helar`` unless given).

    ``data``, ``params``, ``reports`` and ``build`` are the project's folders; the per-report
    paths (``params_file``, ``unit_data``, ``report_file``, ``executed_dir``, ``params_dir``)
    are those of the period (see :data:`YEAR_END`). ``for_period`` gives the same project seen
    for another period.
    """

    root: Path
    period: str = YEAR_END

    @classmethod
    def current(cls, period: str = YEAR_END) -> Project:
        root = os.environ.get("WORKBOOK_ROOT")
        return cls(named_root(root) if root else find_root(), check_period(period))

    def for_period(self, period: str) -> Project:
        return Project(self.root, check_period(period))

    @property
    def is_year_end(self) -> bool:
        return self.period == YEAR_END

    def _period_part(self, year: int) -> Path:
        part = Path(str(check_year(year)))
        return part if self.is_year_end else part / self.period

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def params(self) -> Path:
        return self.root / "params"

    def emptiness_note(self) -> str:
        """A sentence for messages about missing years or units when the root has neither
        ``data/`` nor ``params/``: most likely not the project folder at all (a mistyped
        ``WORKBOOK_ROOT``, or a command run in another folder); else empty."""
        if self.data.exists() or self.params.exists():
            return ""
        named = " (WORKBOOK_ROOT)" if os.environ.get("WORKBOOK_ROOT") else ""
        return (
            f" Projektmappen {self.root.as_posix()}{named} har varken data/ eller params/ — "
            "är det rätt mapp? Sätt WORKBOOK_ROOT till projektets mapp eller kör kommandot där."
        )

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def notebooks(self) -> Path:
        """The section notebooks: the project's own ``notebooks/`` if it has one, else those of
        the repository the package runs from (they are code that comes with the workbook)."""
        own = self.root / "notebooks"
        if own.is_dir() or not (REPO_ROOT / "notebooks").is_dir():
            return own
        return REPO_ROOT / "notebooks"

    def params_dir(self, year: int) -> Path:
        """The folder of the period's params files for ``year``."""
        return self.params / self._period_part(year)

    def unit_data(self, year: int, unit: str) -> Path:
        return self.data / self._period_part(year) / check_unit(unit)

    def params_file(self, year: int, unit: str) -> Path:
        return self.params_dir(year) / f"{check_unit(unit)}.yaml"

    def report_file(self, year: int, unit: str) -> Path:
        return self.reports / self._period_part(year) / f"{check_unit(unit)}.html"

    def executed_dir(self, year: int, unit: str) -> Path:
        return self.build / self._period_part(year) / check_unit(unit)

    def periods_of_year(self, year: int) -> list[str]:
        """The periods of ``year`` that have params: ``helar`` when ``params/<år>/`` holds a
        params file, and each period folder ``params/<år>/<period>/`` that holds one."""
        folder = self.params / str(check_year(year))
        if not folder.is_dir():
            return []
        found = [YEAR_END] if any(folder.glob("*.yaml")) else []
        for sub in sorted(folder.iterdir()):
            if (
                sub.is_dir()
                and sub.name != YEAR_END
                and _PERIOD_ID.fullmatch(sub.name)
                and any(sub.glob("*.yaml"))
            ):
                found.append(sub.name)
        return found


# ------------------------------------------------------------------------------------- inputs

# No input the workbook reads is anywhere near this big; a larger file is a mistake (or an
# attack) and is refused before it is read, so memory stays bounded.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def _shown(path: Path, root: Path) -> str:
    """``path`` as the analyst knows it, without resolving symbolic links (the link's own name)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return absolute.as_posix()


def input_file(path: Path, root: Path) -> Path:
    """``path`` resolved, after checking that it stays inside the project ``root``.

    Raises ``DataError`` naming the file (as the analyst wrote it, not its target) when the path
    or a symbolic link on the way leads outside the root.
    """
    resolved = Path(os.path.realpath(path))
    real_root = Path(os.path.realpath(root))
    if resolved != real_root and not resolved.is_relative_to(real_root):
        raise DataError(
            [
                Problem(
                    _shown(path, root),
                    f"pekar utanför projektet (till {resolved.as_posix()}) och läses inte",
                    hint="lägg filen i projektets mapp i stället för en genväg (symbolisk länk) "
                    f"dit; projektets mapp är {real_root.as_posix()} (WORKBOOK_ROOT)",
                )
            ]
        )
    return resolved


def readable_file(path: Path, root: Path) -> Path:
    """``path`` resolved, after checking that it is inside ``root``, a regular file, and can be
    opened for reading — a ``DataError`` naming it otherwise (see ``read_input``). For readers
    that open the file themselves (CSV and Excel tables)."""
    resolved = input_file(path, root)
    try:
        info = resolved.stat()
        if stat.S_ISDIR(info.st_mode):
            raise OSError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise DataError(
                [Problem(_shown(path, root), "är ingen vanlig fil och läses inte",
                         hint="ersätt den med en vanlig fil")]
            )  # fmt: skip
        os.close(os.open(resolved, os.O_RDONLY | os.O_NONBLOCK))
    except OSError as exc:
        message, hint = os_error_text(exc)
        raise DataError([Problem(_shown(path, root), message, hint=hint)]) from None
    read_log.record_file(path)
    return resolved


def read_input(path: Path, root: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of an input file inside ``root``; a ``DataError`` naming it for anything else.

    Refused, without reading: a path outside the root, a folder, anything but a regular file (a
    named pipe would block forever), a file larger than ``max_bytes``, a file without read
    permission, and any other error of the operating system.
    """
    shown = _shown(path, root)
    resolved = input_file(path, root)

    def refuse(message: str, hint: str | None = None) -> DataError:
        return DataError([Problem(shown, message, hint=hint)])

    try:
        info = resolved.stat()
        if stat.S_ISDIR(info.st_mode):
            raise refuse("är en mapp, men här ska det vara en fil", "ta bort eller döp om mappen")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("är ingen vanlig fil och läses inte", "ersätt den med en vanlig fil")
        if info.st_size > max_bytes:
            raise refuse(
                f"filen är för stor ({_megabytes(info.st_size)}; högst {_megabytes(max_bytes)})",
                "kontrollera att det är rätt fil",
            )
        with open(resolved, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except DataError:
        raise
    except OSError as exc:
        raise refuse(*os_error_text(exc)) from None
    if len(data) > max_bytes:  # it grew while being read
        raise refuse(f"filen är för stor (mer än {_megabytes(max_bytes)})")
    read_log.record_bytes(path, data)
    return data


def input_files(
    folder: Path, root: Path, suffix: str | None = None, problems: list[Problem] | None = None
) -> list[Path]:
    """Every regular file under ``folder`` (recursively, sorted), each checked to be in ``root``.

    Symbolic links are followed only when they lead inside the root; a folder reached twice
    through links is walked once. A link out of the root, or a folder that cannot be listed, is a
    ``DataError`` naming it — or, when ``problems`` is given, a problem added there and skipped.
    """
    if not os.path.lexists(folder):
        return []
    found: list[Path] = []
    seen: set[str] = set()

    def check(path: Path) -> bool:
        try:
            input_file(path, root)
        except DataError as exc:
            if problems is None:
                raise
            problems.extend(exc.problems)
            return False
        return True

    if not check(Path(folder)):
        return []

    def walk(current: Path) -> None:
        real = os.path.realpath(current)
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except NotADirectoryError:
            return
        except OSError as exc:
            message, hint = os_error_text(exc, folder=True)
            problem = Problem(_shown(current, root) + "/", message, hint=hint)
            if problems is None:
                raise DataError([problem]) from None
            problems.append(problem)
            return
        for entry in entries:
            path = current / entry.name
            if entry.is_symlink() and not check(path):
                continue
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                walk(path)
            elif is_file and (suffix is None or path.suffix == suffix):
                found.append(path)

    walk(Path(folder))
    return found


def os_error_text(exc: OSError, *, folder: bool = False) -> tuple[str, str]:
    """A Swedish message and hint for an operating-system error on a file or folder."""
    what = "mappen" if folder else "filen"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"{what} går inte att läsa: behörighet saknas",
            f"be den som äger {what} om läsrätt, eller kopiera den till en plats du kan läsa",
        )
    if exc.errno == errno.EISDIR:
        return ("är en mapp, men här ska det vara en fil", "ta bort eller döp om mappen")
    if exc.errno == errno.ENOTDIR:
        return ("är en fil, men här ska det vara en mapp", "ta bort eller döp om filen")
    if exc.errno == errno.ENOENT:
        return (f"{what} finns inte (längre)", "kontrollera sökvägen")
    if exc.errno == errno.ELOOP:
        return ("är en genväg som pekar på sig själv", "ta bort genvägen")
    if exc.errno == errno.ENAMETOOLONG:
        return ("namnet eller sökvägen är för lång", "lägg projektet i en mapp med kortare sökväg")
    if exc.errno == errno.EIO:
        return (
            f"{what} går inte att läsa: disken svarade med ett läsfel",
            "kontrollera disken (eller nätverksmappen) och försök igen",
        )
    name = errno.errorcode.get(exc.errno or 0, "okänt fel")
    return (f"{what} går inte att läsa (systemfel {name})", "kontrollera filen och försök igen")


def write_error_text(exc: OSError, path: Path, root: Path, *, folder: bool = False) -> str:
    """A Swedish message for an operating-system error while writing ``path`` (the file or,
    ``folder``, the folder the analyst knows: never a temporary file). Every common ``errno``
    has its own reason and what to do; any other is named by its ``errno`` name (``EIO``), never
    by the operating system's English text. A ``folder`` is shown as one (``build/``), not as
    the helper file the command tried to make there (its lock, a probe)."""
    shown = display_path(path, root) + ("/" if folder else "")
    code = exc.errno
    if code == errno.ENOSPC:
        return f"Disken är full: {shown} kunde inte skrivas. Frigör utrymme och kör igen."
    if code == errno.EDQUOT:
        return f"Diskkvoten är slut: {shown} kunde inte skrivas. Frigör utrymme och kör igen."
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"{shown} kunde inte skrivas: skrivrätt saknas. Ge skrivrätt till mappen eller kör "
            "som en användare som har det."
        )
    if code == errno.EROFS:
        return (
            f"{shown} kunde inte skrivas: disken är skrivskyddad. Skriv till en disk som går att "
            "skriva på, eller be den som sköter disken att göra den skrivbar."
        )
    in_the_way = _file_in_the_way(path if folder else path.parent)
    if not folder and (code == errno.EISDIR or (code == errno.EEXIST and path.is_dir())):
        return (
            f"{shown} kunde inte skrivas: det är en mapp, men här ska det vara en fil. Ta bort "
            "mappen eller döp om den och kör igen."
        )
    if code in (errno.ENOTDIR, errno.EEXIST) and in_the_way is not None:
        blocker = "det" if in_the_way == path else display_path(in_the_way, root)
        return (
            f"{shown} kunde inte skrivas: {blocker} är en fil, men här ska det vara en mapp. Ta "
            "bort filen eller döp om den och kör igen."
        )
    if code == errno.EEXIST:
        return f"{shown} kunde inte skrivas: den finns redan. Ta bort den eller döp om den."
    reason = WRITE_REASONS.get(code or 0)
    if reason is not None:
        return f"{shown} kunde inte skrivas: {reason}."
    name = errno.errorcode.get(code or 0, "okänt fel")
    return (
        f"{shown} kunde inte skrivas (systemfel {name}). Kontrollera mappen och disken och kör "
        "igen."
    )


# Reasons (and what to do) for the less common errors of a write, in the analyst's words.
WRITE_REASONS = {
    errno.ENOTDIR: "en del av sökvägen är inte en mapp. Kontrollera sökvägen",
    errno.ENOENT: "mappen finns inte (längre). Kontrollera sökvägen och kör igen",
    errno.ENAMETOOLONG: (
        "namnet eller sökvägen är för lång för disken. Lägg projektet i en mapp med kortare sökväg"
    ),
    errno.ELOOP: "sökvägen går genom en genväg som pekar på sig själv. Ta bort genvägen",
    errno.EINVAL: "namnet går inte att använda på den här disken. Lägg projektet på en annan disk",
    errno.EBUSY: "filen används av ett annat program. Stäng programmet och kör igen",
    errno.ETXTBSY: "filen används av ett annat program. Stäng programmet och kör igen",
    errno.EMFILE: "för många filer är öppna. Stäng andra program och kör igen",
    errno.ENFILE: "för många filer är öppna. Stäng andra program och kör igen",
    errno.EFBIG: "filen blev större än disken tillåter",
    errno.EIO: "disken svarade med ett läs- eller skrivfel. Kontrollera disken (eller "
    "nätverksmappen) och kör igen",
    errno.ESTALE: "nätverksmappen är inte längre tillgänglig. Anslut den igen och kör igen",
}


def _file_in_the_way(folder: Path) -> Path | None:
    """The first of ``folder`` and the folders above it that exists but is not a folder: the
    file that stands where a folder must be (``reports`` as a plain file); None if none."""
    for candidate in [*reversed(folder.parents), folder]:
        try:
            is_dir = candidate.is_dir()
            exists = is_dir or candidate.exists() or candidate.is_symlink()
        except OSError:
            return None
        if not exists:
            return None
        if not is_dir:
            return candidate
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")
