# A real local S3-compatible server and a bucket per test (tests/support/s3.py).
from tests.support.s3 import s3_endpoint, s3_media  # noqa: F401
