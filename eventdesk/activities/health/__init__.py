"""Health service days (健康服务): doctors, contracted family doctors and public-health staff in the
villages, one service station per booth.

The organizers keep the day's list of services and say which stations offer which. At a station
the provider finds the resident (a scan, a name, a phone tail) and records ``serve``: the service,
perhaps a referral (转诊), a short note. Services, referrals and notes are health data: only the
day's health staff and organizers see them (`permissions`); the figures the tally holds of them
are confidential metrics. Each station keeps a queue with a now-serving screen.
"""

from flask_babel import lazy_gettext as _l

from eventdesk.activities.health import api, demo, lists, panels, route_rules, serving, tally, views
from eventdesk.activities.health.permissions import may_serve_at
from eventdesk.activities.health.reasons import REASONS
from eventdesk.activities.health.vocabulary import KIND_NAME
from eventdesk.core.fields import Field
from eventdesk.core.kinds import Action, ActivityKind

NOTE_MAX_LENGTH = 500

REGISTRATION_FIELDS = (
    Field(
        serving.CONSENT,
        _l("I agree that the health services I receive are recorded"),
        "boolean",
        headers=("同意记录健康服务", "健康服务知情同意", "health consent"),
        help=_l("Asked separately: the services you receive are recorded only if you agree."),
    ),
)

ACTIONS = (
    Action(
        name="serve",
        label=_l("Record a service"),
        ticket="required",
        fields=(
            Field(
                "service",
                _l("Service"),
                "choice",
                required=True,
                choices=serving.station_choices,
                accepts=serving.day_choices,
            ),
            Field("referral", _l("Referred on (转诊)"), "boolean"),
            Field("note", _l("Note"), max_length=NOTE_MAX_LENGTH, multiline=True),
            Field("consent", _l("The resident agrees to health services being recorded"), "boolean"),
        ),
        record=serving.record_serve,
        void=serving.void_serve,
        offered_at=serving.offered_at,
        staff_rule=may_serve_at,
    ),
)

KIND = ActivityKind(
    name=KIND_NAME,
    label=_l("Health service"),
    booth_label=_l("Service station"),
    reasons=REASONS,
    registration_fields=REGISTRATION_FIELDS,
    registration_notice=_l(
        "At the health service day, the services you receive, any referral (转诊) to a hospital and the "
        "doctor's short notes are recorded, only to give and follow up your care. They are health "
        "information: only the day's health staff and its organizers see them, and they are never "
        "published. You are asked separately whether you agree."
    ),
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
    dashboard_template="health/_dashboard.html",
    report_section=panels.report_section,
    lists=lists.LISTS,
    demo=demo.load_demo,
)
