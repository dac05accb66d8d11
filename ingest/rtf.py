"""RTF to text: paragraphs one per line, a table row as one "a | b" line, Vietnamese from \\uN escapes.

A small tokenizer instead of a library: Word and LibreOffice write Vietnamese as `\\u7913\\'3f` (the
code point, then a fallback byte to skip), tables as `\\cell`/`\\row`, and everything else we do not
index (fonts, styles, pictures, headers, field instructions) in destinations to skip. Older Word files write
Vietnamese as bytes of the Vietnamese code page in a font declared `\\fcharset163` while the document says
`\\ansicpg1252`: a byte is read in its font's character set ("THÔNG TƯ", not "THÔNG TÝ"). One pass over
the file, an explicit group stack (no recursion), so a hostile file costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from core.errors import IngestError
from ingest.tables import table_row

MAX_GROUP_DEPTH = 2_000

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word with optional numeric parameter
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the document's code page
    rb"|\\([^a-zA-Z'])"  # control symbol
    rb"|([{}])"
    rb"|([^\\{}\r\n]+)"  # plain text
    rb"|[\r\n]+"
)
# Destinations whose content is not document text (the ones Word writes without the \* marker).
_SKIPPED = frozenset(
    b"fonttbl colortbl stylesheet info pict object header headerl headerr headerf footer footerl footerr footerf "
    b"footnote annotation fldinst themedata colorschememapping datastore latentstyles listtable listoverridetable "
    b"rsidtbl generator xmlnstbl mmathPr pgdsctbl revtbl bkmkstart bkmkend filetbl private nonshppict".split()
)
_SYMBOLS = {b"~": "\u00a0", b"_": "\u2011", b"-": "", b"\\": "\\", b"{": "{", b"}": "}", b"\n": "\n", b"\r": "\n"}
_CODEPAGES = {1258: "cp1258", 1252: "cp1252", 1250: "cp1250", 1251: "cp1251", 1254: "cp1254", 437: "cp437", 850: "cp850"}
# \fcharsetN of a font -> the code page its \'hh bytes are in (RTF 1.9.1, \fcharset).
_CHARSETS = {
    0: "cp1252", 161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256",
    186: "cp1257", 204: "cp1251", 222: "cp874", 238: "cp1250",
}  # fmt: skip
_FONT = re.compile(rb"\\f(\d{1,6})(?:\\[a-z]{1,32}-?\d{0,10} ?)*?\\fcharset(\d{1,3})")
_BRACE = re.compile(rb"[{}]")


@dataclass(frozen=True)
class _Group:
    skip: bool = False
    uc: int = 1  # fallback characters that follow a \uN
    codec: str | None = None  # the current font's code page, when the font table declares one


@dataclass
class _Text:
    """Lines being built: body paragraphs, and the cells of the table row in progress."""

    lines: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    in_table: bool = False
    after_row: bool = False

    def paragraph(self) -> None:
        """A paragraph is a block of its own (blank line after it), as the .docx reader writes it."""
        if self.in_table:
            self.current.append("\n")
            return
        if self.after_row:
            self.lines.append("")
        self.lines += ["".join(self.current), ""]
        self.current, self.after_row = [], False

    def cell(self) -> None:
        self.cells.append("".join(self.current))
        self.current = []

    def row(self) -> None:
        if self.current and "".join(self.current).strip():
            self.cell()
        self.lines.append(table_row(self.cells))
        self.cells, self.current, self.in_table, self.after_row = [], [], False, True


def rtf_to_text(data: bytes) -> str:
    """The text of an RTF file.

    >>> rtf_to_text(rb"{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}Quy\\u7871\\'3ft \\u273\\'3f\\u7883\\'3fnh\\par}")
    'Quyết định\\n'
    """
    if not data.lstrip().startswith(b"{\\rtf"):
        raise IngestError("RTF cannot be read: the file does not start with {\\rtf")
    codec = _codec(data)
    fonts = _font_codecs(data)
    stack = [_Group()]
    text = _Text()
    skip_fallback = 0
    pending = bytearray()  # \'hh bytes, decoded together (a multi-byte code page needs them joined)
    pending_codec = codec
    position = 0
    while position < len(data):
        match = _TOKEN.match(data, position)
        if match is None:  # a lone backslash at the end
            break
        position = match.end()
        word, param, hexbyte, symbol, brace, plain = match.groups()
        group = stack[-1]
        if hexbyte is not None:
            if skip_fallback:
                skip_fallback -= 1
            elif not group.skip:
                if pending_codec != (group.codec or codec):
                    _flush(pending, pending_codec, text)
                pending_codec = group.codec or codec
                pending.append(int(hexbyte, 16))
            continue
        if pending:
            _flush(pending, pending_codec, text)
        if brace == b"{":
            if len(stack) >= MAX_GROUP_DEPTH:
                raise IngestError(f"RTF refused: groups nested more than {MAX_GROUP_DEPTH} deep")
            stack.append(group)
        elif brace == b"}":
            if len(stack) > 1:
                stack.pop()
        elif plain is not None:
            cut = min(skip_fallback, len(plain))
            skip_fallback -= cut
            if not group.skip and plain[cut:]:
                text.current.append(plain[cut:].decode(group.codec or codec, "replace"))
        elif symbol is not None:
            if symbol == b"*":
                stack[-1] = replace(group, skip=True)
            elif not group.skip:
                text.current.append(_SYMBOLS.get(symbol, ""))
        elif word is not None:
            if word == b"bin" and param:  # raw binary data follows: jump over it
                position += max(0, int(param))
                continue
            if word == b"f" and param is not None and not group.skip:
                stack[-1] = replace(group, codec=fonts.get(int(param)))
                continue
            skip_fallback = _control_word(word, param, stack, text)
    _flush(pending, pending_codec, text)
    return _finish(text)


def _flush(pending: bytearray, codec: str, text: _Text) -> None:
    """Decode the \\'hh bytes gathered so far (in the code page they were written in) into the text."""
    if pending:
        text.current.append(pending.decode(codec, "replace"))
        pending.clear()


