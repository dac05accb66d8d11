"""The header of a formal document: number, type, issuing body, place and date, trích yếu (subject).

Read from logical lines (ingest.lines), so PDF text, .docx tables, Markdown pages and headers split
over several lines give the same facts. Every field keeps the span it was read from, for provenance.
Nothing is guessed: a number or date left blank for the signature ("Số:      /QĐ-UBND", "ngày …
tháng … năm 2025") stays None, with what the blank line does say (codes, year). A consolidated text
(văn bản hợp nhất) is named by the authentication block at its end, not by the document it consolidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.header_lines import TYPE_HEADINGS, header_lines, type_heading
from ingest.lines import Line, joined, logical_lines, single_spaced
from ingest.ocr_repair import numeral_digits
from vntext.dates import NUMERIC_DATE, WORDS_DATE, parse_date
from vntext.normalize import fold_diacritics
from vntext.numbers import DOCUMENT_NUMBER, parse_blank_number, parse_document_number

_KINDS = "|".join(h.capitalize() for h in TYPE_HEADINGS)
_TITLED_NUMBER = re.compile(rf"^(?:{_KINDS})\s+số\s*(?!\s|:)", re.IGNORECASE)
_NUMBER_LINE = re.compile(rf"^(?:(?P<kind>{_KINDS})\s+)?[Ss]ố\s*(?::|(?=\s*\d)|(?=\s*/))\s*(?P<rest>.*)$", re.IGNORECASE)
_PLACE = r"(?P<place>(?:TP\.?\s?)?(?:(?:[A-ZĐ][a-zđà-ỹ]+|phố)\s?){1,5})"
_PLACE_DATE = re.compile(_PLACE + r",\s*ng[àa]y(?![^\W\d_])(?P<rest>.*)$")  # "Hà Nội, ngày20 tháng 01 …" too
_PLACE_DATE_UNPUNCTUATED = re.compile(_PLACE + r"\s+ng[àa]y(?![^\W\d_])(?P<rest>.*)$")  # "Hà Nội ngày 11 tháng 4 năm 2025"
_BLANK_DATE = re.compile(r"ng[àa]y\s*(?:[.…_]*\s*)th[áa]ng\s*(?:[.…_]*\s*)n[ăa]m\s+((?:19|20)\d\d)", re.IGNORECASE)
# Lines of the header that are not the issuing body: motto, party name, gazette running heads, site banners.
_NOT_ISSUER = re.compile(
    r"^(?:cong hoa|doc lap|(?:xa )?(?:hoi )?chu nghia viet nam|dang cong san|cong san viet nam|cong bao|van ban (?:quy pham|phap luat|hop nhat)"
    r"|thu vien phap luat|cac noi dung|dang\b$)"
)
# The number line's "Số" ("Số:", "SỐ", OCR's "Sô"): folded, it reads as a department's "SỞ …", which is an issuer.
_NUMBER_WORD = re.compile(r"^S[ốỐôÔoO]\b")
# A numeral misread by OCR before the "/" of a number: "II /2026/QĐ-UBND" (11), "l5/…", "2O/…".
_OCR_NUMERAL = re.compile(r"^[\dIlO|]*[IlO|][\dIlO|]*(?=\s*/)")
_PREAMBLE = re.compile(
    r"^(?:Căn cứ|Thực hiện|Xét|Theo đề nghị|Trên cơ sở|Sau khi|Hội nghị|Tại phiên họp|Địa điểm|Kính gửi|Điều 1\b|Chương [IVX1]"
    r"|Phần |QUYẾT NGHỊ|QUYẾT ĐỊNH\s*:|I\.\s|1\.\s|LỜI NÓI ĐẦU)"
)
_OF_BODY = re.compile(r"^(?:CỦA|DO)\s+[A-ZĐÀ-Ỹ ,\-]+$")
_NO_SUBJECT = re.compile(r"^(?:Căn cứ|Điều 1\b|QUYẾT|Chương|Phần|Kính gửi)")
# The enacting body or office holder written under the title ("BỘ TRƯỞNG BỘ …", "CỤC TRƯỞNG CỤC HẢI QUAN",
# "GIÁM ĐỐC TRUNG TÂM …"): it ends the title.
_ENACTING = re.compile(
    r"^(?:ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|CHÍNH PHỦ|QUỐC HỘI|ỦY BAN THƯỜNG VỤ|BỘ TRƯỞNG|THỦ TƯỚNG|CHỦ TỊCH|BAN CHẤP HÀNH|BỘ CHÍNH TRỊ|BAN BÍ THƯ"
    r"|(?:TỔNG )?CỤC TRƯỞNG (?:TỔNG )?CỤC|(?:TỔNG )?GIÁM ĐỐC (?:SỞ|TRUNG TÂM|BẢO HIỂM|ĐÀI|KHO BẠC|ĐẠI HỌC)|THỐNG ĐỐC NGÂN HÀNG)"
)
_ADOPTION = re.compile(
    r"(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết) này (?:đã )?được .{0,240}?thông qua ngày\s+("
    + WORDS_DATE
    + "|"
    + NUMERIC_DATE
    + ")",
    re.DOTALL,
)
HEADER_WINDOW = 16000  # a portal page may put its menus and a metadata table first
# The authentication block that ends a consolidated text (văn bản hợp nhất): its number, date and signer.
_AUTHENTICATION = re.compile(r"X[ÁA]C\s+(?:TH[ỰU]C|NH[ẬA]N)\s+V[ĂA]N\s+B[ẢA]N\s+H[ỢO]P\s+NH[ẤA]T")
CONSOLIDATED = "Văn bản hợp nhất"


@dataclass(frozen=True)
class Field:
    """A value read from the text and its [start, end) span (`lines`: the printed lines of a block)."""

    text: str
    start: int
    end: int
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Header:
    """The header block; `issuer_blocks` are the capitalized blocks above the number, nearest last."""

    number: Field | None = None  # canonical spelling: "280/QĐ-UBND"
    blank_number: str | None = None  # "/2025/QĐ-UBND" when the numeral was left blank
    type_name: str | None = None  # "Quyết định", "Bộ luật"
    issuer_blocks: tuple[Field, ...] = ()
    place: str | None = None
    date: Field | None = None  # ISO
    date_source: str | None = None  # "header" or "adoption" (a law's "thông qua ngày …")
    year: int | None = None  # the year when the day and month are blank
    subject: Field | None = None
    end: int = 0  # where the header stops (after the subject)
    notes: tuple[str, ...] = field(default=())

    @property
    def type_heading_found(self) -> bool:
        return self.type_name is not None


def parse_header(text: str) -> Header:
    """Number, type, issuing body, place, date and subject of a formal document's header.

    >>> h = parse_header("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\nTỈNH NGHỆ AN\\n"
    ...     "Số: 980/KH-UBND | Nghệ An, ngày 18 tháng 11 năm 2025\\nKẾ HOẠCH\\nThực hiện Quyết định số 1899/QĐ-TTg\\n\\nI. MỤC ĐÍCH")
    >>> h.number.text, h.type_name, h.place, h.date.text, h.subject.text, [b.text for b in h.issuer_blocks]
    ('980/KH-UBND', 'Kế hoạch', 'Nghệ An', '2025-11-18', 'Thực hiện Quyết định số 1899/QĐ-TTg', ['ỦY BAN NHÂN DÂN TỈNH NGHỆ AN'])
    """
    printed = logical_lines(text, 0, min(len(text), HEADER_WINDOW))
    single = single_spaced(printed)  # a web page's empty lines part nothing
    lines = _header_first(header_lines(text, single))
    preamble_at = next((i for i, line in enumerate(lines) if i > 3 and _PREAMBLE.match(line.text)), len(lines))
    headings = [i for i in range(preamble_at) if type_heading(lines[i]) is not None]
    first_heading = headings[0] if headings else None
    number, blank_number, kind_hint, number_at = _number(lines, first_heading if first_heading is not None else preamble_at)
    gazette = _gazette_title(lines, first_heading, None) if number_at is None and first_heading is not None else None
    if gazette is not None:
        number = gazette.number
    elif number_at is None and first_heading is not None:  # a portal's title line above the document's own header
        number, blank_number, kind_hint, number_at = _number(lines, preamble_at)
    heading_at = next((i for i in headings if number_at is None or i > number_at), first_heading)
    if gazette is None and heading_at is not None:  # a crawled page's "LUẬT CỦA QUỐC HỘI … SỐ 28/2001/QH10 VỀ …"
        gazette = _gazette_title(lines, heading_at, number)
    limit = heading_at if heading_at is not None else preamble_at
    date, place, year = _date(lines, limit)
    if date is None and year is None and gazette is not None:
        date = gazette.date
    if date is None and year is None and limit < preamble_at:  # the date line extracted after the heading
        date, place, year = _date(lines, preamble_at)
    if date is None and year is None:
        date, place, year = _date(lines, limit, _PLACE_DATE_UNPUNCTUATED)
    if place is None and number_at is not None:  # "…/STP-VB Thành phố Hồ Chí Minh, ngdy…": a garbled date line
        garbled = re.search(r"([A-ZĐ][^,/\d]{3,40}),\s*ng\w{1,3}", lines[number_at].text)
        place = garbled.group(1).strip() if garbled else None
    issuer_blocks = _issuer_blocks(lines, number_at if number_at is not None else limit)
    if not issuer_blocks and gazette is not None and gazette.issuer is not None:
        issuer_blocks = (gazette.issuer,)
    subject, end = _subject(lines, heading_at, number_at, issuer_blocks, spaced=single is not printed, gazette=gazette)
    type_name = _type_name(lines, heading_at, kind_hint, number, blank_number, subject)
    source = "header" if date else None
    if date is None and year is None:
        date, source = _adoption_date(text), "adoption"
        source = source if date else None
    elif (
        _adopted_by_vote(type_name, number) and (adopted := _adoption_date(text)) and (date is None or adopted.text != date.text)
    ):
        # a law's date is the day the assembly adopted it; a header date that says otherwise is a copy's slip
        # (the VLC text of Luật 73/2006/QH11 heads it "ngày 29 tháng 6", adopted "ngày 29 tháng 11 năm 2006")
        date, source = adopted, "adoption"
    if (block := _authentication(text)) is not None:  # a consolidated text: the number at its top is the consolidated one's
        number, type_name, issuer_blocks, date, place = (
            block.number,
            CONSOLIDATED,
            block.issuer or issuer_blocks,
            block.date,
            block.place,
        )
        source, year = ("authentication" if date else None), None
    return Header(number, blank_number, type_name, issuer_blocks, place, date, source, year, subject, end)


def _header_first(lines: list[Line]) -> list[Line]:
    """`lines` with the issuer, number, motto and date block put first when the text opens with the type heading
    and that block comes further down (a signed PDF whose header table is drawn after the page's body, so its
    text layer reads "QUYẾT ĐỊNH / Bãi bỏ … / Điều 1. … / ỦY BAN NHÂN DÂN / … / Số: 67/2024/QĐ-UBND / CỘNG HÒA …").
    The lines keep their spans: only the order the header is read in changes."""
    filled = [line for line in lines if not line.blank and not _RUNNING_HEAD.match(line.text)]
    if not filled or type_heading(filled[0]) is None:
        return lines
    motto = next((i for i, line in enumerate(lines) if i and _folded(line.text).startswith(_MOTTO)), None)
    if motto is None:
        return lines
    start = _block_edge(lines, motto, -1)
    end = _block_edge(lines, motto, 1)
    block = [line for line in lines[start : end + 1] if not line.blank]
    if not any(_number_on(block, i, False) or _is_place_date(line.text) for i, line in enumerate(block)):
        return lines
    return block + lines[:start] + lines[end + 1 :]


def _block_edge(lines: list[Line], motto: int, step: int) -> int:
    """The first (step -1) or last (step 1) line of the header block around the motto: up to four of its lines
    that way, over the empty lines a gazette's PDF puts between them."""
    edge, index, taken = motto, motto + step, 0
    while 0 <= index < len(lines) and taken < 4:
        if not lines[index].blank:
            if not _in_header_block(lines[index]):
                break
            edge, taken = index, taken + 1
        index += step
    return edge


