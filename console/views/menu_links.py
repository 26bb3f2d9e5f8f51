"""Menu entries for pages that hang off a view's own routes (the province forwarding page, the ministry desk).

sqladmin's menu lists views, not routes: a page exposed on DecreeView or PmtModelView gets no entry of its own.
A `PageLink` is that entry, shown only to the roles the page itself lets in (the same `allows` check guards
the page), so the menu never offers a link that answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqladmin import Admin
from starlette.datastructures import URL
from starlette.requests import Request

from console.authorization import may
from console.sqladmin_door import MenuEntry, add_to_menu


@dataclass(frozen=True)
class PageAccess:
    """Who may open a page: any one of the (resource, action) grants."""

    grants: tuple[tuple[str, str], ...]

    def allows(self, request: Request) -> bool:
        return any(may(request, resource, action) for resource, action in self.grants)


FORWARDING_ACCESS = PageAccess((("decree", "action:forward"),))
MINISTRY_DESK_ACCESS = PageAccess((("proposal", "action:match_nik"), ("proposal", "action:determine")))


class PageLink(MenuEntry):
    """A menu entry pointing at a named route, visible to those `access` allows."""

    def __init__(self, name: str, icon: str, route: str, access: PageAccess) -> None:
        super().__init__(name=name, icon=icon)
        self.route = route
        self.access = access

    def is_accessible(self, request: Request) -> bool:
        return self.access.allows(request)

    def is_active(self, request: Request) -> bool:
        return request.url.path.rstrip("/") == URL(str(self.url(request))).path.rstrip("/")

    def url(self, request: Request) -> str | URL:
        return request.url_for(self.route)

    @property
    def type_(self) -> str:
        return "View"  # rendered by sqladmin's menu macros like a view's entry


PAGE_LINKS = (
    (
        "Alur Usulan",
        PageLink(
            "Penerusan SK", "fa-solid fa-share-from-square", "admin:view-decree-forwarding_page", FORWARDING_ACCESS
        ),
    ),
    (
        "Kementerian",
        PageLink(
            "Meja Kementerian",
            "fa-solid fa-building-columns",
            "admin:view-pmt-model-ministry_desk",
            MINISTRY_DESK_ACCESS,
        ),
    ),
)


def add_page_links(admin: Admin) -> None:
    """Append each link to its category (after the views registered there; sqladmin merges by name)."""
    for category, link in PAGE_LINKS:
        add_to_menu(admin, category, link)
