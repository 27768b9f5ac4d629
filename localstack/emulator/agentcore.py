"""Amazon Bedrock AgentCore control plane (bedrock-agentcore-control, REST-JSON, signs as
`bedrock-agentcore`): agent runtimes, gateways, memories, resource-based policies on them
(moto 5.2.5 has no Put/Get/DeleteResourcePolicy) and tags. The extension owns the family,
so that a resource policy is checked against the resources it can attach to and one reset
clears all of it. Documents are stored in the Get* output shape (rest.conform of the
request, plus ids, ARNs, status and times); state is per account and Region."""

from __future__ import annotations

from .rest import conform, error, inputs, output_member, page
from .router import Call, Route
from .state import Doc
from .util import last_arn_part, now_iso, rid
from .wsgi import Response, reply

SERVICE = "bedrock-agentcore-control"
# AgentCore Runtime defaults (AWS docs: LifecycleConfiguration).
LIFECYCLE = {"idleRuntimeSessionTimeout": 900, "maxLifetime": 28800}
STRATEGY_TYPES = {"semanticMemoryStrategy": "SEMANTIC", "summaryMemoryStrategy": "SUMMARIZATION",
                  "userPreferenceMemoryStrategy": "USER_PREFERENCE", "customMemoryStrategy": "CUSTOM",
                  "episodicMemoryStrategy": "EPISODIC"}


def _arn(call: Call, rest: str) -> str:
    return f"arn:aws:bedrock-agentcore:{call.region}:{call.account}:{rest}"


def _workload(call: Call, name: str) -> Doc:
    return {"workloadIdentityArn": _arn(call, f"workload-identity-directory/default/workload-identity/{name}")}


def _not_found(what: str, ident: object) -> Exception:
    return error(SERVICE, "ResourceNotFoundException", f"{what} {ident} not found.")


def _store(field: dict[tuple[str, str], dict[str, Doc]], call: Call) -> dict[str, Doc]:
    return field.setdefault((call.account, call.region), {})


def _find(field: dict[tuple[str, str], dict[str, Doc]], call: Call, ident: str, what: str) -> Doc:
    doc = _store(field, call).get(last_arn_part(ident))
    if doc is None:
        raise _not_found(what, ident)
    return doc


def _conflict_if_named(docs: dict[str, Doc], key: str, name: str, what: str) -> None:
    if any(d[key] == name for d in docs.values()):
        raise error(SERVICE, "ConflictException", f"{what} with name {name} already exists.")


def _forget(call: Call, arn: str) -> None:
    call.state.tags.pop(arn, None)
    _policies(call).pop(arn, None)


# ---------------------------------------------------------------- runtimes
def create_agent_runtime(call: Call, inp: Doc) -> Response:
    store = _store(call.state.agent_runtimes, call)
    _conflict_if_named(store, "agentRuntimeName", inp["agentRuntimeName"], "Agent runtime")
    rid_ = f"{inp['agentRuntimeName']}-{rid(10)}"
    ts = now_iso()
    doc = conform({"networkConfiguration": {"networkMode": "PUBLIC"}, "lifecycleConfiguration": LIFECYCLE,
                   "protocolConfiguration": {"serverProtocol": "HTTP"}, **inp},
                  output_member(SERVICE, "GetAgentRuntime"))
    doc.update(agentRuntimeArn=_arn(call, f"runtime/{rid_}"), agentRuntimeId=rid_, agentRuntimeVersion="1",
               createdAt=ts, lastUpdatedAt=ts, status="READY", workloadIdentityDetails=_workload(call, rid_))
    store[rid_] = doc
    call.state.tags[doc["agentRuntimeArn"]] = dict(inp.get("tags") or {})
    return reply(202, {k: doc[k] for k in ("agentRuntimeArn", "workloadIdentityDetails", "agentRuntimeId",
                                           "agentRuntimeVersion", "createdAt")} | {"status": "CREATING"})


def get_agent_runtime(call: Call, inp: Doc) -> Response:
    doc = _find(call.state.agent_runtimes, call, inp["agentRuntimeId"], "Agent runtime")
    v = inp.get("agentRuntimeVersion")
    if v and v != doc["agentRuntimeVersion"]:
        raise _not_found("Agent runtime version", v)
    return reply(200, doc)


