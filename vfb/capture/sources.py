"""Where recorded pictures and sound come from: a camera and microphone through libavdevice, or
FFmpeg's test pattern and a tone (`--synthetic`). Both deliver frames in real time with their own
timestamps in seconds from the start."""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import av
import av.error

from vfb.errors import InvalidInput

Frame = av.VideoFrame | av.AudioFrame


@dataclass(frozen=True)
class Timed:
    seconds: float  # since the recording started
    frame: Frame


class FrameSource(Protocol):
    """A camera (or its stand-in): iterate for frames in time order; close to release it."""

    width: int
    height: int
    fps: int

    def frames(self) -> Iterator[Timed]: ...

    def close(self) -> None: ...


LATE_SECONDS = 0.1


class SyntheticSource:
    """FFmpeg's `testsrc2` pattern and a 440 Hz tone, paced to the wall clock like a camera: when
    the recorder falls behind (a busy laptop), late pictures are dropped, as a camera drops them,
    so the recording's time keeps up with the real time."""

    def __init__(self, width: int = 1280, height: int = 720, fps: int = 30) -> None:
        self.width, self.height, self.fps = width, height, fps
        self._video = av.open(f"testsrc2=size={width}x{height}:rate={fps}", format="lavfi")
        self._audio = av.open("sine=frequency=440:sample_rate=48000", format="lavfi")

    def frames(self) -> Iterator[Timed]:
        pictures = self._video.decode(video=0)
        sounds = self._audio.decode(audio=0)
        next_picture, next_sound = next(pictures), next(sounds)
        started = time.monotonic()
        while True:
            picture_at = float(next_picture.time or 0)
            sound_at = float(next_sound.time or 0)
            at = min(picture_at, sound_at)
            delay = started + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if picture_at <= sound_at:
                if time.monotonic() - started - picture_at <= LATE_SECONDS:
                    yield Timed(picture_at, next_picture)
                next_picture = next(pictures)
            else:
                yield Timed(sound_at, next_sound)
                next_sound = next(sounds)

    def close(self) -> None:
        self._video.close()
        self._audio.close()


def default_devices() -> tuple[str, str, str, str]:
    """(video format, video device, audio format, audio device) for this operating system."""
    if sys.platform == "darwin":
        return "avfoundation", "0", "avfoundation", ":0"
    if sys.platform == "win32":
        return "dshow", "video=Integrated Camera", "dshow", "audio=Microphone"
    return "v4l2", "/dev/video0", "alsa", "default"


class DeviceSource:
    """The laptop's camera and microphone, each read on its own thread into one queue."""

    def __init__(self, device: str | None = None, fps: int = 30) -> None:
        video_format, video_device, audio_format, audio_device = default_devices()
        video_device = device or video_device
        try:
            self._video = av.open(
                video_device,
                format=video_format,
                options={"framerate": str(fps), "video_size": "1280x720"},
            )
        except (av.error.FFmpegError, OSError) as error:
            raise InvalidInput(
                f"No camera could be opened at {video_device} ({error}). Check it is plugged in "
                "and not used by another program, or name one with --device."
            ) from None
        try:
            self._audio: av.container.InputContainer | None = av.open(
                audio_device, format=audio_format
            )
        except (av.error.FFmpegError, OSError):
            self._audio = None  # a camera without a microphone still films
        stream = self._video.streams.video[0]
        self.width, self.height = stream.codec_context.width, stream.codec_context.height
        self.fps = fps
        self._queue: queue.Queue[Timed | None] = queue.Queue(maxsize=256)
        self._stop = threading.Event()
        self._started = time.monotonic()

    def _pump(self, container: av.container.InputContainer, kind: str) -> None:
        try:
            decoded = container.decode(video=0) if kind == "video" else container.decode(audio=0)
            for frame in decoded:
                if self._stop.is_set():
                    break
                self._queue.put(Timed(time.monotonic() - self._started, frame))
        except av.error.FFmpegError:
            pass
        finally:
            self._queue.put(None)

    def frames(self) -> Iterator[Timed]:
        self._started = time.monotonic()
        sources = [(self._video, "video")] + ([(self._audio, "audio")] if self._audio else [])
        for container, kind in sources:
            threading.Thread(target=self._pump, args=(container, kind), daemon=True).start()
        ended = 0
        while ended < len(sources):
            item = self._queue.get()
            if item is None:
                ended += 1
                continue
            yield item

    def close(self) -> None:
        self._stop.set()
        self._video.close()
        if self._audio is not None:
            self._audio.close()
