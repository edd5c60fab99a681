"""A reel joined the way the exact trim cuts: each moment's whole GOPs copied byte for byte, only
the frames before its first keyframe and after its last re-encoded, and the title cards encoded
with the same parameter sets (`splice.py`), so one H.264 track holds them all. It costs about
twice a plain copy, however long the moments.

It applies when every clip is H.264 (4:2:0) already at the reel's size, upright, with the same
settings (the same `avcC`): the clips of one camera or one vfb import. Otherwise `CannotCopy`
sends the reel to the frame-by-frame re-encode (`reel.py`), which also scales and turns."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from vfb.capture.probe import MediaFacts, probe
from vfb.capture.reel_parts import Progress, ReelPart, ReelPlan, picture, title_card
from vfb.capture.reel_sound import AacSound, CopiedSound, Sound, Soundtrack
from vfb.capture.splice import SpliceEncoding
from vfb.capture.trim import TrimMode, TrimResult, trim
from vfb.errors import MediaFailed

if TYPE_CHECKING:  # Packet is generic only in PyAV's type stubs
    from typing import TypeAlias

    Pkt: TypeAlias = av.Packet[Any]
else:
    Pkt = av.Packet


class CannotCopy(Exception):
    """The clips cannot be joined as they are (the reel is re-encoded instead)."""


@dataclass(frozen=True)
class _Track:
    """The settings every copied picture shares: the first clip's."""

    time_base: Fraction
    tick: int  # one frame, in `time_base`
    splice: SpliceEncoding


def copy_reel(
    parts: list[ReelPart], path: Path, plan: ReelPlan, progress: Progress | None = None
) -> int:
    """Write the reel to `path` by joining exact trims; returns how many frames it has."""
    facts = _check_copyable(parts, plan)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".reel-") as work:
        moments: list[TrimResult] = []
        steps = len(parts) + 1
        for n, part in enumerate(parts):
            length = facts[part.source].duration_ms  # a moment may run to the clip's very end
            if part.from_ms >= length:
                raise CannotCopy("the moment starts after the clip ends")
            made = trim(
                part.source,
                Path(work) / f"moment-{n}.mp4",
                from_ms=part.from_ms,
                to_ms=min(part.to_ms, length),
                mode=TrimMode.exact,
                progress=_share(progress, n, steps),
            )
            moments.append(made)
        return _Join(path, plan, parts, moments, facts[parts[0].source]).run()


def _share(progress: Progress | None, n: int, steps: int) -> Progress | None:
    """The progress of step `n` of `steps`, as a share of the whole."""
    if progress is None:
        return None
    report = progress
    return lambda fraction: report((n + fraction) / steps)


def _check_copyable(parts: list[ReelPart], plan: ReelPlan) -> dict[Path, MediaFacts]:
    seen: dict[Path, MediaFacts] = {}
    for part in parts:
        if part.source not in seen:
            seen[part.source] = probe(part.source)
    settings = set()
    for source, facts in seen.items():
        if facts.video_codec != "h264" or facts.pixel_format not in ("yuv420p", "yuvj420p"):
            raise CannotCopy(f"{source.name} is {facts.video_codec} {facts.pixel_format}")
        if facts.rotation or facts.mirrored:
            raise CannotCopy(f"{source.name} is turned: its pictures are turned for the reel")
        if (facts.width, facts.height) != (plan.width, plan.height):
            raise CannotCopy(f"{source.name} is not at the reel's size")
        with av.open(str(source)) as container:
            video = container.streams.video[0]
            context = video.codec_context
            settings.add(
                (bytes(context.extradata or b""), video.time_base, facts.pixel_format, facts.fps)
            )
    if len(settings) != 1:
        raise CannotCopy("the clips were encoded with different settings")
    return seen


