"""A report as PDF: the HTML printed by Debian's headless Chromium, with JavaScript switched off.

Chromium applies the report's print stylesheet (A4, page breaks, repeated table headers, page
numbers in the page margin) and writes a tagged PDF — headings, tables and lists keep their
structure for screen readers, the language is ``sv`` — with the headings as bookmarks. The page
may load nothing from the network: every host name resolves to nothing while it prints.

**No script runs while printing.** A report never needs JavaScript, and a script that slipped
into one could otherwise hang the printer or rewrite the page it prints. Chromium's own
``--print-to-pdf`` stops working when scripts are disabled (it uses script to drive the page), so
the workbook drives Chromium over the DevTools protocol on a pipe (``--remote-debugging-pipe``,
no network port): it disables script execution for the page *before* loading the report
(``Emulation.setScriptExecutionDisabled``), waits for the load event and prints with
``Page.printToPDF``. One Chromium prints every pass of a report, and a :class:`Printer` kept open
prints many reports with it (a launch costs more than a print). Chromium runs in a process group of
its own, is killed whole when a print has not finished within ``TIMEOUT_SECONDS``, and receives
SIGKILL if the build itself dies.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from helpers.building.export import css_string
from helpers.building.pdf_finish import Metadata, contents_pages, finish, with_page_numbers
from helpers.core.errors import BuildError
from helpers.core.files import write_atomically
from helpers.parts.dates import format_date

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_SECONDS = 90
# What Debian's Chromium needs here to start headless as root without reaching for the network.
CHROMIUM_BASE_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
CHROMIUM_FLAGS = (
    "--headless",
    *CHROMIUM_BASE_FLAGS,
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
)
# Page.printToPDF: the report's own @page rules, backgrounds, no browser header or footer,
# tagged for screen readers, headings as bookmarks.
PRINT_OPTIONS = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "generateTaggedPDF": True,
    "generateDocumentOutline": True,
}


def find_chromium() -> Path:
    """Chromium's executable, or a ``BuildError`` that says how to install it."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return Path(found)
    raise BuildError(
        "PDF kan inte skapas: webbläsaren Chromium saknas (väntades i /usr/bin/chromium). "
        "Installera den med `apt-get install -y chromium` och bygg igen, eller bygg utan --pdf "
        "och skriv ut HTML-rapporten från en webbläsare."
    )


def print_command(chromium: Path, profile: Path) -> list[str]:
    """The command line of the Chromium that prints (driven over the DevTools pipe)."""
    return [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]


def printing_date() -> datetime.date:
    """The date the PDF's footer gives: today, or ``SOURCE_DATE_EPOCH`` (seconds since 1970,
    UTC) when set, so a rebuild can reproduce a PDF byte for byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def print_pdf(html_path: Path, pdf_path: Path, printed_on: datetime.date | None = None) -> None:
    """Print the report ``html_path`` to ``pdf_path`` (written aside, then renamed into place)
    with a Chromium of its own (:meth:`Printer.print_pdf`; a caller printing many reports can
    keep one :class:`Printer` for all of them). Raises ``BuildError``."""
    with Printer() as printer:
        printer.print_pdf(html_path, pdf_path, printed_on)


MAX_PASSES = 3


@dataclass(frozen=True)
class PrintedReport:
    """What the printer reads from a report: its metadata, headings and print texts."""

    source: str
    metadata: Metadata
    headings: list[tuple[str, str]]  # (id, text) of every h1–h6 in document order
    page_label: str  # what each page's foot says, without the date
    printed_label: str  # "Utskriven {datum}"
    page_word: str  # "sida", read before a page number in the contents
    # The whole foot, {datum} left to fill: the page label and the printed label side by side
    # as the definition puts them (``rapport.sida_vid_sida``, written by the export).
    page_foot: str = "{datum}"


def read_report(source: str) -> PrintedReport:
    """The report's title, kommun, subject and headings, as the template wrote them."""
    soup = BeautifulSoup(source, "html.parser")

    def meta(name: str, default: str = "") -> str:
        tag = soup.find("meta", attrs={"name": name})
        return str(tag.get("content", default)) if tag else default

    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    headings = [
        (str(h.get("id", "")), " ".join(h.get_text(" ").split()))
        for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
    ]
    language = soup.html.get("lang", "sv") if soup.html else "sv"
    return PrintedReport(
        source,
        Metadata(title, meta("author"), meta("description", title), str(language)),
        headings,
        meta("workbook-page-label", title),
        meta("workbook-printed", "{datum}"),
        meta("workbook-page-word", "sida"),
        meta("workbook-page-foot", meta("workbook-printed", "{datum}")),
    )


def print_copy(report: PrintedReport, printed_on: datetime.date) -> str:
    """The report with the printing date added to every page's foot (a print-only style), the
    date as a reader reads it (``dates.format_date``: ``15 februari 2017``)."""
    # The last {datum}: the printed label's, which ends the foot (a title's own braces stay).
    before, placeholder, after = report.page_foot.rpartition("{datum}")
    label = css_string(before + (format_date(printed_on) if placeholder else "") + after)
    style = f"<style>@media print {{ @page {{ @bottom-left {{ content: {label}; }} }} }}</style>"
    return report.source.replace("</head>", style + "\n</head>", 1)


