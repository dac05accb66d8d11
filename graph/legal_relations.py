"""What a formal document does to other documents, read from its own text, each with its span.

- based_on: every document on a "Căn cứ …" line, except those named inside another's title
  ("Nghị định số 18/2021/NĐ-CP … sửa đổi, bổ sung một số điều của Nghị định số 134/2016/NĐ-CP");
- amends, replaces, repeals — of a document or of its articles: an article or clause that opens
  with the verb ("Bãi bỏ khoản 2 Điều 32 của Bộ luật …", "Sửa đổi, bổ sung một số điều của …:"
  over its items), "<type> này thay thế …", "… số 33/2005/QH11 hết hiệu lực kể từ …", "chấm dứt hiệu
  lực thi hành các Thông tư sau đây:" over its items;
- guides and implements: what the trích yếu says ("Quy định chi tiết … Luật Phòng, chống ma túy");
- proposed by: "Theo đề nghị của Bộ trưởng Bộ Công an", "Xét Tờ trình số … của Chính phủ".
Text quoted as the new wording (“…”) is never read as the document's own act.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from graph.agencies import Agency, Area, agency_named
from graph.paragraphs import Paragraph, paragraphs
from graph.references import DocumentRef, Evidence
from ingest.document import Document, Passage
from vntext.normalize import fold_diacritics

_VERB = r"(?:sửa\s+đổi|bổ\s+sung|bãi\s+bỏ|hủy\s+bỏ|thay\s+thế|đính\s+chính)"
_OPENING_VERBS = re.compile(rf"^(?:{_VERB}(?:\s*,\s*|\s+và\s+|\s+)?)+", re.IGNORECASE)
# "Thông tư này thay thế …", and "… này có hiệu lực kể từ ngày 08 tháng 01 năm 2020 và thay thế …" (or
# "… từ ngày 01/01/2026, thay thế …") in one sentence.
_SELF_VERBS = re.compile(
    rf"\b(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Quyết định|Thông tư(?: liên tịch)?|Chỉ thị|Quy định|Quy chế)\s+này"
    rf"\s+(?:có\s+hiệu\s+lực[^.;:]{{0,80}}?(?:\s+và|\s*,)\s+)?(?:(?:sẽ|chính thức)\s+)?((?:{_VERB}(?:\s*,\s*|\s+và\s+|\s+)?)+)(?:cho\s+)?"
)
# "… hết hiệu lực kể từ …"; "chấm dứt hiệu lực thi hành các Thông tư sau đây:" says the same of a list.
_NO_LONGER = re.compile(r"\b(?:hết|chấm\s+dứt)\s+hiệu\s+lực\b")
_TYPE_WORD = re.compile(
    r"(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết(?: liên tịch)?|Nghị định|Quyết định|Thông tư(?: liên tịch)?|Chỉ thị|Quy định|Quy chế"
    r"|Kế hoạch|Công văn|Hướng dẫn|Thông báo|Kết luận|Tờ trình)(?:\s+số\s*:?)?\s*$",
    re.IGNORECASE,
)
_LIST_JOIN = re.compile(r"(?:;|,|:|\bvà|\bhoặc|\btheo|\bbởi|\bcác)\s*$")
_INSIDE_TITLE = re.compile(r"(?:của|thi hành|hướng dẫn|chi tiết|kèm theo|về|tại)\s*$", re.IGNORECASE)
_TITLE_WORDS = re.compile(r"\b(?:về|sửa đổi|bổ sung|thay thế|hướng dẫn|chi tiết|thi hành|ban hành|quy định)\b", re.IGNORECASE)
_PART_WORDS = re.compile(r"\b(?:điều|khoản|điểm|chương|mục|phần|cụm từ|một số|một phần|tiết|phụ lục)\b", re.IGNORECASE)
_TITLE_VERBS = (
    (re.compile(r"\b(?:huong dan|quy dinh chi tiet|bien phap thi hanh)\b"), "guides"),
    (re.compile(r"\b(?:sua doi,? bo sung|sua doi)\b"), "amends"),
    (re.compile(r"\bbai bo\b"), "repeals"),
    (re.compile(r"\bthay the\b"), "replaces"),
    (re.compile(r"\b(?:trien khai|thuc hien|cu the hoa)\b"), "implements"),
)
# The proposer ends before "tại Tờ trình …" or "về …" (the Tờ trình's subject), but "Chánh Văn phòng Quốc gia về
# giảm nghèo" is one name: "… quốc gia về …" names a national body.
_PROPOSER = re.compile(
    r"(?:(?:Theo|Xét)\s+đề\s+nghị\s+của|(?:xem xét|Xét)\s+(?:các\s+)?Tờ\s+trình(?:\s+số\s+\S+)?(?:\s+ngày\s+[\d/]+|\s+ngày\s+\d+\s+tháng\s+\d+\s+năm\s+\d+)?\s+của)"
    r"\s+(?P<who>[^;.()]{3,120}?)(?=\s+tại\s|(?<!quốc\sgia)\s+về\s|\s*[;.(]|,\s+(?:Báo cáo|ý kiến)|\s+và\s+ý\s+kiến|,?$"
    r"|,\s+[^,;.]{0,150}?\bban\s+hành\b)",  # "… Môi trường công nghiệp," / "Bộ trưởng Bộ Công Thương ban hành Thông tư …"
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Relation:
    source: DocumentRef
    relation: str  # based_on, amends, replaces, repeals, guides, implements
    target: DocumentRef
    evidence: Evidence
    part: str | None = None  # "khoản 2 Điều 32" when only part of the target is concerned


@dataclass(frozen=True)
class Proposal:
    """Who proposed the document ("Bộ trưởng Bộ Công an"), the body when known, and the Tờ trình if numbered."""

    text: str
    agency: Agency | None
    proposal: DocumentRef | None
    evidence: Evidence


class LegalText:
    """One formal document's body, its passages and the references found in it."""

    def __init__(self, document: Document, facts: dict[str, Any], refs: list[DocumentRef]) -> None:
        self.document, self.facts = document, facts
        self.refs = sorted(refs, key=lambda r: r.evidence.start)
        self._starts = [r.evidence.start for r in self.refs]
        self._passage_starts = [p.start for p in document.passages]
        self.body_start = int(facts.get("header_end") or 0)
        signer = facts.get("signer") or {}
        self.body_end = int(signer.get("start") or len(document.text))
        self.paragraphs = paragraphs(document.text, self.body_start, self.body_end)

    def passage_at(self, offset: int) -> Passage:
        index = max(0, bisect.bisect_right(self._passage_starts, offset) - 1)
        return self.document.passages[index]

    def evidence(self, start: int, end: int) -> Evidence:
        return Evidence(self.document.id, self.passage_at(start).id, start, end)

    def refs_in(self, start: int, end: int) -> list[DocumentRef]:
        low, high = bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)
        return self.refs[low:high]

    def preamble(self) -> list[Paragraph]:
        first_article = next((i for i, p in enumerate(self.paragraphs) if p.kind == "article"), len(self.paragraphs))
        return self.paragraphs[:first_article]

    def zones(self) -> list[tuple[int, int]]:
        """Where laws may be cited by name: the subject, "Căn cứ" lines, and paragraphs that change others."""
        found = []
        subject = self.facts.get("subject")
        if subject:
            found.append((subject["start"], subject["end"]))
        for paragraph in self.paragraphs:
            folded = fold_diacritics(paragraph.text[:600])
            if folded.lstrip(" *_").startswith("can cu") or re.search(
                r"\b(?:bai bo|huy bo|thay the|sua doi|het hieu luc|cham dut hieu luc|huong dan|quy dinh chi tiet)\b", folded
            ):
                found.append((paragraph.start, paragraph.end))
        return found


