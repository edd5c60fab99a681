"""Footage kept in an S3-compatible object store (`VFB_MEDIA_URL=s3://bucket/prefix`), through
boto3: whole files in (multipart above `PART_BYTES`, read from disk part by part, never held
whole in memory), parts of files out (ranged GETs, streamed), and deletion by prefix. Every failure
of the store is a `StoreUnavailable`: its words say what happened, never the store's own."""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from vfb.errors import DiskFull, StoreUnavailable

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client

logger = logging.getLogger(__name__)

PART_BYTES = 8 * 1024 * 1024  # S3's smallest part is 5 MiB; 8 MiB is boto3's own default
READ_BYTES = 256 * 1024


class OpenPart:
    """Bytes of a file or an object already opened, as an iterator: what it read from is closed
    when the bytes run out, when `close` is called, or when it is dropped unread (a player
    that went away before the first byte)."""

    def __init__(self, chunks: Iterator[bytes], close: Callable[[], object]) -> None:
        self._chunks, self._close, self._closed = chunks, close, False

    def __iter__(self) -> OpenPart:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __del__(self) -> None:
        self.close()


@dataclass(frozen=True)
class StoredObject:
    size: int
    etag: str
    modified: datetime


@dataclass(frozen=True)
class ObjectStoreSettings:
    """Where the store is and how to sign in to it; unset fields fall to boto3's own chain
    (AWS_* variables, ~/.aws, an instance role)."""

    url: str
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None


def _missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class S3Objects:
    """One bucket, and every key under one prefix of it."""

    def __init__(self, settings: ObjectStoreSettings) -> None:
        parts = urlsplit(settings.url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"An object store's address is s3://bucket/prefix, not {settings.url}")
        self.bucket = parts.netloc
        prefix = parts.path.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.where = f"s3://{self.bucket}/{self.prefix}"
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=settings.endpoint_url,
            region_name=settings.region,
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=3,
                read_timeout=60,
                max_pool_connections=32,
            ),
        )
        self.transfer = TransferConfig(
            multipart_threshold=PART_BYTES, multipart_chunksize=PART_BYTES, use_threads=True
        )

    def key(self, name: str) -> str:
        return self.prefix + name

    def _unavailable(self, doing: str, error: Exception) -> StoreUnavailable:
        logger.warning("object store %s: could not %s: %s", self.where, doing, error)
        return StoreUnavailable(
            f"vfb could not {doing} the footage store just now; nothing already kept was lost. "
            "Please try again in a minute; if it goes on, tell whoever runs the team server."
        )

    def check(self) -> None:
        """That the bucket is there and these credentials may use it."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable("reach", error) from None

    def put_file(self, name: str, path: Path) -> None:
        try:
            self.client.upload_file(str(path), self.bucket, self.key(name), Config=self.transfer)
        except (BotoCoreError, ClientError, Boto3Error) as error:
            raise self._unavailable("save footage to", error) from None

    def put_bytes(self, name: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.key(name), Body=data)
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable("save footage to", error) from None

    def head(self, name: str) -> StoredObject | None:
        try:
            found = self.client.head_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if _missing(error):
                return None
            raise self._unavailable("read from", error) from None
        except BotoCoreError as error:
            raise self._unavailable("read from", error) from None
        return StoredObject(found["ContentLength"], found["ETag"], found["LastModified"])

    def get_bytes(self, name: str) -> bytes:
        """The object's bytes (`FileNotFoundError` if there is none)."""
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.key(name))
            return found["Body"].read()
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(name) from None
            raise self._unavailable("read from", error) from None
        except BotoCoreError as error:
            raise self._unavailable("read from", error) from None

    def write_into(self, name: str, out: BinaryIO) -> int:
        """Append the object's bytes to `out`, as they arrive; how many there were."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(name))["Body"]
            written = 0
            try:
                for chunk in body.iter_chunks(READ_BYTES):
                    out.write(chunk)
                    written += len(chunk)
            finally:
                body.close()
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(name) from None
            raise self._unavailable("read from", error) from None
        except BotoCoreError as error:
            raise self._unavailable("read from", error) from None
        return written

    def get_file(self, name: str, path: Path) -> None:
        """Copy the object to `path` (written beside it, then renamed into place)."""
        part = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            self.client.download_file(self.bucket, self.key(name), str(part), Config=self.transfer)
            part.replace(path)
        except ClientError as error:
            part.unlink(missing_ok=True)
            if _missing(error):
                raise FileNotFoundError(name) from None
            raise self._unavailable("read from", error) from None
        except (BotoCoreError, Boto3Error) as error:
            part.unlink(missing_ok=True)
            raise self._unavailable("read from", error) from None
        except OSError as error:
            part.unlink(missing_ok=True)
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFull(
                    "The disk is full, so vfb could not bring the footage it needs from the "
                    "footage store; nothing was lost. Free some space and try again."
                ) from None
            raise

    def open_range(self, name: str, first: int, length: int, etag: str) -> OpenPart:
        """Bytes `first` to `first + length - 1` of the object, if it is still the one `etag`
        names (`FileNotFoundError` if it is gone or was replaced): asked for now, read as the
        iterator is."""
        if length <= 0:
            return OpenPart(iter(()), lambda: None)
        wanted = f"bytes={first}-{first + length - 1}"
        try:
            found = self.client.get_object(
                Bucket=self.bucket, Key=self.key(name), Range=wanted, IfMatch=etag
            )
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if _missing(error) or code in ("412", "PreconditionFailed"):
                raise FileNotFoundError(name) from None
            raise self._unavailable("read from", error) from None
        except (BotoCoreError, Boto3Error) as error:
            raise self._unavailable("read from", error) from None
        body = found["Body"]
        return OpenPart(self._chunks_of(name, body), body.close)

    def _chunks_of(self, name: str, body: StreamingBody) -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(READ_BYTES)
        except (BotoCoreError, OSError) as error:
            # the headers have gone: the player sees a short body, and asks again from there
            logger.warning("object store %s: a read of %s stopped: %s", self.where, name, error)

    def url_for(self, name: str, seconds: int) -> str:
        """A signed address that reads the object for `seconds` (for FFmpeg reading a few
        frames, in this process: never sent to a browser)."""
        try:
            return self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self.key(name)},
                ExpiresIn=seconds,
            )
        except (BotoCoreError, Boto3Error) as error:  # no credentials to sign with
            raise self._unavailable("read from", error) from None

    def listed(self, under: str) -> list[tuple[str, int]]:
        """Every object whose name starts `under`, with its size (names without the prefix)."""
        found: list[tuple[str, int]] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.key(under)
            )
            for page in pages:
                for item in page.get("Contents", []):
                    found.append((item["Key"][len(self.prefix) :], item["Size"]))
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable("list what is in", error) from None
        return found

    def delete(self, names: list[str]) -> None:
        try:
            for start in range(0, len(names), 1000):  # DeleteObjects takes 1000 at a time
                batch = names[start : start + 1000]
                answer = self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": self.key(n)} for n in batch], "Quiet": True},
                )
                if answer.get("Errors"):
                    raise ClientError(
                        {"Error": {"Code": "DeleteFailed", "Message": str(answer["Errors"][:3])}},
                        "DeleteObjects",
                    )
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable("delete footage from", error) from None
