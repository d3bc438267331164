"""QR code images (SVG and PNG) for tickets, enrolment links and posters."""

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

# Medium error correction survives a cracked or dirty phone screen; a four-module quiet
# zone is what phone cameras need to find the code.
_ERROR_CORRECTION = ERROR_CORRECT_M
_BORDER = 4


def _code(data: str, image_factory=None) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=_ERROR_CORRECTION, border=_BORDER, image_factory=image_factory)
    code.add_data(data)
    code.make(fit=True)
    return code


def svg(data: str) -> bytes:
    """A scalable QR code: one path, sharp at any size on screen and in print."""
    image = _code(data, qrcode.image.svg.SvgPathImage).make_image()
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def svg_inline(data: str) -> str:
    """The SVG element alone (no XML declaration), to embed in an HTML page."""
    text = svg(data).decode("utf-8")
    return text[text.index("<svg") :]


def png(data: str, box_size: int = 10) -> bytes:
    """A raster QR code, for screenshots, WeChat forwarding and old browsers."""
    code = _code(data)
    code.box_size = box_size
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
