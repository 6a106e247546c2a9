"""A report as PDF: the HTML printed by Debian's headless Chromium.

Chromium applies the report's print stylesheet (A4, page breaks, repeated table headers, page
numbers in the page margin) and writes a tagged PDF — headings, tables and lists keep their
structure for screen readers, the language is ``sv`` — with the headings as bookmarks. The page
may load nothing from the network: every host name resolves to nothing while it prints.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from helpers.errors import BuildError

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_SECONDS = 120
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
    "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
    "--export-tagged-pdf",
)


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


def print_command(chromium: Path, html_path: Path, pdf_path: Path, profile: Path) -> list[str]:
    """The command line that prints ``html_path`` into ``pdf_path``."""
    return [
        str(chromium),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf_path}",
        html_path.resolve().as_uri(),
    ]


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the report ``html_path`` to ``pdf_path`` (written aside, then renamed into place)."""
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    if not html_path.is_file():
        raise BuildError(f"PDF kan inte skapas: rapporten {html_path.name} finns inte.")
    chromium = find_chromium()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="workbook-pdf-") as scratch:
        scratch_dir = Path(scratch)
        printed = scratch_dir / "rapport.pdf"
        command = print_command(chromium, html_path, printed, scratch_dir / "profil")
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise BuildError(
                f"PDF kan inte skapas: Chromium blev inte klar med {html_path.name} på "
                f"{TIMEOUT_SECONDS} sekunder."
            ) from None
        if done.returncode != 0 or not printed.is_file() or printed.stat().st_size == 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] or ["inget felmeddelande"]
            raise BuildError(
                f"PDF kan inte skapas: Chromium kunde inte skriva ut {html_path.name} "
                f"(slutkod {done.returncode}: {detail[0]})."
            )
        handle, tmp = tempfile.mkstemp(
            prefix=f".{pdf_path.name}.", suffix=".tmp", dir=pdf_path.parent
        )
        os.close(handle)
        try:
            shutil.copyfile(printed, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, pdf_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
