"""How a controller proves who it is: `Authorization: Controller <token>`, nothing else.

The controller endpoints accept no session or password: a person's login cannot act as a
controller, and a controller's token opens nothing but these endpoints.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from ..models import Controller
from ..services.enrolment import authenticate

__all__ = ["ControllerPrincipal", "ControllerTokenAuthentication", "IsController"]

SCHEME = "Controller"


class ControllerPrincipal:
    """The `request.user` of a controller call: authenticated, never staff, no permissions."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = None

    def __init__(self, controller: Controller) -> None:
        self.controller = controller

    def get_username(self) -> str:
        return f"controller:{self.controller.name}"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def __str__(self) -> str:
        return self.get_username()


class ControllerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Controller vdc_...`; an unknown or revoked token is a 401."""

    def authenticate(self, request: Any) -> tuple[ControllerPrincipal, Controller] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme != SCHEME:
            return None
        controller = authenticate(token.strip())
        if controller is None:
            raise exceptions.AuthenticationFailed("controller credential unknown or revoked")
        return ControllerPrincipal(controller), controller

    def authenticate_header(self, request: Any) -> str:
        return SCHEME


class IsController(permissions.BasePermission):
    """Only an enrolled, unrevoked controller."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.auth, Controller)


class ControllerTokenScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Controller <token>` in the OpenAPI document."""

    target_class = ControllerTokenAuthentication
    name = "controllerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": f"`{SCHEME} <token>`: the credential a controller got at enrolment"}