def list_agent_runtimes(call: Call, inp: Doc) -> Response:
    summary = output_member(SERVICE, "ListAgentRuntimes", "agentRuntimes")
    # The summary requires a description (1+ characters); without one, the name stands in.
    items = [conform({"description": d["agentRuntimeName"], **d}, summary)
             for d in _store(call.state.agent_runtimes, call).values()]
    return reply(200, page(items, inp, SERVICE, "ListAgentRuntimes", "agentRuntimes"))


def delete_agent_runtime(call: Call, inp: Doc) -> Response:
    doc = _find(call.state.agent_runtimes, call, inp["agentRuntimeId"], "Agent runtime")
    del _store(call.state.agent_runtimes, call)[doc["agentRuntimeId"]]
    _forget(call, doc["agentRuntimeArn"])
    return reply(202, {"status": "DELETING", "agentRuntimeId": doc["agentRuntimeId"],
                       "agentRuntimeVersion": doc["agentRuntimeVersion"]})


# ---------------------------------------------------------------- gateways
def create_gateway(call: Call, inp: Doc) -> Response:
    store = _store(call.state.gateways, call)
    _conflict_if_named(store, "name", inp["name"], "Gateway")
    gid = f"{inp['name'].lower()}-{rid(10)}"
    ts = now_iso()
    doc = conform({"protocolType": "MCP", **inp}, output_member(SERVICE, "GetGateway"))
    doc.update(gatewayArn=_arn(call, f"gateway/{gid}"), gatewayId=gid, createdAt=ts, updatedAt=ts, status="READY",
               gatewayUrl=f"https://{gid}.gateway.bedrock-agentcore.{call.region}.amazonaws.com/mcp",
               workloadIdentityDetails=_workload(call, gid))
    store[gid] = doc
    call.state.tags[doc["gatewayArn"]] = dict(inp.get("tags") or {})
    return reply(202, {**doc, "status": "CREATING"})


def get_gateway(call: Call, inp: Doc) -> Response:
    return reply(200, _find(call.state.gateways, call, inp["gatewayIdentifier"], "Gateway"))


def list_gateways(call: Call, inp: Doc) -> Response:
    summary = output_member(SERVICE, "ListGateways", "items")
    items = [conform(d, summary) for d in _store(call.state.gateways, call).values()]
    return reply(200, page(items, inp, SERVICE, "ListGateways", "items"))


def delete_gateway(call: Call, inp: Doc) -> Response:
    doc = _find(call.state.gateways, call, inp["gatewayIdentifier"], "Gateway")
    del _store(call.state.gateways, call)[doc["gatewayId"]]
    _forget(call, doc["gatewayArn"])
    return reply(202, {"gatewayId": doc["gatewayId"], "status": "DELETING"})


# ---------------------------------------------------------------- memories
def _strategy(item: Doc, ts: str) -> Doc:
    """A MemoryStrategyInput (a union) as the Memory's MemoryStrategy."""
    (kind, body), = item.items()
    ns = body.get("namespaces") or ["/strategies/{memoryStrategyId}/actors/{actorId}"]
    return {**body, "strategyId": f"{body['name']}-{rid(10)}", "type": STRATEGY_TYPES[kind],
            "namespaces": ns, "namespaceTemplates": body.get("namespaceTemplates") or ns,
            "createdAt": ts, "updatedAt": ts, "status": "ACTIVE"}


def create_memory(call: Call, inp: Doc) -> Response:
    store = _store(call.state.memories, call)
    _conflict_if_named(store, "name", inp["name"], "Memory")
    mid = f"{inp['name']}-{rid(10)}"
    ts = now_iso()
    # Conformed last: Memory's timestamps are epoch seconds on the wire.
    doc = conform({**inp, "arn": _arn(call, f"memory/{mid}"), "id": mid, "status": "ACTIVE", "createdAt": ts,
                   "updatedAt": ts, "strategies": [_strategy(s, ts) for s in inp.get("memoryStrategies") or []]},
                  output_member(SERVICE, "GetMemory", "memory"))
    store[mid] = doc
    call.state.tags[doc["arn"]] = dict(inp.get("tags") or {})
    return reply(202, {"memory": {**doc, "status": "CREATING"}})