_MOTTO = "cong hoa xa hoi chu nghia viet nam"
# A gazette page's running head ("CÔNG BÁO/Số 243/Ngày 22-04-2026 101") or its page number on a line of its own,
# printed above whatever the page draws first.
_RUNNING_HEAD = re.compile(r"^(?:(?:\d+\s+)?CÔNG BÁO\s*/|\d{1,4}$)", re.IGNORECASE)


def _in_header_block(line: Line) -> bool:
    """A line of a header block: the issuer's or the motto's capitals, the motto, the number or the date line."""
    if line.blank or type_heading(line) is not None or line.text.endswith(":"):
        return False
    return (
        line.upper or _folded(line.text).startswith("doc lap") or bool(_NUMBER_LINE.match(line.text)) or _is_place_date(line.text)
    )


def _number(lines: list[Line], limit: int) -> tuple[Field | None, str | None, str | None, int | None]:
    """The "Số: …" line: at the start of a line, else inside one (two columns run together: "CHÍNH PHỦ Số: …"),
    else a line that names a type and its number without a colon ("Luật số 73/2006/QH11"), which is more often
    a portal's title above the header, or a sentence ("Nghị quyết số 130/2009/NQ-HĐND ngày …"), than the header's."""
    for anywhere, titled in ((False, False), (True, False), (False, True)):
        for index in range(min(limit, len(lines))):
            if titled != bool(_TITLED_NUMBER.match(lines[index].text)):
                continue
            found = _number_on(lines, index, anywhere)
            if found is not None:
                return (*found, index)
    for index, line in enumerate(lines[:limit]):  # "Số:" misread by OCR ("S6:", "Sô;") or lost: the number alone
        misread = re.match(r"^S\S{0,2}\s*[:;]\s*", line.text)
        if misread:  # after a "Số:" the number may be spaced as typed ("Só:3036 /SCT-CN")
            alone = DOCUMENT_NUMBER.match(line.text, misread.end())
        else:
            alone = DOCUMENT_NUMBER.fullmatch(line.text.split(" ")[0].strip(" .;:*"))
        if alone and (parsed := parse_document_number(alone.group(0))) and parsed.issuer_code:
            return Field(parsed.canonical, line.start, line.end), None, None, index
    return None, None, None, None


