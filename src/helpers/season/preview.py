"""``workbook preview``: one unit's report on localhost, rebuilt as the analyst saves files.

The preview watches ``data/``, ``params/`` and ``notebooks/`` (``watchfiles``). After each save
it plans the unit like a build (``build_plan``: only the sections whose recorded inputs changed
run), runs those sections in one kernel kept warm for the whole session
(``execute.SectionRunner``) while it validates the unit beside it (a section that read data with
problems is not exported, and runs again once they are fixed), and re-exports the report in this
process (nbconvert stays imported, parsed fragments and drawn charts are kept: ``render_cache``).
The browser page reloads itself.

**The page.** The published report forbids scripts (its Content-Security-Policy), so it is never
changed: the preview serves its own small page (``/``) that shows the report in an ``<iframe>``
(``/rapport``) and listens for server-sent events (``/handelser``); on a new report it reloads
the frame and keeps the reader's scroll position. When the data has problems the page shows the
same Swedish problem list ``workbook validate`` prints (file, row, column, what to do) above the
last good report, which stays visible; fixing the file clears the list.

**Ending.** Ctrl-C or SIGTERM stops the watcher, the server and the kernel (its whole process
group and its temporary folder); nothing the preview started outlives it.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from helpers.building.arguments import period_argument, port_argument, year_argument
from helpers.core.errors import BuildLocked, ParameterError, WorkbookError, safe_text
from helpers.core.paths import (
    REPO_ROOT,
    YEAR_END,
    Project,
    check_period,
    check_unit,
    check_year,
    write_error_text,
)

# How long the watcher waits for more changes after the first one (ms): one save is often
# several file events (editor temp file, rename); this groups them without delaying the build.
WATCH_STEP_MS = 50
WATCH_DEBOUNCE_MS = 400
RETRY_SECONDS = 1.0  # another build holds the lock: try again after this long
# Kinds of section whose parts a kernel remembers between runs (``parts.remembered``): the
# preview runs them once on its kernel before the first edit (``Preview.prime``).
PRIMED_KINDS = ("mal",)

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


@dataclass
class PreviewState:
    """What the page shows: the report's version, the problems, the state of the last rebuild."""

    version: int = 0  # increases with every new report
    status: str = "Bygger rapporten …"
    problems: list[str] = field(default_factory=list)
    busy: bool = True
    seconds: float | None = None  # the last rebuild, from the change to the new report
    rebuilt: list[str] = field(default_factory=list)  # sections the last rebuild ran
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step of the last one
    watching: bool = False  # the watcher runs: from now on every save is seen

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


