"""The Unicode that Word, Excel and e-mail paste into cells: spaces, dashes, invisible characters.

What an analyst sees as ``a - b`` may hold a no-break space (U+00A0), a thin space (U+2009), a tab
or a minus sign (U+2212) around the dash; an id may carry a zero-width space (U+200B), a
byte-order mark or a direction mark that no editor shows; ``ä`` pasted from a Mac may be ``a`` plus
a combining diaeresis. Every value that is compared (ids, choices, formulas, sub-unit names) or
parsed (numbers, years, periods, dates) goes through :func:`clean_token`, and every text that is
shown through :func:`clean_text`, when a table is loaded — so validation and rendering read the
same value.
"""

from __future__ import annotations

import re
import unicodedata

# Every dash an Office paste or an autocorrect brings: hyphen, non-breaking hyphen, figure dash,
# en dash, em dash, horizontal bar, minus sign, small and full-width hyphen-minus.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Characters that take no room on screen and never belong in our data: zero-width space and
# joiners' neighbours, word joiner, byte-order mark, direction marks and bidi controls.
INVISIBLE = (
    "\u200b\u2060\ufeff\u180e\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Invisible as well, but meaningful in shown text (a hyphenation hint, ligature control): kept
# in texts, dropped where values are compared.
SOFT = "\u00ad\u200c\u200d"

_DASH_TABLE = str.maketrans(dict.fromkeys(DASHES, "-"))
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE, None))
_DROP_SOFT = str.maketrans(dict.fromkeys(SOFT, None))
# Spaces within a line (every Unicode space separator, tab, vertical tab, form feed).
_LINE_SPACES = re.compile(r"[^\S\n\r\u2028\u2029]+")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
_ANY_SPACES = re.compile(r"\s+")

_NAMES = {
    "\u00a0": "hårt mellanslag (U+00A0)",
    "\u202f": "smalt hårt mellanslag (U+202F)",
    "\u2009": "tunt mellanslag (U+2009)",
    "\t": "tabb",
    "\u200b": "nollbreddsmellanslag (U+200B)",
    "\ufeff": "BOM-tecken (U+FEFF)",
    "\u00ad": "mjukt bindestreck (U+00AD)",
}


_SWEDISH_FOLDS = str.maketrans("åäöÅÄÖ", "aaoAAO")


def fold_swedish(text: str) -> str:
    """``text`` with å, ä and ö written a, a and o (as ids are, and as a keyboard or terminal
    without them types the words): ``delår`` → ``delar``, ``godkänd`` → ``godkand``."""
    return text.translate(_SWEDISH_FOLDS)


def clean_text(text: str) -> str:
    """A shown text as one reading: NFC, no invisible characters, every space a plain space.

    Line breaks stay (as ``\\n``); runs of spaces within a line become one; the ends are stripped.
    Soft hyphens and joiners are kept (they shape how the text is shown).
    """
    text = unicodedata.normalize("NFC", text).translate(_DROP_INVISIBLE)
    text = _LINE_BREAKS.sub("\n", text)
    return _LINE_SPACES.sub(" ", text).strip()


def clean_token(text: str) -> str:
    """A compared or parsed value as one reading: :func:`clean_text`, also without soft hyphens,
    every dash a hyphen-minus and every run of whitespace (line breaks too) one space."""
    text = unicodedata.normalize("NFC", text).translate(_DROP_INVISIBLE).translate(_DROP_SOFT)
    return _ANY_SPACES.sub(" ", text.translate(_DASH_TABLE)).strip()


def name_key(text: str) -> str:
    """The key two names are compared by (a sub-unit in ``drift`` and in ``delverksamheter``)."""
    return clean_token(text)


def unusual_characters(text: str) -> list[str]:
    """Swedish names of the invisible or unusual spaces in ``text``, for a message."""
    found = []
    for char in dict.fromkeys(text):
        if char in _NAMES:
            found.append(_NAMES[char])
        elif char in INVISIBLE or char in SOFT or (char.isspace() and char not in " \n\r"):
            found.append(f"{unicodedata.name(char, 'osynligt tecken').lower()} (U+{ord(char):04X})")
    return found


# Characters no text of a report may hold: C0 controls but tab, line feed and carriage return
# (NUL is an HTML parse error, ESC and backspace come from terminals and broken exports), DEL and
# the C1 controls (U+0080–U+009F, mojibake of Windows-1252 text read as Latin-1).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a field that is one line (a title, a name): no line break of any kind either.
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "backsteg",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\n": "radbrytning",
    "\r": "vagnretur",
    "\t": "tabb",
    "\x85": "NEL",
    "\u2028": "radavskiljare",
    "\u2029": "styckeavskiljare",
}

CONTROL_HINT = (
    "ta bort tecknet: det syns inte i de flesta program men förstör rapporten (det följer ofta "
    "med text som klistrats in från e-post, en webbsida eller ett annat system)"
)


def control_character(text: str, *, one_line: bool = False) -> tuple[int, str] | None:
    """The first character ``text`` may not hold, as (0-based position, Swedish name), or None.

    Refused everywhere: C0 controls except tab, line feed and carriage return; DEL; C1
    controls. With ``one_line`` (a title, a name) tab and every line break (``\\n``, ``\\r``,
    U+2028, U+2029) too. The rule is applied where values are read — ``cell_values.convert_cell``
    (CSV and .xlsx cells), ``yaml_text.load_yaml`` (YAML scalars) and ``readers.decode_text``
    (Markdown texts) — so ``validate`` refuses what ``build`` would publish.
    """
    match = (_CONTROL_OR_BREAK if one_line else _CONTROL).search(text)
    if match is None:
        return None
    char = match.group()
    code = f"U+{ord(char):04X}"
    return match.start(), f"{_CONTROL_NAMES[char]} ({code})" if char in _CONTROL_NAMES else code
