"""Just enough H.264 bitstream handling for a smart cut: read and write the `avcC` record of an MP4,
find parameter-set ids, and turn an encoder's Annex B output into the MP4's length-prefixed NALs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vfb.errors import UnreadableMedia

SPS_TYPE = 7
PPS_TYPE = 8
_START_CODE = re.compile(b"\x00\x00\x01")


@dataclass(frozen=True)
class AvcConfig:
    """The decoder configuration of an MP4's H.264 track (ISO/IEC 14496-15 `avcC`)."""

    profile: int
    compatibility: int
    level: int
    length_size: int
    sps: tuple[bytes, ...]
    pps: tuple[bytes, ...]
    extension: bytes = b""  # High profiles: chroma format, bit depths, SPS extensions

    @classmethod
    def parse(cls, data: bytes) -> AvcConfig:
        if len(data) < 7 or data[0] != 1:
            raise UnreadableMedia("The video's H.264 configuration is missing or not in MP4 form.")
        at = 6
        sps: list[bytes] = []
        for _ in range(data[5] & 0x1F):
            size = int.from_bytes(data[at : at + 2], "big")
            sps.append(data[at + 2 : at + 2 + size])
            at += 2 + size
        pps: list[bytes] = []
        count = data[at]
        at += 1
        for _ in range(count):
            size = int.from_bytes(data[at : at + 2], "big")
            pps.append(data[at + 2 : at + 2 + size])
            at += 2 + size
        return cls(
            data[1], data[2], data[3], (data[4] & 3) + 1, tuple(sps), tuple(pps), bytes(data[at:])
        )

    def serialise(self) -> bytes:
        out = bytearray(
            [1, self.profile, self.compatibility, self.level, 0xFC | (self.length_size - 1)]
        )
        out.append(0xE0 | len(self.sps))
        for nal in self.sps:
            out += len(nal).to_bytes(2, "big") + nal
        out.append(len(self.pps))
        for nal in self.pps:
            out += len(nal).to_bytes(2, "big") + nal
        return bytes(out) + self.extension

    def with_sets(self, sps: bytes, pps: bytes) -> AvcConfig:
        """This configuration plus another SPS/PPS pair (which must use ids of its own)."""
        return AvcConfig(
            profile=max(self.profile, sps[1]),
            compatibility=self.compatibility & sps[2],
            level=max(self.level, sps[3]),
            length_size=self.length_size,
            sps=(*self.sps, sps),
            pps=(*self.pps, pps),
            extension=self.extension,
        )


class _Bits:
    def __init__(self, data: bytes) -> None:
        self.data = _unescape(data)
        self.at = 0

    def bit(self) -> int:
        byte = self.data[self.at >> 3]
        value = (byte >> (7 - (self.at & 7))) & 1
        self.at += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise UnreadableMedia("The video's H.264 parameter sets are damaged.")
        value = 1
        for _ in range(zeros):
            value = (value << 1) | self.bit()
        return value - 1


def _unescape(data: bytes) -> bytes:
    return data.replace(b"\x00\x00\x03", b"\x00\x00")


def sps_id(nal: bytes) -> int:
    bits = _Bits(nal[4:])  # after the NAL header, profile, constraints and level
    return bits.ue()


def pps_id(nal: bytes) -> int:
    return _Bits(nal[1:]).ue()


def split_annexb(data: bytes) -> list[bytes]:
    """The NAL units of an Annex B byte stream (start codes of 3 or 4 bytes)."""
    nals = []
    for part in _START_CODE.split(data):
        nal = part.rstrip(b"\x00") if part.endswith(b"\x00") else part
        if nal:
            nals.append(nal)
    return nals


def nal_type(nal: bytes) -> int:
    return nal[0] & 0x1F


def to_length_prefixed(nals: list[bytes], length_size: int) -> bytes:
    return b"".join(len(nal).to_bytes(length_size, "big") + nal for nal in nals)
