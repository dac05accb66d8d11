"""Vietnamese state and party bodies: names, abbreviations, issuer codes, hierarchy, for the whole country.

The gazetteer is data (graph/data/agencies.json): national bodies (Quốc hội … every ministry, today's
and the former ones older documents name, courts, procuracy, party), the provinces (63 before the
2025 merger, 34 after it, with the mapping) and templates of local bodies (UBND, HĐND, Tỉnh ủy, Sở …)
instantiated for any province or district. `resolve_issuer` turns the code after a document number
("UBND", "CP", "TT-BTC") into a body, taking the area from the text around it; `agency_named` reads
a body written out ("Ủy ban nhân dân tỉnh Quảng Ninh"). No area is assumed: a local body without a
named area belongs to the document's own area, when it has one.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ingest.signature import POSITIONS
from vntext.normalize import fold_diacritics


@dataclass(frozen=True)
class Area:
    """A province ("Hà Nội", kind "thành phố") or a district within one ("quận Hà Đông")."""

    name: str
    level: str  # "province" or "district"
    parent: str | None = None
    kind: str = field(default="tỉnh", compare=False)

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def full(self) -> str:
        """The name as a body's label writes it: "thành phố Hà Nội", "tỉnh Nghệ An", "quận Hà Đông"."""
        return self.name if self.level == "district" else f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Agency:
    """A body with its preferred label, other labels (abbreviations, variants) and parent body."""

    key: str
    label: str
    alt_labels: tuple[str, ...] = ()
    parent: str | None = None
    area: Area | None = None
    issuer_codes: tuple[str, ...] = field(default=(), compare=False)
    until: str | None = field(default=None, compare=False)  # last day, for a body merged or renamed
    successor: str | None = field(default=None, compare=False)

    @property
    def slug(self) -> str:
        return self.key


def slugify(text: str) -> str:
    """ "Sở Nội vụ Hà Nội" -> "so-noi-vu-ha-noi"."""
    return re.sub(r"[^a-z0-9]+", "-", fold_diacritics(text)).strip("-")