def _number_on(lines: list[Line], index: int, anywhere: bool) -> tuple[Field | None, str | None, str | None] | None:
    line = lines[index]
    text = line.text
    if anywhere:
        inside = re.search(rf"(?<=\s)(?:(?:{_KINDS})\s+)?[Ss]ố\s*:", text, re.IGNORECASE)
        if inside is None:
            return None
        text = text[inside.start() :]
    match = _NUMBER_LINE.match(text)
    blank = parse_blank_number(text.split()[0]) if not match and not anywhere and text.startswith("/") else None
    if blank is not None:
        return None, blank.canonical, None  # "Số:" lost (OCR)
    if not match:
        return None
    rest = match.group("rest")
    if not rest.strip() and index + 1 < len(lines):  # "Số:" / "97/2025/QĐ-UBND" on the next line
        rest = lines[index + 1].text
    elif rest.rstrip().endswith(("-", "/")) and index + 1 < len(lines):  # "Số: 15/2020/NĐ-" / "CP"
        rest = rest.rstrip() + lines[index + 1].text.split()[0]
    kind = match.group("kind")
    rest = _SPACED_TERM.sub(r"\1", rest)
    found = DOCUMENT_NUMBER.match(_ocr_numeral(rest.strip()))
    if found and (parsed := parse_document_number(found.group(0))):
        return Field(parsed.canonical, line.start, line.end), None, kind
    blank = parse_blank_number(rest.split(",")[0])
    if blank is not None and rest.strip().startswith("/"):
        return None, blank.canonical, kind
    return None


