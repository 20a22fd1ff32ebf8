"""Noise removal on trafilatura's paragraphs, after extraction.

What survives the DOM rules is usually a line whose *words* give it away: a "read also"
line glued to its headline, an ad label, a caption or credit line, a sign-up prompt, a
byline or date line, a disclaimer, the title repeated as the first heading. A comments or
"next article" label marks the end of the article: everything after it goes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pipelines.cleaning.extract import Block
from pipelines.cleaning.normalize import fold, to_ascii_digits
from pipelines.cleaning.phrases import PhraseBook, label_key

#: Whole-line labels that are dropped.
LABEL_DROP = (
    "ad_label",
    "caption_credit",
    "share_follow",
    "skip_marker",
    "newsletter",
    "tags_label",
    "most_read",
    "related",
    "read_also",
    "byline",
    "dateline",
)
#: Labels after which nothing belongs to the article.
LABEL_END = ("comments", "next_article")
#: Prefixed lines (label + a few words) that are dropped when short.
PREFIX_DROP = (
    "read_also",
    "related",
    "caption_credit",
    "tags_label",
    "dateline",
    "byline",
    "ad_label",
)
#: Word limits for the prefixed-line rules.
PREFIX_MAX_WORDS = {
    "read_also": 30,
    "related": 30,
    "caption_credit": 25,
    "tags_label": 40,
    "dateline": 14,
    "byline": 8,
    "ad_label": 12,
}
SIGNUP_MAX_WORDS = 45
DATE_LINE_MAX_TOKENS = 12
#: Words of a relative date that say it is one ("منذ", "ago").
_RELATIVE = frozenset({"منذ", "قبل", "ago", "updated", "published", "اخر", "نشر", "نشرت"})
#: First words of a byline line.
_BYLINE_OPENERS = frozenset({"كتب", "كتبت", "بقلم"})
#: Openers in scripts with capitals: the rest of the line must be names.
_NAME_OPENERS = frozenset({"by"})
BYLINE_MAX_WORDS = 6
FOLLOW_MAX_WORDS = 14
_FOLLOW = re.compile(r"(?:تابعونا|تابعوا|تابعنا|follow\s+us|suivez-nous)(?:\s|$|:)", re.I)
CREDIT_MAX_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?؟。]\s*$|[.!?؟。]\s")
_YEAR_OR_TIME = re.compile(r"(?<!\d)(?:1[34]\d\d|19\d\d|20\d\d)(?!\d)|\d{1,2}:\d\d")
_WORD = re.compile(r"\w+")


def is_date_line(text: str, book: PhraseBook) -> bool:
    """``True`` for a line that is only a date/time ("الخميس 14 مارس 2024 - 11:20 م")."""
    ascii_text = to_ascii_digits(text)
    words = _WORD.findall(label_key(ascii_text))
    if not words or len(words) > DATE_LINE_MAX_TOKENS:
        return False
    dated = sum(1 for w in words if w.isdigit() or "date_words" in book.labels.get(w, ()))
    if _YEAR_OR_TIME.search(ascii_text):
        return dated / len(words) >= 0.7
    # "منذ 3 ساعات", "Updated 3 hours ago", "منذ ساعتين": a relative date, all date words.
    return (
        len(words) <= 6
        and dated == len(words)
        and (any(w.isdigit() for w in words) or bool(_RELATIVE & set(words)))
    )


def is_byline(text: str) -> bool:
    """``True`` for a short byline ("كتب أحمد علي", "By Jane Doe", "بقلم: سمير")."""
    words = text.split()
    if not 2 <= len(words) <= BYLINE_MAX_WORDS or _SENTENCE_END.search(text):
        return False
    opener = words[0].strip(":-–—،").lower()
    if opener in _NAME_OPENERS:
        # "By Jane Doe and John Roe", never "By the numbers".
        return all(w[:1].isupper() or w in {"and", "&"} for w in words[1:])
    return opener in _BYLINE_OPENERS


def is_follow_prompt(text: str) -> bool:
    """``True`` for a short "follow us" line ("تابعوا RT على تلغرام", "Follow us on X")."""
    return len(text.split()) <= FOLLOW_MAX_WORDS and bool(_FOLLOW.match(text.strip()))


def is_credit(text: str) -> bool:
    """``True`` for a short photo credit or copyright line ("© رويترز", "(c) AFP 2024")."""
    stripped = text.strip()
    return len(stripped.split()) <= CREDIT_MAX_WORDS and stripped.lower().startswith(("©", "(c)"))


def _same(a: str, b: str) -> bool:
    return label_key(a) == label_key(b)


def clean_blocks(
    blocks: Iterable[Block], book: PhraseBook, title: str | None, removed: Counter[str]
) -> list[Block]:
    """Drop noise lines; stop at a comments or next-article label."""
    kept: list[Block] = []
    for block in blocks:
        text = block.text
        words = len(text.split())
        if (
            not kept
            and title
            and (_same(text, title) or (block.kind == "head" and fold(title) in fold(text)))
        ):
            removed["text/title"] += 1
            continue
        label = book.label(text, LABEL_DROP + LABEL_END) if words <= 12 else None
        if label in LABEL_END:
            if kept:
                removed[f"text/end/{label}"] += 1
                break
            continue
        if label is not None:
            removed[f"text/label/{label}"] += 1
            continue
        prefix = book.prefix(text, PREFIX_DROP)
        if prefix is not None and words <= PREFIX_MAX_WORDS[prefix]:
            removed[f"text/prefix/{prefix}"] += 1
            continue
        if words <= SIGNUP_MAX_WORDS and book.contains(text, ("signup_prompt",)):
            removed["text/signup"] += 1
            continue
        if words <= 80 and book.contains(text, ("aggregator_disclaimer",)):
            removed["text/disclaimer"] += 1
            continue
        if words <= DATE_LINE_MAX_TOKENS and is_date_line(text, book):
            removed["text/date_line"] += 1
            continue
        if is_byline(text) or is_credit(text) or is_follow_prompt(text):
            removed["text/byline_credit"] += 1
            continue
        kept.append(block)
    while kept and kept[-1].kind == "head":
        kept.pop()
        removed["text/trailing_heading"] += 1
    return kept
