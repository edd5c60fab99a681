"""Test media made in code: frames that carry their own index in their pixels, encoded with PyAV,
so a cut can be checked frame by frame; and FFmpeg's lavfi sources for everything else."""

from __future__ import annotations

import fcntl
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from imageio_ffmpeg import get_ffmpeg_exe

WIDTH, HEIGHT = 320, 240
BITS = 12
BLOCK = 40


def indexed_frame(index: int) -> np.ndarray:
    """A grey frame whose index is written as 12 black/white blocks (two rows of six)."""
    image = np.full((HEIGHT, WIDTH, 3), 90, dtype=np.uint8)
    for bit in range(BITS):
        row, column = divmod(bit, 6)
        value = 255 if (index >> bit) & 1 else 0
        y, x = 40 + row * (BLOCK + 20), 20 + column * (BLOCK + 8)
        image[y : y + BLOCK, x : x + BLOCK] = value
    return image


def read_index(frame: av.VideoFrame) -> int:
    image = frame.to_ndarray(format="rgb24")
    index = 0
    for bit in range(BITS):
        row, column = divmod(bit, 6)
        y, x = 40 + row * (BLOCK + 20), 20 + column * (BLOCK + 8)
        if image[y + 10 : y + BLOCK - 10, x + 10 : x + BLOCK - 10].mean() > 128:
            index |= 1 << bit
    return index


def make_indexed_clip(
    path: Path, *, seconds: float = 8, fps: int = 30, gop: int = 30, audio: bool = True
) -> Path:
    """An H.264/AAC MP4 (with B-frames) whose frame n shows n; audio is a 440 Hz tone."""
    frames = round(seconds * fps)
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.options = {"g": str(gop), "keyint_min": str(gop), "sc_threshold": "0", "crf": "20"}
        sound = out.add_stream("aac", rate=48000, layout="mono") if audio else None
        samples = 0
        for n in range(frames):
            frame = av.VideoFrame.from_ndarray(indexed_frame(n), format="rgb24")
            frame.pts = n
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
            while sound is not None and samples < (n + 1) * 48000 // fps:
                t = (np.arange(1024) + samples) / 48000
                tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32).reshape(1, -1)
                chunk = av.AudioFrame.from_ndarray(tone, format="flt", layout="mono")
                chunk.sample_rate, chunk.pts = 48000, samples
                out.mux(sound.encode(chunk))
                samples += 1024
        out.mux(video.encode(None))
        if sound is not None:
            out.mux(sound.encode(None))
    return path


# A webcam in a dim room: 30 fps, dropping to 15 and back, in stretches of uneven length (ms)
WEBCAM_RATES = ((0, 4200, 30), (4200, 9100, 15), (9100, 13300, 30), (13300, 21700, 15),
                (21700, 24000, 30), (24000, 30000, 15))  # fmt: skip


Rates = tuple[tuple[int, int, int], ...]


def variable_rate_times(rates: Rates = WEBCAM_RATES) -> list[int]:
    """Frame times (ms) of a variable-frame-rate film: each stretch at its own rate."""
    times: list[int] = []
    for begin, end, fps in rates:
        n = 0
        while (at := begin + round(n * 1000 / fps)) < end:
            times.append(at)
            n += 1
    return times


