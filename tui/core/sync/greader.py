"""The Google Reader API client: login, lists, ids, contents, edits.

As FreshRSS's ``p/api/greader.php`` and Miniflux's ``internal/googlereader``
implement it (see ``shared/freshrss/API-NOTES.md`` for the shapes):
``accounts/ClientLogin`` answers ``Auth=``, every later request sends
``Authorization: GoogleLogin auth=<Auth>``, and every POST also sends the
action token ``T`` from ``reader/api/0/token``.  The token is fetched once;
a POST answered 401 fetches it again and is tried once more (Miniflux and
Inoreader rotate it).  ``output=json`` goes with every request (Miniflux
requires it, the others accept it).

Statuses become the errors a sync acts on: 401 :class:`AuthFailed`,
429 and 503 :class:`ServerBusy` (with the Retry-After), any other non-2xx a
:class:`SyncError` naming the endpoint; no answer at all
:class:`Unreachable`.  Answers are checked by :mod:`.replies`.

Batches follow the :class:`~tui.core.sync.dialects.Dialect`: ids per page,
ids per contents request, ids per edit-tag request.  An edit sends one
``a=`` and one ``r=`` per request, as FreshRSS 1.25 reads no more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from itertools import zip_longest
from typing import Any
from urllib.parse import urlsplit

from tui.core.errors import FetchError
from tui.core.fetch.api import ApiClient, ApiResponse, ApiUnreachable
from tui.core.sync import replies
from tui.core.sync.dialects import Dialect
from tui.core.sync.errors import (
    AuthFailed,
    ServerBusy,
    SyncError,
    Unreachable,
    retry_after_seconds,
)
from tui.core.sync.ids import label_name, label_stream, long_item_id
from tui.core.sync.records import Item, Label, Subscription

__all__ = ["GReaderClient"]

_READER = "reader/api/0/"
_JSON = ("output", "json")
#: Statuses that say "later", with or without a Retry-After.
_BUSY = frozenset({429, 503})


class GReaderClient:
    """One account on one server; its methods are the API's endpoints.

    ``auth`` is a token from an earlier :meth:`login` (the password is never
    kept).  Not safe for concurrent calls from several tasks: a sync runs its
    steps one after the other.
    """

    def __init__(self, api: ApiClient, dialect: Dialect, auth: str | None = None) -> None:
        self.api = api
        self.dialect = dialect
        self.auth = auth
        self._token: str | None = None
        #: Items skipped by :meth:`items` since this client was made (no id or feed).
        self.skipped_items = 0
        #: Requests sent since this client was made (the benchmark counts a push's).
        self.requests = 0
        host = urlsplit(api.base_url).netloc or api.base_url
        #: How messages name the server: ``FreshRSS at 127.0.0.1:8080``.
        self.where = f"{dialect.label} at {host}"

    # -- requests and statuses ------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"GoogleLogin auth={self.auth}"} if self.auth else {}

    def _fail(self, resp: ApiResponse, endpoint: str) -> SyncError:
        """The error a non-2xx answer means."""
        what = f"{self.where}: HTTP {resp.status} on {endpoint}"
        if resp.status == 401:
            return AuthFailed(f"{self.where}: login not accepted (HTTP 401 on {endpoint})")
        if resp.status in _BUSY:
            wait = retry_after_seconds(resp.headers.get("retry-after"))
            said = f", retry after {wait:g} s" if wait is not None else ""
            return ServerBusy(f"{what} (busy{said})", wait)
        if resp.status == 404:
            return SyncError(f"{what} (is this the Google Reader API address?)", 404)
        return SyncError(what, resp.status)

    async def _call(
        self,
        method: str,
        endpoint: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        form: Sequence[tuple[str, str]] = (),
        path: str | None = None,
    ) -> ApiResponse:
        """One request; a network failure becomes Unreachable or SyncError."""
        target = path if path is not None else _READER + endpoint
        self.requests += 1
        try:
            if method == "GET":
                return await self.api.get(target, list(params), self._headers())
            return await self.api.post(target, list(form), list(params), self._headers())
        except ApiUnreachable as exc:
            raise Unreachable(f"{self.where}: {exc.reason} on {endpoint}") from exc
        except FetchError as exc:
            raise SyncError(f"{self.where}: {exc.reason} on {endpoint}") from exc

    async def _get(self, endpoint: str, params: Sequence[tuple[str, str]] = ()) -> ApiResponse:
        resp = await self._call("GET", endpoint, params=[*params, _JSON])
        if not resp.ok:
            raise self._fail(resp, endpoint)
        return resp

    async def _get_json(
        self, endpoint: str, params: Sequence[tuple[str, str]] = ()
    ) -> dict[str, Any]:
        resp = await self._get(endpoint, params)
        return self._json(resp, endpoint)

    def _json(self, resp: ApiResponse, endpoint: str) -> dict[str, Any]:
        try:
            return replies.parse_json(resp.body)
        except replies.BadReply as exc:
            raise SyncError(f"{self.where}: {exc} on {endpoint}") from None

    async def _post(self, endpoint: str, form: Sequence[tuple[str, str]]) -> ApiResponse:
        """A POST with the action token; on 401 the token is fetched again, once."""
        resp = await self._call(
            "POST", endpoint, params=[_JSON], form=[*form, ("T", await self.token())]
        )
        if resp.status == 401:
            self._token = None
            resp = await self._call(
                "POST", endpoint, params=[_JSON], form=[*form, ("T", await self.token())]
            )
        if not resp.ok:
            raise self._fail(resp, endpoint)
        return resp

    def _send_id(self, item_id: str) -> str:
        return long_item_id(item_id) if self.dialect.long_ids else item_id

    # -- login ------------------------------------------------------------------------

    async def login(self, user: str, password: str) -> str:
        """ClientLogin: keep and return the Auth token (AuthFailed when refused)."""
        endpoint = "ClientLogin"
        form = [("Email", user), ("Passwd", password), *self.dialect.login_fields]
        self.auth = None
        self._token = None
        resp = await self._call("POST", endpoint, form=form, path="accounts/ClientLogin")
        if resp.status in (401, 403):
            raise AuthFailed(f"{self.where}: wrong user name or password")
        if not resp.ok:
            raise self._fail(resp, endpoint)
        auth = replies.parse_login(resp.body)
        if auth is None:
            raise AuthFailed(f"{self.where}: the login answer has no Auth token")
        self.auth = auth
        return auth

    async def token(self) -> str:
        """The action token (``T``) that POSTs send; fetched once, then kept."""
        if self._token is None:
            endpoint = "token"
            resp = await self._get(endpoint)
            try:
                self._token = replies.parse_token(resp.body)
            except replies.BadReply as exc:
                raise SyncError(f"{self.where}: {exc} on {endpoint}") from None
        return self._token

    # -- lists ------------------------------------------------------------------------

    async def subscriptions(self) -> list[Subscription]:
        """The subscriptions, with their folders."""
        obj = await self._get_json("subscription/list")
        try:
            return replies.parse_subscriptions(obj)
        except replies.BadReply as exc:
            raise SyncError(f"{self.where}: {exc} on subscription/list") from None

    async def labels(self) -> list[Label]:
        """Folders and item labels (``is_folder`` tells which)."""
        obj = await self._get_json("tag/list")
        try:
            return replies.parse_labels(obj, items_have_labels=self.dialect.labels)
        except replies.BadReply as exc:
            raise SyncError(f"{self.where}: {exc} on tag/list") from None

    async def item_ids(
        self,
        stream: str,
        *,
        exclude: str | None = None,
        include: str | None = None,
        newer_than: int | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """Canonical ids of ``stream`` (``xt=exclude``, ``it=include``, ``ot=newer_than`` s).

        Pages follow the continuation until the end or ``limit`` ids; a
        continuation that comes back unchanged, or with an empty page, is a
        server going round in circles (SyncError).
        """
        endpoint = "stream/items/ids"
        base = [("s", stream)]
        if exclude:
            base.append(("xt", exclude))
        if include:
            base.append(("it", include))
        if newer_than is not None:
            base.append(("ot", str(int(newer_than))))
        ids: list[str] = []
        seen: set[str] = set()
        cont: str | None = None
        while limit is None or len(ids) < limit:
            page = self.dialect.ids_per_page
            if limit is not None:
                page = min(page, limit - len(ids))
            params = [*base, ("n", str(page))]
            if cont is not None:
                params.append(("c", cont))
            obj = await self._get_json(endpoint, params)
            try:
                page_ids, nxt = replies.parse_item_refs(obj)
            except replies.BadReply as exc:
                raise SyncError(f"{self.where}: {exc} on {endpoint}") from None
            ids.extend(page_ids)
            if nxt is None:
                break
            if nxt == cont or nxt in seen or not page_ids:
                raise SyncError(f"{self.where}: a continuation that goes round on {endpoint}")
            seen.add(nxt)
            cont = nxt
        return ids if limit is None else ids[:limit]

    async def items(self, ids: Iterable[str], *, folders: Collection[str] = ()) -> list[Item]:
        """The items of ``ids``, fetched in the dialect's batches.

        ``folders`` names the folders (see :meth:`labels`): label categories
        with those names are the feed's folder, not labels of the item.
        Items with no usable id or feed are skipped and counted in
        :attr:`skipped_items`.
        """
        endpoint = "stream/items/contents"
        wanted = [self._send_id(i) for i in ids]
        out: list[Item] = []
        for batch in _batches(wanted, self.dialect.contents_batch):
            resp = await self._post(endpoint, [("i", i) for i in batch])
            obj = self._json(resp, endpoint)
            try:
                got, skipped = replies.parse_items(obj, folders)
            except replies.BadReply as exc:
                raise SyncError(f"{self.where}: {exc} on {endpoint}") from None
            self.skipped_items += skipped
            out.extend(got)
        return out

    # -- edits ------------------------------------------------------------------------

    async def edit_tag(
        self, ids: Iterable[str], *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> None:
        """Add and remove tags (READ, STARRED, :func:`label_stream`) on ``ids``.

        Sent in batches of the dialect's size, one added and one removed tag
        per request.  A label on a server without labels is a SyncError.
        """
        if not self.dialect.labels and any(label_name(t) for t in (*add, *remove)):
            raise SyncError(f"{self.where}: this server has no item labels")
        wanted = [self._send_id(i) for i in ids]
        pairs = list(zip_longest(add, remove))
        for batch in _batches(wanted, self.dialect.edit_batch):
            for a, r in pairs:
                form = [("i", i) for i in batch]
                if a:
                    form.append(("a", a))
                if r:
                    form.append(("r", r))
                await self._post("edit-tag", form)

    async def mark_all_read(self, stream: str, before_usec: int) -> None:
        """Mark read every item of ``stream`` up to ``before_usec`` (µs; 0: all up to now)."""
        await self._post("mark-all-as-read", [("s", stream), ("ts", str(int(before_usec)))])

    async def quickadd(self, url: str) -> str:
        """Subscribe to the feed at ``url``; its new stream id (SyncError if none found)."""
        endpoint = "subscription/quickadd"
        resp = await self._post(endpoint, [("quickadd", url)])
        stream = replies.parse_quickadd(self._json(resp, endpoint))
        if stream is None:
            raise SyncError(f"{self.where}: no feed found at {url} on {endpoint}")
        return stream

    async def edit_subscription(
        self,
        stream: str,
        *,
        action: str = "edit",
        title: str | None = None,
        add_folder: str | None = None,
        remove_folder: str | None = None,
    ) -> None:
        """Rename, move between folders, subscribe or unsubscribe ``stream``."""
        if action not in ("edit", "subscribe", "unsubscribe"):
            raise ValueError(f"unknown subscription action {action!r}")
        form = [("ac", action), ("s", stream)]
        if title is not None:
            form.append(("t", title))
        if add_folder is not None:
            form.append(("a", label_stream(add_folder)))
        if remove_folder is not None:
            form.append(("r", label_stream(remove_folder)))
        await self._post("subscription/edit", form)

    async def rename_label(self, old: str, new: str) -> None:
        """Rename the folder or label ``old`` to ``new``."""
        await self._post("rename-tag", [("s", label_stream(old)), ("dest", label_stream(new))])

    async def delete_label(self, name: str) -> None:
        """Delete the folder or label ``name`` (its feeds stay, outside any folder)."""
        await self._post("disable-tag", [("s", label_stream(name))])


def _batches(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    size = max(1, size)
    for start in range(0, len(items), size):
        yield items[start : start + size]
