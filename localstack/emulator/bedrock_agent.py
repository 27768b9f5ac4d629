"""Agents for Amazon Bedrock (bedrock-agent, REST-JSON, signs as `bedrock`): agents with
their versions and aliases, knowledge bases and data sources, flows with versions and
aliases, prompts with versions, and tags on those ARNs. The extension owns the family:
moto 5.2.5 drops an agent's guardrailConfiguration and lacks versions, aliases, data
sources, flows and prompts, so keeping half of it in moto would split one estate in two.

Documents are stored in the Get* output shape, built from the request trimmed to that
shape (rest.conform) plus what AWS computes (ids, ARNs, status, times); list summaries are
the stored documents trimmed to the summary shape. State is per account and Region.

Versions, as in AWS: an agent version is cut by CreateAgentAlias without a
routingConfiguration (the alias then routes to it); every agent has the test alias
TSTALIASID (AgentTestAlias, routing to DRAFT). Flow and prompt versions come from
CreateFlowVersion / CreatePromptVersion."""

from __future__ import annotations

import copy

from .rest import conform, error, inputs, new_id, output_member, page
from .router import Call, Route
from .state import Doc, KnowledgeBase, Versioned
from .util import last_arn_part, now_iso
from .wsgi import Response, reply

SERVICE = "bedrock-agent"
TEST_ALIAS = "TSTALIASID"


def _arn(call: Call, rest: str) -> str:
    return f"arn:aws:bedrock:{call.region}:{call.account}:{rest}"


def _not_found(what: str, ident: object) -> Exception:
    return error(SERVICE, "ResourceNotFoundException", f"{what} {ident} not found.")


def _conflict(what: str, name: object) -> Exception:
    return error(SERVICE, "ConflictException", f"{what} with name {name} already exists.")


def _shape(op: str, *path: str) -> object:
    return output_member(SERVICE, op, *path)


def _tag(call: Call, arn: str, tags: dict[str, str] | None) -> None:
    call.state.tags[arn] = dict(tags or {})


# ---------------------------------------------------------------- agents
def _agents(call: Call) -> dict[str, Versioned]:
    return call.state.agents.setdefault((call.account, call.region), {})


def _agent(call: Call, ident: str) -> Versioned:
    a = _agents(call).get(last_arn_part(ident))
    if a is None:
        raise _not_found("Agent", ident)
    return a


def create_agent(call: Call, inp: Doc) -> Response:
    store = _agents(call)
    if any(a.draft["agentName"] == inp["agentName"] for a in store.values()):
        raise _conflict("Agent", inp["agentName"])
    if not inp.get("agentResourceRoleArn"):
        raise error(SERVICE, "ValidationException", "agentResourceRoleArn is required.")
    aid, ts = new_id(), now_iso()
    arn = _arn(call, f"agent/{aid}")
    doc = conform({"orchestrationType": "DEFAULT", "agentCollaboration": "DISABLED",
                   "idleSessionTTLInSeconds": 600, **inp}, _shape("GetAgent", "agent"))
    doc.update(agentId=aid, agentArn=arn, agentVersion="DRAFT", agentStatus="NOT_PREPARED",
               createdAt=ts, updatedAt=ts)
    agent = Versioned(draft=doc)
    agent.aliases[TEST_ALIAS] = {
        "agentId": aid, "agentAliasId": TEST_ALIAS, "agentAliasName": "AgentTestAlias",
        "agentAliasArn": _arn(call, f"agent-alias/{aid}/{TEST_ALIAS}"), "description": "Test Alias for Agent",
        "routingConfiguration": [{"agentVersion": "DRAFT"}], "createdAt": ts, "updatedAt": ts,
        "agentAliasStatus": "PREPARED", "aliasInvocationState": "ACCEPT_INVOCATIONS"}
    store[aid] = agent
    _tag(call, arn, inp.get("tags"))
    return reply(202, {"agent": {**doc, "agentStatus": "CREATING"}})


def get_agent(call: Call, inp: Doc) -> Response:
    return reply(200, {"agent": _agent(call, inp["agentId"]).draft})