def get_memory(call: Call, inp: Doc) -> Response:
    return reply(200, {"memory": _find(call.state.memories, call, inp["memoryId"], "Memory")})


def list_memories(call: Call, inp: Doc) -> Response:
    summary = output_member(SERVICE, "ListMemories", "memories")
    items = [conform(d, summary) for d in _store(call.state.memories, call).values()]
    return reply(200, page(items, inp, SERVICE, "ListMemories", "memories"))


def delete_memory(call: Call, inp: Doc) -> Response:
    doc = _find(call.state.memories, call, inp["memoryId"], "Memory")
    del _store(call.state.memories, call)[doc["id"]]
    _forget(call, doc["arn"])
    return reply(202, {"memoryId": doc["id"], "status": "DELETING"})


# ---------------------------------------------------------------- resource policies, tags
def _owned(call: Call, arn: str) -> bool:
    """Whether `arn` is a runtime, gateway or memory of the caller's account and Region."""
    ident = last_arn_part(arn)
    for kind, field in (("runtime", call.state.agent_runtimes), ("gateway", call.state.gateways),
                        ("memory", call.state.memories)):
        if arn == _arn(call, f"{kind}/{ident}") and ident in _store(field, call):
            return True
    return False


def _policies(call: Call) -> dict[str, str]:
    return call.state.resource_policies.setdefault((call.account, call.region), {})


def put_resource_policy(call: Call, inp: Doc) -> Response:
    arn = inp["resourceArn"]
    if not _owned(call, arn):
        raise _not_found("Resource", arn)
    _policies(call)[arn] = inp["policy"]
    return reply(201, {"policy": inp["policy"]})


def get_resource_policy(call: Call, inp: Doc) -> Response:
    """ResourceNotFoundException for an unknown resource, and for one without a policy."""
    arn = inp["resourceArn"]
    if not _owned(call, arn):
        raise _not_found("Resource", arn)
    policy = _policies(call).get(arn)
    if policy is None:
        raise _not_found("Resource policy for", arn)
    return reply(200, {"policy": policy})


def delete_resource_policy(call: Call, inp: Doc) -> Response:
    arn = inp["resourceArn"]
    if not _owned(call, arn) or _policies(call).pop(arn, None) is None:
        raise _not_found("Resource policy for", arn)
    return reply(204, b"")


def list_tags_for_resource(call: Call, inp: Doc) -> Response | None:
    tags = call.state.tags.get(inp["resourceArn"])
    return None if tags is None else reply(200, {"tags": tags})


def tag_resource(call: Call, inp: Doc) -> Response | None:
    tags = call.state.tags.get(inp["resourceArn"])
    if tags is None:
        return None
    tags.update(inp.get("tags") or {})
    return reply(204, b"")


def untag_resource(call: Call, inp: Doc) -> Response | None:
    tags = call.state.tags.get(inp["resourceArn"])
    if tags is None:
        return None
    for k in inp.get("tagKeys") or []:
        tags.pop(k, None)
    return reply(204, b"")


def _route(op: str, fn: object) -> Route:
    def handler(call: Call) -> Response | None:
        return fn(call, inputs(call, SERVICE, op))  # type: ignore[operator,no-any-return]
    return Route(SERVICE, op, handler)


ROUTES = tuple(_route(op, fn) for op, fn in (
    ("CreateAgentRuntime", create_agent_runtime), ("GetAgentRuntime", get_agent_runtime),
    ("ListAgentRuntimes", list_agent_runtimes), ("DeleteAgentRuntime", delete_agent_runtime),
    ("CreateGateway", create_gateway), ("GetGateway", get_gateway), ("ListGateways", list_gateways),
    ("DeleteGateway", delete_gateway),
    ("CreateMemory", create_memory), ("GetMemory", get_memory), ("ListMemories", list_memories),
    ("DeleteMemory", delete_memory),
    ("PutResourcePolicy", put_resource_policy), ("GetResourcePolicy", get_resource_policy),
    ("DeleteResourcePolicy", delete_resource_policy),
    ("ListTagsForResource", list_tags_for_resource), ("TagResource", tag_resource),
    ("UntagResource", untag_resource),
))
