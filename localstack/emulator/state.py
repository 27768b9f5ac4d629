"""All of the extension's state, in one object the app owns (see app.Emulator.reset).

Nothing else in the package is mutable: module-level names are constants (tuples, frozen
tables, compiled patterns). A reset replaces the whole State with a fresh instance, so no
field can be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

Key = tuple[str, str]  # (account id, Region)
Doc = dict[str, Any]   # one JSON object as AWS returns it


@dataclass
class Guardrail:
    draft: Doc                                              # GetGuardrail shape, version DRAFT
    versions: dict[int, Doc] = field(default_factory=dict)  # published versions, by number


@dataclass
class Versioned:
    """An agent, flow or prompt: its DRAFT, numbered versions and aliases (Get* shapes)."""
    draft: Doc
    versions: dict[int, Doc] = field(default_factory=dict)
    aliases: dict[str, Doc] = field(default_factory=dict)  # alias id -> alias


@dataclass
class KnowledgeBase:
    doc: Doc                                               # GetKnowledgeBase's knowledgeBase
    data_sources: dict[str, Doc] = field(default_factory=dict)  # id -> GetDataSource's dataSource


@dataclass
class State:
    guardrails: dict[Key, dict[str, Guardrail]] = field(default_factory=dict)  # id -> guardrail
    app_profiles: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # APPLICATION profiles
    enforced: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # configId -> config
    events: dict[Key, list[Doc]] = field(default_factory=dict)  # LookupEvents entries
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # ARN -> tags (every service)
    ssc: dict[str, list[dict[str, str | None]]] = field(default_factory=dict)  # account -> credentials
    # bedrock-agent (tags in `tags`)
    agents: dict[Key, dict[str, Versioned]] = field(default_factory=dict)  # agent id -> agent
    knowledge_bases: dict[Key, dict[str, KnowledgeBase]] = field(default_factory=dict)
    flows: dict[Key, dict[str, Versioned]] = field(default_factory=dict)  # flow id -> flow
    prompts: dict[Key, dict[str, Versioned]] = field(default_factory=dict)  # prompt id -> prompt
    # bedrock-agentcore-control (tags in `tags`)
    agent_runtimes: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # id -> GetAgentRuntime
    gateways: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # id -> GetGateway
    memories: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # id -> GetMemory's memory
    resource_policies: dict[Key, dict[str, str]] = field(default_factory=dict)  # resource ARN -> policy
    # (AgentCore runtimes/gateways/memories and Bedrock guardrails: bedrock PutResourcePolicy)
    # bedrock batch inference
    invocation_jobs: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # job id -> GetModelInvocationJob
    # organizations BEDROCK_POLICY (moto has no such type), by management account
    bedrock_policy_roots: dict[str, dict[str, float]] = field(default_factory=dict)  # root id -> enabled at
    bedrock_policies: dict[str, dict[str, Doc]] = field(default_factory=dict)  # policy id -> policy + targets
    # cost and usage (budgets and ce are global: their Key's Region is the signing Region, us-east-1)
    budget_actions: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # ActionId -> Action (+AccountId)
    anomaly_monitors: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # MonitorArn -> AnomalyMonitor
    anomaly_subscriptions: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # arn -> AnomalySubscription
    cost_allocation_tags: dict[Key, dict[str, Doc]] = field(default_factory=dict)  # TagKey -> CostAllocationTag
    quota_values: dict[Key, dict[str, float]] = field(default_factory=dict)  # "svc/QuotaCode" -> applied value

    def summary(self) -> dict[str, dict[str, int]]:
        """How many entries each field holds, by key (the /_shim/state debugging aid)."""
        out: dict[str, dict[str, int]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = {("/".join(k) if isinstance(k, tuple) else str(k)): len(v)
                           for k, v in value.items()}
        return out

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))