def words(text: str) -> str:
    """The comparison form of a name: folded, words only ("BỘ LAO ĐỘNG - THƯƠNG BINH" -> "bo lao dong thuong binh")."""
    return " ".join(re.findall(r"[a-z0-9]+", fold_diacritics(text)))


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Any]:
    """graph/data/agencies.json, read once per process."""
    return json.loads((resources.files("graph") / "data" / "agencies.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def national_agencies() -> list[Agency]:
    return [
        Agency(
            e["key"],
            e["label"],
            tuple(e.get("alt", ())),
            e.get("parent"),
            issuer_codes=tuple(fold_diacritics(c).upper() for c in e.get("codes", ())),
            until=e.get("until"),
            successor=e.get("successor"),
        )
        for e in gazetteer()["national"]
    ]


@lru_cache(maxsize=1)
def provinces() -> tuple[Area, ...]:
    """Every province, before and after the 2025 merger (an unchanged one once)."""
    return tuple(Area(p["name"], "province", None, p.get("kind_after") or p["kind"]) for p in gazetteer()["provinces"])


def province(name: str) -> Area | None:
    """The province of that name (any accepted spelling), or None."""
    return _province_names().get(words(name))


@lru_cache(maxsize=1)
def _province_names() -> dict[str, Area]:
    names: dict[str, Area] = {}
    for entry, area in zip(gazetteer()["provinces"], provinces(), strict=True):
        for name in (entry["name"], *entry.get("alt", ())):
            names[words(name)] = area
    names["hcm"] = names["ho chi minh"]
    return names


@lru_cache(maxsize=1)
def _province_pattern() -> re.Pattern[str]:
    alternatives = sorted(_province_names(), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![a-z0-9])")


def province_named(text: str) -> Area | None:
    """The first province named in `text` ("tỉnh Quảng Ninh", "TP.HCM", "Thừa Thiên Huế"), or None.

    >>> province_named("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH").full, province_named("UBND TP.HCM").name
    ('tỉnh Quảng Ninh', 'Hồ Chí Minh')
    """
    match = _province_pattern().search(words(text))
    return _province_names()[match.group(1)] if match else None


def province_like(place: str) -> Area | None:
    """The province a garbled place name stands for (OCR: "Thdnh phA ruA Chi Minh"), or None."""
    folded = words(place).split()
    for tail in (folded, folded[-3:], folded[-2:]):
        spelled = " ".join(tail)
        close = difflib.get_close_matches(spelled, list(_province_names()), n=1, cutoff=0.75)
        if close and len(spelled) >= 6:
            return _province_names()[close[0]]
    return None


def home_area(text: str) -> Area | None:
    """The province a text is about: the one it names most (a news article on Hà Nội), or None."""
    counts: dict[Area, int] = {}
    for match in _province_pattern().finditer(words(text)):
        area = _province_names()[match.group(1)]
        counts[area] = counts.get(area, 0) + 1
    return max(counts, key=lambda a: counts[a]) if counts else None


_DISTRICT = re.compile(r"\b(quan|huyen|thi xa|thanh pho)\s+((?:[a-z]+\s?){1,3})")


def area_in_context(context: str, default_area: Area | None = None) -> Area | None:
    """A district named in the context of a local body ("UBND quận Hà Đông", a section on "quận Hà Đông")
    wins over the document's own area.

    >>> area_in_context("Kế hoạch của UBND quận Hà Đông", province("Hà Nội")).name
    'quận Hà Đông'
    >>> area_in_context("II. Kết quả của quận Hà Đông; UBND quận ban hành …", province("Hà Nội")).full
    'quận Hà Đông'
    """
    folded = fold_diacritics(context)
    bodies = re.finditer(r"(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)\s+(quan|huyen|thi xa|thanh pho)[ \t]+", folded)
    named = re.finditer(r"(?<![a-z])(quan|huyen|thi xa)[ \t]+", folded)
    for match in itertools.chain(bodies, named):
        name = _capitalized_words(context[match.end() : match.end() + 40])
        if not name or (match.group(1) == "thanh pho" and province_named(name) is not None):
            continue
        kind = context[match.start(1) : match.end(1)].lower()
        parent = default_area.name if default_area and default_area.level == "province" else None
        return Area(f"{kind} {name}", "district", parent, kind)
    return default_area


def _capitalized_words(text: str) -> str:
    """The capitalized words a name is made of ("Hà Đông"; "Hà\\nNội" wrapped in a PDF), at most three."""
    found: list[str] = []
    position = 0
    for match in re.finditer(r"(\s*)([A-ZĐ][^\W\d_]*)", text):
        if match.start() != position or (found and not match.group(1)) or ("\n" in match.group(1) and len(found) >= 2):
            break
        found.append(match.group(2))
        position = match.end()
        if len(found) == 3:
            break
    return " ".join(found)


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, Any]]:
    templates = {entry["prefix"]: entry for entry in gazetteer()["local"]}
    templates["thanh-uy"] = templates["tinh-uy"]
    return templates


def local_agency(prefix: str, area: Area) -> Agency:
    """The local body `prefix` ("ubnd", "so-noi-vu" …) of an area.

    >>> local_agency("ubnd", province("Hà Nội")).label, local_agency("tinh-uy", province("Nghệ An")).label
    ('Ủy ban nhân dân thành phố Hà Nội', 'Tỉnh ủy Nghệ An')
    """
    template = _templates()[prefix]
    city = area.kind == "thành phố"
    if template["prefix"] == "tinh-uy":
        prefix = "thanh-uy" if city else "tinh-uy"
    values = {"area": area.full, "short": area.name, "party_committee": "Thành ủy" if city else "Tỉnh ủy"}
    alt_labels = [alt.format(**values) for alt in template.get("alt", ())]
    if area.level == "province" and prefix in ("ubnd", "hdnd"):
        short = alt_labels[-1]
        alt_labels += [f"{short} Thành phố" if city else f"{short} tỉnh", f"{short} TP {area.name}" if city else ""]
    parent = f"{template['parent']}-{area.slug}" if template.get("parent") else None
    if prefix == "ubnd" and area.level == "district" and area.parent:
        parent = f"ubnd-{slugify(area.parent)}"
    codes = tuple(fold_diacritics(c).upper() for c in template.get("codes", ()))
    label = template["label"].format(**values)
    return Agency(f"{prefix}-{area.slug}", label, tuple(a for a in alt_labels if a), parent, area, codes, template.get("until"))


