"""Control characters in data: dropped from exports, shown visibly on a terminal.

A title, a name or a file name may carry C0 and C1 control characters (NUL, BEL, ESC, CSI, …):
a damaged input, a hostile one, or a copy from a terminal. None of them means anything in a
bibliography, and on a terminal an ``ESC [`` sequence recolours, moves the cursor or retitles
the window. So the exporters drop them (:func:`drop_control_characters`,
:func:`without_control_characters`), JSON writers escape them (:func:`escape_json_controls`),
and the command line shows each as a visible stand-in (:func:`show_control_characters`).

Tab and newline are the exceptions: they are text, and every format has its own rule for them.
"""

from __future__ import annotations

import re

import msgspec

from bimscli.model import Record

CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""A C0 control character other than tab and newline, DEL, or a C1 control character."""

# Controls that separate text (CR, VT, FF, the information separators, NEL) become a space,
# so that "a\rb" does not become "ab"; a CR LF pair is a newline.
_SEPARATING = str.maketrans(dict.fromkeys("\r\x0b\x0c\x1c\x1d\x1e\x1f\x85", " "))


def drop_control_characters(text: str) -> str:
    r"""The text without control characters; tab and newline kept, separators as spaces.

    >>> drop_control_characters("Bone\x1b[31m pain\x07\r\nin\x00 rats\x9b\tx")
    'Bone[31m pain\nin rats\tx'
    >>> drop_control_characters("a\rb\x85c")
    'a b c'
    """
    if not CONTROL_CHARACTER.search(text):
        return text
    text = text.replace("\r\n", "\n").translate(_SEPARATING)
    return CONTROL_CHARACTER.sub("", text)


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: ␀ … ␛ …
    return "\u2421" if code == 0x7F else "\ufffd"  # ␡ for DEL; C1 has no pictures


def show_control_characters(text: str) -> str:
    r"""The text with each control character (but tab and newline) as a visible stand-in.

    C0 characters become Unicode's control pictures (ESC is ``␛``), DEL ``␡`` and C1
    characters the replacement character; each stand-in is one character wide, as the
    character it replaces would have been counted by a layout.

    >>> show_control_characters("red\x1b[31m title\x1b]0;pwned\x07 end\x9b\n")
    'red␛[31m title␛]0;pwned␇ end\ufffd\n'
    """
    return CONTROL_CHARACTER.sub(_stand_in, text) if CONTROL_CHARACTER.search(text) else text


_JSON_UNESCAPED_CONTROL = re.compile("[\x7f-\x9f]")


def escape_json_controls(json_text: str) -> str:
    r"""JSON text with DEL and the C1 characters escaped, which JSON allows raw.

    JSON encoders escape C0 characters already; DEL and C1 can only stand inside strings, so
    ``\u00XX`` escapes keep the same data.

    >>> escape_json_controls('["a\x9b[31m\x7f"]')
    '["a\\u009b[31m\\u007f"]'
    """
    if not _JSON_UNESCAPED_CONTROL.search(json_text):
        return json_text
    return _JSON_UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


_encoder = msgspec.json.Encoder()
# A control character in any string of a record, as msgspec writes it in JSON: \b \f \r or
# \u0000-\u001f escaped, DEL and C1 raw. A backslash in the data can look like one too ("\\b"):
# that only costs the slow path, which then finds nothing to drop. The pattern starts with a
# character set, which the regular expression engine scans for fast.
_CONTROL_IN_JSON = re.compile(
    rb"[\\\x7f\xc2](?:(?<=\\)(?:[bfr]|u00[01])|(?<=\x7f)|(?<=\xc2)[\x80-\x9f])"
)


def _dropped(value: object) -> object:
    if isinstance(value, str):
        return drop_control_characters(value)
    if isinstance(value, list | tuple):
        return [_dropped(v) for v in value]
    if isinstance(value, dict):
        return {k: _dropped(v) for k, v in value.items()}
    return value


def without_control_characters(record: Record) -> Record:
    r"""The record with control characters dropped from every text (the record itself when it
    has none, which is nearly always).

    >>> without_control_characters(Record(title="Bone\x00 pain\x1b[0m")).title
    'Bone pain[0m'
    """
    if not _CONTROL_IN_JSON.search(_encoder.encode(record)):
        return record
    builtins = _dropped(msgspec.to_builtins(record))
    return msgspec.convert(builtins, Record)
