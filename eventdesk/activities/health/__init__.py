"""Health service days (健康服务): one station per service, residents often registered by staff."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.kinds import ActivityKind

KIND = ActivityKind(
    name="health",
    label=_l("Health service"),
    booth_label=_l("Service station"),
)
