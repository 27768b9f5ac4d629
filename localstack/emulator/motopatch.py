"""moto speed-ups: make account creation and reset cheap with MOTO_IAM_LOAD_MANAGED_POLICIES=true.

moto builds the 1,582 AWS-managed policies (a 4.7 MB JSON document, parsed again each
time) for every account *and every partition* (aws, aws-cn, aws-us-gov, ...), because its
access-key lookup touches all partitions of every account; and its reset re-creates every
backend before dropping it. Here: parse the data once, build the policies only for the
`aws` partition (the only one perimeter's tests use), and skip them for the backends built
during a reset. Observable behaviour in the `aws` partition is unchanged.

The patch is installed on moto's IAMBackend class (moto's state is process-wide); the only
thing cached here is the parsed copy of moto's bundled policy data, which never changes.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from moto.iam import models as iam_models
from moto.moto_api._internal.models import moto_api_backend
from moto.settings import load_iam_aws_managed_policies


class _PolicyData(NamedTuple):
    name: str
    default_version_id: str | None
    path: str | None
    document: str
    create_date: datetime
    update_date: datetime


@lru_cache(maxsize=1)
def _managed_policy_data() -> tuple[_PolicyData, ...]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return tuple(
        _PolicyData(name, d.get("DefaultVersionId"), d.get("Path"), json.dumps(d.get("Document")),
                    datetime.fromisoformat(d["CreateDate"]), datetime.fromisoformat(d["UpdateDate"]))
        for name, d in json.loads(aws_managed_policies_data).items())


def install_speedups(is_resetting: Callable[[], bool]) -> None:
    """Patch moto; `is_resetting()` is true while the emulator resets moto."""

    def _init_aws_policies(self: iam_models.IAMBackend) -> list[iam_models.ManagedPolicy]:
        if not load_iam_aws_managed_policies() or self.region_name != "aws" or is_resetting():
            return []
        # AWSManagedPolicy: moto's own class, which mypy sees as abstract.
        return [iam_models.AWSManagedPolicy(p.name, account_id=self.account_id,  # type: ignore[abstract]
                                            region=self.region_name,
                                            default_version_id=p.default_version_id, path=p.path,
                                            document=p.document, create_date=p.create_date,
                                            update_date=p.update_date)
                for p in _managed_policy_data()]

    iam_models.IAMBackend._init_aws_policies = _init_aws_policies  # type: ignore[method-assign]
    gc.set_threshold(50000, 20, 50)


def reset_moto() -> None:
    """moto's own reset (POST /moto-api/reset)."""
    moto_api_backend.reset()


AOSS_AWS_OWNED_KEY = "auto"  # kmsKeyArn of a collection under an AWS-owned key (unverified, see aoss.py)


def install_fixes() -> None:
    """Fixes of moto bugs that the seeded scenarios reach (idempotent; always installed).

    opensearchserverless: CreateCollection under an encryption policy with
    {"AWSOwnedKey": true} (no KmsARN) fails with KeyError 'KmsARN' (HTTP 500); the
    collection then gets kmsKeyArn "auto" instead."""
    from moto.opensearchserverless import models as aoss

    if getattr(aoss.Collection.__init__, "_perimeter_fix", False):
        return
    original = aoss.Collection.__init__

    def init(self: aoss.Collection, *args: object, **kwargs: object) -> None:
        policy = kwargs.get("policy")
        if isinstance(policy, dict) and "KmsARN" not in policy:
            kwargs["policy"] = {**policy, "KmsARN": AOSS_AWS_OWNED_KEY}
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    init._perimeter_fix = True  # type: ignore[attr-defined]
    aoss.Collection.__init__ = init  # type: ignore[method-assign]
