"""Writing the consolidated report: its executed sections through the unit reports' export."""

from __future__ import annotations

import json
import os
from pathlib import Path

from helpers.building.build_plan import REPORT_FINGERPRINT, UnitPlan, report_fingerprint
from helpers.building.export import navigation_texts, render_report
from helpers.core.files import write_atomically
from helpers.core.paths import CONSOLIDATED, Project
from helpers.data.fingerprint import Fingerprinter, store, text_digest
from helpers.data.signoff import report_draft_mark
from helpers.parts.kommun_data import load_kommun


def export_consolidated(project: Project, fingerprinter: Fingerprinter, plan: UnitPlan) -> Path:
    """Render ``reports/<år>[/<period>]/kommun.html`` from its executed sections, atomically;
    with the draft mark while a section of ``data/<år>[/<period>]/kommun/klarmarkering.csv`` is
    not approved."""
    data = load_kommun(plan.year, project)
    sections = {s.name: s.fingerprint["total"] for s in plan.all_sections}
    labels = data.kommun_definition.label_set(
        {"år": str(plan.year), "enhet": "", "kommun": data.municipality}
    )
    draft = report_draft_mark(project, plan.year, CONSOLIDATED, list(sections), labels)
    report = project.report_file(plan.year, CONSOLIDATED)
    # The kommun's words around the sections, as in every unit's report; the PDF's subject and
    # the page title are the consolidated report's own (it has no unit to name beside the kommun).
    texts = navigation_texts(data.report_labels())
    texts["ämne"] = data.label("ämne", titel="{titel}")
    texts["sidtitel"] = data.label("sidtitel", titel="{titel}")
    html = render_report(
        [s.output for s in plan.all_sections],
        title=data.title,
        unit_name=data.label("kommunen"),
        municipality=data.municipality,
        fingerprint=text_digest(json.dumps(sections, sort_keys=True))[:12],
        draft=draft,
        texts=texts,
        pdf_href=f"{CONSOLIDATED}.pdf" if plan.pdf_link else None,
        index_href=os.path.relpath(project.reports / "index.html", report.parent),
    )
    write_atomically(report, html)
    store(
        project.executed_dir(plan.year, CONSOLIDATED) / REPORT_FINGERPRINT,
        report_fingerprint(fingerprinter, plan),
    )
    return report
