"""Job fairs (就业扶贫专场招聘会): one stand per employer, job seekers register on their phones."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.kinds import ActivityKind

KIND = ActivityKind(
    name="jobfair",
    label=_l("Job fair"),
    booth_label=_l("Employer stand"),
)
