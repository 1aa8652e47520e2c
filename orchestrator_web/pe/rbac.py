"""Client for the PE RBAC API, `https://<console>:4433/rbac-api` (orchestrator-api.md 1.3, 5.4).

Used to mirror PE roles into Django groups (sync_rbac) and to get or check a person's own
token. Same transport rules as the orchestrator client: timeouts, verified TLS, one error
family, no retried POSTs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .client import ServiceClient
from .errors import UnexpectedResponse
from .types import JsonReader


def default_rbac_url(orchestrator_url: str) -> str:
    """PE serves RBAC on the console host, port 4433: derive it from the orchestrator URL."""
    if not orchestrator_url:
        return ""
    parts = urlsplit(orchestrator_url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return urlunsplit((parts.scheme, f"{host}:4433", "", "", ""))


@dataclass(frozen=True)
class Permission:
    object_type: str
    action: str
    instance: str


@dataclass(frozen=True)
class Role:
    id: int
    display_name: str
    description: str
    permissions: list[Permission]
    user_ids: list[str]
    group_ids: list[str]

    def plans_run(self) -> list[str]:
        """The plan names (or "*") of this role's `plans:run` permissions."""
        return sorted({p.instance for p in self.permissions if (p.object_type, p.action) == ("plans", "run")})


@dataclass(frozen=True)
class Subject:
    """A PE user or user group (`GET /v1/users`, `GET /v1/groups`)."""

    id: str
    login: str
    display_name: str = ""
    email: str = ""
    is_superuser: bool = False
    is_revoked: bool = False
    is_group: bool = False
    role_ids: tuple[int, ...] = ()
    group_ids: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()


def _list(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise UnexpectedResponse(f"{where}: expected a JSON array")
    return data


def _role(raw: Any, where: str) -> Role:
    r = JsonReader(raw, where)
    permissions = []
    for i, item in enumerate(r.get("permissions", list, required=False, default=[])):
        p = JsonReader(item, f"{where}.permissions[{i}]")
        permissions.append(Permission(p.get("object_type", str), p.get("action", str), p.get("instance", str)))
    return Role(
        id=r.get("id", int),
        display_name=r.get("display_name", str),
        description=r.get("description", str, required=False, default=""),
        permissions=permissions,
        user_ids=[str(u) for u in r.get("user_ids", list, required=False, default=[])],
        group_ids=[str(g) for g in r.get("group_ids", list, required=False, default=[])],
    )


def _subject(raw: Any, where: str) -> Subject:
    r = JsonReader(raw, where)
    return Subject(
        id=r.get("id", str),
        login=r.get("login", str),
        display_name=r.get("display_name", str, required=False, default=""),
        email=r.get("email", str, required=False, default=""),
        is_superuser=r.get("is_superuser", bool, required=False, default=False),
        is_revoked=r.get("is_revoked", bool, required=False, default=False),
        is_group=r.get("is_group", bool, required=False, default=False),
        role_ids=tuple(r.get("role_ids", list, required=False, default=[])),
        group_ids=tuple(str(g) for g in r.get("group_ids", list, required=False, default=[])),
        user_ids=tuple(str(u) for u in r.get("user_ids", list, required=False, default=[])),
    )


class RbacClient(ServiceClient):
    """The RBAC API (`/rbac-api`) as Python calls."""

    prefix = "/rbac-api"
    service = "PE RBAC service"

    def roles(self) -> list[Role]:
        """`GET /v1/roles`."""
        return [_role(raw, f"roles[{i}]") for i, raw in enumerate(_list(self._request("GET", "/v1/roles"), "roles"))]

    def users(self) -> list[Subject]:
        """`GET /v1/users`."""
        data = _list(self._request("GET", "/v1/users"), "users")
        return [_subject(raw, f"users[{i}]") for i, raw in enumerate(data)]

    def groups(self) -> list[Subject]:
        """`GET /v1/groups`: directory user groups, with their `user_ids` and `role_ids`."""
        data = _list(self._request("GET", "/v1/groups"), "groups")
        return [_subject(raw, f"groups[{i}]") for i, raw in enumerate(data)]

    def current_user(self) -> Subject:
        """`GET /v1/users/current`: whom the token belongs to."""
        return _subject(self._request("GET", "/v1/users/current"), "user")

    def get_token(self, login: str, password: str, *, lifetime: str | None = None, label: str | None = None) -> str:
        """`POST /v1/auth/token` (no authentication). The password is sent, never kept."""
        body: dict[str, Any] = {"login": login, "password": password}
        if lifetime:
            body["lifetime"] = lifetime
        if label:
            body["label"] = label
        data = self._request("POST", "/v1/auth/token", body=body, authenticate=False)
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise UnexpectedResponse("the PE RBAC service answered without a token")
        return token
