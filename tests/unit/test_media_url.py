"""VFB_MEDIA_URL: a folder, or an object store's bucket and prefix; anything else is refused
before vfb starts, in words that say what it takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from vfb.services.infra.footage_store import store_for
from vfb.settings import Settings


def test_by_default_footage_is_kept_in_the_data_folder(tmp_path: Path) -> None:
    store = store_for(Settings(data_dir=tmp_path))
    assert store.root == tmp_path / "media" and store.objects is None


@pytest.mark.parametrize("url", ["/srv/footage", "file:///srv/footage"])
def test_a_folder_keeps_the_footage(tmp_path: Path, url: str) -> None:
    store = store_for(Settings(data_dir=tmp_path, media_url=url))
    assert store.root == Path("/srv/footage") and store.objects is None


def test_an_object_store_keeps_it_under_its_prefix_with_the_data_folder_as_working_space(
    tmp_path: Path,
) -> None:
    settings = Settings(
        data_dir=tmp_path, media_url="s3://vfb-footage/riverside/", s3_region="eu-west-2"
    )
    store = store_for(settings)
    assert store.root == tmp_path / "media"
    assert store.objects is not None
    assert (store.objects.bucket, store.objects.prefix) == ("vfb-footage", "riverside/")
    assert store.where == "s3://vfb-footage/riverside/"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://s3.example.org/bucket", "a folder or s3://bucket/prefix"),
        ("s3:///prefix-only", "must name the bucket"),
    ],
)
def test_anything_else_is_refused_in_plain_words(tmp_path: Path, url: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        Settings(data_dir=tmp_path, media_url=url)
