"""`/api/rbac/shares`: share a folder or file with a user or group, list shares;
`/api/rbac/shares/{id}`: read, change, remove one."""

from __future__ import annotations

from jupyter_server.utils import ensure_async

from ..enforcement.locations import real_location
from ..errors import InvalidInput
from ..services.shares import Place, check_share_path
from ..store import KEEP, Page, check_name
from .base import RBACHandler, api


class SharesHandler(RBACHandler):
    @api
    def get(self) -> None:
        listing = self.listing()
        user, group = self.get_query_argument("user", None), self.get_query_argument("group", None)
        for kind, name in (("user", user), ("group", group)):
            if name is not None:
                check_name(kind, name)
        shares = self.service.list_shares(
            self.actor, path=self.get_query_argument("path", None), user=user, group=group
        )
        end = None if listing.limit is None else listing.offset + listing.limit
        self.send_page(Page(shares[listing.offset : end], len(shares)), listing)

    @api
    async def post(self) -> None:
        body = self.json_body("ShareCreate")
        place = await self._place(body["path"])
        share = self.service.create_share(
            self.actor,
            place,
            body["role"],
            user=body.get("user"),
            group=body.get("group"),
            expires_at=body.get("expires_at"),
        )
        self.set_header("Location", f"{self.request.path.rstrip('/')}/{share.id}")
        self.send_json(share.to_json(), 201)

    async def _place(self, raw: str) -> Place:
        path = check_share_path(raw)
        self.service.require_may_manage(self.actor, Place(path, is_folder=False))
        return await place_on_disk(self, path)


async def place_on_disk(handler: RBACHandler, path: str) -> Place:
    """The folder or file at `path` (normalised), as it is on the disk now. The caller has
    checked that it may share or see shares there (whatever it is) before the answer says
    whether it exists."""
    contents = handler.contents_manager
    if await ensure_async(contents.dir_exists(path)):
        place = Place(path, is_folder=True)
    elif path and await ensure_async(contents.file_exists(path)):
        place = Place(path, is_folder=False)
    else:
        raise InvalidInput(f"path: no folder or file at {path!r}")
    root = getattr(contents, "root_dir", None)
    if root:
        real = real_location(root, path)
        # a share names what it gives: through a link it would give nothing (the real place is
        # judged too), and say otherwise
        if real != path:
            where = f": share {real!r}, where it leads" if real is not None else ""
            raise InvalidInput(f"path: {path!r} is a symbolic link or lies beyond one{where}")
    return place


class ShareAccessHandler(RBACHandler):
    @api
    async def get(self) -> None:
        """Who may open and change a folder or file, and through what."""
        raw = self.get_query_argument("path", None)
        if raw is None:
            raise InvalidInput("path: required (the folder or file)")
        path = check_share_path(raw)
        self.service.require_may_see_shares(self.actor, Place(path, is_folder=False))
        place = await place_on_disk(self, path)
        self.send_json(self.service.access_to(self.actor, place))


class ShareRecipientsHandler(RBACHandler):
    @api
    def get(self) -> None:
        """Users and groups to share with, whose name contains `q`."""
        listing = self.listing()
        self.send_json(
            self.service.recipients(self.actor, listing.query, min(listing.limit or 20, 50))
        )


class ShareHandler(RBACHandler):
    @api
    def get(self, share_id: str) -> None:
        self.send_record(self.service.get_share(self.actor, share_id))

    @api
    def patch(self, share_id: str) -> None:
        current = self.service.get_share(self.actor, share_id)
        expected = self.expected_revision(current)
        body = self.json_body("SharePatch")
        share = self.service.update_share(
            self.actor,
            share_id,
            role=body.get("role"),
            expires_at=body.get("expires_at", KEEP),
            expected_revision=expected,
        )
        self.send_json(share.to_json())

    @api
    def delete(self, share_id: str) -> None:
        current = self.service.get_share(self.actor, share_id)
        self.service.delete_share(self.actor, share_id, self.expected_revision(current))
        self.no_content()
