"""Process start-up costs the workbook avoids without changing what any library does.

``jsonschema`` (imported by altair, nbformat, papermill and nbconvert) imports the optional
``rfc3987_syntax`` to check the ``iri`` and ``iri-reference`` string formats. That package builds
three Earley parsers from its grammar when it is imported: 2–4 s of CPU in *every* process that
imports jsonschema — the command line, each build worker and each kernel — though none of the
schemas the workbook validates (Vega-Lite's, the notebook format's) uses those formats.

:func:`defer_iri_grammar` puts a stand-in for the package in ``sys.modules`` before jsonschema is
imported. The stand-in has the package's own functions, each importing the real
``rfc3987_syntax.syntax_helpers`` on first use, so a check of an ``iri`` gives exactly the answer
it gave before, and a process that never checks one never builds the parsers. Called when the
``helpers`` package is imported (``helpers/__init__.py``), which every workbook process does
before it imports jsonschema.

At the other end, :func:`quick_exit` spares a process that is about to end the interpreter's
final garbage collections over everything it imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

IRI_PACKAGE = "rfc3987_syntax"
IRI_MODULE = f"{IRI_PACKAGE}.syntax_helpers"


def _real() -> types.ModuleType:
    return importlib.import_module(IRI_MODULE)


def _is_valid_syntax(term: str, value: str) -> bool:
    return _real().is_valid_syntax(term, value)


def _getattr(name: str) -> Any:
    # Everything else the real package exports (``from .syntax_helpers import *``).
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_real(), name)


def defer_iri_grammar() -> bool:
    """Install the stand-in for ``rfc3987_syntax`` (see module); True when installed.

    Does nothing when the package is not installed or has been imported already.
    """
    if IRI_PACKAGE in sys.modules:
        return False
    spec = importlib.util.find_spec(IRI_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return False
    stand_in = types.ModuleType(IRI_PACKAGE, "Imports rfc3987_syntax.syntax_helpers on first use.")
    stand_in.__spec__ = spec
    stand_in.__path__ = list(spec.submodule_search_locations)  # its submodules import as before
    stand_in.__file__ = spec.origin
    # what jsonschema imports by name
    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = _getattr  # type: ignore[method-assign]
    sys.modules[IRI_PACKAGE] = stand_in
    return True


def quick_exit() -> None:
    """Call when this process is about to end (the command line, a build worker): move every
    object it holds out of the garbage collector's sight, so the interpreter's final
    collections do not walk pandas', nbconvert's and the report's objects (~0.3-0.5 s of CPU at
    the end of every command). ``atexit`` handlers, and finalizers of whatever reference
    counting frees, still run as before. Never in a process that goes on working (a test
    session calling ``cli.main``): what is frozen is never collected."""
    import gc

    gc.freeze()