def _control_word(word: bytes, param: bytes | None, stack: list[_Group], text: _Text) -> int:
    """Apply one control word; returns how many fallback characters to skip next."""
    group = stack[-1]
    if word in _SKIPPED:
        stack[-1] = replace(group, skip=True)
        return 0
    if word == b"uc" and param is not None:
        stack[-1] = replace(group, uc=max(0, int(param)))
        return 0
    if group.skip:
        return 0
    if word == b"u" and param is not None:
        code = int(param)
        text.current.append(chr(code + 65536 if code < 0 else code) if -32768 <= code <= 0x10FFFF else "")
        return group.uc
    if word == b"par" or word == b"sect":
        text.paragraph()
    elif word == b"line":
        text.current.append("\n")
    elif word == b"tab":
        text.current.append("\t")
    elif word == b"intbl":
        text.in_table = True
    elif word == b"cell":
        text.cell()
    elif word == b"row":
        text.row()
    elif word in (b"nestcell", b"nestrow"):
        text.current.append(" ")
    elif word in (b"emdash", b"endash"):
        text.current.append("—" if word == b"emdash" else "–")
    elif word in (b"lquote", b"rquote", b"ldblquote", b"rdblquote"):
        text.current.append({b"lquote": "‘", b"rquote": "’", b"ldblquote": "“", b"rdblquote": "”"}[word])
    elif word == b"bullet":
        text.current.append("•")
    return 0


def _finish(text: _Text) -> str:
    if text.cells or (text.in_table and "".join(text.current).strip()):
        text.row()
    if text.current:
        text.lines.append("".join(text.current))
    return "\n".join(text.lines)


def _font_codecs(data: bytes) -> dict[int, str]:
    """Font number -> code page, for the fonts of the font table that declare a character set we decode."""
    start = data.find(b"\\fonttbl")
    if start < 0:
        return {}
    depth, end = 1, start
    while depth:  # to the font table's closing brace
        brace = _BRACE.search(data, end + 1)
        if brace is None:
            end = len(data)
            break
        end = brace.start()
        depth += 1 if data[end] == ord("{") else -1
    fonts = {}
    for font in _FONT.finditer(data, start, end):
        if (codec := _CHARSETS.get(int(font.group(2)))) is not None:
            fonts[int(font.group(1))] = codec
    return fonts


def _codec(data: bytes) -> str:
    found = re.search(rb"\\ansicpg(\d+)", data[:4096])
    return _CODEPAGES.get(int(found.group(1)), "cp1252") if found else "cp1252"
