"""Uploaded media (shop photos, product images and their thumbnails) on an S3-compatible
object store, so every web container reads and writes the same files.

Used when AWS_STORAGE_BUCKET_NAME is set (marketplace/settings/base.py); otherwise media are
plain files in MEDIA_ROOT.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class MediaStorage(S3Storage):
    """Objects in the bucket, linked on the site's own origin under MEDIA_URL.

    The proxy in front of the web containers forwards /media/<key> to the bucket, so pages
    never name the object store's host and need no signed links.
    """

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            # Two shops uploading "photo.jpg" in the same month must not replace each other.
            "file_overwrite": False,
            "querystring_auth": False,
        }

    def url(self, name, parameters=None, expire=None, http_method=None):
        key = self._normalize_name(clean_name(name))
        return urljoin(settings.MEDIA_URL, filepath_to_uri(key))