def list_agents(call: Call, inp: Doc) -> Response:
    summary = _shape("ListAgents", "agentSummaries")
    items = []
    for a in _agents(call).values():
        s = conform(a.draft, summary)
        s["latestAgentVersion"] = str(max(a.versions)) if a.versions else "DRAFT"
        items.append(s)
    return reply(200, page(items, inp, SERVICE, "ListAgents", "agentSummaries"))


def prepare_agent(call: Call, inp: Doc) -> Response:
    # bedrock-agent-runtime's InvokeInlineAgent (POST /agents/{sessionId}) has the same URI and
    # signing name; moto does not emulate it, so an unknown id is this operation's not-found.
    a = _agent(call, inp["agentId"])
    ts = now_iso()
    a.draft.update(agentStatus="PREPARED", preparedAt=ts, updatedAt=ts)
    return reply(202, {"agentId": a.draft["agentId"], "agentStatus": "PREPARED", "agentVersion": "DRAFT",
                       "preparedAt": ts})


def delete_agent(call: Call, inp: Doc) -> Response:
    a = _agent(call, inp["agentId"])
    for alias in a.aliases.values():
        call.state.tags.pop(alias["agentAliasArn"], None)
    call.state.tags.pop(a.draft["agentArn"], None)
    del _agents(call)[a.draft["agentId"]]
    return reply(202, {"agentId": a.draft["agentId"], "agentStatus": "DELETING"})


def _cut_agent_version(a: Versioned) -> str:
    n = max(a.versions, default=0) + 1
    ts = now_iso()
    v = conform({**copy.deepcopy(a.draft), "version": str(n), "agentStatus": "PREPARED",
                 "createdAt": ts, "updatedAt": ts}, _shape("GetAgentVersion", "agentVersion"))
    a.versions[n] = v
    return str(n)


def _check_versions(versions: dict[int, Doc], routing: list[Doc], key: str, what: str) -> None:
    for r in routing:
        v = r.get(key, "DRAFT")
        if v != "DRAFT" and (not str(v).isdigit() or int(v) not in versions):
            raise _not_found(what, v)


def create_agent_alias(call: Call, inp: Doc) -> Response:
    a = _agent(call, inp["agentId"])
    if any(x["agentAliasName"] == inp["agentAliasName"] for x in a.aliases.values()):
        raise _conflict("Agent alias", inp["agentAliasName"])
    routing = inp.get("routingConfiguration") or []
    if routing:
        _check_versions(a.versions, routing, "agentVersion", "Agent version")
    else:
        routing = [{"agentVersion": _cut_agent_version(a)}]
    alias_id, ts = new_id(), now_iso()
    aid = a.draft["agentId"]
    doc = conform(inp, _shape("GetAgentAlias", "agentAlias"))
    doc.update(agentId=aid, agentAliasId=alias_id, agentAliasArn=_arn(call, f"agent-alias/{aid}/{alias_id}"),
               routingConfiguration=routing, createdAt=ts, updatedAt=ts, agentAliasStatus="PREPARED",
               aliasInvocationState="ACCEPT_INVOCATIONS",
               agentAliasHistoryEvents=[{"routingConfiguration": routing, "startDate": ts}])
    a.aliases[alias_id] = doc
    _tag(call, doc["agentAliasArn"], inp.get("tags"))
    return reply(202, {"agentAlias": {**doc, "agentAliasStatus": "CREATING"}})


def _agent_alias(call: Call, inp: Doc) -> tuple[Versioned, Doc]:
    a = _agent(call, inp["agentId"])
    alias = a.aliases.get(inp["agentAliasId"])
    if alias is None:
        raise _not_found("Agent alias", inp["agentAliasId"])
    return a, alias


def get_agent_alias(call: Call, inp: Doc) -> Response:
    return reply(200, {"agentAlias": _agent_alias(call, inp)[1]})


def list_agent_aliases(call: Call, inp: Doc) -> Response:
    summary = _shape("ListAgentAliases", "agentAliasSummaries")
    items = [conform(x, summary) for x in _agent(call, inp["agentId"]).aliases.values()]
    return reply(200, page(items, inp, SERVICE, "ListAgentAliases", "agentAliasSummaries"))


def delete_agent_alias(call: Call, inp: Doc) -> Response:
    a, alias = _agent_alias(call, inp)
    del a.aliases[alias["agentAliasId"]]
    call.state.tags.pop(alias["agentAliasArn"], None)
    return reply(202, {"agentId": alias["agentId"], "agentAliasId": alias["agentAliasId"],
                       "agentAliasStatus": "DELETING"})