class _Join:
    def __init__(
        self,
        path: Path,
        plan: ReelPlan,
        parts: list[ReelPart],
        moments: list[TrimResult],
        facts: MediaFacts,  # the first clip's, as probed once
    ) -> None:
        self.path, self.plan, self.parts, self.moments = path, plan, parts, moments
        self.facts = facts
        self.end = 0  # where the picture ends so far, in the track's time base
        self.last_dts: int | None = None
        self.frames = 0

    def run(self) -> int:
        with ExitStack() as stack:
            first = stack.enter_context(av.open(str(self.moments[0].path)))
            template = first.streams.video[0]
            facts = self.facts
            with av.open(str(self.parts[0].source)) as source:
                video = source.streams.video[0]
                splice = SpliceEncoding.of(video, facts.pixel_format, facts.video_profile)
                rate = video.average_rate or video.guessed_rate
                tb: Fraction = video.time_base  # type: ignore[assignment]
            self.track = _Track(
                time_base=tb,
                tick=max(1, round(1 / (Fraction(rate) * tb))) if rate else 1,
                splice=splice,
            )
            if bytes(template.codec_context.extradata or b"") != splice.config:
                raise CannotCopy("a moment's cut has other parameter sets than the cards'")
            self.delay = max(0, -min(self._first_dts(m.path) for m in self.moments))
            output = stack.enter_context(
                av.open(str(self.path), "w", format="mp4", options={"movflags": "+faststart"})
            )
            self.output = output
            self.video = output.add_stream_from_template(template)
            self.video.codec_context.extradata = splice.config
            self.video.time_base = tb
            sound = self._sound(stack, output)
            for part, moment in zip(self.parts, self.moments, strict=True):
                self._place(self._card(part))
                began = self._shown()
                sound.silence_until(began)
                self._place(self._moment(moment))
                sound.sound(part.source, moment.start_ms, began, self._shown())
            sound.finish()
        return self.frames

    def _shown(self) -> Fraction:
        """Where the pictures placed so far end, in seconds."""
        return self.end * self.track.time_base

    def _sound(self, stack: ExitStack, output: av.container.OutputContainer) -> Sound:
        """The clips' AAC frames copied if they share one config, else the sound encoded anew."""
        sources = list(dict.fromkeys(part.source for part in self.parts))
        aac = AacSound.of(sources)
        silence = aac.silent_frame() if aac else None
        if aac is None or silence is None:
            return Soundtrack(output, self.parts[0].source)
        first = stack.enter_context(av.open(str(sources[0])))
        return CopiedSound(output, first.streams.audio[0], aac, silence)

    def _place(self, packets: Iterator[Pkt]) -> None:
        """Put a run of pictures (timed from 0) straight after the ones before. Their decode
        times keep their order: where the run's first would decode before the last one placed
        (a re-encoded tail decodes as it shows, a copied GOP a little before), it decodes just
        after it instead, never after it shows."""
        start = self.end
        end = start
        for packet in packets:
            pts = (packet.pts or 0) + start
            dts = (packet.dts if packet.dts is not None else packet.pts or 0) + start
            if self.last_dts is not None:
                dts = max(dts, self.last_dts + 1)
            if dts > pts:
                raise MediaFailed("The reel's pictures could not be put in decoding order.")
            packet.stream = self.video
            packet.time_base = self.track.time_base
            packet.pts, packet.dts = pts, dts
            duration = packet.duration or self.track.tick
            self.output.mux(packet)
            self.last_dts = dts
            end = max(end, pts + duration)
            self.frames += 1
        self.end = end

    def _card(self, part: ReelPart) -> Iterator[Pkt]:
        """The title card's frames, decoding `delay` ticks before they show, as the copied
        pictures do (so none has to wait for another)."""
        track = self.track
        encoder = track.splice.encoder()
        still = picture(
            title_card(part.caption, self.plan.width, self.plan.height, part.child_words)
        )
        count = round(self.plan.card_ms * self.plan.fps / 1000)
        for i in [*range(count), None]:
            if i is not None:
                still.pts = i * track.tick
                still.time_base = track.time_base
            for encoded in encoder.encode(still if i is not None else None):
                packet = track.splice.packet(encoded)
                pts = packet.pts or 0
                packet.dts = pts - self.delay
                packet.duration = track.tick
                yield packet

    def _moment(self, moment: TrimResult) -> Iterator[Pkt]:
        with av.open(str(moment.path)) as container:
            video = container.streams.video[0]
            tb: Fraction = video.time_base  # type: ignore[assignment]
            origin = video.start_time or 0
            for packet in container.demux(video):
                if packet.size == 0 or packet.pts is None:
                    continue
                dts = packet.dts if packet.dts is not None else packet.pts
                packet.pts = self._rescale(packet.pts - origin, tb)
                packet.dts = self._rescale(dts - origin, tb)
                packet.duration = self._rescale(packet.duration or 0, tb)
                yield packet

    def _rescale(self, ticks: int, tb: Fraction) -> int:
        if tb == self.track.time_base:
            return ticks
        return round(ticks * tb / self.track.time_base)

    def _first_dts(self, path: Path) -> int:
        """How far before its first picture shows the cut starts decoding (≤ 0)."""
        with av.open(str(path)) as container:
            video = container.streams.video[0]
            origin = video.start_time or 0
            for packet in container.demux(video):
                if packet.size and packet.pts is not None:
                    dts = packet.dts if packet.dts is not None else packet.pts
                    return self._rescale(dts - origin, video.time_base)  # type: ignore[arg-type]
        return 0
