"""Vietnamese administrative abbreviations: a built-in dictionary grown from the documents themselves.

Documents define their own: "phổ biến giáo dục pháp luật (PBGDPL)", "phản ánh, kiến nghị (PAKN)".
`harvest` finds such definitions (the capitals must be the initials of the words before them), and
`expand` turns a query's abbreviations into their long forms and long forms into abbreviations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from vntext.normalize import fold_diacritics

BUILT_IN: dict[str, str] = {
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
    "DVC": "dịch vụ công",
    "DVCTT": "dịch vụ công trực tuyến",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "PBGDPL": "phổ biến giáo dục pháp luật",
    "CNTT": "công nghệ thông tin",
    "PAKN": "phản ánh kiến nghị",
    "VBQPPL": "văn bản quy phạm pháp luật",
    "QPPL": "quy phạm pháp luật",
    "CSDL": "cơ sở dữ liệu",
    "CBCC": "cán bộ công chức",
    "CBCCVC": "cán bộ công chức viên chức",
    "ĐVSNCL": "đơn vị sự nghiệp công lập",
    "KT-XH": "kinh tế xã hội",
    "MTTQ": "Mặt trận Tổ quốc",
    "BCĐ": "Ban Chỉ đạo",
    "PARINDEX": "Chỉ số cải cách hành chính",
    "PAR INDEX": "Chỉ số cải cách hành chính",
    "SIPAS": "Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước",
    "PAPI": "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh",
    "PCI": "Chỉ số năng lực cạnh tranh cấp tỉnh",
    "DTI": "Chỉ số chuyển đổi số",
    "TP": "thành phố",
    "NĐ-CP": "Nghị định của Chính phủ",
    "QĐ": "Quyết định",
    "KH": "Kế hoạch",
}
_ABBREVIATION_IN_PARENTHESES = re.compile(r"\(([A-ZĐ][A-ZĐ0-9-]{1,11})\)")
_WORD = re.compile(r"[^\W\d_]+")
_LOOKBACK_CHARS = 160  # enough for the 12 words an abbreviation can stand for


def harvest(texts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(abbreviation, long form) pairs defined in `texts`, where the initials match.

    >>> list(harvest(["tuyên truyền, phổ biến giáo dục pháp luật (PBGDPL) và phản ánh, kiến nghị (PAKN)"]))
    [('PBGDPL', 'phổ biến giáo dục pháp luật'), ('PAKN', 'phản ánh, kiến nghị')]
    """
    for text in texts:
        for match in _ABBREVIATION_IN_PARENTHESES.finditer(text):
            abbreviation = match.group(1)
            before = text[max(0, match.start() - _LOOKBACK_CHARS) : match.start()]
            words = list(_WORD.finditer(before))[-12:]
            letters = fold_diacritics(abbreviation.replace("-", "")).upper()
            for size in range(min(len(words), len(letters)), 0, -1):
                chosen = words[-size:]
                initials = "".join(fold_diacritics(w.group(0)[0]).upper() for w in chosen)
                tail = before[chosen[-1].end() :]
                if initials == letters and not tail.strip(" ,-"):
                    yield abbreviation, before[chosen[0].start() : chosen[-1].end()]
                    break


def expand(query: str, dictionary: dict[str, str]) -> list[str]:
    """Long forms of the abbreviations in `query`, and abbreviations of the long forms it contains."""
    folded_query = fold_diacritics(query)
    expansions = []
    for abbreviation, long_form in dictionary.items():
        if re.search(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])", query):
            expansions.append(long_form)
        elif fold_diacritics(long_form.replace(",", "")) in folded_query.replace(",", ""):
            expansions.append(abbreviation)
    return expansions
