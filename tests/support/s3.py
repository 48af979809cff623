"""A real S3-compatible server for tests: moto's, on a free loopback port of this process.

`s3_media` gives a test an empty bucket of its own and makes it the default storage, as
AWS_STORAGE_BUCKET_NAME does in production; media and thumbnails then go over HTTP to it.
"""

import uuid
from dataclasses import dataclass

import boto3
import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from sorl.thumbnail import default as thumbnail_defaults
from sorl.thumbnail.images import get_or_create_storage

KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}
REGION = "us-east-1"


@dataclass
class MediaBucket:
    name: str
    endpoint_url: str
    client: object  # boto3's S3 client, to read what the site stored

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def keys(self) -> set[str]:
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {item["Key"] for item in listed}


@pytest.fixture(scope="session")
def s3_endpoint():
    """The server's URL; one server per test process (xdist workers each start their own)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint_url: str):
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION, **KEYS)


def forget_thumbnail_storage() -> None:
    """sorl keeps the storage it first resolved; after a switch it must look again."""
    thumbnail_defaults.storage._wrapped = empty
    get_or_create_storage.cache_clear()


@pytest.fixture
def s3_media(s3_endpoint):
    """An empty bucket of this test's own as the default storage (media and thumbnails)."""
    bucket = MediaBucket(f"media-{uuid.uuid4().hex}", s3_endpoint, s3_client(s3_endpoint))
    bucket.client.create_bucket(Bucket=bucket.name)
    storage = {
        "BACKEND": "marketplace.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": bucket.name,
            "endpoint_url": s3_endpoint,
            "access_key": KEYS["aws_access_key_id"],
            "secret_key": KEYS["aws_secret_access_key"],
            "region_name": REGION,
            "addressing_style": "path",
        },
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        forget_thumbnail_storage()
        yield bucket
    forget_thumbnail_storage()
