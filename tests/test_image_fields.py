"""Image fields (a signature drawn on the screen): a PNG data URL within its size is kept, anything
else is refused with its own reason, and the field describes its limit."""

import base64

import pytest

from eventdesk.core.fields import Field, clean_fields, image_bytes
from eventdesk.errors import ServiceError
from tests.support.images import data_url, png

SIGNATURE = Field("signature", "Signature", "image", max_bytes=2_000)


def test_a_png_within_its_size_is_kept_as_drawn():
    picture = png()
    cleaned = clean_fields((SIGNATURE,), {"signature": data_url(picture)})
    assert image_bytes(cleaned["signature"]) == picture
    assert clean_fields((SIGNATURE,), {}) == {}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("a signature", "invalid_image"),
        ("data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0").decode(), "invalid_image"),
        ("data:image/png;base64,not base64!", "invalid_image"),
        (data_url(b"GIF89a" + b"\x00" * 20), "invalid_image"),
        (12, "invalid_image"),
        (data_url(png(60, 60) + b"\x00" * 3_000), "image_too_large"),
    ],
)
def test_what_is_not_a_png_or_is_too_large_is_refused(app, value, code):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        with pytest.raises(ServiceError) as refused:
            clean_fields((SIGNATURE,), {"signature": value})
        assert (refused.value.code, refused.value.status, refused.value.field) == (code, 422, "signature")
        assert "图片" in refused.value.message


def test_an_image_field_describes_its_limit():
    assert SIGNATURE.describe() == {
        "name": "signature",
        "label": "Signature",
        "type": "image",
        "required": False,
        "max_bytes": 2_000,
    }
