"""The URLs an article's Markdown may hold: links, images, video and audio.

markdownify keeps ``javascript:``/``data:`` URLs and never resolves relative ones, and the
Textual ``Markdown`` widget will hand any href to ``open_url``, so every URL goes through
the one URL policy (:func:`tui.core.urls.resolve`): only absolute http(s) and mailto
links survive as links and only http(s) pictures as images; everything else becomes its
text, or nothing.
"""

from __future__ import annotations

from typing import Any

from bs4 import Tag

from tui.core import urls
from tui.core.convert.tree import attr
from tui.core.text import clean_url

__all__ = ["image_url", "media_markdown", "safe_url"]

# Characters that would end or confuse a Markdown link destination; percent-encoding them
# keeps the URL equivalent.
_DEST_ESCAPES = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C", "`": "%60"}
)


def safe_url(raw: Any, base_url: str | None, schemes: frozenset[str]) -> str | None:
    """Absolute, allowed URL ready to sit inside ``(...)``, or None if it must not be live.

    In-page anchors (``#frag``) and empty hrefs return None: joined with the base they
    would point at the article's web page rather than at anything in the reader.
    """
    if not raw or not isinstance(raw, str):
        return None
    # Browsers delete tab/CR/LF anywhere in a URL (so "java\nscript:" is javascript:); do
    # the same before judging the scheme, along with every other control.
    url = clean_url(raw)
    if not url or url.startswith("#"):
        return None
    resolved = urls.resolve(url, base_url, schemes)
    return None if resolved is None else resolved.translate(_DEST_ESCAPES)


def image_url(img: Tag, base_url: str | None) -> str | None:
    """First usable image URL, including the usual lazy-loading attributes.

    Lazy-loaded images often carry a ``data:`` placeholder in ``src`` and the real
    picture in ``data-src`` or ``srcset``.
    """
    for name in ("src", "data-src", "data-original", "data-lazy-src"):
        url = safe_url(img.get(name), base_url, urls.WEB_SCHEMES)
        if url is not None:
            return url
    srcset = attr(img, "srcset").strip()
    if srcset:
        first = srcset.split(",")[0].split()
        if first:
            return safe_url(first[0], base_url, urls.WEB_SCHEMES)
    return None


def media_markdown(media: Tag, base_url: str | None) -> str:
    """``<video>``/``<audio>`` as a link to the media; their fallback text is dropped."""
    src = safe_url(media.get("src"), base_url, urls.WEB_SCHEMES)
    if src is None:
        for source in media.find_all("source"):
            src = safe_url(source.get("src"), base_url, urls.WEB_SCHEMES)
            if src is not None:
                break
    label = "Video" if media.name == "video" else "Audio"
    poster = safe_url(media.get("poster"), base_url, urls.WEB_SCHEMES)
    if src and poster:
        return f"\n\n[![{label}]({poster})]({src})\n\n"
    if src:
        return f"\n\n[{label}]({src})\n\n"
    if poster:
        return f"\n\n![{label}]({poster})\n\n"
    return ""
