"""TEST DATA (constants): system-defined inference profiles and foundation models.

System-defined cross-Region inference profiles: real ids; destination Regions as published
by AWS at the time of writing. A profile is offered in each of its destination Regions;
its `models` list names the source Region first, then the other destinations, at most 5
(bedrock.MAX_PROFILE_MODELS: botocore's InferenceProfileModels allows 1-5, and AWS caps
the real list). Global profiles are offered in every Region of GLOBAL_REGIONS and list the
source Region and the Region-less foundation-model ARN.
"""

from __future__ import annotations

from typing import NamedTuple


class SystemProfile(NamedTuple):
    id: str
    name: str
    regions: tuple[str, ...] | None  # None: a global profile


class FoundationModel(NamedTuple):
    id: str
    name: str
    provider: str
    output_modality: str
    inference_types: tuple[str, ...]


US3 = ("us-east-1", "us-east-2", "us-west-2")
EU3 = ("eu-central-1", "eu-west-1", "eu-west-3")
EU4 = ("eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3")
EU6 = (*EU4, "eu-south-1", "eu-south-2")
APAC = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
        "ap-southeast-1", "ap-southeast-2")

SYSTEM_PROFILES: tuple[SystemProfile, ...] = (
    SystemProfile("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "US Anthropic Claude 3.5 Sonnet v2", US3),
    SystemProfile("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "US Anthropic Claude 3.7 Sonnet", US3),
    SystemProfile("us.anthropic.claude-3-5-haiku-20241022-v1:0", "US Anthropic Claude 3.5 Haiku", US3),
    SystemProfile("us.anthropic.claude-sonnet-4-20250514-v1:0", "US Claude Sonnet 4", US3),
    SystemProfile("us.amazon.nova-pro-v1:0", "US Nova Pro", US3),
    SystemProfile("us.amazon.nova-lite-v1:0", "US Nova Lite", US3),
    SystemProfile("us.meta.llama3-3-70b-instruct-v1:0", "US Meta Llama 3.3 70B Instruct", US3),
    SystemProfile("eu.anthropic.claude-3-5-sonnet-20240620-v1:0", "EU Anthropic Claude 3.5 Sonnet", EU3),
    SystemProfile("eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "EU Anthropic Claude 3.7 Sonnet", EU4),
    SystemProfile("eu.anthropic.claude-sonnet-4-20250514-v1:0", "EU Claude Sonnet 4", EU6),
    SystemProfile("eu.amazon.nova-pro-v1:0", "EU Nova Pro", EU4),
    SystemProfile("apac.anthropic.claude-3-5-sonnet-20241022-v2:0", "APAC Anthropic Claude 3.5 Sonnet v2", APAC),
    SystemProfile("apac.anthropic.claude-sonnet-4-20250514-v1:0", "APAC Claude Sonnet 4", (*APAC, "ap-southeast-4")),
    SystemProfile("apac.amazon.nova-pro-v1:0", "APAC Nova Pro", APAC),
    SystemProfile("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "JP Anthropic Claude Sonnet 4.5",
                  ("ap-northeast-1", "ap-northeast-3")),
    SystemProfile("au.anthropic.claude-sonnet-4-5-20250929-v1:0", "AU Anthropic Claude Sonnet 4.5",
                  ("ap-southeast-2", "ap-southeast-4")),
    SystemProfile("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "Global Anthropic Claude Sonnet 4.5", None),
)
GLOBAL_REGIONS: tuple[str, ...] = tuple(sorted(
    {*US3, *EU6, *APAC, "ap-southeast-4", "us-west-1", "ca-central-1", "sa-east-1"}))
PROFILE_CREATED = "2024-08-27T00:00:00Z"

FOUNDATION_MODELS: tuple[FoundationModel, ...] = (
    FoundationModel("anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet v2", "Anthropic", "TEXT",
                    ("ON_DEMAND", "INFERENCE_PROFILE")),
    FoundationModel("anthropic.claude-3-7-sonnet-20250219-v1:0", "Claude 3.7 Sonnet", "Anthropic", "TEXT",
                    ("INFERENCE_PROFILE",)),
    FoundationModel("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", "Anthropic", "TEXT",
                    ("INFERENCE_PROFILE",)),
    FoundationModel("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "Anthropic", "TEXT", ("ON_DEMAND",)),
    FoundationModel("amazon.nova-pro-v1:0", "Nova Pro", "Amazon", "TEXT", ("ON_DEMAND", "INFERENCE_PROFILE")),
    FoundationModel("amazon.nova-lite-v1:0", "Nova Lite", "Amazon", "TEXT", ("ON_DEMAND", "INFERENCE_PROFILE")),
    FoundationModel("amazon.titan-embed-text-v2:0", "Titan Text Embeddings V2", "Amazon", "EMBEDDING", ("ON_DEMAND",)),
    FoundationModel("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct", "Meta", "TEXT",
                    ("INFERENCE_PROFILE",)),
)