# A line that goes on with the list of a "Căn cứ" line: a PDF broke "… của Bộ Tài chính;" / "Nghị định số
# 166/2025/NĐ-CP ngày … sửa đổi, bổ sung …;" after the semicolon, the second act without its own "Căn cứ".
_BASIS_CONTINUED = re.compile(
    r"^[\s*_]*(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Quyết định|Thông tư)\s+(?:liên\s+tịch\s+)?số\s*\d"
)


def bases(text: LegalText, itself: DocumentRef) -> list[Relation]:
    """Every document on a "Căn cứ …" line that is not named inside another one's title."""
    relations, in_bases = [], False
    for paragraph in text.preamble():
        opens = fold_diacritics(paragraph.text).lstrip(" *_").startswith("can cu")
        in_bases = opens or (in_bases and bool(_BASIS_CONTINUED.match(paragraph.text)))
        if not in_bases:
            continue
        for ref in _listed(text, paragraph, paragraph.start, amending_acts=True):
            if ref.full_number != itself.full_number or ref.full_number is None:
                relations.append(Relation(itself, "based_on", ref, ref.evidence))
    return relations


def _listed(
    text: LegalText, paragraph: Paragraph, start: int, *, end: int | None = None, amending_acts: bool = False
) -> list[DocumentRef]:
    """The references a list names from `start`: the first, then those joined by ";", "và", "," (and, on a
    "Căn cứ" line, "theo"/"bởi" for the acts that amended one) — never one named inside another's title."""
    stop = min(end if end is not None else paragraph.end, _quote_start(paragraph))
    chosen: list[DocumentRef] = []
    skipped = False  # a reference passed over since the last one chosen (named inside its title)
    for ref in text.refs_in(start, stop):
        if any(ref.evidence.start < c.evidence.end for c in chosen):
            continue
        before = paragraph.text[: ref.evidence.start - paragraph.start]
        before = _TYPE_WORD.sub("", before).rstrip()
        if not chosen:  # the verb's object, or the first act on a "Căn cứ" line
            chosen.append(ref)
            continue
        since = paragraph.text[chosen[-1].evidence.end - paragraph.start : len(before)]
        acts = r"|\btheo|\bbởi" if amending_acts else ""
        joined_by = (
            re.search(rf"(?:;|:{acts})\s*(?:các\s+)?$", since)
            or (_LIST_JOIN.search(since) and not _TITLE_WORDS.search(since))
            or (not skipped and ref.full_number is not None and _AFTER_A_FULL_CITATION.search(since))
        )
        if joined_by and not _INSIDE_TITLE.search(before):
            chosen.append(ref)
            skipped = False
        else:
            skipped = True
    return chosen