def agency_by_key(key: str) -> Agency | None:
    """The body a key names: a national one, or a local template of a province ("so-noi-vu-ha-noi")."""
    for agency in national_agencies():
        if agency.key == key:
            return agency
    for prefix in sorted(_templates(), key=len, reverse=True):
        if key.startswith(prefix + "-"):
            slug = key[len(prefix) + 1 :]
            area = next((a for a in provinces() if a.slug == slug), None)
            if area is None and re.match(r"(quan|huyen|thi-xa|thanh-pho)-", slug):
                kind, _, rest = slug.partition("-")
                area = Area(f"{kind.replace('-', ' ')} {rest.replace('-', ' ').title()}", "district")
            return local_agency(prefix, area) if area else None
    return None


def resolve_issuer(code: str | None, context: str, default_area: Area | None = None) -> Agency | None:
    """The body an issuer code stands for; a local code takes its area from the context.

    >>> hanoi = province("Hà Nội")
    >>> resolve_issuer("UBND", "Kế hoạch của UBND quận Hà Đông", hanoi).label
    'Ủy ban nhân dân quận Hà Đông'
    >>> resolve_issuer("UBND", "UBND Thành phố ban hành", hanoi).label
    'Ủy ban nhân dân thành phố Hà Nội'
    >>> resolve_issuer("UBTVQH15", "").label, resolve_issuer("BLĐTBXH-NHNNVN", "").label
    ('Ủy ban Thường vụ Quốc hội', 'Bộ Lao động - Thương binh và Xã hội')
    >>> resolve_issuer("UBND", "") is None  # which province's? Nothing says.
    True
    """
    if not code:
        return None
    first = fold_diacritics(re.split(r"[-\s]", code.strip())[0]).upper()
    base = re.sub(r"\d+$", "", first)  # UBTVQH15, QH14: the term number is not part of the body
    for agency in national_agencies():
        if base in agency.issuer_codes:
            return agency
    for prefix, template in _templates().items():
        if base in (fold_diacritics(c).upper() for c in template.get("codes", ())):
            area = area_in_context(context, default_area) if template.get("district") else default_area
            return local_agency(prefix, area) if area else None
    return None


def under_by_code(agency: Agency, code: str | None) -> Agency:
    """The header's body, or the body under it that the number's code names: a portal prints "CHÍNH PHỦ"
    over a "30/2025/QĐ-TTg" (the Prime Minister's), or "QUỐC HỘI" over a "…/UBTVQH15" resolution.

    >>> under_by_code(agency_by_key("chinh-phu"), "TTg").label, under_by_code(agency_by_key("chinh-phu"), "CP").label
    ('Thủ tướng Chính phủ', 'Chính phủ')
    """
    coded = resolve_issuer(code, "") if code else None
    return coded if coded is not None and coded.parent == agency.key else agency


@lru_cache(maxsize=1)
def _national_names() -> tuple[tuple[str, Agency], ...]:
    """(folded name, body) for every label and every long alternative label, longest first."""
    names = [
        (words(name), agency)
        for agency in national_agencies()
        for name in (agency.label, *agency.alt_labels)
        if len(name) >= 8 or name == agency.label
    ]
    return tuple(sorted(names, key=lambda item: -len(item[0])))


