"""AWS KMS shim: moto's keys always report KeyManager CUSTOMER; the shim sets it."""

from __future__ import annotations

from moto.kms.models import kms_backends


def key_arn(account: str, region: str, key_id: str) -> str:
    """A key's ARN from an id, alias or ARN (resolved through moto's KMS backend)."""
    if not key_id or key_id.startswith("arn:"):
        return key_id
    try:
        return str(kms_backends[account][region].describe_key(key_id).arn)
    except Exception:
        return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def set_key_manager(account: str, region: str, key_id: str, key_manager: str) -> tuple[str, str]:
    """Set a moto key's KeyManager (e.g. AWS for alias/aws/s3): (key id, key manager)."""
    key = kms_backends[account][region].describe_key(key_id)
    key.key_manager = key_manager
    return str(key.id), str(key.key_manager)
