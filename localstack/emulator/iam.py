"""AWS IAM (query): service-specific credentials -- Create/List/DeleteServiceSpecificCredential
(Bedrock long-term API keys among them); moto 5.2.5 does not implement them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from moto.iam.models import iam_backends

from .router import Call, Route
from .util import iso_seconds, random_string
from .wsgi import ApiError, Response, query_result, xml_members

SERVICE = "iam"
NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"
FIELDS = ("UserName", "Status", "ServiceUserName", "ServiceCredentialAlias", "CreateDate",
          "ExpirationDate", "ServiceSpecificCredentialId", "ServiceName")
SECRET_FIELDS = ("ServicePassword", "ServiceCredentialSecret")


def _user(call: Call, params: dict[str, str]) -> str | None:
    """The UserName parameter; NoSuchEntity when that user does not exist."""
    user = params.get("UserName")
    if user:
        try:
            iam_backends[call.account]["global"].get_user(user)
        except Exception:
            raise ApiError(404, "NoSuchEntity", f"The user with name {user} cannot be found.") from None
    return user


def create(call: Call) -> Response:
    params = call.request.form()
    creds = call.state.ssc.setdefault(call.account, [])
    user = _user(call, params)
    created = datetime.now(timezone.utc)
    c = {"UserName": user, "Status": "Active", "ServiceName": params["ServiceName"],
         "ServiceSpecificCredentialId": "ACCA" + random_string(17).upper(),
         "CreateDate": iso_seconds(created)}
    if params["ServiceName"] == "bedrock.amazonaws.com":
        c["ServiceCredentialAlias"] = f"{user}-at-{call.account}"
        c["ServiceCredentialSecret"] = "ABSK" + random_string(40)
    else:
        c["ServiceUserName"] = f"{user}-at-{call.account}"
        c["ServicePassword"] = random_string(40)
    if params.get("CredentialAgeDays"):
        c["ExpirationDate"] = iso_seconds(created + timedelta(days=int(params["CredentialAgeDays"])))
    creds.append(c)
    inner = f"<ServiceSpecificCredential>{xml_members(c, FIELDS + SECRET_FIELDS)}</ServiceSpecificCredential>"
    return query_result("CreateServiceSpecificCredential", NAMESPACE, inner)


def list_(call: Call) -> Response:
    params = call.request.form()
    creds = call.state.ssc.setdefault(call.account, [])
    user = _user(call, params)
    sel = creds if params.get("AllUsers") == "true" else [c for c in creds if c["UserName"] == user]
    if params.get("ServiceName"):
        sel = [c for c in sel if c["ServiceName"] == params["ServiceName"]]
    inner = ("<ServiceSpecificCredentials>"
             + "".join(f"<member>{xml_members(c, FIELDS)}</member>" for c in sel)
             + "</ServiceSpecificCredentials><IsTruncated>false</IsTruncated>")
    return query_result("ListServiceSpecificCredentials", NAMESPACE, inner)


def delete(call: Call) -> Response:
    params = call.request.form()
    creds = call.state.ssc.setdefault(call.account, [])
    _user(call, params)
    creds[:] = [c for c in creds if c["ServiceSpecificCredentialId"] != params.get("ServiceSpecificCredentialId")]
    return query_result("DeleteServiceSpecificCredential", NAMESPACE, None)


ROUTES = (
    Route(SERVICE, "CreateServiceSpecificCredential", create),
    Route(SERVICE, "ListServiceSpecificCredentials", list_),
    Route(SERVICE, "DeleteServiceSpecificCredential", delete),
)