# A legislature's term typed apart from its code on the number line: "Luật số: 73/2006/QH 11".
_SPACED_TERM = re.compile(r"(/(?:UBTVQH|QH))\s+(?=\d{1,2}\b)")


def _ocr_numeral(rest: str) -> str:
    """The text after "Số:" with a numeral OCR read as letters put back ("II /2026/QĐ-UBND" -> "11 /2026/QĐ-UBND"):
    a number's numeral is digits only, so I, l, | and O there can only be misread 1s and 0s."""
    return _OCR_NUMERAL.sub(lambda m: numeral_digits(m.group(0)), rest)


def _date(lines: list[Line], limit: int, pattern: re.Pattern[str] = _PLACE_DATE) -> tuple[Field | None, str | None, int | None]:
    """The "Hà Nội, ngày … tháng … năm …" line (the date may run onto the next line; the place may stand
    alone on the line before)."""
    for index, line in enumerate(lines[: limit + 1]):
        match = pattern.search(line.text)
        if match:
            place, rest = _place(match.group("place")), match.group("rest")
        elif re.match(r"^ng[àa]y\s+\d", line.text, re.IGNORECASE) and index and lines[index - 1].text.endswith(","):
            place, rest = _place(lines[index - 1].text.rstrip(",")), line.text.split(None, 1)[1]
        else:
            continue
        if index + 1 < len(lines) and not parse_date("ngày" + rest):  # "Quảng Ninh, ngày" / "20 tháng 11 năm 2025"
            rest += " " + lines[index + 1].text
        iso = parse_date("ngày " + rest)
        if iso:
            return Field(iso, line.start, line.end), place, None
        blank = _BLANK_DATE.search("ngày " + rest)
        if blank:
            return None, place, int(blank.group(1))
    return None, None, None