# "thay thế Quyết định số 51/2008/QĐ-BCT ngày 30 tháng 12 năm 2008 của Bộ trưởng Bộ Công Thương ban hành
# Quy chuẩn …, Thông tư số 10/2012/TT-BCT …" (or "… quy định về mẫu báo cáo … và Thông tư số 13/2016/TT-BKHĐT …"):
# after a citation given whole (its date, its issuer, its title) a comma or "và" and a numbered act start the
# next item, though the title between holds "về", "ban hành".
_AFTER_A_FULL_CITATION = re.compile(r"^\s*ngày\s+\d{1,2}(?:/|\s+tháng\s+)\d{1,2}.{0,40}?\bcủa\s+\S.*(?:,|\svà)\s*$", re.DOTALL)


def _quote_start(paragraph: Paragraph) -> int:
    """Where quoted new wording starts in a paragraph (its end when none)."""
    quote = re.search(r"[“\"]", paragraph.text)
    return paragraph.start + quote.start() if quote else paragraph.end


_ACTING_ARTICLE = re.compile(rf"{_VERB}|hiệu\s+lực|thi\s+hành|chuyển\s+tiếp", re.IGNORECASE)


def changes(text: LegalText, itself: DocumentRef) -> list[Relation]:
    """What the document's own articles amend, replace or repeal (see the module docstring).

    A clause opening with a verb acts only inside an article that acts ("Điều 2. Bãi bỏ …", "Hiệu
    lực thi hành"): in a plan's task list "b) Sửa đổi, bổ sung Nghị định số …" is work to do.
    """
    relations: list[Relation] = []
    stack: list[tuple[int, tuple[str, ...], list[DocumentRef], str | None]] = []  # lead-ins: (level, verbs, targets, part)
    quoted, acting, title_pending, own = 0, False, False, 0
    for paragraph in text.paragraphs:
        opens_quote = paragraph.body.startswith(("“", '"'))
        if (
            paragraph.kind == "article"
            and not opens_quote
            and (quoted == 0 or _is_heading(paragraph) or _article_number(paragraph) == own + 1)
        ):
            quoted, acting = 0, bool(_ACTING_ARTICLE.search(paragraph.body))
            own = _article_number(paragraph) or own
            title_pending = len(paragraph.body.strip(" *_.")) < 3
        elif title_pending and not opens_quote:  # "**Điều 2." / "Thay thế, bãi bỏ …" on the next line
            title_pending, acting = False, bool(_ACTING_ARTICLE.search(paragraph.text))
            paragraph = Paragraph(paragraph.start, paragraph.end, "article", paragraph.text)
        balance = paragraph.text.count("“") - paragraph.text.count("”")
        if quoted > 0 or opens_quote:
            quoted = max(0, quoted + balance)
            continue
        quoted = max(0, balance)
        if paragraph.kind == "container" or fold_diacritics(paragraph.body).startswith("can cu"):
            continue
        while stack and stack[-1][0] >= paragraph.level:
            stack.pop()
        governing = stack[-1] if stack else None
        if acting or paragraph.kind == "article" or (governing is not None and governing[1]):
            relations += _opening(text, itself, paragraph, governing, stack)
        relations += _self_subject(text, itself, paragraph, stack)
        relations += _no_longer(text, itself, paragraph, stack)
    return relations


