"""Parts of a section remembered between runs in a warm kernel, by what they read.

In the preview, and on the kernels a build leaves warm, the same section runs again and again
after small edits: a goal section renders six goals when one goal's text changed. While a
section runs, every input it reads is recorded (``core.read_log``); so a part computed once is
kept with the reads it made, and given again only when

* its key is the same: the helpers code that computed it, what the caller passes (the goal and
  its place, and the section's reads up to the part — definition, params, tables — as one
  snapshot), and
* every file it read is as it was then (``read_log.unchanged``, the same test a build applies
  to a section's read set); its reads are then recorded again, so the section's read set is the
  one computing it would give.

Outside a section run (JupyterLab, tests calling the parts directly) nothing is remembered. A
part must be a pure function of its key and of what it reads through ``read_log``'s readers;
state computed lazily elsewhere (``UnitData.comparison_groups``) is computed before the
snapshot is taken.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from helpers.core import read_log
from helpers.core.markup import Markup
from helpers.data import render_cache

MAX_PARTS = 256

_PARTS: OrderedDict[Hashable, tuple[str, dict[str, str]]] = OrderedDict()


def remembered(key: Hashable, compute: Callable[[], Markup]) -> Markup:
    """``compute()``, or what it gave before for ``key`` when nothing it read has changed."""
    if not read_log.active():
        return compute()
    full_key = (render_cache.loaded_code(), key)
    found = _PARTS.get(full_key)
    if found is not None and read_log.unchanged(found[1]):
        _PARTS.move_to_end(full_key)
        read_log.replay(found[1])
        return Markup(found[0])
    with read_log.captured() as reads:
        html = compute()
    _PARTS[full_key] = (str(html), dict(reads))
    if len(_PARTS) > MAX_PARTS:
        _PARTS.popitem(last=False)
    return html
