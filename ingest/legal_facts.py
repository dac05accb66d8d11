"""What a formal document says about itself, as metadata: header, signature, entry into force.

Stored as `Document.metadata["legal"]` (plain JSON: the document store keeps metadata as JSON), with
the span every value was read from, so the graph can give each fact its provenance. Values are as
printed ("PHÓ THỦ TƯỚNG", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"); naming them (gazetteer, display case)
is the graph's job.
"""

from __future__ import annotations

from typing import Any

from ingest.header import Field, Header, parse_header
from ingest.in_force import ForceStatement, in_force
from ingest.signature import parse_signature


def legal_facts(text: str, header: Header | None = None) -> dict[str, Any]:
    """The `metadata["legal"]` object of a formal document's (final, normalized) text.

    >>> facts = legal_facts("BỘ Y TẾ\\nSố: 45/2025/TT-BYT\\nHà Nội, ngày 25 tháng 11 năm 2025\\nTHÔNG TƯ\\nBãi bỏ Thông tư số 31/2015/TT-BYT\\n"
    ...     "Điều 1. Bãi bỏ toàn bộ Thông tư số 31/2015/TT-BYT.\\nĐiều 2. Thông tư này có hiệu lực thi hành kể từ ngày 15 tháng 01 năm 2026.\\n"
    ...     "Nơi nhận:\\n- Như Điều 2;\\nKT. BỘ TRƯỞNG\\nTHỨ TRƯỞNG\\n\\nTrần Văn Thuấn")
    >>> facts["number"]["text"], facts["type"], facts["issuer"][0]["text"], facts["effective"]["date"], facts["signer"]["name"]
    ('45/2025/TT-BYT', 'Thông tư', 'BỘ Y TẾ', '2026-01-15', 'Trần Văn Thuấn')
    """
    header = header or parse_header(text)
    signature = parse_signature(text, header.end)
    signed = header.date.text if header.date else None
    force = in_force(text, type_name=header.type_name, signed=signed, end=signature.start if signature else None)
    facts: dict[str, Any] = {
        "number": _field(header.number),
        "blank_number": header.blank_number,
        "type": header.type_name,
        "issuer": [{**(_field(block) or {}), "lines": list(block.lines)} for block in header.issuer_blocks],
        "place": header.place,
        "date": _field(header.date),
        "date_source": header.date_source,
        "year": header.year or (int(signed[:4]) if signed else None),
        "subject": _field(header.subject),
        "header_end": header.end,
        "signer": None,
        "effective": _statement(force.effective),
        "until": _statement(force.until),
        "effective_parts": [_statement(part) for part in force.parts],
    }
    if signature is not None:
        facts["signer"] = {
            "name": signature.name,
            "position": signature.position,
            "mode": signature.mode,
            "start": signature.start,
            "end": signature.end,
            "name_start": signature.name_start,
            "name_end": signature.name_end,
        }
    return facts


def _field(value: Field | None) -> dict[str, Any] | None:
    return None if value is None else {"text": value.text, "start": value.start, "end": value.end}


def _statement(statement: ForceStatement | None) -> dict[str, Any] | None:
    if statement is None:
        return None
    return {
        "date": statement.date,
        "start": statement.start,
        "end": statement.end,
        "part": statement.part,
        "rule": statement.rule,
    }
