"""The controller endpoints under `/api/v1/controllers/`."""

from __future__ import annotations

import base64
import math
import time
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from vaultdoor.edge.envelope import key_id, public_key_text

from ..models import Controller, ControllerDoor
from ..services import compiler, ingest
from ..services.enrolment import EnrolmentRefused, enrol
from ..services.keys import pin_key, snapshot_signing_key
from .authentication import ControllerTokenAuthentication, IsController
from .serializers import (
    BIGINT_MAX,
    EnrolSerializer,
    EventBatchSerializer,
    HeartbeatSerializer,
)

__all__ = [
    "ControllerDeltasView",
    "ControllerEnrolView",
    "ControllerEventsView",
    "ControllerHeartbeatView",
    "ControllerSnapshotView",
]

MAX_WAIT_S = 25.0  # below gunicorn's 30 s worker timeout
POLL_INTERVAL_S = 0.1  # how often a waiting long-poll looks for a change: bounds revocation lag


class EnrolThrottle(AnonRateThrottle):
    """Enrolment codes carry 100 bits, but nobody needs more than a few tries a minute."""

    rate = "20/min"


class ControllerView(APIView):
    """Base of the endpoints a controller calls with its own credential, and nothing else."""

    authentication_classes = [ControllerTokenAuthentication]
    permission_classes = [IsController]

    def controller(self, request: Request) -> Controller:
        auth: Controller = request.auth
        return auth


class ControllerEnrolView(APIView):
    """Exchange a one-time enrolment code for the controller's credential and server key."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [EnrolThrottle]

    @extend_schema(request=EnrolSerializer, responses={201: dict, 403: dict})
    def post(self, request: Request) -> Response:
        body = EnrolSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = enrol(body.validated_data["code"], request=request)
        except EnrolmentRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        controller = result.controller
        public = snapshot_signing_key().public_key()
        doors = list(
            ControllerDoor.objects.filter(controller=controller)
            .values_list("door__code", flat=True)
        )
        return Response({
            "controller": controller.name,
            "site": controller.site.code,
            "doors": doors,
            "token": result.token,
            "server_key": public_key_text(public),
            "server_key_id": key_id(public),
            # The edge checks PINs at card-and-PIN and keypad doors itself, offline too, so it
            # needs the key the PIN hashes were made with. Sent once, over this channel only.
            "pin_key": base64.b64encode(pin_key()).decode(),
        }, status=status.HTTP_201_CREATED)


class ControllerSnapshotView(ControllerView):
    """The calling controller's current signed full snapshot."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, name: str | None = None) -> Response:
        controller = self.controller(request)
        if name is not None and name != controller.name:
            return Response({"detail": "a controller may read only its own snapshot"},
                            status=status.HTTP_403_FORBIDDEN)
        snapshot = compiler.refresh(controller)
        return Response(compiler.full_update(snapshot).to_dict())


class ControllerDeltasView(ControllerView):
    """Signed updates after version `since`: deltas in order, or one full snapshot when the
    chain no longer reaches back that far. Waits up to `wait` seconds for a change."""

    @extend_schema(
        parameters=[
            OpenApiParameter("since", int, description="the version the controller holds"),
            OpenApiParameter("wait", float, description="seconds to wait for a change (<= 25)"),
        ],
        responses={200: dict},
    )
    def get(self, request: Request, name: str | None = None) -> Response:
        controller = self.controller(request)
        if name is not None and name != controller.name:
            return Response({"detail": "a controller may read only its own updates"},
                            status=status.HTTP_403_FORBIDDEN)
        try:
            since = int(request.query_params.get("since", "0"))
            if not 0 <= since <= BIGINT_MAX:  # the database's bigint: beyond it a 500
                raise ValueError(since)
            wait = float(request.query_params.get("wait", "0"))
            if not math.isfinite(wait):  # "nan" would never reach the deadline: a stuck worker
                raise ValueError(wait)
            wait = min(max(wait, 0.0), MAX_WAIT_S)
        except ValueError:
            return Response({"detail": "since must be an integer and wait a number"},
                            status=status.HTTP_400_BAD_REQUEST)
        ingest.update_status(controller, {"snapshot_version": since} if since > 0 else None)
        deadline = time.monotonic() + wait
        while True:
            updates = compiler.updates_since(controller, since)
            if updates is None:
                snapshot = compiler.refresh(controller)
                return Response({"version": snapshot.version,
                                 "updates": [compiler.full_update(snapshot).to_dict()]})
            if updates or time.monotonic() >= deadline:
                version = updates[-1].header.version if updates else since
                return Response({"version": version,
                                 "updates": [u.to_dict() for u in updates]})
            time.sleep(POLL_INTERVAL_S)


class ControllerEventsView(ControllerView):
    """Store a batch of spool events (exactly once each, in order) and acknowledge them."""

    @extend_schema(request=EventBatchSerializer, responses={200: dict, 400: dict})
    def post(self, request: Request) -> Response:
        controller = self.controller(request)
        body = EventBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = ingest.ingest_events(controller, request.data["events"])
        except ingest.EventRefused as exc:
            return Response({"detail": str(exc)}, status=exc.status)
        ingest.update_status(controller, body.validated_data.get("status")
                             and request.data.get("status"))
        return Response(result.to_dict())


class ControllerHeartbeatView(ControllerView):
    """A controller says it is alive (version, spool depth, clock); the server answers with
    its time and the current snapshot version."""

    @extend_schema(request=HeartbeatSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        controller = self.controller(request)
        body = HeartbeatSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ingest.update_status(controller, request.data.get("status"))
        snapshot = compiler.refresh(controller)
        return Response({"server_time": timezone.now().isoformat(), "version": snapshot.version})
