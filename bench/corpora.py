"""Synthetic inputs for benchmarks and tests: law codes in the standard layout, repeated corpora."""

from __future__ import annotations

from pathlib import Path

_CLAUSE_TEXT = "quy định về thủ tục hành chính và trách nhiệm của cơ quan nhà nước"


def synthetic_law(
    chapters: int,
    articles_per_chapter: int,
    clauses: int,
    clause_words: int,
    *,
    kind: str = "BỘ LUẬT",
    name: str = "LAO ĐỘNG",
    number: str = "45/2019/QH14",
) -> str:
    """A law code in the formal layout: Chương > Điều > khoản, numbered like the real ones."""
    filler = " ".join([_CLAUSE_TEXT] * max(1, clause_words // 13))
    lines = ["QUỐC HỘI", f"Luật số: {number}", kind, name, "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;"]
    article = 0
    for chapter in range(1, chapters + 1):
        lines += [f"Chương {chapter}", f"QUY ĐỊNH NHÓM {chapter}"]
        for _ in range(articles_per_chapter):
            article += 1
            lines.append(f"Điều {article}. Nội dung điều {article}")
            lines += [f"{k}. Khoản {k} của Điều {article}: {filler}." for k in range(1, clauses + 1)]
    return "\n".join(lines)


def repeated_corpus(corpus: Path, target: Path, copies: int) -> int:
    """`copies` copies of every .txt in `corpus` under `target`; returns the number of files."""
    count = 0
    for copy in range(copies):
        folder = target / f"copy{copy:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(corpus.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            (folder / path.name).write_text(f"{text}\n\nBản sao {copy}.\n", encoding="utf-8")
            count += 1
    return count