def get_agent_version(call: Call, inp: Doc) -> Response:
    a = _agent(call, inp["agentId"])
    v = inp["agentVersion"]
    if not str(v).isdigit() or int(v) not in a.versions:
        raise _not_found("Agent version", v)
    return reply(200, {"agentVersion": a.versions[int(v)]})


def list_agent_versions(call: Call, inp: Doc) -> Response:
    a = _agent(call, inp["agentId"])
    summary = _shape("ListAgentVersions", "agentVersionSummaries")
    items = [conform(a.draft, summary)]
    items += [conform({**v, "agentVersion": v["version"]}, summary) for _, v in sorted(a.versions.items())]
    return reply(200, page(items, inp, SERVICE, "ListAgentVersions", "agentVersionSummaries"))


# ---------------------------------------------------------------- knowledge bases
def _kbs(call: Call) -> dict[str, KnowledgeBase]:
    return call.state.knowledge_bases.setdefault((call.account, call.region), {})


def _kb(call: Call, ident: str) -> KnowledgeBase:
    kb = _kbs(call).get(last_arn_part(ident))
    if kb is None:
        raise _not_found("Knowledge base", ident)
    return kb


def create_knowledge_base(call: Call, inp: Doc) -> Response:
    store = _kbs(call)
    if any(k.doc["name"] == inp["name"] for k in store.values()):
        raise _conflict("Knowledge base", inp["name"])
    kid, ts = new_id(), now_iso()
    doc = conform(inp, _shape("GetKnowledgeBase", "knowledgeBase"))
    doc.update(knowledgeBaseId=kid, knowledgeBaseArn=_arn(call, f"knowledge-base/{kid}"), status="ACTIVE",
               createdAt=ts, updatedAt=ts)
    store[kid] = KnowledgeBase(doc=doc)
    _tag(call, doc["knowledgeBaseArn"], inp.get("tags"))
    return reply(202, {"knowledgeBase": {**doc, "status": "CREATING"}})


def get_knowledge_base(call: Call, inp: Doc) -> Response:
    return reply(200, {"knowledgeBase": _kb(call, inp["knowledgeBaseId"]).doc})


def list_knowledge_bases(call: Call, inp: Doc) -> Response:
    summary = _shape("ListKnowledgeBases", "knowledgeBaseSummaries")
    items = [conform(k.doc, summary) for k in _kbs(call).values()]
    return reply(200, page(items, inp, SERVICE, "ListKnowledgeBases", "knowledgeBaseSummaries"))


def update_knowledge_base(call: Call, inp: Doc) -> Response:
    """The members given replace the stored ones (AWS requires name, roleArn,
    knowledgeBaseConfiguration; storageConfiguration is optional)."""
    kb = _kb(call, inp["knowledgeBaseId"])
    others = [k for k in _kbs(call).values() if k is not kb]
    if any(k.doc["name"] == inp["name"] for k in others):
        raise _conflict("Knowledge base", inp["name"])
    fields = conform({k: v for k, v in inp.items() if k != "knowledgeBaseId"},
                     _shape("GetKnowledgeBase", "knowledgeBase"))
    kb.doc.update(fields, updatedAt=now_iso())
    if "description" not in inp:
        kb.doc.pop("description", None)
    return reply(202, {"knowledgeBase": {**kb.doc, "status": "UPDATING"}})


def delete_knowledge_base(call: Call, inp: Doc) -> Response:
    kb = _kb(call, inp["knowledgeBaseId"])
    kid = kb.doc["knowledgeBaseId"]
    call.state.tags.pop(kb.doc["knowledgeBaseArn"], None)
    del _kbs(call)[kid]
    return reply(202, {"knowledgeBaseId": kid, "status": "DELETING"})


