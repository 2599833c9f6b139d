"""Reading a response body under the size cap, the one way every fetcher does it.

The raw bytes are streamed and inflated here (see :mod:`.decoding`), so a
body never holds more than the cap in memory, whatever its Content-Length
or compression claims.  The feed fetcher and the API client both read
bodies through :func:`read_capped`.
"""

from __future__ import annotations

import zlib

import httpx

from tui.core.errors import FetchError
from tui.core.fetch.decoding import BoundedDecoder, TooLarge, content_encoding


async def read_capped(
    url: str, response: httpx.Response, headers: dict[str, str], max_bytes: int
) -> bytes:
    """The body, inflated by us under ``max_bytes``.

    Raises :class:`TooLarge` past the cap (the caller words it) and
    :class:`FetchError` for a corrupt compressed body.  ``headers`` are the
    response's, with lowercase names.
    """
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise TooLarge
    encoding = content_encoding(url, headers.get("content-encoding"))
    decoder = BoundedDecoder(encoding, max_bytes) if encoding else None
    body = bytearray()
    wire = 0
    try:
        async for raw in response.aiter_raw():
            wire += len(raw)
            if wire > max_bytes:
                raise TooLarge
            if decoder is None:
                body += raw
            else:
                decoder.feed(raw, body)
        if decoder is not None:
            decoder.finish()
    except httpx.StreamConsumed:
        # A response built with its body in memory (httpx.MockTransport
        # handlers answering Response(content=...)): nothing to stream.
        if len(response.content) > max_bytes:
            raise TooLarge from None
        return response.content
    except zlib.error:
        raise FetchError(url, f"corrupt {encoding} body") from None
    return bytes(body)
