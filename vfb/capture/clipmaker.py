"""Turn any accepted recording or import into one web-playable file: copied when the source already
is what Chromium, Firefox and Safari play — H.264 into an MP4 (`faststart`; a phone's rotation kept
as its display matrix, which browsers honour), a browser's own VP8 or VP9 recording into a WebM
with cues (so the player can seek at once) — and re-encoded to H.264 + AAC only when it must be (a
mirrored picture is turned upright then)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import av.error

from vfb.capture.ffmpeg import run_ffmpeg
from vfb.capture.files import built_atomically
from vfb.capture.probe import MediaFacts
from vfb.errors import MediaFailed

GOP_SECONDS = 2
MAX_GOP_FRAMES = 600  # only a bound: the keyframes come by time
# 4:2:0 H.264 needs even sides; screen recordings come 161×121: drop the odd row and column.
EVEN_SIZE = "crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0"
HDR_TRANSFERS = frozenset({16, 18})  # SMPTE ST 2084 (PQ) and ARIB STD-B67 (HLG): phones' HDR
# HDR to the SDR (BT.709) a browser shows an 8-bit H.264 clip in: through linear light, tone
# mapped, so the picture is neither washed out nor, still tagged HLG, misrendered
TO_SDR = (
    "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=hable:desat=0,"
    "zscale=t=bt709:m=bt709:r=tv,format=yuv420p"
)


WEBM_VIDEO = ("vp8", "vp9")  # what MediaRecorder writes in a WebM, and every browser plays
WEBM_AUDIO = (None, "opus", "vorbis")


@dataclass(frozen=True)
class ClipPlan:
    copy_video: bool
    copy_audio: bool
    extension: str = ".mp4"  # or ".webm": a browser's VP8 or VP9 recording, copied

    @property
    def description(self) -> str:
        if self.copy_video and self.copy_audio:
            return "copied as it is"
        if self.copy_video:
            return "video copied, sound converted to AAC"
        return "re-encoded to H.264"


def plan_for(facts: MediaFacts) -> ClipPlan:
    plain = facts.pixel_format in ("yuv420p", "yuvj420p") and not facts.mirrored
    # Chromium, Firefox and Safari turn a picture by its display matrix, but not all of them
    # mirror one: a front camera's mirrored picture is re-encoded the right way round
    even = facts.width % 2 == 0 and facts.height % 2 == 0  # what an H.264 cut of it will have
    webm = facts.video_codec in WEBM_VIDEO and facts.audio_codec in WEBM_AUDIO
    if plain and even and webm:
        return ClipPlan(copy_video=True, copy_audio=True, extension=".webm")
    copy_video = plain and facts.video_codec == "h264"
    return ClipPlan(copy_video=copy_video, copy_audio=facts.audio_codec in (None, "aac"))


def make_playable(
    source: Path, dest: Path, facts: MediaFacts, progress: Callable[[float], None] | None = None
) -> ClipPlan:
    """Write `dest` (named with the plan's extension) from `source` (never modified); `dest` is
    complete or absent."""
    plan = plan_for(facts)
    if dest.suffix != plan.extension:  # the caller names the file by `plan_for`'s extension
        raise ValueError(f"{dest.name} is not a {plan.extension} file")
    if plan.extension == ".webm":
        return _remux_webm(source, dest, facts, plan, progress)
    if plan.copy_video:
        _refuse_if_cut_short(source)  # a copy passes on what a re-encode would have dropped
    args = ["-err_detect", "ignore_err", "-i", str(source), "-map", "0:v:0", "-map", "0:a:0?"]
    if plan.copy_video:
        args += ["-c:v", "copy"]
    else:
        filters = [TO_SDR, EVEN_SIZE] if _is_hdr(source) else [EVEN_SIZE]
        args += ["-vf", ",".join(filters)]
        args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
        # a keyframe every GOP_SECONDS of time, not every so many frames: a webcam that drops
        # to 15 fps in a dim room would otherwise make GOPs twice as long
        args += ["-force_key_frames", f"expr:gte(t,n_forced*{GOP_SECONDS})"]
        args += ["-g", str(MAX_GOP_FRAMES), "-sc_threshold", "0"]
        # and every frame keeps its own time, not snapped to a grid of the nominal rate
        args += ["-fps_mode", "passthrough", "-enc_time_base:v", "demux"]
        if filters[0] == TO_SDR:
            args += ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"]
    args += ["-c:a", "copy"] if plan.copy_audio else ["-c:a", "aac", "-b:a", "128k"]
    args += ["-dn", "-sn", "-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4"]
    with built_atomically(dest) as part:
        run_ffmpeg(
            [*args, "-y", str(part)],
            duration_ms=facts.duration_ms,
            progress=progress,
            what="make a playable copy of this video",
        )
    return plan


def _remux_webm(
    source: Path,
    dest: Path,
    facts: MediaFacts,
    plan: ClipPlan,
    progress: Callable[[float], None] | None,
) -> ClipPlan:
    """A browser's recording as it came, with what MediaRecorder cannot write as it goes: the
    duration, and cues (the index a player seeks by) at the front. A recording that stopped
    mid-picture (its last chunk never acknowledged) keeps every picture before it."""
    args = ["-err_detect", "ignore_err", "-i", str(source), "-map", "0:v:0", "-map", "0:a:0?"]
    args += ["-c", "copy", "-dn", "-sn", "-map_metadata", "-1", "-cues_to_front", "1"]
    with built_atomically(dest) as part:
        run_ffmpeg(
            [*args, "-f", "webm", "-y", str(part)],
            duration_ms=facts.duration_ms,
            progress=progress,
            what="make a playable copy of this recording",
        )
    return plan


def _refuse_if_cut_short(source: Path) -> None:
    """A file whose index is whole but whose pictures stop part-way (a copy that did not finish)
    has a last packet the demuxer found short: refuse it rather than copy a broken end."""
    try:
        with av.open(str(source)) as container:
            damaged = any(p.is_corrupt for p in container.demux(container.streams.video[0]))
    except av.error.FFmpegError as error:
        raise MediaFailed.because("read this video to the end", error) from error
    if damaged:
        raise MediaFailed(
            "This video stops part-way through: the file was not copied whole (or it is "
            "damaged), so vfb kept nothing. Copy the whole file again and import it."
        )


def _is_hdr(source: Path) -> bool:
    try:
        with av.open(str(source)) as container:
            return container.streams.video[0].codec_context.color_trc in HDR_TRANSFERS
    except (av.error.FFmpegError, IndexError):
        return False