def create_data_source(call: Call, inp: Doc) -> Response:
    kb = _kb(call, inp["knowledgeBaseId"])
    if any(d["name"] == inp["name"] for d in kb.data_sources.values()):
        raise _conflict("Data source", inp["name"])
    did, ts = new_id(), now_iso()
    doc = conform({"dataDeletionPolicy": "DELETE", **inp}, _shape("GetDataSource", "dataSource"))
    doc.update(knowledgeBaseId=kb.doc["knowledgeBaseId"], dataSourceId=did, status="AVAILABLE",
               createdAt=ts, updatedAt=ts)
    kb.data_sources[did] = doc
    return reply(200, {"dataSource": doc})


def _data_source(call: Call, inp: Doc) -> tuple[KnowledgeBase, Doc]:
    kb = _kb(call, inp["knowledgeBaseId"])
    ds = kb.data_sources.get(inp["dataSourceId"])
    if ds is None:
        raise _not_found("Data source", inp["dataSourceId"])
    return kb, ds


def get_data_source(call: Call, inp: Doc) -> Response:
    return reply(200, {"dataSource": _data_source(call, inp)[1]})


def list_data_sources(call: Call, inp: Doc) -> Response:
    summary = _shape("ListDataSources", "dataSourceSummaries")
    items = [conform(d, summary) for d in _kb(call, inp["knowledgeBaseId"]).data_sources.values()]
    return reply(200, page(items, inp, SERVICE, "ListDataSources", "dataSourceSummaries"))


def delete_data_source(call: Call, inp: Doc) -> Response:
    kb, ds = _data_source(call, inp)
    del kb.data_sources[ds["dataSourceId"]]
    return reply(202, {"knowledgeBaseId": ds["knowledgeBaseId"], "dataSourceId": ds["dataSourceId"],
                       "status": "DELETING"})


# ---------------------------------------------------------------- flows
def _flows(call: Call) -> dict[str, Versioned]:
    return call.state.flows.setdefault((call.account, call.region), {})


def _flow(call: Call, ident: str) -> Versioned:
    f = _flows(call).get(last_arn_part(ident))
    if f is None:
        raise _not_found("Flow", ident)
    return f


def create_flow(call: Call, inp: Doc) -> Response:
    store = _flows(call)
    if any(f.draft["name"] == inp["name"] for f in store.values()):
        raise _conflict("Flow", inp["name"])
    fid, ts = new_id(), now_iso()
    doc = conform(inp, _shape("GetFlow"))
    doc.update(id=fid, arn=_arn(call, f"flow/{fid}"), status="NotPrepared", createdAt=ts, updatedAt=ts,
               version="DRAFT")
    store[fid] = Versioned(draft=doc)
    _tag(call, doc["arn"], inp.get("tags"))
    return reply(201, doc)


def get_flow(call: Call, inp: Doc) -> Response:
    return reply(200, _flow(call, inp["flowIdentifier"]).draft)


def list_flows(call: Call, inp: Doc) -> Response:
    summary = _shape("ListFlows", "flowSummaries")
    items = [conform(f.draft, summary) for f in _flows(call).values()]
    return reply(200, page(items, inp, SERVICE, "ListFlows", "flowSummaries"))


def prepare_flow(call: Call, inp: Doc) -> Response:
    f = _flow(call, inp["flowIdentifier"])
    f.draft.update(status="Prepared", updatedAt=now_iso())
    return reply(202, {"id": f.draft["id"], "status": "Prepared"})


def delete_flow(call: Call, inp: Doc) -> Response:
    f = _flow(call, inp["flowIdentifier"])
    for alias in f.aliases.values():
        call.state.tags.pop(alias["arn"], None)
    call.state.tags.pop(f.draft["arn"], None)
    del _flows(call)[f.draft["id"]]
    return reply(200, {"id": f.draft["id"]})


def create_flow_version(call: Call, inp: Doc) -> Response:
    f = _flow(call, inp["flowIdentifier"])
    n = max(f.versions, default=0) + 1
    snap = {**copy.deepcopy(f.draft), "version": str(n), "createdAt": now_iso()}
    if inp.get("description"):
        snap["description"] = inp["description"]
    doc = conform(snap, _shape("GetFlowVersion"))
    f.versions[n] = doc
    return reply(201, doc)


def _flow_version(f: Versioned, v: str) -> Doc:
    if not str(v).isdigit() or int(v) not in f.versions:
        raise _not_found("Flow version", v)
    return f.versions[int(v)]


def get_flow_version(call: Call, inp: Doc) -> Response:
    return reply(200, _flow_version(_flow(call, inp["flowIdentifier"]), inp["flowVersion"]))


