"""Gazetteer of Vietnamese state and party bodies: names, abbreviations, issuer codes, hierarchy.

Local bodies (UBND, HĐND, Thành ủy, Sở …) are templates instantiated per area ("Hà Nội", "quận Hà
Đông"); national bodies (Chính phủ, Bộ Nội vụ …) exist once. `resolve_issuer` turns the code after a
document number ("UBND", "CP", "TU") into an agency, taking the area from the text around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vntext.normalize import fold_diacritics


@dataclass(frozen=True)
class Area:
    """An administrative area: the city ("Hà Nội") or a district within it ("quận Hà Đông")."""

    name: str
    level: str  # "province" or "district"
    parent: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class Agency:
    """A body with its preferred label, other labels (abbreviations, variants) and parent body."""

    key: str
    label: str
    alt_labels: tuple[str, ...] = ()
    parent: str | None = None
    area: Area | None = None
    issuer_codes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def slug(self) -> str:
        return self.key


HA_NOI = Area("Hà Nội", "province")
KNOWN_AREAS = {
    "ha noi": HA_NOI,
    "ha dong": Area("quận Hà Đông", "district", "Hà Nội"),
}
_NATIONAL = [
    Agency("chinh-phu", "Chính phủ", ("CP", "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam"), issuer_codes=("CP",)),
    Agency("thu-tuong-chinh-phu", "Thủ tướng Chính phủ", ("TTg",), "chinh-phu", issuer_codes=("TTG",)),
    Agency("van-phong-chinh-phu", "Văn phòng Chính phủ", ("VPCP",), "chinh-phu", issuer_codes=("VPCP",)),
    Agency("bo-noi-vu", "Bộ Nội vụ", ("BNV",), "chinh-phu", issuer_codes=("BNV",)),
    Agency("bo-tai-chinh", "Bộ Tài chính", ("BTC",), "chinh-phu", issuer_codes=("BTC",)),
    Agency("bo-tu-phap", "Bộ Tư pháp", ("BTP",), "chinh-phu", issuer_codes=("BTP",)),
    Agency("quoc-hoi", "Quốc hội", ("QH",), issuer_codes=("QH",)),
    Agency("uy-ban-thuong-vu-quoc-hoi", "Ủy ban Thường vụ Quốc hội", ("UBTVQH",), "quoc-hoi", issuer_codes=("UBTVQH",)),
    Agency("ban-chap-hanh-trung-uong", "Ban Chấp hành Trung ương Đảng", ("TW",), issuer_codes=("TW",)),
    Agency("bo-chinh-tri", "Bộ Chính trị", ("BCT",), "ban-chap-hanh-trung-uong"),
]
# (key prefix, label template, alternative label templates, issuer codes, parent key prefix)
_LOCAL = [
    ("ubnd", "Ủy ban nhân dân {area}", ("UBND {area}", "UBND"), ("UBND",), None),
    ("hdnd", "Hội đồng nhân dân {area}", ("HĐND {area}", "HĐND"), ("HDND",), None),
    ("thanh-uy", "Thành ủy {area}", ("Thành ủy", "TU"), ("TU",), None),
    (
        "ban-can-su-dang-ubnd",
        "Ban Cán sự Đảng Ủy ban nhân dân {area}",
        ("Ban Cán sự Đảng UBND", "BCSĐ", "BCSD"),
        ("BCSD",),
        "ubnd",
    ),
    ("so-noi-vu", "Sở Nội vụ {area}", ("Sở Nội vụ",), ("SNV",), "ubnd"),
    ("so-tu-phap", "Sở Tư pháp {area}", ("Sở Tư pháp",), ("STP",), "ubnd"),
    ("so-tai-chinh", "Sở Tài chính {area}", ("Sở Tài chính",), ("STC",), "ubnd"),
    (
        "so-thong-tin-va-truyen-thong",
        "Sở Thông tin và Truyền thông {area}",
        ("Sở Thông tin và Truyền thông",),
        ("STTTT",),
        "ubnd",
    ),
    ("van-phong-ubnd", "Văn phòng Ủy ban nhân dân {area}", ("Văn phòng UBND",), ("VP",), "ubnd"),
    ("ban-chi-dao-cchc", "Ban Chỉ đạo Cải cách hành chính, chuyển đổi số {area}", ("Ban Chỉ đạo CCHC",), (), "ubnd"),
]
# Bodies that exist in a district too; a Thành ủy or a Sở is always the city's.
DISTRICT_BODIES = ("ubnd", "hdnd")
_DISTRICT_OF = re.compile(r"\b(?:ubnd|uy ban nhan dan)\s+(?:quan|huyen|thi xa)\b")


def slugify(text: str) -> str:
    """ "Sở Nội vụ Hà Nội" -> "so-noi-vu-ha-noi"."""
    return re.sub(r"[^a-z0-9]+", "-", fold_diacritics(text)).strip("-")


def local_agency(prefix: str, area: Area) -> Agency:
    """The local body `prefix` ("ubnd", "so-noi-vu" …) of an area."""
    for key, label, alts, codes, parent in _LOCAL:
        if key == prefix:
            name = area.name if area.level == "district" else f"thành phố {area.name}"
            parent_agency = (
                f"{parent}-{area.slug}" if parent else (f"ubnd-{slugify(area.parent)}" if area.parent and key == "ubnd" else None)
            )
            alt_labels = [a.format(area=area.name) for a in alts]
            if area.level == "province" and key in ("ubnd", "hdnd"):
                short = alts[-1]
                alt_labels += [
                    f"{short} Thành phố",
                    f"{short} thành phố {area.name}",
                    f"{short} TP {area.name}",
                    label.format(area="Thành phố"),
                ]
            return Agency(f"{key}-{area.slug}", label.format(area=name), tuple(alt_labels), parent_agency, area, codes)
    raise KeyError(prefix)


def national_agencies() -> list[Agency]:
    return list(_NATIONAL)


def agency_by_key(key: str) -> Agency | None:
    for agency in _NATIONAL:
        if agency.key == key:
            return agency
    for prefix, *_ in _LOCAL:
        for area in KNOWN_AREAS.values():
            if key == f"{prefix}-{area.slug}":
                return local_agency(prefix, area)
    return None


def resolve_issuer(code: str | None, context: str, default_area: Area = HA_NOI) -> Agency | None:
    """The agency an issuer code stands for; local codes take the area from the context.

    >>> resolve_issuer("UBND", "Kế hoạch của UBND quận Hà Đông").label
    'Ủy ban nhân dân quận Hà Đông'
    >>> resolve_issuer("UBND", "UBND Thành phố ban hành").label
    'Ủy ban nhân dân thành phố Hà Nội'
    >>> resolve_issuer("UBTVQH15", "").label
    'Ủy ban Thường vụ Quốc hội'
    """
    if not code:
        return None
    folded = fold_diacritics(code).upper()
    base = re.sub(r"\d+$", "", folded)  # UBTVQH15, QH14: the term number is not part of the body
    for agency in _NATIONAL:
        if base in agency.issuer_codes:
            return agency
    for prefix, _, _, codes, _ in _LOCAL:
        if base in codes:
            area = area_in_context(context, default_area) if prefix in DISTRICT_BODIES else default_area
            return local_agency(prefix, area)
    return None


def area_in_context(context: str, default_area: Area = HA_NOI) -> Area:
    """A district named near a local body ("UBND quận Hà Đông") wins over the document's city."""
    folded = fold_diacritics(context)
    if _DISTRICT_OF.search(folded) or "quan ha dong" in folded:
        for key, area in KNOWN_AREAS.items():
            if area.level == "district" and key in folded:
                return area
    return default_area


def agency_named(text: str, default_area: Area = HA_NOI) -> Agency | None:
    """An agency written out in text ("của Bộ Tài chính", "của Thành ủy"), or None."""
    folded = fold_diacritics(text)
    for agency in sorted(_NATIONAL, key=lambda a: -len(a.label)):
        if fold_diacritics(agency.label) in folded:
            return agency
    local_names = {"ubnd": ("uy ban nhan dan", "ubnd"), "hdnd": ("hoi dong nhan dan", "hdnd"), "thanh-uy": ("thanh uy",)}
    for prefix, names in local_names.items():
        if any(re.search(rf"\b{name}\b", folded) for name in names):
            area = area_in_context(text, default_area) if prefix in DISTRICT_BODIES else default_area
            return local_agency(prefix, area)
    return None