def _place(text: str) -> str:
    """The place of a "Hà Nội, ngày …" line, without a number printed before it on the same line."""
    text = DOCUMENT_NUMBER.sub(" ", text)
    text = re.sub(r"^.*?[Ss]ố\s*:?\s*\S*\s+", "", text) if re.search(r"[Ss]ố\s*:", text) else text
    return text.strip(" *_:")


def _issuer_blocks(lines: list[Line], stop: int) -> tuple[Field, ...]:
    """Capitalized blocks above the number line (gazette heads and the motto left out), nearest last."""
    blocks: list[list[Line]] = [[]]
    for line in lines[:stop]:
        if _NOT_ISSUER.match(_folded(line.text)) or _NUMBER_WORD.match(line.text):
            continue  # the motto cell between two lines of the issuer's cell (a table read row by row)
        if line.blank or not line.upper or line.text in TYPE_HEADINGS or DOCUMENT_NUMBER.search(line.text):
            if blocks[-1]:
                blocks.append([])
            continue
        blocks[-1].append(line)
    found, seen = [], set()
    for block in blocks:
        if not block:
            continue
        text = _dedupe(joined(block))
        key = _folded(text)
        if key in seen:
            continue
        seen.add(key)
        found.append(Field(text, block[0].start, block[-1].end, tuple(line.text for line in block)))
    return tuple(found[-3:])


def _dedupe(text: str) -> str:
    """ "BỘ NỘI VỤ BỘ NỘI VỤ" (a gazette head above the real one) -> "BỘ NỘI VỤ"."""
    words = text.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return text


def _subject(
    lines: list[Line],
    heading_at: int | None,
    number_at: int | None,
    issuers: tuple[Field, ...],
    *,
    spaced: bool = False,
    gazette: _Gazette | None = None,
) -> tuple[Field | None, int]:
    """The trích yếu: the lines after the type heading up to a blank line or the preamble (a letter's "V/v …").

    In a double-spaced layout (`spaced`) no blank line ends it, so a sentence opening after a complete
    title line does ("Về tăng cường …" / "Thời gian qua, …" in a directive without Căn cứ lines).
    """
    if gazette is not None:  # the subject after the title's "CỦA … SỐ … NGÀY …" (or before it: "ĐẤT ĐAI SỐ 24-L/CTN …")
        taken, start = ([gazette.subject] if gazette.subject else []), gazette.last
    elif heading_at is None:  # a letter's "V/v …" under its number (a portal page may put 40 lines before the header)
        near = (
            range(max(0, number_at - 3), min(len(lines), number_at + 6)) if number_at is not None else range(min(40, len(lines)))
        )
        letter = next((i for i in near if re.match(r"^(?:V/v|Về việc)\b", lines[i].text, re.IGNORECASE)), None)
        if letter is None:
            return None, lines[number_at].end if number_at is not None else 0
        taken, start = [lines[letter]], letter
    else:
        _, rest = type_heading(lines[heading_at]) or ("", None)
        taken = [Line(rest, lines[heading_at].start, lines[heading_at].end)] if rest else []
        start = heading_at
    issuer_keys = {_folded(block.text) for block in issuers}
    following = [line for line in lines[start + 1 : start + 14] if line.text and not line.blank]
    if not taken and len(following) >= 2 and _OF_BODY.match(following[0].text) and not following[1].upper:
        start = lines.index(following[0], start)  # "NGHỊ ĐỊNH" / "CỦA CHÍNH PHỦ" / "Quy định …": the body is no subject
    stop = None
    for index in range(start + 1, min(len(lines), start + 12)):
        line = lines[index]
        if line.blank or not line.text:
            if taken and (line.rule or not _wraps(taken, _next_printed(lines, index))):
                break
            continue
        if line.text in TYPE_HEADINGS or (_PREAMBLE.match(line.text) and (taken or _NO_SUBJECT.match(line.text))):
            break
        if taken and (_ends_subject(taken, line, issuer_keys) or _is_place_date(line.text)):
            stop = index
            break
        if taken and spaced and _opens_sentence(taken[-1], line):
            break
        taken.append(line)
        if sum(len(t.text) for t in taken) > 700:
            break
    if not taken:
        return None, lines[start].end
    return Field(joined(taken), taken[0].start, taken[-1].end), _past_enacting(lines, stop, taken[-1].end)