def _article_number(paragraph: Paragraph) -> int | None:
    """The number of an article heading ("Điều 2." -> 2). The document's own next article ends a quotation
    its source never closed (TT 38/2025/TT-BCT: “h) … i) … k) …” without ”), however long its heading."""
    match = re.match(r"[\s*_]*Điều\s+(\d{1,3})\b", paragraph.text)
    return int(match.group(1)) if match else None


def _is_heading(paragraph: Paragraph) -> bool:
    """An article heading of the document itself, not one quoted inside new wording."""
    return len(paragraph.body) < 200 and not paragraph.body.rstrip().endswith(("”", '"'))


def _opening(text: LegalText, itself: DocumentRef, paragraph: Paragraph, governing, stack) -> list[Relation]:
    """A paragraph opening with a verb ("Bãi bỏ …"), or an item under a lead-in ("1. Chỉ thị số …")."""
    body = paragraph.body
    verbs_match = _OPENING_VERBS.match(body)
    start = paragraph.start + paragraph.body_start
    if verbs_match:
        verbs = _verbs(verbs_match.group(0))
        targets = _listed(text, paragraph, start + verbs_match.end())
        part = _part(paragraph, start + verbs_match.end(), targets[0] if targets else None)
        inherited = not targets and governing is not None and governing[2]
        if inherited:
            targets = governing[2]
        if paragraph.text.rstrip(" *_").endswith(":") or paragraph.kind == "article":
            stack.append((paragraph.level, verbs, targets if not inherited else governing[2], part))
        return _relations(text, itself, verbs, targets, part, paragraph, whole_list=not inherited)
    if governing and governing[1] and not governing[2] and _LISTED_ITEM.match(body):
        first = text.refs_in(start, min(paragraph.end, _quote_start(paragraph)))[:1]
        part = _part(paragraph, start, first[0] if first else None) or governing[3]
        return _relations(text, itself, governing[1], first, part, paragraph)
    return []


# An item under a lead-in ("… chấm dứt hiệu lực các Thông tư sau đây:"): "a) Thông tư số …", or only
# some articles of one, "đ) Điều 1 Thông tư số 19/2023/TT-BTNMT …".
_LISTED_ITEM = re.compile(
    r"^(?:(?i:điểm|khoản|điều|chương|mục|phần|phụ\s+lục)\s+[\w.]+\s*,?\s+(?:(?:và|của|ban\s+hành\s+kèm\s+theo)\s+)?)*"
    r"(?:các\s+)?(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Quyết định|Thông tư|Chỉ thị|Quy định|Quy chế)\b"
)


def _self_subject(text: LegalText, itself: DocumentRef, paragraph: Paragraph, stack) -> list[Relation]:
    """ "Thông tư này thay thế Thông tư số 05/2021/TT-BKHĐT …"; a lead-in with no number opens a list
    ("Nghị quyết này bãi bỏ các Nghị quyết:" / "a) Nghị quyết số …")."""
    match = _SELF_VERBS.search(paragraph.text[: _quote_start(paragraph) - paragraph.start])
    if not match:
        return []
    verbs = _verbs(match.group(1))
    targets = _listed(text, paragraph, paragraph.start + match.end())
    part = _part(paragraph, paragraph.start + match.end(), targets[0] if targets else None)
    if not targets and paragraph.text.rstrip(" *_").endswith(":"):
        stack.append((paragraph.level, verbs, [], part))
    return _relations(text, itself, verbs, targets, part, paragraph)


def _no_longer(text: LegalText, itself: DocumentRef, paragraph: Paragraph, stack) -> list[Relation]:
    """ "Bộ luật dân sự số 33/2005/QH11 hết hiệu lực kể từ ngày Bộ luật này có hiệu lực": a repeal; "Các văn
    bản sau đây hết hiệu lực …:" opens a list of them."""
    relations = []
    for match in _NO_LONGER.finditer(paragraph.text):
        sentence_start = max(paragraph.text.rfind(". ", 0, match.start()) + 2, 0)
        before = paragraph.text[sentence_start : match.start()]
        if re.search(r"\b(?:này|đã|bị|khi|nếu|chưa)\s*$", before):
            continue  # "… khi Luật này hết hiệu lực", "giấy phép đã hết hiệu lực": no act of this document
        targets = _listed(text, paragraph, paragraph.start + sentence_start, end=paragraph.start + match.start())
        if not targets and paragraph.text.rstrip(" *_").endswith(":"):
            stack.append((paragraph.level, ("repeals",), [], None))
        relations += _relations(text, itself, ("repeals",), targets, None, paragraph)
    return relations


