"""When a formal document comes into force and when it stops, as its own text says (ngày có hiệu lực).

"Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2017", "Quyết định này có hiệu lực kể từ
ngày ký", "Nghị định này có hiệu lực sau 45 ngày kể từ ngày ký", "… có hiệu lực từ ngày 01/7/2025 đến
hết ngày 31/12/2025"; statements whose subject is an article ("Điều 4 có hiệu lực từ …") give dates
for parts. Only the document's own statements count ("<type> này", before its signature): a
transitional clause about another act, or a form in an annex ("Quyết định này có hiệu lực kể từ
ngày ký" in a model decision), does not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from vntext.dates import NUMERIC_DATE, WORDS_DATE, parse_date

_TYPES = (
    r"Hiến pháp|Bộ luật|Luật|Pháp lệnh|Lệnh|Nghị quyết(?: liên tịch)?|Nghị định|Quyết định|Thông tư(?: liên tịch)?|Chỉ thị"
    r"|Quy chế|Quy định|Kế hoạch|Hướng dẫn|Văn bản|Kết luận|Chương trình|Đề án|Thông báo"
)
_SUBJECT = re.compile(rf"(?P<type>{_TYPES})\s+này\s+(?:(?:chính thức|sẽ|được)\s+)?$")
# "Điều 2. Quyết định có hiệu lực …": an article opening with the type alone, "này" left out, still speaks of
# the document itself (a transitional clause names the act it means: "Quyết định số …", "Quyết định đó").
_BARE_SUBJECT = re.compile(rf"Điều\s+\d+[a-z]?\s*[.:]\s*(?P<type>{_TYPES})\s+(?:(?:chính thức|sẽ|được)\s+)?$")
# "Nghị quyết này đã được Hội đồng Thẩm phán Tòa án nhân dân tối cao thông qua ngày 11 tháng 01 năm 2019 và có hiệu
# lực thi hành kể từ ngày …": the adoption between the subject and its entry into force.
_ADOPTED_SUBJECT = re.compile(
    rf"(?P<type>{_TYPES})\s+này\s+(?:đã\s+)?được\s+[^.;]{{0,120}}?thông\s+qua\s+(?:ngày\s+)?(?:{WORDS_DATE}|{NUMERIC_DATE})"
    r"\s*,?\s*(?:và\s+)?$"
)
_PART = re.compile(
    r"(?:(?:điểm\s+\w+\s+)?khoản\s+\d+\s+)?(?:Điều|Chương|Mục)\s+[\dIVXLC]+[a-z]?(?:\s*(?:,|và)\s*(?:Điều\s+)?\d+)*"
)
_IN_FORCE = re.compile(r"(?:có|hết)\s+hiệu\s+lực(?:\s+(?:thi\s+hành|thực\s+hiện|áp\s+dụng|pháp\s+luật))?", re.IGNORECASE)
# "kể" as OCR reads it too ("kê từ", "kế từ"): a lost mark must not lose the date that follows.
_KE = r"(?:k[eêéèẻẽẹếềểễệ]\s+)?"
_DATE = f"{WORDS_DATE}|{NUMERIC_DATE}"
_AFTER_DAYS = re.compile(
    rf"^\s*,?\s*{_KE}(?:sau|từ\s+sau)\s+(\d{{1,3}})\s+(ngày|tháng),?\s*{_KE}từ\s+ngày\s+(?:được\s+)?"
    r"(?:ký|ban\s+hành|thông\s+qua|công\s+bố)"
)
# "kể từ ngày ký", "từ ngày được thông qua" (a resolution in force when adopted: the date it bears).
_FROM_SIGNING = re.compile(rf"^\s*,?\s*{_KE}từ\s+(?:ngày|thời\s+điểm)\s+(?:được\s+)?(?:ký|ban\s+hành|thông\s+qua|công\s+bố)")
_FROM_DATE = re.compile(rf"^\s*,?\s*{_KE}(?:từ|từ\s+sau)?\s*(?:ngày\s+)?({_DATE})")
# "có hiệu lực thi hành từ năm ngân sách 2017": the budget year is the calendar year (Luật Ngân sách nhà nước).
_FROM_BUDGET_YEAR = re.compile(rf"^\s*,?\s*{_KE}từ\s+năm\s+ngân\s+sách\s+((?:19|20)\d\d)\b")
_UNTIL = re.compile(rf"^[^.;]{{0,60}}?đến\s+(?:hết\s+)?ngày\s+({_DATE})")
WINDOW = 160


@dataclass(frozen=True)
class ForceStatement:
    """One statement of entry into force (`kind` "from") or end of force ("until"), with its span."""

    kind: str
    date: str | None  # ISO; None when the text leaves it blank ("kể từ ngày … tháng … năm 2025")
    start: int
    end: int
    part: str | None = None  # "Điều 4" when only a part is concerned
    rule: str = "date"  # "date", "signing" (kể từ ngày ký), "after_days" or "budget_year" (từ năm ngân sách …)


@dataclass(frozen=True)
class InForce:
    effective: ForceStatement | None
    until: ForceStatement | None
    parts: tuple[ForceStatement, ...] = ()


def in_force(text: str, *, type_name: str | None, signed: str | None, end: int | None = None) -> InForce:
    """The document's own entry-into-force date, its end of force and per-part dates, from text[:end].

    >>> f = in_force("Điều 3. Quyết định này có hiệu lực kể từ ngày ký.", type_name="Quyết định", signed="2024-03-15")
    >>> f.effective.date, f.effective.rule
    ('2024-03-15', 'signing')
    >>> in_force("Nghị định này có hiệu lực sau 45 ngày kể từ ngày ký ban hành.", type_name="Nghị định", signed="2021-12-04").effective.date
    '2022-01-18'
    >>> in_force("Luật này có hiệu lực sau 6 tháng, kể từ ngày ký.", type_name="Luật", signed="2010-08-31").effective.date
    '2011-02-28'
    >>> f = in_force("Nghị quyết này có hiệu lực từ ngày 01/7/2025 đến hết ngày 31/12/2026.", type_name="Nghị quyết", signed=None)
    >>> f.effective.date, f.until.date
    ('2025-07-01', '2026-12-31')
    """
    flat = text[: len(text) if end is None else end].replace("\n", " ")
    own = (type_name or "").lower()
    effective = until = fallback = None
    parts = []
    for match in _IN_FORCE.finditer(flat):
        before = flat[max(0, match.start() - 120) : match.start()]
        subject = (
            _SUBJECT.search(before)
            or _BARE_SUBJECT.search(before)
            or _ADOPTED_SUBJECT.search(flat[max(0, match.start() - 240) : match.start()])
        )
        after = flat[match.end() : match.end() + WINDOW]
        ending = match.group(0).lower().startswith("hết")
        if subject is None:
            part = _part(before)
            statement = _when(after, match.start(), signed, part=part) if part and not ending else None
            if statement:
                parts.append(statement)
            continue
        mine = not own or subject.group("type").lower() == own or (own == "bộ luật" and subject.group("type") == "Luật")
        statement = _when(after, match.start(), signed, kind="until" if ending else "from")
        if statement is None:
            continue
        if ending:
            until = until or (statement if mine else None)
            continue
        if not mine:
            fallback = fallback or statement  # "Quy chế này có hiệu lực …" when the decision says nothing itself
            continue
        if effective is None:
            effective = statement
            if limit := _UNTIL.match(after):
                until = until or ForceStatement("until", parse_date(limit.group(1)), statement.start, match.end() + limit.end())
    return InForce(effective or fallback, until, tuple(parts))


def _when(after: str, start: int, signed: str | None, *, kind: str = "from", part: str | None = None) -> ForceStatement | None:
    if days := _AFTER_DAYS.match(after):
        count = int(days.group(1))
        date = _plus_days(signed, count) if days.group(2) == "ngày" else _plus_months(signed, count)
        return ForceStatement(kind, date, start, start + days.end(), part, "after_days")
    if signing := _FROM_SIGNING.match(after):
        return ForceStatement(kind, signed, start, start + signing.end(), part, "signing")
    if explicit := _FROM_DATE.match(after):
        return ForceStatement(kind, parse_date(explicit.group(1)), start, start + explicit.end(), part)
    if budget := _FROM_BUDGET_YEAR.match(after):
        return ForceStatement(kind, f"{budget.group(1)}-01-01", start, start + budget.end(), part, "budget_year")
    if re.match(rf"^\s*,?\s*{_KE}từ\s+ngày\s*(?:[.…_]*\s*)tháng", after):
        return ForceStatement(kind, None, start, start + 30, part)  # the date was left blank
    return None


def _part(before: str) -> str | None:
    """The article a statement is about, when its subject is one ("Điều 4 … có hiệu lực")."""
    clause = re.split(r"[.;:]\s", before)[-1]
    match = _PART.search(clause)
    return match.group(0) if match and not re.search(r"\btrước\b|\bsau\b|\bkhi\b", clause[match.end() :]) else None


def _plus_days(iso: str | None, days: int) -> str | None:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat() if iso else None


def _plus_months(iso: str | None, months: int) -> str | None:
    """For "sau 6 tháng kể từ ngày ký": the same day of the month that many months on (the month's last day when it
    has no such day), as a period in months is counted (Bộ luật Dân sự 2015, Điều 148)."""
    if not iso:
        return None
    day = dt.date.fromisoformat(iso)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last)).isoformat()
