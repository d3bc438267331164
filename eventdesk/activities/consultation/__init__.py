"""Policy consultation fairs (政策宣传咨询): one booth per department, most visitors walk in.

At a booth the staff record a consultation in two taps (a topic; perhaps the visitor's ticket,
perhaps a follow-up with a phone number and the question), hand out materials from the booth's
stock, and answer the follow-ups their department owes. A poster at each booth takes visitors
to a public page with the department's policy, and a form for a question to be called back on.
"""

from flask_babel import lazy_gettext as _l

from eventdesk.activities.consultation import (
    api,
    consultations,
    demo,
    follow_up_pages,
    lists,
    panels,
    poster_pages,
    privacy,
    public,
    route_rules,
    stock_pages,
    tally,
    views,
)
from eventdesk.activities.consultation.consultations import MAX_QUANTITY, NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH
from eventdesk.activities.consultation.reasons import REASONS
from eventdesk.activities.consultation.vocabulary import KIND_NAME, TOPICS
from eventdesk.core.fields import Field
from eventdesk.core.kinds import Action, ActivityKind

ACTIONS = (
    Action(
        name="consult",
        label=_l("Consultation"),
        ticket="optional",
        fields=(
            Field("topic", _l("Topic"), "choice", required=True, choices=TOPICS),
            Field("follow_up", _l("Needs an answer later"), "boolean"),
            Field(
                "contact_phone",
                _l("Contact phone"),
                max_length=20,
                help=_l("Required for a follow-up: the department calls back on it."),
            ),
            Field("question", _l("Question"), max_length=QUESTION_MAX_LENGTH, multiline=True),
            Field(
                "asked_on",
                _l("Asked on"),
                "date",
                help=_l("Only for a question written down before the fair (a village's question box)."),
            ),
        ),
        record=consultations.record_consult,
        void=consultations.void_consult,
    ),
    Action(
        name="handout",
        label=_l("Hand out materials"),
        ticket="none",
        fields=(
            Field(
                "material_id",
                _l("Material"),
                "choice",
                required=True,
                choices=consultations.booth_materials,
                accepts=consultations.fair_materials,
            ),
            Field("quantity", _l("Quantity"), "number", required=True, minimum=1, maximum=MAX_QUANTITY),
        ),
        record=consultations.record_handout,
        void=consultations.void_handout,
    ),
    Action(
        name="answer",
        label=_l("Answer a follow-up"),
        ticket="none",
        fields=(
            Field(
                "consultation_id",
                _l("Follow-up"),
                "choice",
                required=True,
                choices=consultations.open_follow_ups,
                accepts=consultations.fair_consultations,
            ),
            Field("note", _l("Answer"), required=True, max_length=NOTE_MAX_LENGTH, multiline=True),
        ),
        record=consultations.record_answer,
        void=consultations.void_answer,
    ),
)

KIND = ActivityKind(
    name=KIND_NAME,
    label=_l("Policy consultation"),
    booth_label=_l("Department desk"),
    reasons=REASONS,
    actions=ACTIONS,
    metrics=tally.METRICS,
    rebuild_tally=tally.rebuild_tally,
    blueprints=(views.bp, stock_pages.bp, poster_pages.bp, follow_up_pages.bp, public.bp),
    api_blueprints=(api.bp,),
    route_rules=route_rules.RULES,
    openapi_paths=api.OPENAPI_PATHS,
    openapi_schemas=api.OPENAPI_SCHEMAS,
    activity_links=panels.activity_links,
    ticket_panel=panels.ticket_panel,
    dashboard_template="consultation/_dashboard.html",
    report_section=panels.report_section,
    lists=lists.LISTS,
    follow_ups=panels.follow_ups,
    demo=demo.load_demo,
    forget=privacy.forget,
)