def list_flow_versions(call: Call, inp: Doc) -> Response:
    summary = _shape("ListFlowVersions", "flowVersionSummaries")
    items = [conform(v, summary) for _, v in sorted(_flow(call, inp["flowIdentifier"]).versions.items())]
    return reply(200, page(items, inp, SERVICE, "ListFlowVersions", "flowVersionSummaries"))


def create_flow_alias(call: Call, inp: Doc) -> Response:
    f = _flow(call, inp["flowIdentifier"])
    if any(x["name"] == inp["name"] for x in f.aliases.values()):
        raise _conflict("Flow alias", inp["name"])
    _check_versions(f.versions, inp["routingConfiguration"], "flowVersion", "Flow version")
    alias_id, ts = new_id(), now_iso()
    fid = f.draft["id"]
    doc = conform(inp, _shape("GetFlowAlias"))
    doc.update(flowId=fid, id=alias_id, arn=_arn(call, f"flow/{fid}/alias/{alias_id}"), createdAt=ts, updatedAt=ts)
    f.aliases[alias_id] = doc
    _tag(call, doc["arn"], inp.get("tags"))
    return reply(201, doc)


def _flow_alias(call: Call, inp: Doc) -> tuple[Versioned, Doc]:
    f = _flow(call, inp["flowIdentifier"])
    alias = f.aliases.get(last_arn_part(inp["aliasIdentifier"]))
    if alias is None:
        raise _not_found("Flow alias", inp["aliasIdentifier"])
    return f, alias


def get_flow_alias(call: Call, inp: Doc) -> Response:
    return reply(200, _flow_alias(call, inp)[1])


def list_flow_aliases(call: Call, inp: Doc) -> Response:
    summary = _shape("ListFlowAliases", "flowAliasSummaries")
    items = [conform(x, summary) for x in _flow(call, inp["flowIdentifier"]).aliases.values()]
    return reply(200, page(items, inp, SERVICE, "ListFlowAliases", "flowAliasSummaries"))


def delete_flow_alias(call: Call, inp: Doc) -> Response:
    f, alias = _flow_alias(call, inp)
    del f.aliases[alias["id"]]
    call.state.tags.pop(alias["arn"], None)
    return reply(200, {"flowId": alias["flowId"], "id": alias["id"]})


# ---------------------------------------------------------------- prompts
def _prompts(call: Call) -> dict[str, Versioned]:
    return call.state.prompts.setdefault((call.account, call.region), {})


def _prompt(call: Call, ident: str) -> Versioned:
    # A prompt ARN may carry a version (prompt/ID:1): the id is before the colon.
    p = _prompts(call).get(last_arn_part(ident).split(":", 1)[0])
    if p is None:
        raise _not_found("Prompt", ident)
    return p


def create_prompt(call: Call, inp: Doc) -> Response:
    store = _prompts(call)
    if any(p.draft["name"] == inp["name"] for p in store.values()):
        raise _conflict("Prompt", inp["name"])
    pid, ts = new_id(), now_iso()
    doc = conform(inp, _shape("GetPrompt"))
    doc.update(id=pid, arn=_arn(call, f"prompt/{pid}"), version="DRAFT", createdAt=ts, updatedAt=ts)
    store[pid] = Versioned(draft=doc)
    _tag(call, doc["arn"], inp.get("tags"))
    return reply(201, doc)


def create_prompt_version(call: Call, inp: Doc) -> Response:
    p = _prompt(call, inp["promptIdentifier"])
    n = max(p.versions, default=0) + 1
    ts = now_iso()
    snap = {**copy.deepcopy(p.draft), "version": str(n), "arn": f"{p.draft['arn']}:{n}",
            "createdAt": ts, "updatedAt": ts}
    if inp.get("description"):
        snap["description"] = inp["description"]
    p.versions[n] = conform(snap, _shape("GetPrompt"))
    return reply(201, p.versions[n])


def get_prompt(call: Call, inp: Doc) -> Response:
    p = _prompt(call, inp["promptIdentifier"])
    v = inp.get("promptVersion") or "DRAFT"
    if v == "DRAFT":
        return reply(200, p.draft)
    if not str(v).isdigit() or int(v) not in p.versions:
        raise _not_found("Prompt version", v)
    return reply(200, p.versions[int(v)])


