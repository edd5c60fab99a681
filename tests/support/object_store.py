"""A real S3-protocol server for the tests: moto's, in server mode, on a loopback port of this
machine (one per test process), and a bucket of its own for each test that asks for one."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from vfb.models.base import new_id

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REGION = "eu-west-2"
KEYS = {"s3_access_key_id": "vfb-test", "s3_secret_access_key": "vfb-test-secret"}


@dataclass(frozen=True)
class Bucket:
    """A test's bucket, the settings that keep a vfb's footage in it, and a client of the
    server's own to look inside it (not vfb's)."""

    name: str
    endpoint: str
    client: S3Client

    def settings(self, prefix: str = "team") -> dict[str, Any]:
        return {
            "media_url": f"s3://{self.name}/{prefix}",
            "s3_endpoint_url": self.endpoint,
            "s3_region": REGION,
            **KEYS,
        }

    def keys(self, under: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=under
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str, **extra: Any) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key, **extra)["Body"].read()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str) -> Bucket:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["s3_access_key_id"],
        aws_secret_access_key=KEYS["s3_secret_access_key"],
    )
    name = f"vfb-{new_id()[:20]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return Bucket(name, s3_endpoint, client)
