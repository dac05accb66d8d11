"""Tình trạng hiệu lực: whether a document is in force on a given day, and why, from what the store holds.

Computed when asked, never stored: the answer changes with the day asked and with every document
ingested later (a repealing decree arrives, and a circular that was "còn hiệu lực" is not any more).
The inputs are ELI statements in the graph: the document's own eli:first_date_entry_in_force and
eli:date_no_longer_in_force, and the documents that repeal (eli:repeals) or replace
(reform:replaces) it or a part of it, from the day they themselves come into force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.errors import QueryError

STATUS_LABELS = {
    "not_yet_in_force": "Chưa có hiệu lực",
    "in_force": "Còn hiệu lực",
    "partially_in_force": "Hết hiệu lực một phần",
    "no_longer_in_force": "Hết hiệu lực toàn bộ",
    "unknown": "Chưa xác định",
}


@dataclass(frozen=True)
class Ending:
    """A document that ends this one's force, wholly or for a part, and from when."""

    kind: str  # "repeals" or "replaces"
    uri: str
    label: str
    number: str | None
    start: str | None  # the day it comes into force (its own date when it states none)
    part: str | None  # "khoản 2 Điều 32" for a partial repeal


def as_of_date(value: str | None) -> str:
    """The day to judge on: YYYY-MM-DD, today when not given.

    >>> as_of_date("2024-02-29")
    '2024-02-29'
    >>> as_of_date("29/02/2024")
    Traceback (most recent call last):
    ...
    core.errors.QueryError: as_of must be a date written YYYY-MM-DD, not '29/02/2024'
    """
    if not value:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise QueryError(f"as_of must be a date written YYYY-MM-DD, not {value!r}") from None


def status(facts: dict[str, Any], ending_list: list[Ending], as_of: str) -> dict[str, Any]:
    """{"code", "label", "as_of", "reasons"}: the status on `as_of` and the facts that decide it.

    >>> status({"effective_date": "2017-01-01", "date": "2015-11-24"}, [], "2016-06-01")["label"]
    'Chưa có hiệu lực'
    >>> s = status({"effective_date": "2017-01-01"}, [Ending("repeals", "u", "Bộ luật 45/2019/QH14", "45/2019/QH14", "2021-01-01", None)], "2024-01-01")
    >>> s["code"], s["reasons"][0]["text"]
    ('no_longer_in_force', 'Bị bãi bỏ bởi Bộ luật 45/2019/QH14, từ ngày 01/01/2021')
    """
    effective, issued, until = facts.get("effective_date"), facts.get("date"), facts.get("end_date_stated")
    reasons: list[dict[str, Any]] = []

    def result(code: str) -> dict[str, Any]:
        return {"code": code, "label": STATUS_LABELS[code], "as_of": as_of, "reasons": reasons}

    if effective and as_of < effective:
        reasons.append(_reason("effective", f"Có hiệu lực từ ngày {_vn(effective)}", date=effective))
        return result("not_yet_in_force")
    if until and as_of > until:
        reasons.append(_reason("expired", f"Hết hiệu lực sau ngày {_vn(until)}, theo chính văn bản này", date=until))
        return result("no_longer_in_force")
    applied = [e for e in ending_list if e.start is None or e.start <= as_of]
    whole = [e for e in applied if e.part is None]
    if whole:
        reasons += [_ending_reason(e) for e in whole]
        return result("no_longer_in_force")
    if applied:
        reasons += [_ending_reason(e) for e in applied]
        return result("partially_in_force")
    since = effective or issued
    if since:
        if as_of < since:
            reasons.append(_reason("issued", f"Ban hành ngày {_vn(since)}", date=since))
            return result("not_yet_in_force")
        text = (
            f"Có hiệu lực từ ngày {_vn(effective)}"
            if effective
            else f"Ban hành ngày {_vn(since)}; văn bản không nêu ngày có hiệu lực"
        )
        reasons.append(_reason("effective" if effective else "issued", text, date=since))
        pending = [e for e in ending_list if e not in applied]
        reasons += [_ending_reason(e, pending=True) for e in pending]
        return result("in_force")
    return result("unknown")


def _ending_reason(ending: Ending, *, pending: bool = False) -> dict[str, Any]:
    verb = "Bị bãi bỏ" if ending.kind == "repeals" else "Bị thay thế"
    what = f"{verb} {ending.part} " if ending.part else f"{verb} "
    when = f", từ ngày {_vn(ending.start)}" if ending.start else " (ngày có hiệu lực không rõ)"
    text = f"{what}bởi {ending.label}{when}" if not ending.part else f"{verb} {ending.part} bởi {ending.label}{when}"
    if pending:
        text = f"Sẽ {text[0].lower()}{text[1:]}"
    return _reason(
        ending.kind,
        text,
        date=ending.start,
        by={"uri": ending.uri, "number": ending.number, "label": ending.label},
        part=ending.part,
    )


def _reason(kind: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "text": text, **{k: v for k, v in extra.items() if v is not None}}


def _vn(iso: str) -> str:
    """ "2021-01-01" -> "01/01/2021", the way Vietnamese documents write dates."""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