class Preview:
    """One unit-year's live preview: the watcher, the warm kernel and the state the page reads."""

    def __init__(self, project: Project, year: int, unit: str):
        from helpers.building.execute import SectionRunner

        self.project = project
        self.year = year
        self.unit = unit
        self.state = PreviewState()
        self.changed = threading.Condition()
        self.stop_event = threading.Event()
        self.pending = threading.Event()  # files changed since the last rebuild began
        self.runner = SectionRunner(env={"WORKBOOK_ROOT": str(project.root)})
        self._threads: list[threading.Thread] = []
        # The report file as the page last saw it (its stat): a build in another terminal that
        # rewrites it is noticed, and the page reloads (``notice_report_change``).
        self._report_seen: tuple[int, int, int] | None = None

    def _report_stamp(self) -> tuple[int, int, int] | None:
        try:
            found = os.stat(self.project.report_file(self.year, self.unit))
        except OSError:
            return None
        return (found.st_mtime_ns, found.st_size, found.st_ino)

    def notice_report_change(self) -> None:
        """A new version for the page when the report file changed since it last saw it (a
        ``workbook build`` in another terminal wrote it): the page reloads the report."""
        stamp = self._report_stamp()
        with self.changed:
            if stamp is None or stamp == self._report_seen:
                return
            self._report_seen = stamp
            self.state.version += 1
            self.changed.notify_all()

    # ---------------------------------------------------------------------------- rebuilding

    def publish(self, **changes: Any) -> None:
        with self.changed:
            for name, value in changes.items():
                setattr(self.state, name, value)
            self.changed.notify_all()

    def rebuild(self, started: float | None = None) -> None:
        """Bring the report up to date; the problems or failures go to the page, never raise
        for what is wrong in the data."""
        from helpers.building.build import export_unit, record_success, stale_sections
        from helpers.building.build_plan import plan_build
        from helpers.building.buildlock import build_lock
        from helpers.building.validate import validate_unit
        from helpers.data.fingerprint import Fingerprinter

        started = started or time.perf_counter()
        timings: dict[str, float] = {}
        mark = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            timings[name] = round(timings.get(name, 0.0) + now - mark, 3)
            mark = now

        self.publish(busy=True)
        try:
            with build_lock(self.project):
                (plan,) = plan_build(self.project, [self.year], self.unit)
                lap("plan")
                report = self.project.report_file(self.year, self.unit)
                if not plan.to_run and not plan.report_reason and report.is_file():
                    self.notice_report_change()  # another build may have written it
                    self.publish(busy=False, problems=[], status="Rapporten är aktuell.")
                    return
                # Validation runs beside the kernel (two processes, two cores); what a section
                # computed from data with problems is thrown away below, never exported.
                checked: dict[str, Any] = {}
                validation = threading.Thread(
                    target=self._validate,
                    args=(validate_unit, checked),
                    name="preview-validate",
                    daemon=True,
                )
                validation.start()
                fingerprinter = Fingerprinter(self.project)
                failures = []
                ran = []
                for section in plan.to_run:
                    if self.stop_event.is_set():
                        return
                    self.publish(status=f"Kör {section.name} …")
                    failure = self.runner.run(
                        section.notebook, section.output, section.parameters, REPO_ROOT
                    )
                    if self.stop_event.is_set():  # stopped mid-run: the earlier results stay
                        return
                    lap("sections")
                    ran.append(section)
                    if failure is None:
                        record_success(fingerprinter, plan, section)
                    else:
                        section.fingerprint_file.unlink(missing_ok=True)
                        failures.append(f"avsnittet {section.name}: {failure.last_line}")
                validation.join()
                lap("validate")
                if "error" in checked:
                    raise checked["error"]
                problems = checked["problems"]
                if problems:
                    for section in ran:  # it read data with problems: run it again once fixed
                        section.fingerprint_file.unlink(missing_ok=True)
                    self.publish(
                        busy=False,
                        problems=[str(p) for p in problems],
                        status=f"{len(problems)} fel i underlaget — rapporten nedan är den "
                        "senaste som byggdes utan fel.",
                    )
                    return
                if failures or stale_sections(plan):
                    self.publish(
                        busy=False,
                        problems=failures or ["avsnitt är inte aktuella"],
                        status="Avsnitt misslyckades — rapporten nedan är den senaste hela.",
                    )
                    return
                export_unit(self.project, fingerprinter, plan)
                lap("export")
        except BuildLocked:
            self.publish(status="Ett annat bygge pågår; försöker igen strax …")
            if not self.stop_event.wait(RETRY_SECONDS):
                self.rebuild(started)
            return
        except WorkbookError as exc:
            found = getattr(exc, "problems", None)
            self.publish(
                busy=False,
                problems=[str(p) for p in found] if found else [str(exc)],
                status="Fel i underlaget — rapporten nedan är den senaste som byggdes utan fel.",
            )
            return
        except OSError as exc:  # build/ or reports/ cannot be written (now): say so, keep going
            self.show_write_error(exc)
            return
        self._report_seen = self._report_stamp()
        self.publish(
            busy=False,
            problems=[],
            version=self.state.version + 1,
            seconds=round(time.perf_counter() - started, 3),
            rebuilt=[s.name for s in plan.to_run],
            timings=timings,
            status=f"Uppdaterad ({', '.join(s.name for s in plan.to_run) or 'export'}).",
        )

    def show_write_error(self, exc: OSError) -> None:
        """A file the preview writes could not be written: the Swedish reason on the page, the
        last good report below it; the next save tries again."""
        where = Path(exc.filename) if exc.filename else self.project.reports
        self.publish(
            busy=False,
            problems=[write_error_text(exc, where, self.project.root)],
            status="Rapporten kunde inte skrivas — rapporten nedan är den senaste som byggdes "
            "utan fel. Rätta felet och spara igen.",
        )

    def _guarded(self, step: Any, *args: Any) -> None:
        """Run one build step; whatever goes wrong is shown on the page (never a traceback in
        the terminal) and the preview goes on watching."""
        try:
            step(*args)
        except OSError as exc:
            self.show_write_error(exc)
        except Exception as exc:  # a bug: say it on the page, keep serving the last report
            self.publish(
                busy=False,
                problems=[
                    f"Förhandsgranskningen kunde inte bygga rapporten ({type(exc).__name__}: "
                    f"{safe_text(str(exc), keep_newlines=False)}). "
                    "Spara igen för att försöka på nytt."
                ],
                status="Fel vid bygget — rapporten nedan är den senaste som byggdes utan fel.",
            )

    def _validate(self, validate_unit: Any, checked: dict[str, Any]) -> None:
        try:
            checked["problems"] = validate_unit(self.project, self.year, self.unit)
        except BaseException as exc:  # re-raised in the rebuild's own thread
            checked["error"] = exc

    def watch(self) -> None:
        """Flag every batch of changes under data/, params/ and notebooks/ for the builder; the
        page says ``watching`` once the watcher is running (an edit before that is not seen)."""
        import watchfiles

        folders = [
            p
            for p in (self.project.data, self.project.params, self.project.notebooks)
            if p.is_dir()
        ]
        for changes in watchfiles.watch(
            *folders,
            stop_event=self.stop_event,
            step=WATCH_STEP_MS,
            debounce=WATCH_DEBOUNCE_MS,
            watch_filter=_inputs_only,
            raise_interrupt=False,
            rust_timeout=500,  # how often it looks at stop_event: Ctrl-C ends it quickly
            yield_on_timeout=True,  # the first (empty) batch: the watcher is running
        ):
            if self.stop_event.is_set():
                break
            if not self.state.watching:
                self.publish(watching=True)
            if changes:
                self.pending.set()

    def build_loop(self) -> None:
        """The first build, then one rebuild per batch of changes (those made during a rebuild
        are picked up by the next)."""
        self._guarded(self.first_build)
        while not self.stop_event.is_set():
            if self.pending.wait(0.5):
                self.pending.clear()
                self._guarded(self.rebuild, time.perf_counter())
            elif not self.state.busy:
                self.notice_report_change()  # a build in another terminal wrote the report

    def first_build(self) -> None:
        """Bring the report up to date as ``workbook build`` would (every stale section, on a
        pool of worker kernels), while the preview's own kernel starts and warms up beside it;
        later rebuilds run on that kernel."""
        from helpers.building.build import build_years

        started = time.perf_counter()
        warm = threading.Thread(target=self._warm_up, name="preview-kernel", daemon=True)
        warm.start()
        try:
            # As many kernels as a build starts (``cpus.default_jobs``), none left warm: the
            # preview keeps one of its own.
            result = build_years([self.year], self.unit, self.project, warm=0)
        except (BuildLocked, WorkbookError, OSError):
            result = None  # rebuild() below says what is wrong (or waits for the lock)
        warm.join()
        if result is not None and not result.failed:
            self._report_seen = self._report_stamp()
            if self.state.version == 0:
                self.publish(version=1)
            self.prime()  # still busy: the page and a waiting editor see it as the start
        self.rebuild(started)

    def prime(self) -> None:
        """Run the unit's goal sections once on the preview's own kernel before the first edit
        (part of the first build: the page says it is busy), so that it remembers their goals
        (``parts.remembered``) and the first save of a goal text is as quick as the next ones.
        The sections are current: what they write is what they wrote. Stops as soon as a file
        is saved (that rebuild comes first)."""
        from helpers.building.build import record_success
        from helpers.building.build_plan import plan_build
        from helpers.building.buildlock import build_lock
        from helpers.data.fingerprint import Fingerprinter

        if self.pending.is_set():
            return
        self.publish(status="Förbereder förhandsgranskningen …")
        try:
            with build_lock(self.project):
                (plan,) = plan_build(self.project, [self.year], self.unit)
                fingerprinter = Fingerprinter(self.project)
                for section in plan.sections:
                    if section.kind not in PRIMED_KINDS or section.reason:  # stale: not here
                        continue
                    if self.pending.is_set() or self.stop_event.is_set():
                        return
                    failure = self.runner.run(
                        section.notebook, section.output, section.parameters, REPO_ROOT
                    )
                    if self.stop_event.is_set():  # stopped mid-run: the earlier results stay
                        return
                    if failure is None:
                        record_success(fingerprinter, plan, section)
                    else:  # the next rebuild runs it again and shows why
                        section.fingerprint_file.unlink(missing_ok=True)
        except (BuildLocked, WorkbookError, OSError):
            return  # a build holds the lock, the data has problems, a folder cannot be written:
            # no priming needed (the rebuild after it says what is wrong)

    def _warm_up(self) -> None:
        try:
            self.runner.start()
        except Exception:  # the first section run starts it again and reports the failure
            self.runner.shutdown()

    def start(self) -> None:
        for name, target in (("preview-watch", self.watch), ("preview-build", self.build_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """End the watcher and the kernel; safe to call more than once."""
        self.stop_event.set()
        with self.changed:
            self.changed.notify_all()
        self.runner.kill_now()
        for thread in self._threads:
            thread.join(timeout=10)
        self.runner.shutdown()


def _inputs_only(_change: Any, path: str) -> bool:
    """Editors' temporary and lock files, caches and checkpoints are not inputs."""
    name = Path(path).name
    if name.startswith((".", "~$", "#")) or name.endswith(("~", ".tmp", ".swp")):
        return False
    return ".ipynb_checkpoints" not in path and "__pycache__" not in path


# -------------------------------------------------------------------------------- the server

_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Förhandsgranskning – {title}</title>
<link rel="stylesheet" href="/forhandsgranskning.css">
<script src="/forhandsgranskning.js" defer></script>
</head>
<body>
<header class="pv-bar">
<p><strong>Förhandsgranskning</strong> {title} ·
<span id="pv-status" role="status">Startar …</span></p>
</header>
<section id="pv-problems" class="pv-problems" aria-live="polite" hidden>
<h2>Fel i underlaget</h2>
<ul id="pv-list"></ul>
</section>
<iframe id="pv-report" title="Rapporten" src="/rapport"></iframe>
</body>
</html>
"""

_SCRIPT = """
"use strict";
const frame = document.getElementById("pv-report");
const statusLine = document.getElementById("pv-status");
const panel = document.getElementById("pv-problems");
const list = document.getElementById("pv-list");
let version = null;
function show(state) {
  statusLine.textContent = state.status;
  list.replaceChildren(...state.problems.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
  panel.hidden = state.problems.length === 0;
  if (version !== null && state.version !== version) {
    const y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
    frame.addEventListener("load", () => frame.contentWindow.scrollTo(0, y), { once: true });
    frame.src = "/rapport?v=" + state.version;
  }
  version = state.version;
  document.body.dataset.version = String(state.version);
}
const events = new EventSource("/handelser");
events.addEventListener("state", (event) => show(JSON.parse(event.data)));
"""

_STYLE = """
html, body { margin: 0; height: 100%; font-family: "Segoe UI", Helvetica, Arial, sans-serif; }
body { display: flex; flex-direction: column; }
.pv-bar { background: #1d3557; color: #fff; padding: .3rem 1rem; }
.pv-bar p { margin: 0; }
.pv-problems { background: #fdecea; color: #5f1410; border-bottom: 3px solid #b3261e;
  padding: .3rem 1rem; max-height: 40vh; overflow: auto; }
.pv-problems h2 { font-size: 1.1rem; margin: .3rem 0; }
#pv-report { flex: 1; border: 0; width: 100%; }
"""

_WAITING = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<title>Ingen rapport ännu</title></head><body><p>Rapporten byggs …</p></body></html>"""


def make_handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    project = preview.project
    title = f"{preview.unit} {preview.year}" + ("" if project.is_year_end else f" {project.period}")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:  # no request log in the terminal
            return

        def _send(self, body: bytes, content_type: str, csp: str | None = PAGE_CSP) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if csp:
                self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            if path == "/":
                from markupsafe import escape

                page = _PAGE.format(title=escape(title))
                self._send(page.encode(), "text/html; charset=utf-8")
            elif path == "/forhandsgranskning.js":
                self._send(_SCRIPT.encode(), "text/javascript; charset=utf-8")
            elif path == "/forhandsgranskning.css":
                self._send(_STYLE.encode(), "text/css; charset=utf-8")
            elif path == "/rapport":
                report = preview.project.report_file(preview.year, preview.unit)
                body = report.read_bytes() if report.is_file() else _WAITING.encode()
                # The report's own policy (in its <meta>) applies; no header loosens it.
                self._send(body, "text/html; charset=utf-8", csp=None)
            elif path == "/tillstand":
                with preview.changed:
                    body = preview.state.as_json().encode()
                self._send(body, "application/json; charset=utf-8")
            elif path == "/handelser":
                self._events()
            else:
                self.send_error(HTTPStatus.NOT_FOUND, "Finns inte")

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            last = None
            try:
                while not preview.stop_event.is_set():
                    with preview.changed:
                        current = preview.state.as_json()
                        if current == last:
                            preview.changed.wait(timeout=15)
                            current = preview.state.as_json()
                    message = (
                        f"event: state\ndata: {current}\n\n" if current != last else ": vänta\n\n"
                    )
                    self.wfile.write(message.encode())
                    self.wfile.flush()
                    last = current
            except ConnectionError:  # the page closed or reloaded: normal
                return

    return Handler


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server: a browser that drops a connection is normal, not an error.

    Closing a tab mid-request, reloading, or ending the page's server-sent events resets the
    connection; ``socketserver`` would print a traceback for each. Those are ignored quietly;
    any other failure of one request is one Swedish line on stderr, never a traceback, and the
    server goes on serving."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the browser went away (BrokenPipe, ConnectionReset, ConnectionAborted)
        print(
            f"Förhandsgranskningen kunde inte svara webbläsaren ({type(exc).__name__}: "
            f"{safe_text(str(exc), keep_newlines=False)}); sidan kan laddas om.",
            file=sys.stderr,
            flush=True,
        )


def serve(
    project: Project, year: int, unit: str, port: int = 8765, host: str = "127.0.0.1"
) -> None:
    """Run the preview until Ctrl-C or SIGTERM (``KeyboardInterrupt`` / ``Interrupted``)."""
    preview = Preview(project, year, unit)
    server = open_server(preview, host, port)
    server_thread = threading.Thread(target=server.serve_forever, name="preview-http", daemon=True)
    try:
        server_thread.start()
        preview.start()
        address = f"http://{host}:{server.server_address[1]}/"
        print(f"Förhandsgranskning av {unit} {year}: {address}", flush=True)
        print("Spara en tabell eller text så uppdateras sidan. Avsluta med Ctrl-C.", flush=True)
        print(preview_notice(project, year, unit), flush=True)
        while not preview.stop_event.wait(0.5):
            pass
    finally:
        preview.stop()
        server.shutdown()
        server.server_close()


def open_server(preview: Preview, host: str, port: int) -> PreviewServer:
    """The preview's server on ``port``, or a ``ParameterError`` naming the port and what to
    choose instead (a port in use, one the system does not let this user open)."""
    try:
        return PreviewServer((host, port), make_handler(preview))
    except OSError as exc:
        other = "en annan port (t.ex. --port 8766)" if port != 8766 else "en annan port"
        if exc.errno == errno.EADDRINUSE:
            reason = f"Porten {port} används redan (kanske av en annan förhandsgranskning)"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            reason = f"Porten {port} får inte öppnas av den här användaren"
        else:
            reason = f"Porten {port} kunde inte öppnas ({exc.strerror or type(exc).__name__})"
        raise ParameterError(
            f"{reason}. Välj {other}, eller --port 0 så väljs en ledig port."
        ) from None


def preview_notice(project: Project, year: int, unit: str) -> str:
    """The start message's warning: the preview writes the report where the build does."""
    report = project.report_file(year, unit)
    shown = report.relative_to(project.root) if report.is_relative_to(project.root) else report
    period = "" if project.is_year_end else f" --period {project.period}"
    return (
        f"Obs: förhandsgranskningen skriver över {shown.as_posix()} (också halvskrivna texter). "
        f"Publicera det som `workbook build --year {year}{period}` bygger när texterna är klara."
    )


def add_preview_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, metavar="ÅR", help="året (standard: 2016)")
    parser.add_argument("--unit", help="enheten (standard: klk)")
    parser.add_argument(
        "--period", type=period_argument, help="perioden, t.ex. delar (standard: helar)"
    )
    parser.add_argument(
        "--port",
        type=port_argument,
        default=8765,
        metavar="PORT",
        help="porten, 0–65535 (standard: 8765; 0: valfri ledig port)",
    )


def preview_command(args: argparse.Namespace) -> int:
    from helpers.data.params import load_params
    from helpers.season.lab import local_choice

    # Ctrl-C ends the preview even when started from a shell that ignores SIGINT in the
    # background (as scripts and tests do).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    project = Project.current()
    chosen = local_choice(project)
    year = check_year(args.year or chosen.year or EXAMPLE_YEAR)
    unit = check_unit(args.unit or chosen.unit or EXAMPLE_UNIT)
    project = project.for_period(check_period(args.period or chosen.period or YEAR_END))
    load_params(year, unit, project)  # a clear message for a unit-year without params
    check_writable(project, year, unit)
    serve(project, year, unit, args.port)
    return 0


def check_writable(project: Project, year: int, unit: str) -> None:
    """``build/``, ``reports/`` and the report's folder can be written, and the render stores'
    folder (``WORKBOOK_CACHE_DIR``) kept, or the error ``workbook build`` gives (exit 2), before
    the server starts."""
    from helpers.building.build import check_folders_writable, check_report_paths
    from helpers.data.render_cache import check_stores_folder

    check_stores_folder(project.root)
    report = project.report_file(year, unit)
    check_folders_writable(project, {project.build, project.reports, report.parent})
    check_report_paths(project, {report})


# The embedded example: what every section notebook's parameters cell shows.
EXAMPLE_YEAR, EXAMPLE_UNIT = 2016, "klk"
