"""Snippets with the matched words marked: the markup is civicnet's, every character of text is escaped."""

from markupsafe import Markup, escape

from civicnet.search.index import ANALYZER

MARK_OPEN = Markup('<mark class="civicnet-highlight">')
MARK_CLOSE = Markup("</mark>")


def _words(text: str) -> list[tuple[int, int, str]]:
    # Whoosh reuses one token object, so copy what we need as we go. Stop words are kept so that
    # positions line up with the text; they never match a term, since queries drop them too.
    return [(t.startchar, t.endchar, t.text) for t in ANALYZER(text, chars=True, removestops=False)]


def highlight(text: str, terms: set[str], length: int = 240) -> Markup:
    """Up to `length` characters of text around the first matched word, matches in <mark>."""
    text = text or ""
    words = _words(text) if terms else []
    matches: list[tuple[int, int]] = []
    for start, end, stem in words:
        if stem not in terms:
            continue
        if matches and not text[matches[-1][1] : start].strip():
            matches[-1] = (matches[-1][0], end)  # neighbouring matches share one mark: "facial recognition"
        else:
            matches.append((start, end))
    start = 0
    if matches and matches[0][1] > length:
        # Begin a third of the way before the first match, at the start of a word.
        start = max(0, matches[0][0] - length // 3)
        start = next((s for s, _, _ in words if s >= start), matches[0][0])
    end = min(len(text), start + length)
    if end < len(text):
        # Stop at the end of the last whole word that fits.
        end = max((e for s, e, _ in words if start < e <= end), default=end)
    pieces = [Markup("…")] if start > 0 else []
    position = start
    for match_start, match_end in matches:
        if match_start < start or match_end > end:
            continue
        pieces += [escape(text[position:match_start]), MARK_OPEN, escape(text[match_start:match_end]), MARK_CLOSE]
        position = match_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(Markup("…"))
    return Markup("").join(pieces)
