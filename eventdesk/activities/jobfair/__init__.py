"""Job fairs (就业扶贫专场招聘会): one stand per employer, job seekers register on their phones.

Employers (with their stands) and postings are set up by the organizers, by an employer's own
staff at its stand, or imported. At a stand the volunteer scans the seeker, then records an
application (``apply``); later the stand marks what came of it (``outcome``).
"""

from flask_babel import lazy_gettext as _l

from eventdesk.activities.jobfair import (
    api,
    applications,
    demo,
    imports,
    lists,
    panels,
    route_rules,
    tally,
    views,
)
from eventdesk.activities.jobfair.reasons import REASONS
from eventdesk.activities.jobfair.vocabulary import EDUCATION, KIND_NAME, STATUSES
from eventdesk.core.fields import Field
from eventdesk.core.kinds import Action, ActivityKind

REGISTRATION_FIELDS = (
    Field(
        "education", _l("Education"), "choice", choices=EDUCATION, headers=("学历", "文化程度", "最高学历")
    ),
    Field("skills", _l("Skills"), max_length=200, headers=("技能", "专业技能", "特长")),
    Field(
        "wanted_jobs",
        _l("Jobs wanted"),
        max_length=200,
        headers=("求职意向", "意向岗位", "wanted jobs"),
        help=_l("For example: cleaner, security guard, driver."),
    ),
    Field("poor_labourer", _l("Registered poor labourer"), "boolean", headers=("是否建档立卡",)),
    Field("available_from", _l("Available from"), "date", headers=("可到岗日期", "到岗日期")),
)

ACTIONS = (
    Action(
        name="apply",
        label=_l("Apply"),
        ticket="required",
        fields=(
            Field(
                "posting_id",
                _l("Posting"),
                "choice",
                required=True,
                choices=applications.stand_postings,
                accepts=applications.fair_postings,
            ),
        ),
        record=applications.record_apply,
        void=applications.void_apply,
        offered_at=applications.is_stand,
    ),
    Action(
        name="outcome",
        label=_l("Mark an outcome"),
        ticket="none",
        fields=(
            Field(
                "application_id",
                _l("Application"),
                "choice",
                required=True,
                choices=applications.stand_applications,
                accepts=applications.fair_applications,
            ),
            Field("status", _l("Outcome"), "choice", required=True, choices=STATUSES),
        ),
        record=applications.record_outcome,
        void=applications.void_outcome,
        offered_at=applications.is_stand,
    ),
)

KIND = ActivityKind(
    name=KIND_NAME,
    label=_l("Job fair"),
    booth_label=_l("Employer stand"),
    reasons=REASONS,
    registration_fields=REGISTRATION_FIELDS,
    registration_notice=_l(
        "At the job fair, your phone number is shared with each employer you apply to, so that it can "
        "contact you about the job."
    ),
    present_metrics=tally.present_metrics,
    actions=ACTIONS,
    metrics=tally.METRICS,
    rebuild_tally=tally.rebuild_tally,
    blueprints=(views.bp,),
    api_blueprints=(api.bp,),
    route_rules=route_rules.RULES,
    openapi_paths=api.OPENAPI_PATHS,
    openapi_schemas=api.OPENAPI_SCHEMAS,
    activity_links=panels.activity_links,
    ticket_panel=panels.ticket_panel,
    dashboard_template="jobfair/_dashboard.html",
    report_section=panels.report_section,
    lists=lists.LISTS,
    imports=imports.IMPORTS,
    demo=demo.load_demo,
)