class Printer:
    """One headless Chromium that prints reports one after another: all the passes of a report
    (:meth:`print_pdf`), and every report a caller gives it while it is open (a context
    manager). Chromium starts on the first print and ends on :meth:`close`; a print that fails
    or times out ends it, and the next print starts a fresh one. Each print pass has
    ``TIMEOUT_SECONDS``; scripts stay disabled for every page it loads."""

    def __init__(self) -> None:
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._session: _DevTools | None = None
        self._page = ""  # the DevTools session of the page that prints

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def print_pdf(
        self, html_path: Path, pdf_path: Path, printed_on: datetime.date | None = None
    ) -> None:
        """Print the report ``html_path`` to ``pdf_path`` (written aside, then renamed into
        place). Raises ``BuildError`` (no report, no Chromium, Chromium failed or timed out).

        A print copy of the report gets the printing date in its footer (the HTML itself
        carries no date, so it stays reproducible); it is printed, the page of each heading
        read back and written into the contents, and printed again until the numbers hold (at
        most ``MAX_PASSES``). ``pdf_finish`` then adds metadata, artifacts, figure tags and
        bookmark titles.
        """
        html_path, pdf_path = Path(html_path), Path(pdf_path)
        if not html_path.is_file():
            raise BuildError(f"PDF kan inte skapas: rapporten {html_path.name} finns inte.")
        if self._session is None:
            find_chromium()
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        report = read_report(html_path.read_text(encoding="utf-8"))
        document = print_copy(report, printed_on or printing_date())
        pages: dict[str, int] = {}
        for number in range(1, MAX_PASSES + 1):
            # Beside the report, so its relative links resolve as the report's do; a name of
            # its own for each pass, so no pass can be served the page of the one before.
            copy = html_path.with_name(f".{html_path.stem}.utskrift-{number}.html")
            try:
                copy.write_text(
                    with_page_numbers(document, pages, report.page_word), encoding="utf-8"
                )
                data = self._print(copy)
            finally:
                copy.unlink(missing_ok=True)
            printed = contents_pages(data, report.headings)
            if printed == pages:
                break
            pages = printed
        data = finish(data, report.metadata, [text for _, text in report.headings])
        write_atomically(pdf_path, data)

    def _print(self, html_path: Path) -> bytes:
        """``html_path`` printed by the open Chromium (started first if none is); the PDF."""
        try:
            session = self._session or self._start(html_path.name)
            session.deadline = time.monotonic() + TIMEOUT_SECONDS
            session.name = html_path.name
            # The previous page's load event was read before it printed: any one from now on
            # is this page's.
            session.events.clear()
            session.call("Page.navigate", self._page, url=html_path.resolve().as_uri())
            session.wait_for("Page.loadEventFired", self._page)
            data = session.call("Page.printToPDF", self._page, **PRINT_OPTIONS)["data"]
        except BaseException:
            self.close()
            raise
        return base64.b64decode(data)

    def _start(self, name: str) -> _DevTools:
        """Chromium started on a fresh profile, its page attached with scripts disabled."""
        from helpers.building.supervise import parent_death_signal

        chromium = find_chromium()
        self._scratch = tempfile.TemporaryDirectory(prefix=f"workbook-pdf-{os.getpid()}-")
        command = print_command(chromium, Path(self._scratch.name) / "profil")
        to_browser, from_us = os.pipe()
        to_us, from_browser = os.pipe()

        def in_child() -> None:  # the DevTools pipe is fd 3 (commands) and fd 4 (answers)
            parent_death_signal(signal.SIGKILL)
            commands = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
            answers = fcntl.fcntl(from_browser, fcntl.F_DUPFD, 10)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(3, 4),
                start_new_session=True,
                preexec_fn=in_child,  # noqa: PLW1509 - only async-signal-safe calls
            )
        finally:
            os.close(to_browser)
            os.close(from_browser)
        session = _DevTools(from_us, to_us, time.monotonic() + TIMEOUT_SECONDS, name)
        self._session = session
        targets = session.call("Target.getTargets")["targetInfos"]
        page = next(t["targetId"] for t in targets if t.get("type") == "page")
        self._page = session.call("Target.attachToTarget", targetId=page, flatten=True)["sessionId"]
        session.call("Emulation.setScriptExecutionDisabled", self._page, value=True)
        session.call("Page.enable", self._page)
        return session

    def close(self) -> None:
        """End Chromium (the whole process group) and remove its profile; idempotent."""
        session, process, scratch = self._session, self._process, self._scratch
        self._session, self._process, self._scratch = None, None, None
        if session is not None:
            with contextlib.suppress(BuildError, OSError):
                session.send("Browser.close")
            session.close()
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
            # The whole group: the browser if it did not close, helper processes it may have
            # left.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if scratch is not None:
            scratch.cleanup()


class _DevTools:
    """The DevTools protocol over Chromium's pipe: JSON messages separated by NUL bytes."""

    def __init__(self, write_fd: int, read_fd: int, deadline: float, name: str):
        self.write_fd, self.read_fd = write_fd, read_fd
        self.deadline = deadline
        self.name = name
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> int:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.write_fd, data) :]
        except OSError:
            raise self._failed("webbläsaren avslutades oväntat") from None
        return self.next_id

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        wanted = self.send(method, session, **params)
        while True:
            message = self._receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise self._failed(f"{method}: {message['error'].get('message', '')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, session: str) -> None:
        while True:
            for message in self.events:
                if message.get("method") == event and message.get("sessionId") == session:
                    return
            self.events.clear()
            message = self._receive()
            if "method" in message:
                self.events.append(message)

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise BuildError(
                    f"PDF kan inte skapas: Chromium blev inte klar med {self.name} på "
                    f"{TIMEOUT_SECONDS} sekunder."
                )
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise self._failed("webbläsaren avslutades oväntat")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def _failed(self, detail: str) -> BuildError:
        return BuildError(
            f"PDF kan inte skapas: Chromium kunde inte skriva ut {self.name} ({detail})."
        )

    def close(self) -> None:
        for fd in (self.write_fd, self.read_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
