"""A camera for Chromium in tests: QR codes drawn into a Y4M video, in pure Python.

Chromium plays the file given by ``--use-file-for-fake-video-capture`` (an absolute path
ending in ``.y4m``) as the camera, looping it, from its first frame whenever a page starts
capturing. It opens the file again for every capture, so replacing the file (atomically)
before a page asks for the camera changes what that page sees.

Y4M is raw video: a 640x480 frame is 460,800 bytes, so keep videos short and in a
temporary folder.
"""

import os
from collections.abc import Sequence
from pathlib import Path

import qrcode
from PIL import Image

SIZE = (640, 480)
FPS = 10


def qr_frame(text: str, size: tuple[int, int] = SIZE, qr_pixels: int = 360) -> Image.Image:
    """A white frame with `text` as a crisp QR code in the middle."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(text)
    code.make(fit=True)
    modules = code.make_image(fill_color="black", back_color="white").convert("L")
    scale = max(1, qr_pixels // modules.width)  # whole pixels per module keep the edges sharp
    image = modules.resize((modules.width * scale, modules.height * scale), Image.NEAREST)
    if image.width > size[0] or image.height > size[1]:
        raise ValueError(f"a QR code of {text!r} does not fit in {size}")
    frame = Image.new("RGB", size, "white")
    frame.paste(image.convert("RGB"), ((size[0] - image.width) // 2, (size[1] - image.height) // 2))
    return frame


def _planes(frame: Image.Image) -> bytes:
    """One 4:2:0 frame: full-size luma, then both chroma planes at half width and height."""
    width, height = frame.size
    luma, blue, red = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    return luma.tobytes() + blue.resize(half, Image.BOX).tobytes() + red.resize(half, Image.BOX).tobytes()


def write_y4m(path: Path, segments: Sequence[tuple[str | None, float]], *, size=SIZE, fps: int = FPS) -> Path:
    """Write the segments, each (text or None for a blank frame, seconds), as a Y4M video."""
    if size[0] % 2 or size[1] % 2:
        raise ValueError("4:2:0 video needs an even width and height")
    path = Path(path).resolve()
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    with open(partial, "wb") as out:
        out.write(f"YUV4MPEG2 W{size[0]} H{size[1]} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for text, seconds in segments:
            frame = qr_frame(text, size) if text else Image.new("RGB", size, "white")
            payload = b"FRAME\n" + _planes(frame)
            for _ in range(max(1, round(seconds * fps))):
                out.write(payload)
    # A capture that is already running keeps reading the old file; the next one opens this.
    os.replace(partial, path)
    return path
