"""Structural bounds on raster sources, read from the container without decoding a pixel.

A file can be within every size limit and still cost minutes to decode: libjpeg processes
every block of the image once per progressive scan, so thousands of 12-byte scans make a
1024 px JPEG decode at ~7 s per MiB; Pillow handles each PNG chunk separately, and a flood of
tiny text chunks grows worse than linearly (10 MiB of them: 4 s). Real exports have a
handful of scans (libjpeg writes 10, mozjpeg about as many) and a few dozen chunks (an
encoder splitting 20 MiB of pixels into libpng's 8 KiB IDAT blocks writes 2,560), so these
walkers count and stop at the first count past the bound: refusing costs microseconds.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import BinaryIO

MAX_JPEG_SCANS = 100
"""libjpeg-turbo's own advice for untrusted input is a scan limit (TJPARAM_SCANLIMIT, djpeg
-maxscans); 100 is ten times what any encoder writes and costs < 1 s at 8192 px."""
MAX_PNG_CHUNKS = 4096
"""Every chunk, IDAT included: 20 MiB (the byte limit) in 8 KiB blocks is 2,560."""
MAX_PNG_ANCILLARY = 256
"""Chunks that are neither pixels nor the palette (text, EXIF, private data…)."""

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CRITICAL = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND"})
# After a scan header, the entropy-coded data runs until a marker: 0xFF followed by anything
# but a stuffed zero, a restart marker (D0–D7) or fill bytes (FF).
_JPEG_NEXT_MARKER = re.compile(rb"\xff+[^\x00\xd0-\xd7\xff]")
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_SOS, _EOI = 0xDA, 0xD9


@dataclass(frozen=True)
class Excess:
    """A structural bound the file breaks, in words for the person who exported it."""

    message: str
    hint: str


def excess(fh: BinaryIO) -> Excess | None:
    """The first structural bound ``fh`` breaks, or None; the format is told by the magic
    bytes (anything else is left to Pillow, which names it); ``fh`` is rewound."""
    fh.seek(0)
    magic = fh.read(8)
    fh.seek(0)
    if magic.startswith(b"\xff\xd8"):
        scans = _jpeg_scans(fh.read(), MAX_JPEG_SCANS + 1)
        if scans > MAX_JPEG_SCANS:
            return Excess(
                f"is a progressive JPEG with more than {MAX_JPEG_SCANS} scans, which would "
                "take minutes to decode",
                "re-export it as a baseline (non-progressive) JPEG, or better as a PNG",
            )
    elif magic == _PNG_SIGNATURE:
        total, ancillary = _png_chunks(fh)
        if total > MAX_PNG_CHUNKS or ancillary > MAX_PNG_ANCILLARY:
            what = (f"more than {MAX_PNG_ANCILLARY} metadata chunks" if ancillary >
                    MAX_PNG_ANCILLARY else f"more than {MAX_PNG_CHUNKS} chunks")
            return Excess(
                f"holds {what}, which would take minutes to decode",
                "strip the metadata: re-export it from your design tool with metadata off "
                "(or run it through `oxipng --strip all`)",
            )
    fh.seek(0)
    return None


def _jpeg_scans(data: bytes, stop: int) -> int:
    """Start-of-scan markers in the main image (an EXIF thumbnail's sit inside APP1 and are
    skipped with it), counted up to ``stop``."""
    scans, at = 0, 2
    while at + 4 <= len(data) and scans < stop:
        if data[at] != 0xFF:
            return scans  # not a marker where one must be: the decoder will say so
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1  # fill byte before a marker
            continue
        if marker == _EOI:
            break
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        (length,) = struct.unpack_from(">H", data, at + 2)
        at += 2 + length
        if marker == _SOS:
            scans += 1
            found = _JPEG_NEXT_MARKER.search(data, at)
            if found is None:
                break
            at = found.end() - 2
    return scans


def _png_chunks(fh: BinaryIO) -> tuple[int, int]:
    """(all chunks, ancillary chunks), each counted only until it passes its bound."""
    if fh.read(8) != _PNG_SIGNATURE:
        return 0, 0
    total = ancillary = 0
    while total <= MAX_PNG_CHUNKS and ancillary <= MAX_PNG_ANCILLARY:
        head = fh.read(8)
        if len(head) < 8:
            break
        length, kind = struct.unpack(">I4s", head)
        total += 1
        if kind not in _PNG_CRITICAL:
            ancillary += 1
        if kind == b"IEND":
            break
        fh.seek(length + 4, 1)  # data and CRC
    return total, ancillary
