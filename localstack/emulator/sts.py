"""AWS STS (query): AssumeRole is denied (403 AccessDenied) when the target role or account
does not exist, as AWS answers; moto would hand out credentials. Everything else: moto."""

from __future__ import annotations

from moto.iam.models import iam_backends

from .router import Call, Route
from .wsgi import ApiError

SERVICE = "sts"


def caller_arn(account: str, access_key: str | None) -> str:
    """The caller as AWS names it in AccessDenied: its assumed role, else moto's default user."""
    try:
        key = iam_backends[account]["global"].access_keys[access_key or ""]
    except Exception:
        key = None
    role_arn = getattr(key, "role_arn", None)
    if role_arn:
        role = role_arn.split("/")[-1]
        return f"arn:aws:sts::{account}:assumed-role/{role}/{getattr(key, 'session_name', None) or 'session'}"
    return f"arn:aws:iam::{account}:user/moto"


def assume_role(call: Call) -> None:
    """Raise AccessDenied if AssumeRole must be denied; otherwise moto answers (None)."""
    arn = call.request.form().get("RoleArn", "")
    parts = arn.split(":")
    if len(parts) < 6 or not parts[5].startswith("role/"):
        return None  # malformed: let moto validate
    target, name = parts[4], parts[5].rsplit("/", 1)[1]
    denied = ApiError(403, "AccessDenied",
                      f"User: {caller_arn(call.account, call.request.access_key)} is not authorized "
                      f"to perform: sts:AssumeRole on resource: {arn}")
    if target not in iam_backends:
        raise denied
    try:
        iam_backends[target]["global"].get_role(name)
    except Exception:
        raise denied from None
    return None


ROUTES = (Route(SERVICE, "AssumeRole", assume_role),)
