"""A reel's sound: each moment's own sound under its pictures, sample for sample, and silence under
the title cards, encoded as AAC at 48 kHz (mono if the first moment's sound is mono, else stereo).

The sound is laid to a timeline the picture sets: `silence_until` and `sound` take the time (in
seconds) the sound must reach, so however the pictures were made (re-encoded frame by frame or
copied GOP by GOP) the two never drift apart. `Soundtrack` encodes the sound anew, to the sample;
`CopiedSound` copies the clips' own AAC frames and lays encoded silence under the cards, to the
nearest AAC frame (within 11 ms), as the exact trim does."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import av
import numpy as np

if TYPE_CHECKING:  # Packet is generic only in PyAV's type stubs
    from typing import TypeAlias

    Pkt: TypeAlias = av.Packet[Any]
else:
    Pkt = av.Packet

RATE = 48000
CHUNK = 1024  # samples in an AAC frame


class Sound(Protocol):
    def silence_until(self, until: Fraction) -> None: ...
    def sound(self, source: Path, start_ms: float, began: Fraction, until: Fraction) -> None: ...
    def finish(self) -> None: ...


class Soundtrack:
    """The sound decoded and encoded again: any clips' sound, to the sample."""

    def __init__(self, output: av.container.OutputContainer, first_source: Path) -> None:
        self.output = output
        self.layout = _layout_of(first_source)
        self.channels = 1 if self.layout == "mono" else 2
        self.stream = output.add_stream("aac", rate=RATE, layout=self.layout)
        self.stream.bit_rate = 128_000
        self.fifo = av.AudioFifo()
        self.samples = 0  # samples laid so far

    def silence_until(self, until: Fraction) -> None:
        target = round(until * RATE)
        self._push(np.zeros((self.channels, max(0, target - self.samples)), dtype=np.float32))

    def sound(self, source: Path, start_ms: float, began: Fraction, until: Fraction) -> None:
        """`source`'s sound from `start_ms`, heard from `began` (where the sound is now) until
        the timeline reaches `until` seconds (silence where it has none)."""
        wanted = max(0, round(until * RATE) - self.samples)
        have = self._read(source, start_ms, wanted)
        if have.shape[1] < wanted:
            gap = np.zeros((self.channels, wanted - have.shape[1]), dtype=np.float32)
            have = np.concatenate([have, gap], axis=1)
        self._push(have.astype(np.float32))

    def finish(self) -> None:
        self._flush(final=True)
        self.output.mux(self.stream.encode(None))

    def _read(self, source: Path, start_ms: float, wanted: int) -> np.ndarray:
        start = round(start_ms * RATE / 1000)
        with av.open(str(source)) as container:
            if not container.streams.audio:
                return np.zeros((self.channels, 0), dtype=np.float32)
            audio = container.streams.audio[0]
            resampler = av.AudioResampler(format="fltp", layout=self.layout, rate=RATE)
            origin = audio.start_time or 0
            atb = audio.time_base or Fraction(1, RATE)
            container.seek(max(0, int(max(0.0, start_ms - 500) / 1000 / float(atb))), stream=audio)
            pieces: list[np.ndarray] = []
            first: int | None = None
            count = 0  # samples in `pieces`
            for frame in container.decode(audio):
                for out in resampler.resample(frame):
                    if first is None:
                        pts = frame.pts if frame.pts is not None else origin
                        first = round(float((pts - origin) * atb) * RATE)
                    pieces.append(out.to_ndarray())
                    count += pieces[-1].shape[1]
                if first is not None and first + count >= start + wanted:
                    break
        if not pieces or first is None:
            return np.zeros((self.channels, 0), dtype=np.float32)
        joined = np.concatenate(pieces, axis=1)
        offset = start - first
        if offset >= 0:
            return joined[:, offset : offset + wanted]
        lead = np.zeros((self.channels, -offset), dtype=np.float32)
        return np.concatenate([lead, joined[:, : wanted + offset]], axis=1)

    def _push(self, samples: np.ndarray) -> None:
        if samples.shape[1] == 0:
            return
        chunk = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples), format="fltp", layout=self.layout
        )
        chunk.sample_rate = RATE
        # timed, so the FIFO's frames are, and the encoder's start-up frame goes before 0 (an
        # edit list hides it): untimed, every sound was heard 21 ms after its picture
        chunk.time_base = Fraction(1, RATE)
        chunk.pts = self.samples
        self.samples += samples.shape[1]
        self.fifo.write(chunk)
        self._flush()

    def _flush(self, *, final: bool = False) -> None:
        while self.fifo.samples >= CHUNK or (final and self.fifo.samples):
            chunk = self.fifo.read(min(CHUNK, self.fifo.samples))
            if chunk is None:
                return
            self.output.mux(self.stream.encode(chunk))