# An old gazette's title, on the line under the type heading or after it on the same line: "CỦA CHÍNH PHỦ SỐ
# 01/2010/NĐ-CP NGÀY 04 THÁNG 01 NĂM 2010", "SỐ13/2003/QH11 CỦA QUỐC HỘI … VỀ ĐẤT ĐAI", "ĐẤT ĐAI SỐ 24-L/CTN NGÀY
# 14/07/1993 CỦA QUỐC HỘI". The date may stand on the next line.
_GAZETTE = re.compile(
    r"^(?P<lead>(?:[^\W\d_]+,?\s+){0,12}?)(?:CỦA\s+(?P<body>[^\d\[\]]+?)\s+)?SỐ\s*:?\s*(?P<number>\S+)"
    r"(?:\s+(?P<date>NGÀY\s+(?:" + WORDS_DATE + "|" + NUMERIC_DATE + r")))?"
    r"(?:\s+CỦA\s+(?P<body_after>[^\d\[\]]+?)(?=\s+VỀ\b|$))?(?:\s+(?P<subject>\S.*))?$",
    re.IGNORECASE,
)
_GAZETTE_DATE = re.compile(r"^NGÀY\s+(?:" + WORDS_DATE + "|" + NUMERIC_DATE + r")$", re.IGNORECASE)


@dataclass(frozen=True)
class _Gazette:
    """The facts of an old gazette's title; `last` is the index of its last line."""

    number: Field
    issuer: Field | None
    date: Field | None
    subject: Line | None  # the subject when the title's line holds it ("… VỀ DI SẢN VĂN HÓA")
    last: int


def _gazette_title(lines: list[Line], heading_at: int, number: Field | None) -> _Gazette | None:
    """The gazette title under (or after) the type heading at `heading_at`; None when there is none, or when it
    names another document than `number` (the header's own, when it has one)."""
    heading, rest = type_heading(lines[heading_at]) or ("", None)
    at = (
        heading_at
        if rest
        else next((i for i in range(heading_at + 1, min(len(lines), heading_at + 3)) if not lines[i].blank), None)
    )
    if at is None:
        return None
    line = lines[at]
    text = rest or line.text
    match = _GAZETTE.match(text)
    if match is None or not Line(text.replace(match.group("number"), ""), 0, 0).upper:
        return None
    lead, body = match.group("lead").strip(" ,"), match.group("body") or match.group("body_after")
    found = DOCUMENT_NUMBER.match(match.group("number"))
    parsed = parse_document_number(found.group(0)) if found else None
    if parsed is None or not body or any(h in body.upper() for h in TYPE_HEADINGS):
        return None  # "… CỦA THÔNG TƯ SỐ 35/2010/TT-BCA": a title that names another act
    if (lead and (match.group("body") or match.group("subject"))) or (number is not None and parsed.canonical != number.text):
        return None
    if parsed.type_name and heading.capitalize() != parsed.type_name and number is None:
        return None
    date_text, last = match.group("date"), at
    following = next((i for i in range(at + 1, min(len(lines), at + 3)) if not lines[i].blank), None)
    if date_text is None and following is not None and _GAZETTE_DATE.match(lines[following].text):
        date_text, last = lines[following].text, following
    iso = parse_date(date_text) if date_text else None
    subject = match.group("subject") or lead or None
    return _Gazette(
        Field(parsed.canonical, line.start, line.end),
        Field(body.strip(), line.start, line.end, (body.strip(),)),
        Field(iso, lines[last].start, lines[last].end) if iso else None,
        Line(subject, line.start, line.end) if subject else None,
        last,
    )


def _past_enacting(lines: list[Line], stop: int | None, end: int) -> int:
    """Where the header ends when the enacting body or office holder follows the title: after its line and the
    capitals it wraps onto ("GIÁM ĐỐC TRUNG TÂM … THÀNH PHỐ" / "HÀ NỘI"). Left in the body, that line reads as a
    signature block's position, and the wrapped place as the signer's name."""
    if stop is None or not (lines[stop].upper and _ENACTING.match(lines[stop].text)):
        return end
    end = lines[stop].end
    for line in lines[stop + 1 : stop + 3]:
        if line.blank or not line.upper or line.text in TYPE_HEADINGS or _PREAMBLE.match(line.text) or type_heading(line):
            break
        end = line.end
    return end