@lru_cache(maxsize=1)
def _local_names() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern of the body's name without its area, template prefix), longest name first."""
    found = []
    for prefix, template in _templates().items():
        if prefix == "thanh-uy":
            continue
        bare = words(template["label"].replace("{area}", "").replace("{short}", "").replace("{party_committee}", ""))
        names = {bare} | {words(a.replace("{area}", "").replace("{short}", "")) for a in template.get("alt", ()) if "{" in a}
        if prefix == "tinh-uy":
            names = {"tinh uy", "thanh uy"}
        for name in names:
            if name:
                found.append((re.compile(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])"), prefix))
    return tuple(sorted(found, key=lambda item: -len(item[0].pattern)))


def agency_named(text: str, default_area: Area | None = None) -> Agency | None:
    """A body written out in text ("của Bộ Tài chính", "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"), or None.

    >>> agency_named("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI").label
    'Bộ Lao động - Thương binh và Xã hội'
    >>> agency_named("HỘI ĐỒNG NHÂN DÂN TỈNH VĨNH LONG").label
    'Hội đồng nhân dân tỉnh Vĩnh Long'
    >>> agency_named("THỦ TƯỚNG CHÍNH PHỦ").key
    'thu-tuong-chinh-phu'
    """
    folded = words(text)
    padded = f" {folded} "
    best: tuple[int, int, Agency] | None = None  # (position, -length, body): the first, then the longest
    for name, agency in _national_names():
        position = padded.find(f" {name} ")
        if position >= 0 and (best is None or (position, -len(name)) < best[:2]):
            best = (position, -len(name), agency)
    for pattern, prefix in _local_names():
        match = pattern.search(folded)
        if match and (best is None or (match.start() + 1, -len(match.group(0))) < best[:2]):
            rest = folded[match.end() : match.end() + 60]
            area = _area_after(rest, prefix, text, default_area)
            if area is not None:
                best = (match.start() + 1, -len(match.group(0)), local_agency(prefix, area))
    return best[2] if best else None


def _area_after(rest: str, prefix: str, text: str, default_area: Area | None) -> Area | None:
    """The area named right after a local body's name ("tinh lao cai", "thanh pho", "quan ha dong")."""
    district = re.match(r"\s*(quan|huyen|thi xa)\s", rest)
    if district and _templates()[prefix].get("district"):
        return area_in_context(text, default_area)
    named = re.match(r"\s*(?:tinh|thanh pho|tp)?\s*(.*)", rest)
    area = province_named(named.group(1)[:40]) if named else None
    if named and area is not None and _province_pattern().match(words(named.group(1))):
        return area
    return default_area


_UNIT = re.compile(
    r"^(?:SỞ|CỤC|TỔNG CỤC|CHI CỤC|VỤ|VĂN PHÒNG|THANH TRA|BAN|VIỆN|KHO BẠC|BẢO HIỂM XÃ HỘI|HỌC VIỆN|TRƯỜNG|ĐẠI HỌC|"
    r"CÔNG AN|BỘ CHỈ HUY|ĐÀI|BÁO|TRUNG TÂM)\b"
)


def issuing_body(lines: list[str], default_area: Area | None = None) -> Agency | None:
    """The body a header block names: "ỦY BAN NHÂN DÂN / TỈNH QUẢNG NINH" is one body; in "BỘ TÀI CHÍNH /
    TỔNG CỤC THUẾ" or "UBND TỈNH LÀO CAI / SỞ TƯ PHÁP" the last line is the unit that issues, under the first.

    >>> issuing_body(["UBND TỈNH LÀO CAI", "SỞ TƯ PHÁP"]).label, issuing_body(["BỘ TÀI CHÍNH", "TỔNG CỤC THUẾ"]).label
    ('Sở Tư pháp tỉnh Lào Cai', 'Tổng cục Thuế')
    >>> issuing_body(["BỘ CÔNG THƯƠNG", "CỤC ĐIỀU TIẾT", "ĐIỆN LỰC"]).label  # the unit's name over two lines
    'Cục Điều tiết điện lực'
    """
    unit_at = next((i for i in range(len(lines) - 1, 0, -1) if _UNIT.match(lines[i].strip())), None)
    if unit_at is not None:  # the unit's name may run over lines: "CỤC ĐỔI MỚI SÁNG TẠO," / "CHUYỂN ĐỔI XANH VÀ" / …
        parent = agency_named(" ".join(lines[:unit_at]), default_area)
        area = parent.area if parent is not None and parent.area is not None else default_area
        unit = " ".join(line.strip() for line in lines[unit_at:])
        return agency_named(unit, area) or printed_body(unit, parent)
    return agency_named(" ".join(lines), default_area)


def printed_body(text: str, parent: Agency | None = None) -> Agency | None:
    """A body the gazetteer does not know, named as printed ("TỔNG CỤC THUẾ" -> "Tổng cục Thuế")."""
    words = text.split()
    if len(words) < 2 or not text.isupper() or len(words) > 12:
        return None
    label = _body_case(text)
    return Agency(slugify(label), label, (), parent.key if parent else None)


def _body_case(text: str) -> str:
    """Capitals as a body's name writes them: the first word and the name after the kind of body."""
    lowered = restore_case(text.lower())
    words = lowered.split()
    kinds = {"tổng", "cục", "chi", "vụ", "sở", "ban", "viện", "văn", "phòng", "trường", "trung", "tâm", "học"}
    out = [words[0].capitalize()]
    named = False
    for word in words[1:]:
        if not named and word not in kinds:
            named = True
            word = word[:1].upper() + word[1:]
        out.append(word)
    return " ".join(out)


@lru_cache(maxsize=1)
def _positions() -> dict[str, str]:
    return {words(p): p for p in POSITIONS}


def display_position(printed: str) -> str | None:
    """A signature block's position as written in running text: "PHÓ THỦ TƯỚNG" -> "Phó Thủ tướng".

    >>> display_position("CHỦ TỊCH QUỐC HỘI"), display_position("THỨ TRƯỞNG BỘ TÀI CHÍNH")
    ('Chủ tịch Quốc hội', 'Thứ trưởng Bộ Tài chính')
    """
    folded = words(printed)
    if not folded:
        return None
    for name in sorted(_positions(), key=len, reverse=True):
        if folded == name or folded.startswith(name + " "):
            tail_words = printed.split()[len(name.split()) :]
            tail = " ".join(tail_words)
            body = agency_named(tail) if tail else None
            suffix = f" {body.label}" if body else (f" {restore_case(tail.lower())}" if tail else "")
            return _positions()[name] + suffix
    return restore_case(printed.strip().lower()).capitalize()


@lru_cache(maxsize=1)
def _proper_names() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Names that keep their capitals inside a lower-cased title: provinces, national bodies, "Việt Nam"."""
    names = {area.name for area in provinces()} | {a.label for a in national_agencies()} | {"Việt Nam", "Nhà nước", "Đảng"}
    names |= {"Cộng hòa xã hội chủ nghĩa Việt Nam"}
    patterns = []
    for name in sorted(names, key=len, reverse=True):
        lowered = re.escape(name.lower())
        patterns.append((re.compile(rf"(?<!\w){lowered}(?!\w)"), name))
    return tuple(patterns)


def restore_case(text: str) -> str:
    """Lower-case text with the capitals of known names put back ("hàng hải việt nam" -> "hàng hải Việt Nam").

    >>> restore_case("quy định mức học phí trên địa bàn tỉnh vĩnh long")
    'quy định mức học phí trên địa bàn tỉnh Vĩnh Long'
    """
    for pattern, name in _proper_names():
        text = pattern.sub(name, text)
    return text
