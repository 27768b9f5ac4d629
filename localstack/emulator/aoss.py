"""OpenSearch Serverless (aoss, JSON protocol): moto 5.2.5 keeps collections and their
encryption policies, but its ListCollections leaves out `kmsKeyArn`, which the model's
CollectionSummary has and which perimeter reads (KMS-010). The route asks moto, then adds
each collection's key from moto's own backend: the encryption policy's KmsARN, or "auto"
for an AWS-owned key (motopatch.install_fixes; the value AWS shows for an AWS-owned key is
unverified)."""

from __future__ import annotations

import json

from moto.opensearchserverless.models import opensearchserverless_backends

from .router import Call, Forwarded, Route
from .wsgi import Response, reply

SERVICE = "opensearchserverless"


def list_collections(call: Call) -> Response | Forwarded:
    moto = call.forward()
    if not moto.status.startswith("200"):
        return moto
    body = json.loads(moto.body)
    collections = opensearchserverless_backends[call.account][call.region].collections
    for s in body.get("collectionSummaries", []):
        c = collections.get(s.get("id", ""))
        if c is not None and c.kms_key_arn:
            s["kmsKeyArn"] = c.kms_key_arn
    return reply(200, body, content_type="application/x-amz-json-1.0")


ROUTES = (Route(SERVICE, "ListCollections", list_collections),)
