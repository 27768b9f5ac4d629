"""AWS Organizations (JSON protocol): the BEDROCK_POLICY management policy type, which moto
5.2.5 does not know (EnablePolicyType and ListPolicies reject it as invalid input, and it
has no DescribeEffectivePolicy). Every request for another policy type, and for a policy
id that is not a Bedrock policy, goes to moto unchanged; ListRoots (and EnablePolicyType /
DisablePolicyType of other types) gets the root's BEDROCK_POLICY entry added to moto's
answer. The organisation itself (roots, OUs, accounts) is moto's, read from its backend.

Bedrock policies are kept per management account in State (bedrock_policy_roots: the roots
where the type is enabled; bedrock_policies: the policies with their attachments).

DescribeEffectivePolicy(PolicyType=BEDROCK_POLICY): the policies attached to the root, to
each OU from the root down to the account, and to the account, merged in that order with
a deep merge of the JSON documents (objects merge key by key, anything else: the later,
lower-level value wins). The emulator does not implement the inheritance operators beyond
that: `@@assign` is resolved to its value and other `@@` operator keys are dropped, as the
effective policy AWS returns carries values, not operators. No policy in the chain, or the
type not enabled at the root: EffectivePolicyNotFoundException, as AWS answers."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from moto.organizations.models import OrganizationsBackend, organizations_backends

from .router import Call, Forwarded, Route
from .state import Doc
from .util import rid
from .wsgi import ApiError, Response, reply

SERVICE = "organizations"
TYPE = "BEDROCK_POLICY"
CTYPE = "application/x-amz-json-1.1"


def _ok(body: object) -> Response:
    return reply(200, body, content_type=CTYPE)


def _err(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def _backend(call: Call) -> OrganizationsBackend:
    """The management account's organizations backend (the caller's organisation)."""
    owner = organizations_backends.master_accounts.get(call.account)
    account = owner[0] if owner else call.account
    backend = organizations_backends[account]["aws"]
    if backend.org is None:
        raise _err("AWSOrganizationsNotInUseException",
                   "Your account is not a member of an organization.")
    return backend


def _mgmt(call: Call) -> str:
    return str(_backend(call).account_id)


def _policies(call: Call) -> dict[str, Doc]:
    return call.state.bedrock_policies.setdefault(_mgmt(call), {})


def _roots(call: Call) -> dict[str, float]:
    return call.state.bedrock_policy_roots.setdefault(_mgmt(call), {})


def _body(call: Call) -> Doc:
    return call.request.json()


def _summary(p: Doc) -> Doc:
    return {k: p[k] for k in ("Id", "Arn", "Name", "Description", "Type", "AwsManaged")}


def _target(backend: OrganizationsBackend, target_id: str) -> Doc:
    """The root, OU or account `target_id` as a PolicyTargetSummary (TargetNotFound else)."""
    for ou in backend.ou:
        if ou.id == target_id:
            return {"TargetId": ou.id, "Arn": ou.arn, "Name": ou.name, "Type": ou.type}
    for a in backend.accounts:
        if a.id == target_id:
            return {"TargetId": a.id, "Arn": a.arn, "Name": a.name, "Type": "ACCOUNT"}
    raise _err("TargetNotFoundException", f"We can't find a root, OU, or account with the ID {target_id}.")


def _chain(backend: OrganizationsBackend, target_id: str) -> list[str]:
    """`target_id` and its parents up to the root, root first."""
    by_id: dict[str, Any] = {ou.id: ou for ou in backend.ou}
    by_id.update({a.id: a for a in backend.accounts})
    out: list[str] = []
    cur = by_id.get(target_id)
    while cur is not None and cur.id not in out:
        out.append(cur.id)
        cur = by_id.get(getattr(cur, "parent_id", None) or "")
    return list(reversed(out))


def _policy(call: Call, pid: str) -> Doc | None:
    return _policies(call).get(pid)


def _root_entry(call: Call, root: Doc) -> Doc:
    """moto's root description with BEDROCK_POLICY added where it is enabled."""
    if root.get("Id") in _roots(call):
        types = [t for t in root.get("PolicyTypes", []) if t.get("Type") != TYPE]
        root = {**root, "PolicyTypes": [*types, {"Type": TYPE, "Status": "ENABLED"}]}
    return root