def _verbs(phrase: str) -> tuple[str, ...]:
    folded = fold_diacritics(phrase).lower()
    verbs = []
    if re.search(r"sua doi|bo sung|dinh chinh", folded):
        verbs.append("amends")
    if re.search(r"bai bo|huy bo", folded):
        verbs.append("repeals")
    if "thay the" in folded:
        verbs.append("replaces")
    return tuple(verbs)


def _part(paragraph: Paragraph, start: int, target: DocumentRef | None) -> str | None:
    """The articles a verb names before its document ("khoản 2 Điều 32 của"), None for the whole document."""
    end = target.evidence.start if target else paragraph.end
    phrase = paragraph.text[start - paragraph.start : end - paragraph.start]
    phrase = re.split(
        r"\s+(?:của|tại|trong)\s+(?:các\s+)?(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị|Quyết định|Thông tư|Chỉ thị|Quy)", phrase
    )[0]
    phrase = _TYPE_WORD.sub("", phrase)
    phrase = re.sub(r"\s*(?:của|tại|trong)\s*(?:các\s+)?$", "", phrase.strip(" ,:*_")).strip()
    phrase = re.split(r"\s+(?:như sau|ban hành kèm theo)\b", phrase)[0].strip(" ,.;:")
    if not phrase or re.match(r"^(?:toàn bộ|cho|các)$", phrase, re.IGNORECASE) or not _PART_WORDS.search(phrase):
        return None
    return phrase[:120]


def _relations(text, itself, verbs, targets, part, paragraph, *, whole_list: bool = True) -> list[Relation]:
    relations = []
    for ref in targets:
        if ref.full_number is not None and ref.full_number == itself.full_number:
            continue
        evidence = text.evidence(ref.evidence.start, ref.evidence.end)
        for verb in verbs:
            kind = verb
            if verb == "replaces" and part:  # "Thay thế cụm từ …": new wording, not a new document
                kind = "amends"
            relations.append(Relation(itself, kind, ref, evidence, part if kind != "replaces" else None))
    return relations


def title_relations(text: LegalText, itself: DocumentRef) -> list[Relation]:
    """What the trích yếu says the document does: "Quy định chi tiết … Luật Phòng, chống ma túy" guides it,
    "Bãi bỏ Thông tư số 31/2015/TT-BYT" repeals it; a document named further inside a title ("… ban
    hành kèm theo Quyết định số 06/2018/QĐ-UBND") is only mentioned."""
    subject = text.facts.get("subject")
    if not subject:
        return []
    relations, previous_end = [], subject["start"]
    for ref in text.refs_in(subject["start"], subject["end"]):
        before = fold_diacritics(text.document.text[subject["start"] : ref.evidence.start]).lower()
        found = [(m.start(), m.end(), relation) for pattern, relation in _TITLE_VERBS for m in pattern.finditer(before)]
        if found:
            start, end, relation = max(found)
            between = before[end:]
            direct = (
                subject["start"] + start >= previous_end and not re.search(r"kem theo|ve viec", between) and len(between) < 120
            )
            if relation in ("guides", "implements") or direct:
                relations.append(Relation(itself, relation, ref, ref.evidence))
        previous_end = ref.evidence.end
    return relations


def proposals(text: LegalText, area: Area | None) -> list[Proposal]:
    """Who proposed the document: "Theo đề nghị của …", "Xét Tờ trình số … của …" in the preamble (read
    whole: a Markdown page breaks "Cục trưởng" / "Cục Quản lý Khám, chữa bệnh" over two lines)."""
    preamble = text.preamble()[:40]
    if not preamble:
        return []
    start, end = preamble[0].start, preamble[-1].end
    flat = text.document.text[start:end].replace("\n", " ").replace("*", " ")
    found = []
    for match in _PROPOSER.finditer(flat):
        who = " ".join(match.group("who").split())
        evidence = text.evidence(start + match.start("who"), start + match.end("who"))
        numbered = [r for r in text.refs_in(start + match.start(), start + match.end() + 80) if r.type_code == "TTR"]
        found.append(Proposal(who, agency_named(who, area), numbered[0] if numbered else None, evidence))
    return found[:2]
