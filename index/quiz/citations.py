"""Case citations in law notes ("Hadley v Baxendale (1854) 9 Exch 341", "[1951] 1 KB 215"):
their volume, page and year locate a report, they are not facts of the law to ask."""

from __future__ import annotations

import re

# A law report's abbreviation: one to three short capitalised tokens ("AC", "All ER", "Exch",
# "U.S.", "UKSC", "Lloyd's Rep").
_REPORT = r"[A-Z][A-Za-z'.]{0,6}(?:\s[A-Z][A-Za-z'.]{0,6}){0,2}"
_BRACKETED_YEAR = r"[\[(]\d{4}[\])]"
_CITATION = re.compile(
    # "(1854) 9 Exch 341", "[1960] AC 87", "[1951] 1 KB 215", "[2015] UKSC 67"
    rf"{_BRACKETED_YEAR}\s*(?:\d{{1,4}}\s+)?{_REPORT}\s+\d{{1,5}}(?!\w)"
    # "347 U.S. 483 (1954)"
    rf"|(?<![\w.])\d{{1,4}}\s+{_REPORT}\s+\d{{1,5}}\s*{_BRACKETED_YEAR}"
)
# "Stilk v Myrick", "Chappell & Co v Nestlé", "Roe v. Wade": a case named by its parties.
_CASE_NAME = re.compile(r"(?<!\w)[A-Z][\w'’&.-]*(?:\s+(?:&\s+)?[A-Z][\w'’&.-]*)*\s+v\.?\s+[A-Z]")


def citation_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` cites a law report, as (start, end) spans."""
    if "(" not in text and "[" not in text:
        return []  # every citation carries a bracketed year
    return [match.span() for match in _CITATION.finditer(text)]


def names_a_case(text: str) -> bool:
    """True for a line that names a case, by its citation or its parties ('X v Y')."""
    return bool(_CITATION.search(text) or _CASE_NAME.search(text))
