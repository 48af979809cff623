# A real local S3-compatible server and a bucket per test (tests/s3.py).
from tests.s3 import s3_endpoint, s3_media  # noqa: F401
