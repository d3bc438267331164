"""Key-handover ceremonies (安全住房集中交钥匙): a handover desk per batch or building."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.kinds import ActivityKind

KIND = ActivityKind(
    name="handover",
    label=_l("Key handover"),
    booth_label=_l("Handover desk"),
)
