"""A file sent to a running vfb server with vfb's own tus client (vfb.field.sending) survives a
network cut mid-upload (at most one piece sent again), the server killed and started again
mid-upload, and the sender itself stopped and started again from the upload it remembered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.api.test_server_faults import filmed_session
from tests.support import RunningServer, ServedInProcess, bearer
from tests.support.api import wait_ready
from tests.support.media import lavfi_clip
from tests.support.proxy import CuttingProxy
from vfb.field.sending import Sender

PIECE = 64 * 1024


@pytest.fixture
def footage(tmp_path: Path) -> Path:
    """A few hundred KB of H.264: several pieces."""
    return lavfi_clip(tmp_path / "camera.mp4", seconds=4, extra=("-c:v", "libx264", "-b:v", "1M"))


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[ServedInProcess]:
    with ServedInProcess(tmp_path, database_url) as server:
        yield server


def source_of(data_dir: Path, clip_id: str) -> bytes:
    [source] = (data_dir / "media").glob(f"*/clips/{clip_id}/source.*")
    return source.read_bytes()


def test_a_cut_mid_upload_costs_at_most_one_piece_sent_again(
    served: ServedInProcess, footage: Path
) -> None:
    auth = bearer(served.base, "worker_a1")
    visit = filmed_session(served.base, auth)
    length = footage.stat().st_size
    assert length > 4 * PIECE
    proxy = CuttingProxy(served.port, cut_at=length // 2)
    try:
        sender = Sender(f"http://127.0.0.1:{proxy.port}", auth, piece_bytes=PIECE)
        sent = sender.send(footage, visit=visit)
    finally:
        proxy.close()
    assert proxy.cuts == 1 and sent.cuts >= 1
    assert length < sent.bytes_sent <= length + PIECE  # the cut piece, and nothing more
    clip = wait_ready(_caller(served.base, auth), sent.clip_id)
    assert clip["status"] == "ready" and clip["original_name"] == "camera.mp4"
    assert source_of(served.data_dir, sent.clip_id) == footage.read_bytes()


def test_a_server_killed_mid_upload_goes_on_from_what_it_kept(
    tmp_path: Path, database_url: str, footage: Path
) -> None:
    with RunningServer(tmp_path, database_url) as server:
        auth = bearer(server.base, "worker_a1")
        visit = filmed_session(server.base, auth)
        length = footage.stat().st_size
        restarted: list[int] = []

        def progress(offset: int, _: int) -> None:
            if offset >= length // 2 and not restarted:
                restarted.append(offset)
                server.kill()  # as a crash: whatever it had acknowledged was synced
                server.start()

        sent = Sender(server.base, auth, piece_bytes=PIECE, on_progress=progress).send(
            footage, visit=visit
        )
        # nothing acknowledged was lost: only the piece sent to the dead server goes again
        assert restarted and sent.cuts == 1 and length < sent.bytes_sent <= length + PIECE
        assert wait_ready(_caller(server.base, auth), sent.clip_id)["status"] == "ready"
        assert source_of(server.data_dir, sent.clip_id) == footage.read_bytes()


def test_a_sender_stopped_mid_upload_goes_on_from_the_upload_it_remembered(
    served: ServedInProcess, footage: Path
) -> None:
    auth = bearer(served.base, "worker_a1")
    visit = filmed_session(served.base, auth)
    remembered: list[str] = []

    class LaptopClosed(Exception):
        pass

    def close_the_laptop(offset: int, _: int) -> None:
        if offset >= 2 * PIECE:
            raise LaptopClosed

    first = Sender(served.base, auth, piece_bytes=PIECE, on_progress=close_the_laptop)
    with pytest.raises(LaptopClosed):
        first.send(footage, visit=visit, remember=remembered.append)
    [url] = remembered
    sent = Sender(served.base, auth, piece_bytes=PIECE).send(footage, visit=visit, upload_url=url)
    assert sent.bytes_sent == footage.stat().st_size - 2 * PIECE  # only what had not arrived
    assert source_of(served.data_dir, sent.clip_id) == footage.read_bytes()


def _caller(base: str, auth: dict[str, str]) -> _Remote:
    return _Remote(base, auth)


class _Remote:
    """Enough of `Caller` for wait_ready, against a running server."""

    def __init__(self, base: str, auth: dict[str, str]) -> None:
        self.base, self.auth = base, auth

    def ok(self, method: str, path: str, expected: int = 200) -> object:
        answer = httpx.request(method, self.base + path, headers=self.auth)
        assert answer.status_code == expected, answer.text
        return answer.json()