def list_prompts(call: Call, inp: Doc) -> Response:
    summary = _shape("ListPrompts", "promptSummaries")
    if inp.get("promptIdentifier"):
        p = _prompt(call, inp["promptIdentifier"])
        docs = [p.draft] + [v for _, v in sorted(p.versions.items())]
    else:
        docs = [p.draft for p in _prompts(call).values()]
    return reply(200, page([conform(d, summary) for d in docs], inp, SERVICE, "ListPrompts", "promptSummaries"))


def delete_prompt(call: Call, inp: Doc) -> Response:
    p = _prompt(call, inp["promptIdentifier"])
    pid = p.draft["id"]
    v = inp.get("promptVersion")
    if v:
        if not str(v).isdigit() or int(v) not in p.versions:
            raise _not_found("Prompt version", v)
        del p.versions[int(v)]
        return reply(200, {"id": pid, "version": str(v)})
    call.state.tags.pop(p.draft["arn"], None)
    del _prompts(call)[pid]
    return reply(200, {"id": pid})


# ---------------------------------------------------------------- tags
def _own_tags(call: Call, inp: Doc) -> dict[str, str] | None:
    """The tags of an ARN the extension owns; None: not ours (moto answers)."""
    return call.state.tags.get(inp["resourceArn"])


def list_tags_for_resource(call: Call, inp: Doc) -> Response | None:
    tags = _own_tags(call, inp)
    return None if tags is None else reply(200, {"tags": tags})


def tag_resource(call: Call, inp: Doc) -> Response | None:
    tags = _own_tags(call, inp)
    if tags is None:
        return None
    tags.update(inp.get("tags") or {})
    return reply(200, {})


def untag_resource(call: Call, inp: Doc) -> Response | None:
    tags = _own_tags(call, inp)
    if tags is None:
        return None
    for k in inp.get("tagKeys") or []:
        tags.pop(k, None)
    return reply(200, {})


def _route(op: str, fn: object) -> Route:
    def handler(call: Call) -> Response | None:
        return fn(call, inputs(call, SERVICE, op))  # type: ignore[operator,no-any-return]
    return Route(SERVICE, op, handler)


ROUTES = tuple(_route(op, fn) for op, fn in (
    ("CreateAgent", create_agent), ("GetAgent", get_agent), ("ListAgents", list_agents),
    ("PrepareAgent", prepare_agent), ("DeleteAgent", delete_agent),
    ("CreateAgentAlias", create_agent_alias), ("GetAgentAlias", get_agent_alias),
    ("ListAgentAliases", list_agent_aliases), ("DeleteAgentAlias", delete_agent_alias),
    ("GetAgentVersion", get_agent_version), ("ListAgentVersions", list_agent_versions),
    ("CreateKnowledgeBase", create_knowledge_base), ("GetKnowledgeBase", get_knowledge_base),
    ("ListKnowledgeBases", list_knowledge_bases), ("UpdateKnowledgeBase", update_knowledge_base),
    ("DeleteKnowledgeBase", delete_knowledge_base),
    ("CreateDataSource", create_data_source), ("GetDataSource", get_data_source),
    ("ListDataSources", list_data_sources), ("DeleteDataSource", delete_data_source),
    ("CreateFlow", create_flow), ("GetFlow", get_flow), ("ListFlows", list_flows),
    ("PrepareFlow", prepare_flow), ("DeleteFlow", delete_flow),
    ("CreateFlowVersion", create_flow_version), ("GetFlowVersion", get_flow_version),
    ("ListFlowVersions", list_flow_versions),
    ("CreateFlowAlias", create_flow_alias), ("GetFlowAlias", get_flow_alias),
    ("ListFlowAliases", list_flow_aliases), ("DeleteFlowAlias", delete_flow_alias),
    ("CreatePrompt", create_prompt), ("CreatePromptVersion", create_prompt_version),
    ("GetPrompt", get_prompt), ("ListPrompts", list_prompts), ("DeletePrompt", delete_prompt),
    ("ListTagsForResource", list_tags_for_resource), ("TagResource", tag_resource),
    ("UntagResource", untag_resource),
))
