"""Pictures encoded to sit among copied H.264 ones: a smart cut's head and tail, and a reel's title
cards. They are encoded at the source's size, range, time base, rate and profile, without B-frames,
and carry parameter sets with an id of their own, listed in the MP4's `avcC` beside the source's,
so the two never clash and one track holds both."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import av
import numpy as np

from vfb.capture import h264
from vfb.errors import MediaFailed

if TYPE_CHECKING:  # Packet is generic only in PyAV's type stubs
    from typing import TypeAlias

    Pkt: TypeAlias = av.Packet[Any]
else:
    Pkt = av.Packet


@dataclass(frozen=True)
class SpliceEncoding:
    width: int
    height: int
    full_range: bool  # a phone's full-range picture stays full range, as the copied GOPs are
    time_base: Fraction
    rate: Fraction | None
    profile: str | None  # x264's name for the source's profile
    sps_id: int
    length_size: int
    sps: bytes
    pps: bytes
    config: bytes  # the avcC: the source's parameter sets and these

    @classmethod
    def of(
        cls, video: av.VideoStream, pixel_format: str | None, profile: str | None
    ) -> SpliceEncoding:
        context = video.codec_context
        source = h264.AvcConfig.parse(bytes(context.extradata or b""))
        ids = [h264.sps_id(s) for s in source.sps] + [h264.pps_id(p) for p in source.pps]
        rate = video.average_rate or video.guessed_rate
        tb: Fraction = video.time_base  # type: ignore[assignment]
        draft = cls(
            # yuv420p needs even sides; a source of odd ones (screen recordings) loses its last line
            width=context.width & ~1,
            height=context.height & ~1,
            full_range=pixel_format == "yuvj420p",
            time_base=tb,
            rate=Fraction(rate) if rate else None,
            profile=x264_profile(profile),
            sps_id=(max(ids) + 1) % 32,
            length_size=source.length_size,
            sps=b"",
            pps=b"",
            config=b"",
        )
        sps, pps = draft._parameter_sets()
        config = source.with_sets(sps, pps).serialise()
        return cls(**{**draft.__dict__, "sps": sps, "pps": pps, "config": config})

    def encoder(self) -> av.VideoCodecContext:
        """A fresh encoder: its first picture is an IDR frame with the parameter sets in band."""
        encoder = av.CodecContext.create("libx264", "w")
        assert isinstance(encoder, av.VideoCodecContext)
        configure(
            encoder,
            width=self.width,
            height=self.height,
            pix_fmt="yuvj420p" if self.full_range else "yuv420p",
            time_base=self.time_base,
            rate=self.rate,
            profile=self.profile,
            params=f"sps-id={self.sps_id}:repeat-headers=1",
        )
        return encoder

    def packet(self, encoded: Pkt) -> Pkt:
        """The encoder's Annex B packet as the MP4 track's length-prefixed one, its parameter
        sets left to the avcC (and checked to be the ones listed there)."""
        nals = h264.split_annexb(bytes(encoded))
        sets = [n for n in nals if h264.nal_type(n) in (h264.SPS_TYPE, h264.PPS_TYPE)]
        if sets and sets != [self.sps, self.pps]:
            raise MediaFailed("The re-encoded frames did not match the cut's H.264 settings.")
        body = [n for n in nals if h264.nal_type(n) not in (7, 8, 9)]
        out = av.Packet(h264.to_length_prefixed(body, self.length_size))
        out.pts = encoded.pts
        out.is_keyframe = encoded.is_keyframe
        return out

    def _parameter_sets(self) -> tuple[bytes, bytes]:
        """The SPS and PPS the encoder writes (they depend on its settings, not pictures)."""
        encoder = self.encoder()
        blank = np.zeros((encoder.height, encoder.width, 3), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(blank, format="rgb24").reformat(format="yuv420p")
        frame.pts = 0
        packets = encoder.encode(frame) + encoder.encode(None)
        nals = [n for p in packets for n in h264.split_annexb(bytes(p))]
        sps = next(n for n in nals if h264.nal_type(n) == h264.SPS_TYPE)
        pps = next(n for n in nals if h264.nal_type(n) == h264.PPS_TYPE)
        return sps, pps


def configure(
    encoder: av.VideoCodecContext,
    *,
    width: int,
    height: int,
    pix_fmt: str,
    time_base: Fraction,
    rate: Fraction | None,
    profile: str | None,
    params: str,
) -> None:
    """libx264 for pictures that must decode in display order (no B-frames) and look like the
    source's (crf 16)."""
    encoder.width, encoder.height = width, height
    encoder.pix_fmt = pix_fmt
    encoder.time_base = time_base
    if rate:
        encoder.framerate = rate
    x264 = f"bframes=0:keyint=infinite:{params}" if params else "bframes=0:keyint=infinite"
    encoder.options = {"preset": "superfast", "crf": "16", "x264-params": x264}
    if profile:
        encoder.options["profile"] = profile


def x264_profile(profile: str | None) -> str | None:
    name = (profile or "").lower()
    if "baseline" in name:
        return "baseline"
    if name == "main":
        return "main"
    return "high" if name.startswith("high") else None
