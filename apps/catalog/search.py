"""Search words for products: jieba segments Chinese text, so "电饭煲" and "饭煲" both match,
without assuming words are separated by spaces. Everything about segmentation lives here."""

import re

import jieba

jieba.setLogLevel(60)

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def words(text: str) -> list[str]:
    """Lower-cased search words of a text, in order, without duplicates or punctuation."""
    seen: dict[str, None] = {}
    for piece in jieba.cut_for_search(text.lower()):
        for word in _WORD.findall(piece):
            if word != "_":
                seen.setdefault(word.strip("_"), None)
    seen.pop("", None)
    return list(seen)


def query_words(query: str) -> list[str]:
    """The words of what a shopper typed: truncated, punctuation and emoji dropped, and
    without the words jieba finds inside a longer one ("饭煲" in "电饭煲"). Products are
    segmented the same way, so one that has the longer word has the shorter too: requiring
    both finds the same products, but PostgreSQL then believes the two are independent,
    expects a sixth of the matches there are, and reads every match instead of walking
    the best sellers (benchmarks/README.md)."""
    found = words(query[:MAX_QUERY_LENGTH])
    longest = [
        word for word in found if not any(word != other and word in other for other in found)
    ]
    return longest[:MAX_QUERY_WORDS]


def document_for(*, names: list[str], texts: list[str], codes: list[str]) -> str:
    """The stored search words of a product. Names count twice (they rank higher) and their
    single Chinese characters are added, so a one-character query still finds them."""
    name_words = words(" ".join(names))
    name_chars = sorted({char for name in names for char in _CJK.findall(name)})
    code_words: list[str] = []
    for code in codes:
        parts = _WORD.findall(code.lower())
        code_words.extend([*parts, "".join(parts)])
    return " ".join([*name_words, *name_words, *name_chars, *words(" ".join(texts)), *code_words])
