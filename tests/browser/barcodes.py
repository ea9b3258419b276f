"""Barcodes for Chromium's fake camera: an EAN-13 drawn as the GS1 specification says, as a Y4M video
(the format --use-file-for-fake-video-capture reads). Used by the scanner's browser test and its bench."""

from __future__ import annotations

from PIL import Image, ImageDraw

L_CODES = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def ean13_modules(code: str) -> str:
    """The bars of an EAN-13 symbol, 1 for a dark module (GS1 General Specifications, 5.2)."""
    digits = [int(d) for d in code]
    r_code = ["".join("1" if bit == "0" else "0" for bit in left) for left in L_CODES]
    bits = "101"
    for i in range(1, 7):
        bits += L_CODES[digits[i]] if PARITY[digits[0]][i - 1] == "L" else r_code[digits[i]][::-1]
    bits += "01010" + "".join(r_code[d] for d in digits[7:]) + "101"
    return bits


def barcode_video(path, code: str, blank_frames: int = 20, code_frames: int = 20) -> None:
    """A Y4M video for Chromium's fake camera: a blank page for a while, then the barcode."""
    width, height, module = 640, 480, 4
    blank = Image.new("RGB", (width, height), "white")
    page = blank.copy()
    draw = ImageDraw.Draw(page)
    bits = ean13_modules(code)
    left = (width - len(bits) * module) // 2
    for i, bit in enumerate(bits):
        if bit == "1":
            draw.rectangle((left + i * module, 140, left + (i + 1) * module - 1, 340), fill="black")
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for image in [blank] * blank_frames + [page] * code_frames:
            y, cb, cr = image.convert("YCbCr").split()
            video.write(b"FRAME\n" + y.tobytes())
            for plane in (cb, cr):
                video.write(plane.resize((width // 2, height // 2)).tobytes())
