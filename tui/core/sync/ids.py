"""Item ids in their two forms, and the streams a sync names.

Google Reader item ids are 64-bit numbers written two ways: the long form
``tag:google.com,2005:reader/item/<16 hex digits>`` and the short form, a
*signed* decimal.  Servers mix them: FreshRSS lists short ids and returns
long ones with the contents; Miniflux reads a short id as hexadecimal, so it
must be sent the long form.  The Old Reader's ids are 24-hex ObjectIds,
BazQux's long ids are not always 16 digits: those are opaque strings.

:func:`canonical_item_id` gives the one form a sync stores and compares
(the signed decimal when the id is a 64-bit number, the string as given
otherwise); :func:`long_item_id` the form to send where the long one is
needed.  Pure functions, no I/O.
"""

from __future__ import annotations

import re

__all__ = [
    "LABEL_PREFIX",
    "LONG_ID_PREFIX",
    "READ",
    "READING_LIST",
    "STARRED",
    "canonical_item_id",
    "label_name",
    "label_stream",
    "long_item_id",
    "normalise_stream",
]

LONG_ID_PREFIX = "tag:google.com,2005:reader/item/"
STATE_PREFIX = "user/-/state/com.google/"
LABEL_PREFIX = "user/-/label/"

#: Every item of every subscription.
READING_LIST = STATE_PREFIX + "reading-list"
#: The read state, as a tag (``a=`` marks read, ``xt=`` lists the unread).
READ = STATE_PREFIX + "read"
#: The starred state, as a tag and as a stream.
STARRED = STATE_PREFIX + "starred"

_HEX16 = re.compile(r"[0-9a-fA-F]{16}")
_DECIMAL = re.compile(r"-?[0-9]{1,20}")
# "user/1234/..." (Miniflux, Google) is the user's own "user/-/...".
_USER = re.compile(r"user/[0-9]+/")

_BITS = 1 << 64
_SIGNED_MAX = (1 << 63) - 1


def _signed(n: int) -> int:
    return n - _BITS if n > _SIGNED_MAX else n


def canonical_item_id(item_id: str) -> str:
    """The form to store and compare: signed decimal for a 64-bit id, else as given.

    ``tag:google.com,2005:reader/item/000000000000001f`` and ``31`` both give
    ``31``; ``...item/fb115bd6d34a8e9f`` gives ``-355401917359550817`` (the
    short form Google documented).  A decimal past 2**63 (an unsigned
    spelling) is folded to the signed one; other strings are kept.
    """
    text = item_id.strip()
    if text.startswith(LONG_ID_PREFIX):
        tail = text[len(LONG_ID_PREFIX) :]
        if _HEX16.fullmatch(tail):
            return str(_signed(int(tail, 16)))
        return text
    if _DECIMAL.fullmatch(text):
        n = int(text)
        if -(1 << 63) <= n < _BITS:
            return str(_signed(n))
    return text


def long_item_id(item_id: str) -> str:
    """The long ``tag:google.com,2005:reader/item/<16 hex>`` form of a 64-bit id.

    Ids that are not 64-bit numbers (a 24-hex ObjectId) are returned as given:
    their servers take them that way.
    """
    text = item_id.strip()
    if _DECIMAL.fullmatch(text):
        n = int(text)
        if -(1 << 63) <= n < _BITS:
            return f"{LONG_ID_PREFIX}{n % _BITS:016x}"
    if text.startswith(LONG_ID_PREFIX) and _HEX16.fullmatch(text[len(LONG_ID_PREFIX) :]):
        return LONG_ID_PREFIX + text[len(LONG_ID_PREFIX) :].lower()
    return text


def normalise_stream(stream_id: str) -> str:
    """``user/<number>/...`` spelled ``user/-/...``, as every sync compares it."""
    return _USER.sub("user/-/", stream_id, count=1) if stream_id.startswith("user/") else stream_id


def label_stream(name: str) -> str:
    """The stream (and tag) of the label or folder ``name``."""
    return LABEL_PREFIX + name


def label_name(stream_id: str) -> str | None:
    """The name in a label stream id (``user/-/label/News`` -> ``News``), else None."""
    stream = normalise_stream(stream_id)
    if stream.startswith(LABEL_PREFIX) and len(stream) > len(LABEL_PREFIX):
        return stream[len(LABEL_PREFIX) :]
    return None
