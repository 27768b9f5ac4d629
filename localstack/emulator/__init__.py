"""TEST INFRASTRUCTURE -- NOT A COMPONENT OF THE perimeter PRODUCT.

A small extension of the moto AWS emulator (moto[server], pinned in ../requirements.txt)
used only by perimeter's tests and demo. It wraps moto's own WSGI app
(moto.server.DomainDispatcherApplication) and answers, itself, the few APIs that moto
5.2.5 lacks or answers unlike AWS; every other request goes to moto unchanged.

One module per emulated service; each exports ROUTES, a list of (service, botocore
operation, handler). The router (router.py) recognises a request for an operation from
botocore's service model (HTTP method + URI, X-Amz-Target, or Action=) under the request's
signing name (bedrock-agent signs as bedrock; the URIs must not clash), and renders errors
in the service's protocol. State is per account -- from the SigV4 access key through
moto's own access-key -> account mapping -- and per Region -- from the SigV4 credential
scope -- and all of it lives in one State object (state.py) owned by the app, which a
reset replaces.

  bedrock.py     guardrails (Create/Get/List/Update/Delete, CreateGuardrailVersion),
                 inference profiles (List/Get; SYSTEM_DEFINED ones from catalog.py;
                 Create/Delete APPLICATION ones), foundation models (List/Get), enforced
                 guardrail configuration (Put/List/Delete), tags (List/Tag/UntagResource)
                 for ARNs it owns -- others fall through to moto --, guardrail resource
                 policies (Put/Get/DeleteResourcePolicy), batch inference jobs
                 (Create/Get/ListModelInvocationJob(s)), and
                 GetModelInvocationLoggingConfiguration: {} when unset (moto: {"loggingConfig": {}}).
  bedrock_agent.py  agents (+ versions, aliases incl. TSTALIASID), knowledge bases, data
                 sources, flows (+ versions, aliases), prompts (+ versions), tags: the whole
                 family, create/get/list/delete, UpdateKnowledgeBase (moto drops
                 guardrailConfiguration and lacks the rest).
  agentcore.py   bedrock-agentcore-control runtimes, gateways, memories, resource policies
                 (moto has none) and tags: the whole family.
  organizations.py  the BEDROCK_POLICY policy type (moto rejects it): Enable/DisablePolicyType,
                 Create/Describe/List/Attach/Detach/DeletePolicy, ListPoliciesForTarget,
                 ListTargetsForPolicy, DescribeEffectivePolicy; ListRoots shows the type.
                 Other policy types go to moto.
  aoss.py        opensearchserverless ListCollections with kmsKeyArn (moto leaves it out).
  rest.py        model-driven helpers for those two: inputs where the model puts them,
                 documents trimmed to output shapes, pages sized by the model, modeled errors.
  cloudtrail.py  LookupEvents (moto: HTTP 500), from events seeded through the shim.
  cloudwatch.py  GetMetricData, DescribeAlarms over Smithy RPC v2 CBOR (the Rust SDK's
                 protocol; moto: 404), translated to moto's awsJson CloudWatch and back;
                 cbor.py is the codec.
  budgets.py     DescribeSubscribersForNotification (from moto's stored notification),
                 Create/DeleteBudgetAction, DescribeBudgetActionsForBudget (moto: HTTP 500).
  ce.py          Cost Anomaly Detection monitors and subscriptions, cost allocation tags
                 (Create/Get, UpdateCostAllocationTagsStatus/List; moto has none).
  servicequotas.py  ListServiceQuotas / ListAWSDefaultServiceQuotas for ServiceCode bedrock
                 (moto knows only vpc); applied values set through the shim.
  sts.py         AssumeRole: AccessDenied (403) when the target role does not exist in the
                 target account, as AWS answers; moto would hand out credentials.
  iam.py         Create/List/DeleteServiceSpecificCredential (moto: not implemented).
  kms.py         KeyManager shim (moto: always CUSTOMER); key ARN resolution for Bedrock.
  motopatch.py   AWS-managed IAM policies built once per account, not once per partition,
                 and not for backends that a reset drops; aoss CreateCollection under an
                 AWS-owned key (moto: KeyError, HTTP 500).
  shim.py        test-only endpoints under /_shim/ (see there); POST /moto-api/reset also
                 clears the extension state.
  app.py         the WSGI app and main(); router.py, wsgi.py, state.py, catalog.py, util.py.

Run:  cd localstack && python -m emulator --host 127.0.0.1 --port 5000   (see start.sh)
"""

from .app import Emulator, main

__all__ = ["Emulator", "main"]
