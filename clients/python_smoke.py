#!/usr/bin/env python3
"""Smoke test of a client generated from openslot's OpenAPI document.

.ci/openapi generates the client with `openapi-python-client generate --meta none` into
CLIENT_DIR/openslot_client, then runs this against the running server: free times, book
one, read it through /api/v1 with the API token, cancel it through the invitee's manage
link, and read it again. Only the generated code talks to the server, so a handler that
drifts from its spec (a renamed field, a wrong status) fails here.

    python3 clients/python_smoke.py --base-url http://127.0.0.1:8080 --token TOKEN \
        --client-dir /tmp/client --spec /tmp/openapi.json
"""

import argparse
import importlib
import inspect
import json
import re
import sys
import uuid


def fail(message):
    print(f"smoke: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def snake(name):
    """openapi-python-client's module name for an operation id (camelCase -> snake_case)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def operation_module(spec, method, path):
    """The generated module of the operation at METHOD PATH, found through the spec so the
    test follows whatever operation id and tag the server documents."""
    operation = spec["paths"].get(path, {}).get(method)
    check(operation is not None, f"the spec has no {method.upper()} {path}")
    tag = snake(operation.get("tags", ["default"])[0]).replace("-", "_").replace(" ", "_")
    module = f"openslot_client.api.{tag}.{snake(operation['operationId'])}"
    return importlib.import_module(module)


def call_with_path(module, client, value, **extra):
    """Calls `sync_detailed` passing VALUE as the operation's one path parameter (whatever
    the spec names it)."""
    parameters = [
        name
        for name, parameter in inspect.signature(module.sync_detailed).parameters.items()
        if parameter.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    check(parameters, f"{module.__name__} takes no path parameter")
    return module.sync_detailed(**{parameters[0]: value}, client=client, **extra)


def as_dict(response):
    """The answer as JSON: the generated model when the client parsed one, else the body."""
    parsed = response.parsed
    if parsed is not None and hasattr(parsed, "to_dict"):
        return parsed.to_dict()
    return json.loads(response.content)


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--base-url", required=True)
    arguments.add_argument("--token", required=True, help="an /api/v1 token (bookings:read)")
    arguments.add_argument("--client-dir", required=True)
    arguments.add_argument("--spec", required=True)
    arguments.add_argument("--event", default="intro-call")
    options = arguments.parse_args()

    sys.path.insert(0, options.client_dir)
    from openslot_client import AuthenticatedClient, Client
    from openslot_client.models import (
        Availability,
        BookingRequestBody,
        CancelRequest,
        ManagedBooking,
        PublicBooking,
    )

    with open(options.spec, encoding="utf-8") as file:
        spec = json.load(file)
    get_availability = operation_module(spec, "get", "/availability")
    create_booking = operation_module(spec, "post", "/booking")
    cancel_managed_booking = operation_module(spec, "post", "/manage/{token}/cancel")
    public = Client(base_url=options.base_url, raise_on_unexpected_status=True)
    api = AuthenticatedClient(
        base_url=options.base_url, token=options.token, raise_on_unexpected_status=True
    )

    # 1. Free times.
    answer = get_availability.sync_detailed(client=public, event=options.event)
    check(answer.status_code == 200, f"availability: {answer.status_code} {answer.content!r}")
    availability = answer.parsed
    check(isinstance(availability, Availability), f"availability parsed as {type(availability)}")
    check(availability.event == options.event, f"availability is for {availability.event}")
    check(availability.slots, "no free times offered")
    # A time the fuzzing run has not taken: the last one offered.
    slot = availability.slots[-1]
    print(f"smoke: {len(availability.slots)} free times; booking {slot.start}")

    # 2. Book it (twice with one Idempotency-Key: one booking).
    key = f"smoke-{uuid.uuid4()}"
    body = BookingRequestBody(
        event=options.event,
        start=slot.start,
        name="Grace Hopper",
        email="grace@example.com",
        timezone="Europe/London",
        notes="generated-client smoke test",
    )
    answer = create_booking.sync_detailed(client=public, body=body, idempotency_key=key)
    check(answer.status_code == 201, f"booking: {answer.status_code} {answer.content!r}")
    booking = answer.parsed
    check(isinstance(booking, PublicBooking), f"booking parsed as {type(booking)}")
    check(booking.status.value == "confirmed", f"booking status {booking.status}")
    check(booking.manage_url.endswith(booking.manage_token), "manage_url does not carry manage_token")
    replay = create_booking.sync_detailed(client=public, body=body, idempotency_key=key)
    check(replay.status_code == 201 and replay.parsed.id == booking.id, "idempotent replay made a second booking")
    check(replay.headers.get("idempotent-replayed") == "true", "replay not marked Idempotent-Replayed")
    print(f"smoke: booked {booking.id} ({booking.status.value})")

    # 3. Read it through /api/v1 with the token.
    read = operation_module(spec, "get", "/api/v1/bookings/{id}")
    answer = call_with_path(read, api, booking.id)
    check(answer.status_code == 200, f"/api/v1 read: {answer.status_code} {answer.content!r}")
    seen = as_dict(answer)
    check(seen.get("id") == booking.id, f"/api/v1 answered booking {seen.get('id')}")
    check(seen.get("status") == "confirmed", f"/api/v1 status {seen.get('status')}")
    print("smoke: /api/v1 shows it confirmed")

    # 4. Cancel it through the invitee's manage link.
    answer = cancel_managed_booking.sync_detailed(
        booking.manage_token, client=public, body=CancelRequest(reason="smoke test done")
    )
    check(answer.status_code == 200, f"cancel: {answer.status_code} {answer.content!r}")
    cancelled = answer.parsed
    check(isinstance(cancelled, ManagedBooking), f"cancel parsed as {type(cancelled)}")
    check(cancelled.status.value == "cancelled", f"after cancel: {cancelled.status}")
    check(cancelled.reason == "smoke test done", f"reason {cancelled.reason!r}")
    check(cancelled.can_change is False, "a cancelled booking can still change")

    # 5. /api/v1 agrees.
    answer = call_with_path(read, api, booking.id)
    check(as_dict(answer).get("status") == "cancelled", "/api/v1 does not show it cancelled")
    print("smoke: cancelled; /api/v1 agrees. OK")


if __name__ == "__main__":
    main()