def make_variable_rate_clip(
    path: Path,
    times_ms: list[int],
    *,
    end_ms: int | None = None,
    codec: str = "libvpx",
    audio: bool = True,
) -> Path:
    """Frame n (showing n) at `times_ms[n]`, in milliseconds as a browser's MediaRecorder writes
    them (VP8/VP9 + Opus WebM, or whatever the suffix says), each frame lasting until the next
    and the last until `end_ms` (default: as long as the one before it)."""
    ms = Fraction(1, 1000)
    end_ms = end_ms or 2 * times_ms[-1] - times_ms[-2]
    ends = [*times_ms[1:], end_ms]
    fmt = {".webm": "webm", ".mkv": "matroska"}.get(path.suffix)
    with av.open(str(path), "w", format=fmt) as out:
        video = out.add_stream(codec, rate=30)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.codec_context.time_base = ms
        if "vpx" in codec:
            video.options = {"deadline": "realtime", "cpu-used": "8", "b": "400k"}
        sound = out.add_stream("libopus", rate=48000, layout="mono") if audio else None
        lasting = {at: end - at for at, end in zip(times_ms, ends, strict=True)}

        def mux(packets: list[av.Packet]) -> None:
            for packet in packets:  # encoders guess a duration from their nominal rate
                packet.duration = lasting[packet.pts or 0]
                out.mux(packet)

        samples = 0
        for n, (at, end) in enumerate(zip(times_ms, ends, strict=True)):
            frame = av.VideoFrame.from_ndarray(indexed_frame(n), format="rgb24")
            frame.pts, frame.time_base = at, ms
            mux(video.encode(frame))
            while sound is not None and samples < end * 48:
                t = (np.arange(960) + samples) / 48000
                tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32).reshape(1, -1)
                chunk = av.AudioFrame.from_ndarray(tone, format="flt", layout="mono")
                chunk.sample_rate, chunk.pts, chunk.time_base = 48000, samples, Fraction(1, 48000)
                out.mux(sound.encode(chunk))
                samples += 960
        mux(video.encode(None))
        if sound is not None:
            out.mux(sound.encode(None))
    return path


def shown_between(times_ms: list[int], from_ms: int, to_ms: int) -> list[int]:
    """The frames a frame-exact cut keeps: the one shown at `from_ms` to the last before `to_ms`."""
    first = max(n for n, at in enumerate(times_ms) if at <= from_ms)
    return [n for n, at in enumerate(times_ms) if n >= first and at < to_ms]


def frame_indices(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_index(f) for f in container.decode(container.streams.video[0])]