@dataclass(frozen=True)
class AacSound:
    """What the clips' AAC sound shares, if they all have the same: then it can be copied."""

    config: bytes  # the AudioSpecificConfig
    rate: int
    layout: str

    @classmethod
    def of(cls, sources: list[Path]) -> AacSound | None:
        found: set[tuple[bytes, int, str]] = set()
        for source in sources:
            with av.open(str(source)) as container:
                if not container.streams.audio:
                    return None
                context = container.streams.audio[0].codec_context
                if context.name != "aac" or context.profile != "LC" or not context.extradata:
                    return None
                found.add((bytes(context.extradata), context.sample_rate, context.layout.name))
        if len(found) != 1:
            return None
        config, rate, layout = found.pop()
        if layout not in ("mono", "stereo"):
            return None
        return cls(config, rate, layout)

    def silent_frame(self) -> bytes | None:
        """One AAC frame of silence encoded as the clips' sound is (the same config), if the
        encoder here can."""
        encoder = av.CodecContext.create("aac", "w")
        assert isinstance(encoder, av.AudioCodecContext)
        encoder.sample_rate = self.rate
        encoder.layout = self.layout
        encoder.format = "fltp"
        encoder.open()
        if bytes(encoder.extradata or b"") != self.config:
            return None
        quiet = np.zeros((1 if self.layout == "mono" else 2, CHUNK), dtype=np.float32)
        packets: list[Pkt] = []
        for n in range(4):
            frame = av.AudioFrame.from_ndarray(quiet, format="fltp", layout=self.layout)
            frame.sample_rate, frame.pts = self.rate, n * CHUNK
            packets += encoder.encode(frame)
        packets += encoder.encode(None)
        return bytes(packets[2])  # past the encoder's start-up: silence after silence


class CopiedSound:
    """The clips' own AAC frames, laid end to end, each moment's starting with the frame nearest
    its first picture; encoded silence under the cards and wherever a clip's sound runs out."""

    def __init__(
        self,
        output: av.container.OutputContainer,
        template: av.AudioStream,
        aac: AacSound,
        silence: bytes,
    ) -> None:
        self.output, self.aac, self.silence = output, aac, silence
        self.stream = output.add_stream_from_template(template)
        self.time_base = Fraction(1, aac.rate)
        self.stream.time_base = self.time_base
        self.samples = 0  # laid so far, at the clips' rate

    def silence_until(self, until: Fraction) -> None:
        while self._short_of(until):
            self._lay(self.silence)

    def sound(self, source: Path, start_ms: float, began: Fraction, until: Fraction) -> None:
        """The frames of `source` from `start_ms`, heard from `began`: the first is the one
        that lands nearest to where it belongs."""
        rate = self.aac.rate
        ahead = self.samples - round(began * rate)  # laid past the moment's first picture
        wanted = round(Fraction(start_ms) / 1000 * rate) + ahead  # the clip's sample due next
        with av.open(str(source)) as container:
            audio = container.streams.audio[0]
            atb: Fraction = audio.time_base  # type: ignore[assignment]
            origin = audio.start_time or 0
            back = Fraction(max(0, wanted - rate), rate)  # a second early: seeks are rough
            container.seek(origin + int(back / atb), stream=audio)
            for packet in container.demux(audio):
                if not packet.size or packet.pts is None:
                    continue
                if round((packet.pts - origin) * atb * rate) + CHUNK // 2 <= wanted:
                    continue  # before the moment's sound: a later frame lands nearer
                if not self._short_of(until):
                    break
                self._lay(bytes(packet))
        self.silence_until(until)  # the clip's sound ran out before its pictures

    def finish(self) -> None:
        """Nothing is held back: every frame was laid as it came."""

    def _short_of(self, until: Fraction) -> bool:
        """Whether another frame brings the sound nearer to `until`."""
        return self.samples + CHUNK // 2 <= round(until * self.aac.rate)

    def _lay(self, data: bytes) -> None:
        packet = av.Packet(data)
        packet.stream = self.stream
        packet.time_base = self.time_base
        packet.pts = packet.dts = self.samples
        packet.duration = CHUNK
        self.output.mux(packet)
        self.samples += CHUNK


def _layout_of(source: Path) -> str:
    """Mono if the first moment's sound is mono (half the work), otherwise stereo."""
    with av.open(str(source)) as container:
        if container.streams.audio and container.streams.audio[0].channels == 1:
            return "mono"
    return "stereo"
