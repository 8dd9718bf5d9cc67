"""Hostile image sources, made deterministically (no files in the repository, no randomness).

Shared by the tests (``tests/unit/assets/test_assets_hostile.py``, the CLI tests) and by
``tests/benchmarks/bench_hostile.py``. Each maker returns the file's bytes; every file is
within the plain limits (20 MiB, 8192 px, square, ≥ 1024 px) and hostile in its structure:

* :func:`scan_padded_jpeg` — a real progressive JPEG followed by thousands of 12-byte scans,
  each an end-of-band run over every block of the image: libjpeg walks all 16,384 blocks of
  a 1024 px image per scan (measured before the bound: ~7 s per MiB of padding).
* :func:`chunk_flooded_png` — a real PNG with a flood of tiny ``tEXt`` chunks before its
  pixels (Pillow handles them one by one, worse than linearly: 10 MiB took 4.4 s), or with
  ``empty_idat=True`` its pixel data split into one-byte IDAT chunks, each followed by empty
  ones.
* :func:`large_png` — an honest 8192 px RGBA PNG (the largest source allowed), for memory.
* The SVG makers: an external reference, billion laughs, 100k nodes, a nested-``<use>``
  bomb, text, a script, and a good square logo.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

MiB = 1024 * 1024


def _art(side: int, mode: str = "RGB") -> Image.Image:
    """Flat brand-like art: a tile and diagonal stripes (compresses like real icons)."""
    im = Image.new(mode, (side, side), (10, 125, 90, 255) if mode == "RGBA" else (10, 125, 90))
    draw = ImageDraw.Draw(im)
    step = max(1, side // 32)
    for i in range(0, side, step):
        draw.line((0, i, side, side - i), fill=(245, 166, 35), width=max(1, side // 256))
    return im


def scan_padded_jpeg(size: int = 2 * MiB, side: int = 1024) -> bytes:
    """A ``side`` px greyscale progressive JPEG padded to about ``size`` bytes with scans.

    Each added scan is an AC first scan of coefficient 63 whose data is one end-of-band run
    (Huffman symbol 0xE0: 2^14 blocks plus 14 extra bits) per 16,384–32,767 blocks, under a
    table defined just for them; libjpeg warns about the repeated progression and goes on.
    """
    assert side % 128 == 0, "the EOB runs below cover whole multiples of 16,384 blocks"
    buf = io.BytesIO()
    _art(side).convert("L").save(buf, "JPEG", quality=90, progressive=True)
    data = buf.getvalue()
    assert data.endswith(b"\xff\xd9")
    dht = b"\xff\xc4" + struct.pack(">H", 2 + 1 + 16 + 1) + bytes([0x13, 1] + [0] * 15) + b"\xe0"
    bits, left = "", (side // 8) ** 2
    while left:
        run = min(left, 32767)
        left -= run
        bits += "0" + format(run - 16384, "014b")
    bits += "1" * (-len(bits) % 8)
    entropy = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    scan = b"\xff\xda" + struct.pack(">H", 8) + bytes([1, 1, 0x03, 63, 63, 0x00]) + entropy
    count = max(1, (size - len(data) - len(dht)) // len(scan))
    return data[:-2] + dht + scan * count + b"\xff\xd9"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_parts(data: bytes) -> tuple[list[bytes], bytes]:
    """(chunks before the pixels, the concatenated IDAT data) of a PNG Pillow wrote."""
    at, head, idat = 8, [], b""
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        if kind == b"IDAT":
            idat += body
        elif kind != b"IEND":
            head.append(_chunk(kind, body))
        at += 12 + length
    return head, idat


def chunk_flooded_png(size: int = 19 * MiB, side: int = 1024, *, empty_idat: bool = False) -> bytes:
    """A ``side`` px PNG padded to about ``size`` bytes with chunks (see module docstring)."""
    buf = io.BytesIO()
    _art(side).save(buf, "PNG")
    head, idat = _png_parts(buf.getvalue())
    out = bytearray(b"\x89PNG\r\n\x1a\n" + b"".join(head))
    if empty_idat:
        filler = _chunk(b"IDAT", b"")
        room = size - len(out) - len(idat) * 13 - 12  # 13: a one-byte chunk; 12: IEND
        per_byte = max(1, room // (len(idat) * len(filler)))
        for i in range(len(idat)):
            out += _chunk(b"IDAT", idat[i:i + 1]) + filler * per_byte
    else:
        filler = _chunk(b"tEXt", b"k\x00v")
        out += filler * max(1, (size - len(out)) // len(filler))
        out += _chunk(b"IDAT", idat)
    out += _chunk(b"IEND", b"")
    return bytes(out)


def large_png(side: int = 8192, shade: int = 0) -> bytes:
    """An honest ``side`` px RGBA PNG (transparent margin, a tile, stripes); ``shade``
    varies the colour so several roles get distinct files (distinct content hashes)."""
    im = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    m = side // 8
    draw.rounded_rectangle((m, m, side - m, side - m), radius=side // 6,
                           fill=(10 + shade, 125, 90, 255))
    for i in range(m, side - m, side // 16):
        draw.line((m, i, side - m, side - i), fill=(245, 166, 35 + shade, 255), width=side // 128)
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ SVG

_SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 108 108">'


def good_svg(colour: str = "#FFFFFF", background: str | None = "#B3261E") -> str:
    """A square logo with a gradient, a reused symbol (<use>) and no text, under the SVG
    1.1 DOCTYPE older Illustrator versions write (never fetched)."""
    tile = (
        '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{background}"/><stop offset="1" stop-color="#222222"/>'
        '</linearGradient></defs><rect width="108" height="108" fill="url(#g)"/>'
        if background else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 108 108" width="108" height="108">\n'
        f"  {tile}\n"
        '  <defs><path id="mark" d="M34 30h12v18h16V30h12v48H62V60H46v18H34z"/></defs>\n'
        f'  <use xlink:href="#mark" fill="{colour}"/>\n'
        "</svg>\n"
    )


def svg_external_href() -> str:
    return (_SVG_OPEN + '\n<image href="https://tracker.example/logo.png" width="108" '
            'height="108"/>\n</svg>\n')


def svg_external_use() -> str:
    return _SVG_OPEN + '\n<use href="/etc/passwd#x"/>\n</svg>\n'


def svg_billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n' + "\n".join(entities) + "\n]>\n"
        + _SVG_OPEN + "<desc>&lol9;</desc></svg>\n"
    )


def svg_many_nodes(count: int = 100_000) -> str:
    return _SVG_OPEN + "<g/>" * count + "</svg>\n"


def svg_use_bomb(depth: int = 9, fan: int = 10) -> str:
    """Each group draws ten copies of the previous one: 10^9 shapes from 100 elements."""
    groups = "".join(
        f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * fan + "</g>" for i in range(1, depth + 1)
    )
    return (_SVG_OPEN + '<defs><rect id="l0" width="1" height="1"/>' + groups + "</defs>"
            f'<use href="#l{depth}"/></svg>\n')


def svg_with_text() -> str:
    return _SVG_OPEN + '\n\n<text x="10" y="60" font-size="40">Acme</text>\n</svg>\n'


def svg_with_script() -> str:
    return _SVG_OPEN + "\n<script>alert(1)</script>\n</svg>\n"


def svg_not_square() -> str:
    return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><rect/></svg>\n'


def svg_deep_nesting(depth: int = 5000) -> str:
    return _SVG_OPEN + "<g>" * depth + "</g>" * depth + "</svg>\n"


def svg_use_chain(length: int = 5000) -> str:
    """Each <use> points at the next one, declared later: deep, not wide."""
    uses = "".join(f'<use id="u{i}" href="#u{i + 1}"/>' for i in range(length))
    return _SVG_OPEN + f'<defs>{uses}<rect id="u{length}"/></defs></svg>\n'