def _is_place_date(text: str) -> bool:
    """Whether a line is the "Hà Nội, ngày … tháng … năm …" line: a letter's layout may print it right under
    the V/v cell, where it ends the subject though nothing else (a blank line, a case change) does."""
    match = _PLACE_DATE.match(text)
    if match is None:
        return False
    rest = match.group("rest")
    return bool(parse_date("ngày" + rest) or _BLANK_DATE.search("ngày " + rest))


def _opens_sentence(last: Line, line: Line) -> bool:
    """A mixed-case line opening with a capital after a title line that does not run on ("… của Bộ Ngoại giao và" /
    "Tổng cục Bưu điện …" runs on; "… tài nguyên nước" / "Thời gian qua, …" does not)."""
    return not line.upper and line.text[:1].isupper() and not _RUNS_ON.search(last.text)


_RUNS_ON = re.compile(
    r"(?:[,\-–]|\b(?:và|của|về|cho|tại|với|đối với|theo|trong|các|những|ngày|số|thuộc|giữa|trên|đến|từ|ở))$", re.IGNORECASE
)


def _next_printed(lines: list[Line], index: int) -> str:
    """The text of the first printed line within two after `index` ("" if none)."""
    return next((later.text for later in lines[index + 1 : index + 3] if not later.blank), "")


def _wraps(taken: list[Line], following: str) -> bool:
    """Whether a title goes on past the empty line after its last line: a .doc prints each line of a title as a
    paragraph of its own ("QUY ĐỊNH VÀ HƯỚNG DẪN CHẾ ĐỘ THÔNG TIN," / "" / "BÁO CÁO VỀ CÔNG TÁC DÂN TỘC", "Về việc
    công bố Danh mục văn bản" / "" / "quy phạm pháp luật …"); `following` is the next printed line."""
    text = joined(taken)
    return bool(_RUNS_ON.search(taken[-1].text)) or text.count("“") > text.count("”") or following[:1].islower()


def _ends_subject(taken: list[Line], line: Line, issuer_keys: set[str]) -> bool:
    """A capitalized line after a mixed-case subject (or the reverse), or the enacting body repeated."""
    # A line of one or two letters ("VỀ" broken off "VIỆC …") is neither case: the lines around it decide.
    cased = [t for t in taken if sum(c.isalpha() for c in t.text) >= 3]
    if cased and line.upper != all(t.upper for t in cased):
        return True
    if line.upper and _folded(line.text) in issuer_keys:
        return True
    continues = taken[-1].text.endswith(",") or re.search(r"\b(?:VÀ|CỦA|VỀ|CHO|TẠI)$", taken[-1].text)
    return bool(line.upper and _ENACTING.match(line.text) and not continues)


def _type_name(lines, heading_at, kind_hint, number, blank_number, subject) -> str | None:
    if number is not None and _is_consolidation(number.text):
        return CONSOLIDATED  # "04/VBHN-BNV" over the consolidated decree's own "NGHỊ ĐỊNH" heading
    if heading_at is not None:
        return (type_heading(lines[heading_at]) or ("",))[0].capitalize() or None
    parsed = parse_document_number(number.text) if number else (parse_blank_number(blank_number) if blank_number else None)
    if subject is not None and re.match(r"^V/v\b", subject.text, re.IGNORECASE) and not kind_hint:
        return "Công văn"  # no type heading, a "V/v" line: a letter, whatever its code reads as ("5348/CT-CS": Cục Thuế, not Chỉ thị)
    if parsed and parsed.type_name:
        return parsed.type_name
    if kind_hint:
        return kind_hint.strip().capitalize()
    if parsed and parsed.type_code is None and parsed.issuer_code:
        return "Công văn"  # 123/UBND-KT: an official letter's number carries no type code
    return None


@dataclass(frozen=True)
class _Authentication:
    """The "XÁC THỰC VĂN BẢN HỢP NHẤT" block of a consolidated text: number, date, place, authenticating body."""

    number: Field
    date: Field | None
    place: str | None
    issuer: tuple[Field, ...]


