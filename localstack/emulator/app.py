"""The WSGI app: moto's own app, with the extension's routes answered first."""

from __future__ import annotations

import argparse
import os
import threading
from collections.abc import Callable, Iterable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple

from . import (
    agentcore,
    aoss,
    bedrock,
    bedrock_agent,
    budgets,
    ce,
    cloudtrail,
    cloudwatch,
    iam,
    organizations,
    servicequotas,
    shim,
    sts,
)
from .motopatch import install_fixes, install_speedups, reset_moto
from .router import Call, Forwarded, Route, Router
from .state import State
from .wsgi import ApiError, Environ, Request, StartResponse, WsgiApp, reply

ROUTES: tuple[Route, ...] = (*bedrock.ROUTES, *bedrock_agent.ROUTES, *agentcore.ROUTES, *cloudtrail.ROUTES,
                             *sts.ROUTES, *iam.ROUTES, *organizations.ROUTES, *aoss.ROUTES, *cloudwatch.ROUTES,
                             *budgets.ROUTES, *ce.ROUTES, *servicequotas.ROUTES)


class Emulator:
    """moto + the extension. All extension state is `self.state`; `reset()` replaces it."""

    def __init__(self, moto: WsgiApp | None = None, speedups: bool = False) -> None:
        self._resetting = threading.Event()
        install_fixes()
        if speedups:
            install_speedups(self._resetting.is_set)
        self.moto: WsgiApp = moto or DomainDispatcherApplication(create_backend_app)
        self.router = Router(ROUTES)
        self.lock = threading.RLock()
        self.state = State()

    def reset(self) -> None:
        """Clear moto (minus building managed policies for backends it drops) and the extension."""
        with self.lock:
            self._resetting.set()
            try:
                reset_moto()
            finally:
                self._resetting.clear()
            self.state = State()

    def _forward(self, environ: Environ) -> Forwarded:
        """moto's answer to this request, buffered."""
        status = ""
        headers: list[tuple[str, str]] = []

        def capture(s: str, h: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], object]:
            nonlocal status, headers
            status, headers = s, list(h)
            return lambda _data: None

        body = b"".join(self.moto(environ, capture))
        return Forwarded(status, headers, body)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        req = Request(environ)
        if req.path.startswith("/_shim/"):
            return shim.handle(self, req).send(start_response)
        if req.path.rstrip("/") == "/moto-api/reset" and req.method == "POST":
            self.reset()
            return reply(200, {"status": "ok"}).send(start_response)
        try:
            matched = self.router.match(req)
        except ValueError:  # a query-protocol body that is not form data: moto's to judge
            matched = None
        if matched is None:
            unknown = self.router.unknown_operation(req)
            return unknown.send(start_response) if unknown else self.moto(environ, start_response)
        route, params = matched
        try:
            account = req.account()
            with self.lock:
                call = Call(request=req, state=self.state, account=account, region=req.region or "us-east-1",
                            params=params, query=req.query(), forward=lambda: self._forward(environ),
                            forward_environ=self._forward)
                answer = route.handler(call)
        except ApiError as e:
            return self.router.error(route.service, e).send(start_response)
        except (KeyError, ValueError, TypeError, IndexError) as e:
            err = ApiError(400, self.router.bad_request_code(route.service), f"Invalid request: {e!r}")
            return self.router.error(route.service, err).send(start_response)
        if answer is None:
            answer = self._forward(environ)
        if isinstance(answer, Forwarded):
            answer = self.router.conform(route, answer)
        return answer.send(start_response)


def main() -> None:
    ap = argparse.ArgumentParser(description="moto + perimeter's test extension (test infrastructure)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=int(os.environ.get("MOTO_PORT", "5000")))
    args = ap.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    run_simple(args.host, args.port, Emulator(speedups=True), threaded=True, request_handler=MotoRequestHandler)
