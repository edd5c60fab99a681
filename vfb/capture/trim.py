"""Cut a section out of a clip, frame-accurately, without re-encoding all of it.

The in point is inclusive and the out point exclusive: the result starts with the frame shown at
`from_ms` and ends with the frame shown just before `to_ms`. The default "smart cut" re-encodes only
the part-GOPs at either end and copies every whole GOP between, byte for byte. The re-encoded
pieces carry parameter sets with ids of their own, listed in the MP4's `avcC` beside the source's,
so the two never clash (`splice.py`). `fast` copies whole GOPs only (with the `ffmpeg` program):
it starts at the keyframe at or before the in point, and says so. Audio packets are copied: the cut
is within one audio frame (~21 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import av.error
import numpy as np

from vfb.capture.ffmpeg import run_ffmpeg
from vfb.capture.files import built_atomically
from vfb.capture.probe import MediaFacts, probe
from vfb.capture.splice import SpliceEncoding, configure
from vfb.capture.timecode import format_timecode
from vfb.errors import InvalidInput, MediaFailed, UnreadableMedia

Progress = Callable[[float], None]

if TYPE_CHECKING:  # Packet is generic only in PyAV's type stubs
    from typing import TypeAlias

    Pkt: TypeAlias = av.Packet[Any]
else:
    Pkt = av.Packet


class TrimMode(StrEnum):
    exact = "exact"
    fast = "fast"


@dataclass(frozen=True)
class TrimResult:
    path: Path
    mode: TrimMode
    from_ms: int
    to_ms: int
    start_ms: int  # where the result actually starts in the source
    end_ms: int  # where it actually ends (exclusive)
    frames: int
    reencoded_frames: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def check_range(facts: MediaFacts, from_ms: int, to_ms: int) -> None:
    if from_ms < 0:
        raise InvalidInput("The start of the cut cannot be before the start of the clip.")
    if to_ms <= from_ms:
        raise InvalidInput(
            f"The end of the cut ({format_timecode(to_ms)}) must come after its start "
            f"({format_timecode(from_ms)})."
        )
    if from_ms >= facts.duration_ms or to_ms > facts.duration_ms:
        raise InvalidInput(
            f"The cut {format_timecode(from_ms)}–{format_timecode(to_ms)} is outside the clip, "
            f"which is {format_timecode(facts.duration_ms)} long."
        )


def trim(
    source: Path,
    dest: Path,
    *,
    from_ms: int,
    to_ms: int,
    mode: TrimMode = TrimMode.exact,
    progress: Progress | None = None,
) -> TrimResult:
    """Write the section `from_ms`–`to_ms` of `source` to `dest` (an MP4), never touching
    `source`; `dest` appears complete or not at all."""
    if dest.suffix.lower() not in (".mp4", ".m4v", ".mov"):
        raise InvalidInput(f"vfb writes cuts as MP4: name the output .mp4, not {dest.name}.")
    if dest.resolve() == source.resolve():
        raise InvalidInput("The cut must go to a new file: vfb never changes the original.")
    facts = probe(source)
    check_range(facts, from_ms, to_ms)
    copyable = facts.video_codec == "h264" and facts.pixel_format in ("yuv420p", "yuvj420p")
    if not copyable and mode is TrimMode.fast:
        raise UnreadableMedia(
            f"A fast cut copies the video as it is, and {source.name}'s {facts.video_codec} "
            "video cannot go into a web-playable MP4 unchanged; use an exact cut instead."
        )
    with built_atomically(dest) as part:
        try:
            if mode is TrimMode.fast:
                result = _fast_cut(source, part, facts, from_ms, to_ms, progress)
            else:
                result = _Cutter(source, part, facts, from_ms, to_ms, progress).run()
        except av.error.FFmpegError as error:
            raise MediaFailed.because(f"cut {source.name}", error) from error
    return TrimResult(path=dest, mode=mode, from_ms=from_ms, to_ms=to_ms, **result)


def keyframe_at_or_before(source: Path, at_ms: int) -> int:
    """The time (ms from the first frame) of the keyframe whose GOP shows the frame at `at_ms`."""
    with av.open(str(source)) as container:
        video = container.streams.video[0]
        tb: Fraction = video.time_base  # type: ignore[assignment]
        origin = video.start_time or 0
        wanted = origin + int(Fraction(at_ms, 1000) / tb)
        target = wanted
        found = origin
        for _ in range(8):
            container.seek(max(target, origin), stream=video, backward=True)
            first = next((p for p in container.demux(video) if p.pts is not None and p.size), None)
            if first is None or first.pts is None:
                break
            found = first.pts
            if first.pts <= wanted or target <= origin:
                break
            target = (first.dts if first.dts is not None else first.pts) - 1
        return round((min(found, wanted) - origin) * tb * 1000)


def _fast_cut(
    source: Path,
    part: Path,
    facts: MediaFacts,
    from_ms: int,
    to_ms: int,
    progress: Progress | None,
) -> dict[str, int]:
    """Copy whole GOPs from the keyframe at or before the in point, with the `ffmpeg` program
    (as fast as a copy can be); the result says where it really starts."""
    start_ms = keyframe_at_or_before(source, from_ms)
    # a hair past the keyframe, so rounding can never seek to the one before it
    seek = f"{(start_ms + 0.5) / 1000:.4f}"
    run_ffmpeg(
        ["-ss", seek, "-i", str(source), "-t", f"{(to_ms - start_ms) / 1000:.3f}",
         "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-dn", "-sn", "-map_metadata", "-1",
         "-avoid_negative_ts", "make_zero",  # keep the keyframe: no edit list hiding it
         "-movflags", "+faststart", "-f", "mp4", "-y", str(part)],
        duration_ms=to_ms - start_ms,
        progress=progress,
        what=f"cut {source.name}",
    )  # fmt: skip
    with av.open(str(part)) as container:
        video = container.streams.video[0]
        frames = video.frames
    cut = probe(part, source.name)
    return {
        "start_ms": start_ms,
        "end_ms": start_ms + cut.duration_ms,
        "frames": frames,
        "reencoded_frames": 0,
    }


@dataclass
class _Run:
    """A stretch of re-encoded frames: one encoder, starting with an IDR frame."""

    encoder: av.VideoCodecContext
    frames: int = 0


@dataclass
class _State:
    pts_first: int | None = None  # source pts of the first frame out
    last_pts: int | None = None
    last_duration: int = 0
    last_dts: int | None = None  # of the video packet muxed last
    last_seen: int | None = None  # pts of the frame decoded last
    frames: int = 0
    reencoded: int = 0
    waiting_audio: list[Pkt] = field(default_factory=list)
    started: bool = False
    held: list[Pkt] = field(default_factory=list)  # re-encoded, waiting for their decode times
    durations: dict[int, int] = field(default_factory=dict)  # source pts -> how long it shows
    lag: int | None = None  # how long before it shows a copied picture is decoded (B-frames)


class _Cutter:
    def __init__(
        self,
        source: Path,
        part: Path,
        facts: MediaFacts,
        from_ms: int,
        to_ms: int,
        progress: Progress | None,
    ) -> None:
        self.source, self.part, self.facts = source, part, facts
        self.progress = progress
        self.input = av.open(str(source))
        self.video = self.input.streams.video[0]
        self.video.thread_type = "AUTO"  # both cores for the few GOPs that are decoded
        self.audio = self.input.streams.audio[0] if self.input.streams.audio else None
        self.tb: Fraction = self.video.time_base  # type: ignore[assignment]
        self.origin = self.video.start_time or 0
        self.t_in = self.origin + self._pts(from_ms)
        self.t_out = self.origin + self._pts(to_ms)
        self.smart = facts.video_codec == "h264" and facts.pixel_format in ("yuv420p", "yuvj420p")
        self.state = _State()
        self.tick = _frame_ticks(self.video)
        self.run_: _Run | None = None
        self.output = av.open(str(part), "w", format="mp4", options={"movflags": "+faststart"})
        self.out_video: av.VideoStream
        self.out_audio: av.AudioStream | None = None
        self.reencode_audio = False
        self.audio_window: tuple[int, int, Fraction] | None = None
        self.resampler: av.AudioResampler | None = None
        self.splice: SpliceEncoding | None = None  # how the smart cut's head and tail are made

    def _pts(self, ms: int) -> int:
        return int(Fraction(ms, 1000) / self.tb)

    def _ms(self, pts: int) -> int:
        return round((pts - self.origin) * self.tb * 1000)

    # -- the pass over the source ------------------------------------------------------------

    def run(self) -> dict[str, int]:
        try:
            self._open_output()
            gop: list[Pkt] = []
            for packet in self._packets():
                if packet.stream is self.audio:
                    self._audio_packet(packet)
                    continue
                if packet.is_keyframe and gop:
                    if not self._gop(gop, next_key=packet.pts):
                        gop = []
                        break
                    gop = []
                gop.append(packet)
            if gop:
                self._gop(gop, next_key=None)
            self._end_run()
            self._release_held(before=None)
            if self.state.pts_first is None or self.state.last_pts is None:
                raise UnreadableMedia("No frame of the clip falls inside that cut.")
            self._flush_audio()
        finally:
            self.output.close()
            self.input.close()
        first, last = self.state.pts_first, self.state.last_pts
        return {
            "start_ms": self._ms(first),
            "end_ms": self._ms(last + self.state.last_duration),
            "frames": self.state.frames,
            "reencoded_frames": self.state.reencoded,
        }

    def _packets(self) -> Iterator[Pkt]:
        """Packets from the keyframe whose GOP holds the frame shown at the in point."""
        target = self.t_in
        for _ in range(8):
            self.input.seek(max(target, self.origin), stream=self.video, backward=True)
            first = next(
                (p for p in self.input.demux(self.video) if p.pts is not None and p.size), None
            )
            if first is None or first.pts is None or first.pts <= self.t_in:
                break
            if target <= self.origin:
                break
            target = (first.dts if first.dts is not None else first.pts) - 1
        self.input.seek(max(target, self.origin), stream=self.video, backward=True)
        streams = [s for s in (self.video, self.audio) if s is not None]
        total = self.t_out - self.t_in or 1
        for packet in self.input.demux(streams):
            if packet.size == 0 or packet.pts is None:
                continue
            if self.progress and packet.is_keyframe and packet.stream is self.video:
                self.progress(min(1.0, max(0.0, (packet.pts - self.t_in) / total)))
            yield packet

    def _gop(self, gop: list[Pkt], next_key: int | None) -> bool:
        """Copy, re-encode or skip one GOP; False once past the out point."""
        start = gop[0].pts
        assert start is not None
        if self.state.lag is None and gop[0].dts is not None:
            self.state.lag = max(0, start - gop[0].dts)
        if next_key is not None and next_key <= self.t_in:
            return True  # wholly before the cut
        if start >= self.t_out:
            return False
        ends_inside = (next_key is not None and next_key <= self.t_out) or (
            next_key is None and max(p.pts or 0 for p in gop) < self.t_out
        )
        starts_inside = start >= self.t_in or self.state.pts_first is not None
        if self.smart and starts_inside and ends_inside:
            self._copy(gop)
        else:
            self._reencode(gop, next_key)
        return next_key is None or next_key < self.t_out

    # -- copying -----------------------------------------------------------------------------

    def _copy(self, gop: list[Pkt]) -> None:
        """Copied pictures keep their own decode times (the source's, so valid among
        themselves); the re-encoded ones before them are fitted below the first."""
        self._end_run()
        first = gop[0]
        self._release_held(before=first.dts if first.dts is not None else first.pts)
        if self.state.pts_first is None:
            self.state.pts_first = min(p.pts or 0 for p in gop)
        for packet in gop:
            self._mux_video(packet, packet.pts or 0, packet.dts, packet.duration or 0)

    # -- re-encoding -------------------------------------------------------------------------

    def _reencode(self, gop: list[Pkt], next_key: int | None) -> None:
        decoder = self.video.codec_context
        frames: list[av.VideoFrame] = []
        for packet in [*gop, None]:
            for frame in decoder.decode(packet):
                frames.append(frame)
        decoder.flush_buffers()
        frames.sort(key=lambda f: f.pts or 0)
        for frame in frames:  # a browser's WebM can repeat a timestamp; MP4 cannot
            if self.state.last_seen is not None and (frame.pts or 0) <= self.state.last_seen:
                frame.pts = self.state.last_seen + 1
            self.state.last_seen = frame.pts
        if self.state.pts_first is None:
            shown = [f for f in frames if (f.pts or 0) <= self.t_in]
            self.state.pts_first = (shown[-1] if shown else frames[0]).pts
        assert self.state.pts_first is not None
        keep = [f for f in frames if self.state.pts_first <= (f.pts or 0) < self.t_out]
        if not keep:
            return
        # a flushed packet comes back from the encoder without a duration, and a last frame
        # muxed as lasting 0 is dropped by players: each lasts until the next, as in the source
        shown_until: list[int | None] = [f.pts for f in frames[1:]] + [next_key]
        for frame, until in zip(frames, shown_until, strict=True):
            pts = frame.pts or 0
            self.state.durations[pts] = (until - pts) if until else frame.duration or self.tick
        if self.run_ is None:
            if not self.smart and self.state.reencoded == 0:
                self._keep_orientation(keep[0])
            self.run_ = _Run(self.splice.encoder() if self.splice else self.out_video.codec_context)
        for frame in keep:
            frame.pict_type = av.video.frame.PictureType.NONE
            self._mux_encoded(self.run_.encoder.encode(frame))
            self.run_.frames += 1
            self.state.reencoded += 1

    def _keep_orientation(self, frame: av.VideoFrame) -> None:
        """A phone's display matrix (rotation, mirror) goes with the pictures into the cut."""
        sides: Any = frame.side_data  # typed in PyAV's stubs for motion vectors only
        if "DISPLAYMATRIX" in sides:
            matrix = np.frombuffer(bytes(sides["DISPLAYMATRIX"]), dtype="<i4")
            self.out_video.set_display_matrix([int(v) for v in matrix])

    def _end_run(self) -> None:
        if self.run_ is not None:
            self._mux_encoded(self.run_.encoder.encode(None))
            self.run_ = None

    def _release_held(self, before: int | None) -> None:
        """Mux the re-encoded run (no B-frames: decode order is display order), decoded as long
        before it shows as the copied pictures are, so every picture keeps its own decode
        duration (an MP4 keeps those as its frames' durations: a frame that lasted a tick would
        be skipped by a seeking browser); and at least enough to come before `before`, the first
        copied picture's decode time (with a variable rate that distance can differ)."""
        held, self.state.held = self.state.held, []
        if not held:
            return
        last = held[-1].pts or 0
        lag = self.state.lag or 0
        shift = lag if before is None else max(lag, last - before + 1)
        previous = self.state.last_dts
        for packet in held:
            pts = packet.pts or 0
            dts = pts - shift if previous is None else max(pts - shift, previous + 1)
            if dts > pts or (before is not None and dts >= before):
                raise MediaFailed("The cut's pictures could not be put in decoding order.")
            self._mux_video(packet, pts, dts, self.state.durations.pop(pts, self.tick))
            previous = dts

    def _mux_encoded(self, packets: list[Pkt]) -> None:
        if self.splice is None:  # the output's own encoder, and nothing copied to fit in with
            self.state.held.extend(packets)
            self._release_held(before=None)
            return
        self.state.held.extend(self.splice.packet(packet) for packet in packets)

    # -- output ------------------------------------------------------------------------------

    def _open_output(self) -> None:
        if self.smart:
            self.splice = SpliceEncoding.of(
                self.video, self.facts.pixel_format, self.facts.video_profile
            )
            self.out_video = self.output.add_stream_from_template(self.video)
            self.out_video.codec_context.extradata = self.splice.config
        else:
            rate = self.video.average_rate or self.video.guessed_rate
            self.out_video = self.output.add_stream("libx264", rate=rate)
            context = self.video.codec_context
            configure(
                self.out_video.codec_context,
                width=context.width & ~1,
                height=context.height & ~1,
                pix_fmt="yuv420p",
                time_base=self.tb,
                rate=Fraction(rate) if rate else None,
                profile=None,
                params="",
            )
        if self.audio is not None:
            if self.facts.audio_codec == "aac":
                self.out_audio = self.output.add_stream_from_template(self.audio)
            else:
                self.reencode_audio = True
                self.out_audio = self.output.add_stream("aac", rate=48000)
                self.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)

    def _mux_video(self, packet: Pkt, pts: int, dts: int | None, duration: int) -> None:
        assert self.state.pts_first is not None
        packet.stream = self.out_video
        packet.time_base = self.tb
        packet.pts = pts - self.state.pts_first
        packet.dts = (dts if dts is not None else pts) - self.state.pts_first
        packet.duration = duration
        self.output.mux(packet)
        self.state.last_dts = dts if dts is not None else pts
        if not self.state.started:
            self.state.started = True
            for waiting in self.state.waiting_audio:
                self._audio_packet(waiting)
            self.state.waiting_audio.clear()
        if pts < self.t_out:
            self.state.frames += 1
            if self.state.last_pts is None or pts > self.state.last_pts:
                self.state.last_pts = pts
                self.state.last_duration = duration or _frame_ticks(self.video)

    def _audio_packet(self, packet: Pkt) -> None:
        if self.audio is None or self.out_audio is None:
            return
        if not self.state.started:
            self.state.waiting_audio.append(packet)
            return
        if self.audio_window is None:
            assert self.state.pts_first is not None
            atb: Fraction = self.audio.time_base  # type: ignore[assignment]
            begin = round(self.state.pts_first * self.tb / atb)
            self.audio_window = (begin, int(self.t_out * self.tb / atb), atb)
        begin, end, atb = self.audio_window
        pts = packet.pts or 0
        if pts + (packet.duration or 0) <= begin or pts >= end:
            return
        if not self.reencode_audio:
            packet.stream = self.out_audio
            packet.time_base = atb
            packet.pts = pts - begin
            packet.dts = (packet.dts if packet.dts is not None else pts) - begin
            self.output.mux(packet)
            return
        assert self.resampler is not None
        for frame in self.audio.codec_context.decode(packet):
            frame.pts = (frame.pts or 0) - begin
            for converted in self.resampler.resample(frame):
                self.output.mux(self.out_audio.encode(converted))

    def _flush_audio(self) -> None:
        if self.reencode_audio and self.out_audio is not None:
            self.output.mux(self.out_audio.encode(None))


def _frame_ticks(video: av.VideoStream) -> int:
    rate = video.average_rate or video.guessed_rate
    tb = video.time_base
    if not rate or not tb:
        return 1
    return max(1, round(1 / (rate * tb)))
