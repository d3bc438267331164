"""Policy consultation fairs (政策宣传咨询): one booth per department, most visitors walk in."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.kinds import ActivityKind

KIND = ActivityKind(
    name="consultation",
    label=_l("Policy consultation"),
    booth_label=_l("Department desk"),
)
