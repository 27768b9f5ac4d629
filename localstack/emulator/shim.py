"""Test-only endpoints under /_shim/ (unsigned; intercepted before moto, which would route
an unsigned request to S3). Not AWS APIs: nothing here has a botocore shape.

  POST /_shim/reset                 clear the extension's state and moto's (as /moto-api/reset)
  POST /_shim/cloudtrail/events     {"accountId","region","events":[...]}: seed LookupEvents
  POST /_shim/cloudtrail/clear      {"accountId","region"}: drop that Region's seeded events
  POST /_shim/kms/set-key-manager   {"accountId","region","keyId","keyManager"}
  POST /_shim/service-quotas/applied  {"accountId","region","serviceCode":"bedrock","quotaCode","value"}:
                                    a quota's applied value (ListServiceQuotas; default otherwise)
  GET  /_shim/state                 entries per state field (debugging aid; POST also works)
  GET  /_shim/routes                the AWS operations the extension answers
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import cloudtrail, kms, servicequotas
from .wsgi import Request, Response, reply

if TYPE_CHECKING:
    from .app import Emulator

DEFAULT_ACCOUNT = cloudtrail.DEFAULT_ACCOUNT


def handle(app: Emulator, req: Request) -> Response:
    seg = [s for s in req.path.split("/")[2:] if s]
    body = req.json() if req.method in ("POST", "PUT") else {}
    if seg == ["reset"]:
        app.reset()
        return reply(200, {"status": "ok"})
    if seg == ["cloudtrail", "events"]:
        with app.lock:
            n = cloudtrail.add_events(app.state, body)
        return reply(200, {"status": "ok", "events": n})
    if seg == ["cloudtrail", "clear"]:
        with app.lock:
            gone = app.state.events.pop((body.get("accountId", DEFAULT_ACCOUNT),
                                         body.get("region", "us-east-1")), [])
        return reply(200, {"status": "ok", "events": len(gone)})
    if seg == ["kms", "set-key-manager"]:
        key_id, manager = kms.set_key_manager(body.get("accountId", DEFAULT_ACCOUNT),
                                              body.get("region", "us-east-1"),
                                              body["keyId"], body.get("keyManager", "AWS"))
        return reply(200, {"status": "ok", "keyId": key_id, "keyManager": manager})
    if seg == ["service-quotas", "applied"]:
        try:
            with app.lock:
                value = servicequotas.set_applied(app.state, body)
        except (KeyError, ValueError) as e:
            return reply(400, {"message": f"bad quota: {e}"})
        return reply(200, {"status": "ok", "value": value})
    if seg == ["state"]:
        with app.lock:
            return reply(200, app.state.summary())
    if seg == ["routes"]:
        return reply(200, {"routes": [{"service": r.service, "operation": r.operation}
                                      for r in app.router.routes]})
    return reply(404, {"message": f"unknown shim endpoint /_shim/{'/'.join(seg)}"})
