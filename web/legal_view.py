"""A document as vbpl.vn and thuvienphapluat.vn show it: the facts block ("Thuộc tính"), with every
field present and "chưa có dữ liệu" where the graph does not know it, and the legal relations
grouped both ways ("Lược đồ"), each related document with its validity where known.

Reads the lookup object of graph.lookup.describe with .get(), so that fields added later
(effective date, validity, signer position …) appear as soon as the graph provides them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web.formatting import MISSING, vn_date

# (relation, group title): what this document does to others, then what others do to it; the
# titles are those of the portals ("Văn bản được căn cứ" = the documents this one is based on).
OUTGOING = (
    ("based_on", "Văn bản được căn cứ"),
    ("guides", "Văn bản được hướng dẫn"),
    ("amends", "Văn bản bị sửa đổi, bổ sung"),
    ("replaces", "Văn bản bị thay thế"),
    ("repeals", "Văn bản bị bãi bỏ"),
    ("implements", "Văn bản được triển khai thực hiện"),
    ("cites", "Văn bản được dẫn chiếu"),
    ("proposed_by", "Theo đề nghị của"),
)
INCOMING = (
    ("basis_of", "Văn bản căn cứ vào văn bản này"),
    ("guided_by", "Văn bản hướng dẫn"),
    ("amended_by", "Văn bản sửa đổi, bổ sung"),
    ("replaced_by", "Văn bản thay thế"),
    ("repealed_by", "Văn bản bãi bỏ"),
    ("implemented_by", "Văn bản triển khai thực hiện"),
    ("cited_by", "Văn bản dẫn chiếu đến văn bản này"),
)
RELATION_TITLES = dict(OUTGOING + INCOMING) | {"issued_by": "Cơ quan ban hành", "task": "Nhiệm vụ"}
SIGNING_MODES = {"TM.": "thay mặt", "KT.": "ký thay", "Q.": "quyền", "TL.": "thừa lệnh", "TUQ.": "thừa ủy quyền"}


@dataclass
class Fact:
    label: str
    value: str | None
    link: str | None = None
    status: dict[str, Any] | None = None  # the validity row carries its code and reasons

    @property
    def shown(self) -> str:
        return self.value if self.value not in (None, "") else MISSING


@dataclass
class RelationGroup:
    relation: str
    title: str
    items: list[dict[str, Any]] = field(default_factory=list)


def facts(lookup: dict[str, Any], page_path) -> list[Fact]:
    """The facts block, in the portals' order; every row is always there."""
    issuer_uri = next((r["uri"] for r in lookup.get("related", []) if r.get("relation") == "issued_by"), None)
    status = lookup.get("status") or None
    rows = [
        Fact("Số hiệu", lookup.get("number")),
        Fact("Loại văn bản", lookup.get("type")),
        Fact("Cơ quan ban hành", lookup.get("issuer"), page_path(issuer_uri) if issuer_uri else None),
        Fact("Người ký", signer(lookup)),
        Fact("Ngày ban hành", vn_date(lookup.get("date"), missing="") or None),
        Fact("Ngày hiệu lực", vn_date(lookup.get("effective_date"), missing="") or None),
    ]
    if lookup.get("end_date"):
        rows.append(Fact("Ngày hết hiệu lực", vn_date(lookup["end_date"])))
    rows.append(Fact("Tình trạng hiệu lực", status.get("label") if status else None, status=status_view(status, page_path)))
    rows.append(Fact("Trích yếu", lookup.get("subject")))
    return rows


def signer(lookup: dict[str, Any]) -> str | None:
    """Signer with position and signing mode: "Nguyễn Văn A — Thứ trưởng (KT. – ký thay)".

    >>> signer({"signer": "Nguyễn Sinh Hùng", "signer_position": "Chủ tịch Quốc hội"})
    'Nguyễn Sinh Hùng — Chủ tịch Quốc hội'
    >>> signer({"signer": "Nguyễn Văn A", "signer_position": "Thứ trưởng", "signing_mode": "KT."}), signer({})
    ('Nguyễn Văn A — Thứ trưởng (KT. – ký thay)', None)
    """
    name = lookup.get("signer")
    if not name:
        return None
    text = name
    if lookup.get("signer_position"):
        text += f" — {lookup['signer_position']}"
    mode = lookup.get("signing_mode")
    if mode:
        meaning = SIGNING_MODES.get(mode.upper() if mode.endswith(".") else f"{mode.upper()}.")
        text += f" ({mode} – {meaning})" if meaning else f" ({mode})"
    return text


def status_view(status: dict[str, Any] | None, page_path=None) -> dict[str, Any] | None:
    """The validity as shown: label, a style class, the date it was judged on, its reasons as text
    with a link to the document that ends or changes it."""
    if not status:
        return None
    return {
        "label": status.get("label") or status.get("code"),
        "tone": status_tone(status),
        "as_of": vn_date(status["as_of"]) if status.get("as_of") else None,
        "reasons": [reason_text(r, page_path) for r in status.get("reasons") or []],
    }


TONES = {
    "in_force": "in-force",
    "partially_in_force": "partial",
    "not_yet_in_force": "pending",
    "no_longer_in_force": "ended",
    "unknown": "unknown",
}


def status_tone(status: dict[str, Any] | None) -> str:
    """A colour class for a validity: in force, partly, not yet, no longer, unknown.

    >>> status_tone({"code": "in_force", "label": "Còn hiệu lực"}), status_tone({"label": "Hết hiệu lực một phần"})
    ('in-force', 'partial')
    >>> status_tone({"code": "unknown", "label": "Chưa xác định"}), status_tone(None)
    ('unknown', 'unknown')
    """
    if not status:
        return "unknown"
    if status.get("code") in TONES:
        return TONES[status["code"]]
    label = (status.get("label") or "").lower()
    if "một phần" in label:
        return "partial"
    if "chưa có hiệu lực" in label:
        return "pending"
    if "hết hiệu lực" in label:
        return "ended"
    return "in-force" if "còn hiệu lực" in label else "unknown"


def reason_text(reason: Any, page_path=None) -> dict[str, Any]:
    """A reason of a validity as {text, path}: its text, linked to the document it names."""
    if not isinstance(reason, dict):
        return {"text": str(reason), "path": None}
    by = reason.get("by") or {}
    path = page_path(by["uri"]) if page_path and by.get("uri") else None
    return {"text": reason.get("text") or by.get("label") or MISSING, "path": path}


def relation_groups(lookup: dict[str, Any], page_path) -> tuple[list[RelationGroup], list[RelationGroup]]:
    """(what this document does to others, what others do to it), only the groups that have items."""
    by_relation: dict[str, list[dict[str, Any]]] = {}
    for item in lookup.get("related", []):
        uri = item.get("uri") or ""
        shown = dict(
            item,
            path=page_path(uri) if uri.startswith("http") else None,
            status=status_view(item.get("status"), page_path),
            date_shown=vn_date(item["date"]) if item.get("date") else None,
        )
        by_relation.setdefault(item.get("relation", ""), []).append(shown)
    outgoing = [RelationGroup(r, t, by_relation[r]) for r, t in OUTGOING if by_relation.get(r)]
    incoming = [RelationGroup(r, t, by_relation[r]) for r, t in INCOMING if by_relation.get(r)]
    return outgoing, incoming


def tasks(lookup: dict[str, Any], page_path) -> list[dict[str, Any]]:
    return [dict(item, path=page_path(item["uri"])) for item in lookup.get("related", []) if item.get("relation") == "task"]