# ---------------------------------------------------------------- policy types
def _add_bedrock_to_root(call: Call, moto: Forwarded) -> Response | Forwarded:
    if not moto.status.startswith("200"):
        return moto
    body = json.loads(moto.body)
    if isinstance(body.get("Root"), dict):
        body["Root"] = _root_entry(call, body["Root"])
    return _ok(body)


def enable_policy_type(call: Call) -> Response | Forwarded:
    body = _body(call)
    if body.get("PolicyType") != TYPE:
        return _add_bedrock_to_root(call, call.forward())
    backend = _backend(call)
    root = next((ou for ou in backend.ou if ou.id == body.get("RootId") and ou.type == "ROOT"), None)
    if root is None:
        raise _err("RootNotFoundException", "You specified a root that doesn't exist.")
    if root.id in _roots(call):
        raise _err("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
    _roots(call)[root.id] = time.time()
    return _ok({"Root": _root_entry(call, root.describe())})


def disable_policy_type(call: Call) -> Response | Forwarded:
    body = _body(call)
    if body.get("PolicyType") != TYPE:
        return _add_bedrock_to_root(call, call.forward())
    backend = _backend(call)
    root = next((ou for ou in backend.ou if ou.id == body.get("RootId") and ou.type == "ROOT"), None)
    if root is None:
        raise _err("RootNotFoundException", "You specified a root that doesn't exist.")
    if _roots(call).pop(root.id, None) is None:
        raise _err("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
    for p in _policies(call).values():  # AWS detaches every policy of the type
        p["Targets"] = []
    return _ok({"Root": _root_entry(call, root.describe())})


def list_roots(call: Call) -> Response | Forwarded:
    moto = call.forward()
    if not moto.status.startswith("200"):
        return moto
    body = json.loads(moto.body)
    body["Roots"] = [_root_entry(call, r) for r in body.get("Roots", [])]
    return _ok(body)


# ---------------------------------------------------------------- policies
def create_policy(call: Call) -> Response | None:
    body = _body(call)
    if body.get("Type") != TYPE:
        return None
    backend = _backend(call)
    store = _policies(call)
    if any(p["Name"] == body["Name"] for p in store.values()):
        raise _err("DuplicatePolicyException", "A policy with the same name already exists.")
    try:
        content = json.loads(body["Content"])
    except ValueError:
        content = None
    if not isinstance(content, dict) or not isinstance(content.get("bedrock"), dict):
        raise _err("MalformedPolicyDocumentException",
                   "The provided policy document doesn't meet the requirements of the specified policy type.")
    pid = "p-" + rid(10)
    org = backend.org
    assert org is not None
    p: Doc = {"Id": pid, "Arn": f"arn:aws:organizations::{backend.account_id}:policy/{org.id}/bedrock_policy/{pid}",
              "Name": body["Name"], "Description": body.get("Description", ""), "Type": TYPE,
              "AwsManaged": False, "Content": body["Content"], "Targets": [], "UpdatedAt": time.time()}
    store[pid] = p
    return _ok({"Policy": {"PolicySummary": _summary(p), "Content": p["Content"]}})


def describe_policy(call: Call) -> Response | None:
    p = _policy(call, _body(call).get("PolicyId", ""))
    if p is None:
        return None
    return _ok({"Policy": {"PolicySummary": _summary(p), "Content": p["Content"]}})


def list_policies(call: Call) -> Response | None:
    if _body(call).get("Filter") != TYPE:
        return None
    return _ok({"Policies": [_summary(p) for p in _policies(call).values()]})


def list_policies_for_target(call: Call) -> Response | None:
    body = _body(call)
    if body.get("Filter") != TYPE:
        return None
    _target(_backend(call), body["TargetId"])
    return _ok({"Policies": [_summary(p) for p in _policies(call).values() if body["TargetId"] in p["Targets"]]})


def list_targets_for_policy(call: Call) -> Response | None:
    p = _policy(call, _body(call).get("PolicyId", ""))
    if p is None:
        return None
    backend = _backend(call)
    return _ok({"Targets": [_target(backend, t) for t in p["Targets"]]})


def attach_policy(call: Call) -> Response | None:
    body = _body(call)
    p = _policy(call, body.get("PolicyId", ""))
    if p is None:
        return None
    _target(_backend(call), body["TargetId"])
    if not _roots(call):
        raise _err("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
    if body["TargetId"] in p["Targets"]:
        raise _err("DuplicatePolicyAttachmentException",
                   "The selected policy is already attached to the specified target.")
    p["Targets"].append(body["TargetId"])
    p["UpdatedAt"] = time.time()
    return _ok({})


def detach_policy(call: Call) -> Response | None:
    body = _body(call)
    p = _policy(call, body.get("PolicyId", ""))
    if p is None:
        return None
    _target(_backend(call), body["TargetId"])
    if body["TargetId"] not in p["Targets"]:
        raise _err("PolicyNotAttachedException", "The policy isn't attached to the specified target.")
    p["Targets"].remove(body["TargetId"])
    p["UpdatedAt"] = time.time()
    return _ok({})


def delete_policy(call: Call) -> Response | None:
    pid = _body(call).get("PolicyId", "")
    p = _policy(call, pid)
    if p is None:
        return None
    if p["Targets"]:
        raise _err("PolicyInUseException", "The policy is attached to one or more entities.")
    del _policies(call)[pid]
    return _ok({})


# ---------------------------------------------------------------- effective policy
def _merge(base: object, over: object) -> object:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(over)


def _resolve(doc: object) -> object:
    """Operators out: {"@@assign": v} -> v; other @@ keys dropped."""
    if isinstance(doc, dict):
        if "@@assign" in doc:
            return _resolve(doc["@@assign"])
        return {k: _resolve(v) for k, v in doc.items() if not k.startswith("@@")}
    if isinstance(doc, list):
        return [_resolve(v) for v in doc]
    return doc


def describe_effective_policy(call: Call) -> Response | None:
    body = _body(call)
    if body.get("PolicyType") != TYPE:
        return None
    backend = _backend(call)
    target = body.get("TargetId") or call.account
    if call.account != backend.account_id and target != call.account:
        raise ApiError(400, "AccessDeniedException", "You don't have permissions to access this resource.")
    _target(backend, target)
    chain = _chain(backend, target)
    if not _roots(call) or not chain or chain[0] not in _roots(call):
        raise _err("EffectivePolicyNotFoundException", "We can't find an effective policy of the specified type.")
    merged: object = None
    updated = 0.0
    for node in chain:
        for p in _policies(call).values():
            if node in p["Targets"]:
                merged = _merge(merged, json.loads(p["Content"])) if merged is not None else json.loads(p["Content"])
                updated = max(updated, p["UpdatedAt"])
    if merged is None:
        raise _err("EffectivePolicyNotFoundException", "We can't find an effective policy of the specified type.")
    return _ok({"EffectivePolicy": {"PolicyContent": json.dumps(_resolve(merged)),
                                    "LastUpdatedTimestamp": updated, "TargetId": target, "PolicyType": TYPE}})


ROUTES = (
    Route(SERVICE, "EnablePolicyType", enable_policy_type),
    Route(SERVICE, "DisablePolicyType", disable_policy_type),
    Route(SERVICE, "ListRoots", list_roots),
    Route(SERVICE, "CreatePolicy", create_policy),
    Route(SERVICE, "DescribePolicy", describe_policy),
    Route(SERVICE, "ListPolicies", list_policies),
    Route(SERVICE, "ListPoliciesForTarget", list_policies_for_target),
    Route(SERVICE, "ListTargetsForPolicy", list_targets_for_policy),
    Route(SERVICE, "AttachPolicy", attach_policy),
    Route(SERVICE, "DetachPolicy", detach_policy),
    Route(SERVICE, "DeletePolicy", delete_policy),
    Route(SERVICE, "DescribeEffectivePolicy", describe_effective_policy),
)
