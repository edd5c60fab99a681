"""QR codes for share links, drawn as SVG (segno: pure Python, no network, no image library), so a
carer can point their phone's camera at the worker's screen instead of typing a link."""

from __future__ import annotations

import io

import segno


def svg(text: str, *, title: str) -> str:
    """`text` as a QR code: black on white with the standard four-module quiet zone, sized by
    its viewBox alone (the page decides how large to draw it), medium error correction."""
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        border=4,
        dark="#000",
        light="#fff",
        title=title,
        svgclass="qr",
        lineclass=None,
        encoding="utf-8",
    )
    return out.getvalue().decode("utf-8")