def ffmpeg(*args: str) -> None:
    subprocess.run([get_ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def shown_picture(path: Path, at_ms: float, width: int, height: int) -> np.ndarray:
    """The first picture whose time is at or after `at_ms`, grey, `width`×`height`, as FFmpeg's
    own decoder turns it by the display matrix (autorotate): a reference made apart from vfb's."""
    command = [get_ffmpeg_exe(), "-v", "error", "-ss", f"{max(0, at_ms) / 1000:.4f}"]
    command += ["-i", str(path)]
    command += ["-frames:v", "1", "-vf", f"scale={width}:{height},format=gray", "-f", "rawvideo"]
    raw = subprocess.run([*command, "pipe:1"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width).astype(np.float64)


def lavfi_clip(path: Path, *, seconds: float = 3, extra: tuple[str, ...] = ()) -> Path:
    """testsrc2 with a tone, encoded as `extra` says (default H.264/AAC in the file's container)."""
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        *extra, str(path),
    )  # fmt: skip
    return path


def absurd_dimensions(path: Path) -> Path:
    """MJPEG whose every frame header (SOF0) claims a 50000×50000 picture."""
    small = lavfi_clip(path.with_name("small.avi"), extra=("-c:v", "mjpeg", "-an"))
    real = b"\xff\xc0\x00\x11\x08" + (240).to_bytes(2, "big") + (320).to_bytes(2, "big")
    claimed = b"\xff\xc0\x00\x11\x08" + (50000).to_bytes(2, "big") * 2
    data = small.read_bytes()
    assert real in data
    path.write_bytes(data.replace(real, claimed))
    return path


class Samples:
    """Every kind of file the capture tests need, made once per test run: in a parallel run, by
    the first worker to ask while the others wait for it (a lock file per sample)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, Path] = {}

    def get(self, name: str) -> Path:
        if name not in self._made:
            path = self.folder / name
            with (self.folder / f"{name}.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                done = self.folder / f"{name}.done"
                if not done.exists():
                    getattr(self, "_" + name.replace(".", "_").replace("-", "_"))(path)
                    done.touch()
            self._made[name] = path
        return self._made[name]

    def _indexed_mp4(self, path: Path) -> None:
        make_indexed_clip(path)

    def _browser_webm(self, path: Path) -> None:
        """VP9 + Opus written to a pipe, as a browser's MediaRecorder does: no duration, no cues."""
        args = [
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=3",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
            "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus",
            "-f", "webm", "pipe:1",
        ]  # fmt: skip
        command = [get_ffmpeg_exe(), "-v", "error", *args]
        path.write_bytes(subprocess.run(command, check=True, capture_output=True).stdout)

    def _webcam_webm(self, path: Path) -> None:
        """30 s of VP8 + Opus whose rate drops from 30 to 15 fps and back (WEBCAM_RATES)."""
        make_variable_rate_clip(path, variable_rate_times(), end_ms=WEBCAM_RATES[-1][1])

    def _rotated_hevc_mov(self, path: Path) -> None:
        plain = lavfi_clip(self.folder / "plain-hevc.mov", extra=("-c:v", "libx265", "-c:a", "aac"))
        ffmpeg("-display_rotation", "90", "-i", str(plain), "-c", "copy", str(path))

    def _rotated_h264_mp4(self, path: Path) -> None:
        """A phone held upright: H.264 coded 320×240 (its frames indexed), a quarter turn
        clockwise in its display matrix, shown 240×320."""
        plain = make_indexed_clip(self.folder / "unturned-h264.mp4", seconds=3)
        ffmpeg("-display_rotation", "-90", "-i", str(plain), "-c", "copy", str(path))

    def _mirrored_h264_mp4(self, path: Path) -> None:
        """A front camera: the same turned a quarter and shown as in a mirror."""
        plain = make_indexed_clip(self.folder / "unmirrored-h264.mp4", seconds=3)
        turn = ("-display_rotation", "-90", "-display_hflip")
        ffmpeg(*turn, "-i", str(plain), "-c", "copy", str(path))

    def _mjpeg_avi(self, path: Path) -> None:
        lavfi_clip(path, extra=("-c:v", "mjpeg", "-q:v", "5", "-c:a", "pcm_s16le"))

    def _audio_only_m4a(self, path: Path) -> None:
        ffmpeg("-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac", str(path))

    def _truncated_mp4(self, path: Path) -> None:
        whole = lavfi_clip(self.folder / "whole.mp4")  # moov at the end: cut it off
        data = whole.read_bytes()
        path.write_bytes(data[: len(data) // 2])

    def _text_mp4(self, path: Path) -> None:
        path.write_text("These are my notes, not a video.\n" * 20)

    def _empty_mp4(self, path: Path) -> None:
        path.write_bytes(b"")

    def _absurd_avi(self, path: Path) -> None:
        absurd_dimensions(path)

    # -- footage no home visit produces, and files that only look like video -----------------

    def _8k_yuv444_mp4(self, path: Path) -> None:
        """One flat 7680×4320 4:4:4 frame: tiny on disk, enormous to decode and re-encode."""
        ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=7680x4320:rate=1:duration=1",
               "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p",
               str(path))  # fmt: skip

    def _ten_hours_mp4(self, path: Path) -> None:
        """Ten hours of 32×32 picture at one frame a minute: 600 frames, a few kilobytes."""
        ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=32x32:rate=1/60:duration=36000",
               "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
               str(path))  # fmt: skip

    def _fps_240_mp4(self, path: Path) -> None:
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=240:duration=1",
               "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
               str(path))  # fmt: skip

    def _photo_jpg(self, path: Path) -> None:
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(path))

    def _odd_size_webm(self, path: Path) -> None:
        """161×121 VP9, as a screen or tab recording makes (libx264 refuses odd sizes)."""
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=161x121:rate=30:duration=2",
               "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-pix_fmt", "yuv420p",
               "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus",
               str(path))  # fmt: skip

    def _truncated_faststart_mp4(self, path: Path) -> None:
        """Its index (moov) is at the front and whole; most of the frames it lists are missing."""
        whole = lavfi_clip(self.folder / "whole-faststart.mp4", extra=("-movflags", "+faststart"))
        data = whole.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 5])
