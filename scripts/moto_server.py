"""moto's S3 server, with one race of moto 5.2.5 closed.

moto keeps an object's bytes in one file buffer and computes its ETag lazily, on first use,
reading that buffer without the key's lock, while a GET reads it under the lock. The two share
the buffer's position: a GET that seeks to the start just before the ETag reader rewinds and
reads to the end gets an empty body with a 200 (and the ETag can come out wrong). Real S3 never
serves a torn object; the conformance kit's K-87 (readers during write_atomic see whole files)
caught it about once in twenty CI runs. Here the ETag is computed under the same lock, and moto's
own server runs as `moto_server` would, with the same arguments.
"""

import sys

from moto.s3.models import FakeKey
from moto.server import main

_unlocked_etag = FakeKey.etag.fget


def _locked_etag(key):
    with key.lock:
        return _unlocked_etag(key)


FakeKey.etag = property(_locked_etag)

if __name__ == "__main__":
    sys.exit(main())
