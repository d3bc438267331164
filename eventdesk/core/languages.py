"""The languages EventDesk speaks: Chinese (zh_Hans) by default, English second."""

LANGUAGES = {"zh_Hans": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_Hans"


def normalise_language(value: str | None) -> str | None:
    """Map what browsers and people type (``zh-CN``, ``zh``, ``en-US``) to a supported language."""
    if not value:
        return None
    tag = value.strip().replace("-", "_").lower()
    if tag.startswith("zh"):
        # Traditional-script variants still read simplified Chinese better than English.
        return "zh_Hans"
    if tag.startswith("en"):
        return "en"
    return None