def _authentication(text: str) -> _Authentication | None:
    """A consolidated text's own facts, printed at its end ("BỘ LAO ĐỘNG - THƯƠNG BINH / VÀ XÃ HỘI / XÁC THỰC
    VĂN BẢN HỢP NHẤT / Số: 1676/VBHN-BLĐTBXH / Hà Nội, ngày 10 tháng 5 năm 2023"); its top names only the
    document it consolidates ("Thông tư số 09/2022/TT-BLĐTBXH …"). None for any other text, or for a blank form."""
    for match in _AUTHENTICATION.finditer(text):
        start = text.rfind("\n", 0, max(0, match.start() - 400)) + 1
        lines = [line for line in logical_lines(text, start, min(len(text), match.end() + 300)) if not line.blank]
        at = next(i for i, line in enumerate(lines) if line.end >= match.end())
        for index in range(max(0, at - 2), min(len(lines), at + 4)):
            found = _number_on(lines, index, True) or _number_on(lines, index, False)
            if found is None or found[0] is None or not _is_consolidation(found[0].text):
                continue
            top = min(at, index)
            date, place, _ = _date(lines[top:], 5)
            above: list[Line] = []
            for line in reversed(lines[:top]):  # the authenticating body's cell, right above
                if not line.upper or _NOT_ISSUER.match(_folded(line.text)):
                    break
                above.insert(0, line)
            issuer = (Field(joined(above), above[0].start, above[-1].end, tuple(line.text for line in above)),) if above else ()
            return _Authentication(found[0], date, place, issuer)
    return None


def _is_consolidation(number: str) -> bool:
    parsed = parse_document_number(number)
    return parsed is not None and fold_diacritics(parsed.type_code or "").upper() == "VBHN"


def _adoption_date(text: str) -> Field | None:
    """ "Luật này được Quốc hội … thông qua ngày 30 tháng 3 năm 2021": the date of a law printed without one."""
    match = _ADOPTION.search(text)
    if not match:
        return None
    iso = parse_date(match.group(1))
    return Field(iso, match.start(), match.end()) if iso else None


LAW_TYPES = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh")


def _adopted_by_vote(type_name: str | None, number: Field | None) -> bool:
    """A law, or a resolution of the National Assembly or its Standing Committee: dated by its adoption."""
    if type_name in LAW_TYPES:
        return True
    return type_name == "Nghị quyết" and number is not None and bool(re.search(r"/(?:UBTVQH|QH)\d*$", number.text))


def readable_subject(text: str, subject: str, type_name: str | None = None) -> str:
    """A subject printed in capitals as the document itself writes it in running text.

    "HÀNG HẢI VIỆT NAM" -> "Hàng hải Việt Nam" (from "Quốc hội ban hành Bộ luật hàng hải Việt Nam");
    failing the whole phrase, each word takes the case it mostly has inside sentences. A law's name
    starts with a capital ("Luật Tổ chức Chính phủ"), any other subject with a small letter.

    >>> readable_subject("… Quốc hội ban hành Bộ luật hàng hải Việt Nam.", "HÀNG HẢI VIỆT NAM", "Bộ luật")
    'Hàng hải Việt Nam'
    """
    if not subject.isupper():
        cased = subject
    else:
        folded_text, folded_subject = fold_diacritics(text), fold_diacritics(subject)
        position = folded_text.find(folded_subject, len(subject) + 1)
        while position >= 0 and text[position : position + len(subject)].isupper():
            position = folded_text.find(folded_subject, position + 1)
        cased = text[position : position + len(subject)] if position >= 0 else _word_case(text, subject)
    if type_name in LAW_TYPES:
        return cased[:1].upper() + cased[1:]
    return cased if cased[:2].isupper() else cased[:1].lower() + cased[1:]


def _word_case(text: str, subject: str) -> str:
    """Each word of a capitalized subject in the case it mostly has after the first word of a sentence."""
    counts: dict[str, dict[str, int]] = {}
    for match in re.finditer(r"(?<=[^\W\d_] )([^\W\d_]+)", text[:200_000]):
        word = match.group(1)
        if not word.isupper() or len(word) == 1:
            forms = counts.setdefault(word.lower(), {})
            forms[word] = forms.get(word, 0) + 1
    out = []
    for word in subject.split():
        if any(c.isdigit() for c in word) or "/" in word:
            out.append(word)  # numbers and codes keep their capitals: 1899/QĐ-TTG
            continue
        forms = counts.get(word.lower().strip(",.;:"), {})
        best = max(forms, key=lambda f: forms[f]) if forms else word.lower()
        out.append(word.lower().replace(word.lower().strip(",.;:"), best) if forms else word.lower())
    return " ".join(out)


def _folded(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold_diacritics(text)))
