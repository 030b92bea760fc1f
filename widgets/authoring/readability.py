"""Readability of module pages: LIX (läsbarhetsindex), the Scandinavian measure.

LIX = words per sentence + 100 × share of words longer than six letters. Below 40 is
easy, 40–50 middle, above 55 hard. We aim for 45 or less and fail above 55. Only the
running text counts: code, directives' options, front matter, tables, links' targets
and headings are left out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

LIX_LIMIT = 55
LIX_AIM = 45

_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+(?:-[A-Za-zÆØÅæøåÉéÜüÖöÄä]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[[ x]\]\s+)?")


def prose_of_markdown(text: str) -> str:
    """The running text of a MyST page, one block per paragraph or list item.
    Left out: front matter, code blocks, directive fences and options, tables,
    headings, HTML, link targets."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    out: list[str] = []
    fences: list[str] = []   # open fences: "code" (skipped) or "directive" (body kept)
    for line in lines:
        s = line.strip()
        if s.startswith(("```", "~~~", ":::")):
            rest = s.lstrip("`~:").strip()
            if rest:  # an opening fence: ```{note}, :::{dropdown}, ```python
                fences.append("directive" if rest.startswith("{") and not rest.startswith("{code") else "code")
            elif fences:
                fences.pop()
            else:
                fences.append("code")
            out.append("")
            continue
        if "code" in fences or not s or s.startswith(("#", "|", ":", "<", "!", "%", "+++")):
            out.append("")
            continue
        if _LIST_ITEM.match(s):
            out.append("")
            s = _LIST_ITEM.sub("", s)
        s = re.sub(r"\]\([^)]*\)", "]", s)      # [text](target) -> [text]
        s = re.sub(r"\{[a-z-]+\}`([^`]*)`", r"\1", s)  # {term}`x` -> x
        s = re.sub(r"https?://\S+", "", s)
        out.append(s)
    return "\n".join(out)


def prose_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        text = "\n\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown")
    return prose_of_markdown(text)


def lix(text: str) -> tuple[float, int]:
    """(LIX, number of words). A paragraph or list item without end punctuation
    counts as one sentence."""
    words = _WORD.findall(text)
    if not words:
        return 0.0, 0
    sentences = 0
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if _WORD.search(block):
            ends = len(_SENTENCE_END.findall(block))
            sentences += ends + (0 if _SENTENCE_END.search(block[-1:]) else 1)
    long_words = sum(1 for w in words if len(w.replace("-", "")) > 6)
    return len(words) / max(sentences, 1) + 100 * long_words / len(words), len(words)


def module_pages(root: Path) -> list[Path]:
    return sorted(p for p in (root / "modules").rglob("*") if p.suffix in (".md", ".ipynb")
                  and ".ipynb_checkpoints" not in p.parts)
