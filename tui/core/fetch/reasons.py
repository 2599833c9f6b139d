"""One-line reasons for failed fetches, fit to show a user.

Every failure leaves :meth:`~tui.core.fetch.client.Fetcher.fetch` as a
:class:`~tui.core.errors.FetchError` whose reason comes from here: the OS,
TLS and httpx errors behind it are looked for through the whole chain of
causes (exception groups included), and their own text is kept only when
it is short and clean.  ``httpx.InvalidURL`` is not an ``HTTPError``, so
nothing here relies on catching ``HTTPError`` alone.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpx

from tui.core.text import clean_line

__all__ = ["describe", "detail"]

_MAX_REASON = 200  # longest foreign error message shown (a longer one is left out)


def describe(exc: BaseException, *, connect_timeout: float, total_timeout: float) -> str:
    """Turn any exception from the HTTP stack into a short, user-facing reason.

    The timeouts are the fetcher's, named in the reasons for running out of them.
    """
    chain = list(_causes(exc))
    for err in chain:
        if isinstance(err, socket.gaierror):
            return "cannot resolve host"
    for err in chain:
        if isinstance(err, ssl.SSLCertVerificationError) and err.verify_message:
            return detail("TLS error", err.verify_message)
        if isinstance(err, ssl.SSLError):
            # reason is an OpenSSL constant like WRONG_VERSION_NUMBER
            reason = (err.reason or "").replace("_", " ").lower()
            return detail("TLS error", reason or str(err))
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connection timed out after {connect_timeout:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {total_timeout:g} s"
    for err in chain:
        if isinstance(err, ConnectionRefusedError):
            return "connection refused"
    if isinstance(exc, httpx.ConnectError):
        return detail("cannot connect", str(exc))
    if isinstance(exc, httpx.RemoteProtocolError):
        return detail("server broke the HTTP protocol", str(exc))
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return detail("connection lost", str(exc) or "reset by server")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return detail("invalid URL", str(exc))
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, httpx.HTTPError):
        return detail(type(exc).__name__, str(exc))
    return detail("unexpected error", repr(exc))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything chained behind it, exception groups included."""
    stack = [exc]
    seen: set[int] = set()
    while stack:
        err = stack.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        yield err
        stack.extend(getattr(err, "exceptions", ()))
        stack.extend(e for e in (err.__context__, err.__cause__) if e is not None)


def detail(what: str, foreign: str | None) -> str:
    """``what`` with a foreign message (OS, TLS, httpx) after it, when it fits.

    The foreign text is cleaned (:func:`~tui.core.text.clean_line`) and kept
    whole or not at all: a message cut mid-sentence says less than none
    (h11 quotes whole header lines a server sent).
    """
    text = clean_line(foreign)
    return f"{what}: {text}" if text and len(text) <= _MAX_REASON else what
