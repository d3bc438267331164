"""Key-handover ceremonies (安全住房集中交钥匙): rehoused families receive the keys of their new homes.

Households are imported with their new home, each with a ticket for its head, and invited by
letter. At a handover desk the head's ticket is scanned (or the household found by name or ID
tail), the keys are handed to the head or a named proxy, who signs on the screen (``handover``);
a receipt is printed. The organizers watch who is present, handed over or absent, live.
"""

from flask_babel import lazy_gettext as _l

from eventdesk.activities.handover import (
    demo,
    handovers,
    imports,
    lists,
    panels,
    privacy,
    route_rules,
    tally,
    views,
)
from eventdesk.activities.handover.reasons import REASONS
from eventdesk.activities.handover.vocabulary import KIND_NAME, RECIPIENTS
from eventdesk.core.fields import Field
from eventdesk.core.kinds import Action, ActivityKind

ACTIONS = (
    Action(
        name="handover",
        label=_l("Hand over the keys"),
        ticket="required",
        fields=(
            Field("recipient", _l("Keys received by"), "choice", required=True, choices=RECIPIENTS),
            Field("proxy_name", _l("Proxy's name"), max_length=50),
            Field(
                "proxy_relation",
                _l("Proxy's relation to the head"),
                max_length=20,
                help=_l("For example: son, daughter, neighbour, village cadre."),
            ),
            Field("proxy_id_tail", _l("Last 4 characters of the proxy's ID number"), max_length=4),
            Field(
                "signature",
                _l("Signature of who receives the keys"),
                "image",
                required=True,
                max_bytes=handovers.SIGNATURE_MAX_BYTES,
            ),
        ),
        record=handovers.record_handover,
        void=handovers.void_handover,
    ),
)

KIND = ActivityKind(
    name=KIND_NAME,
    label=_l("Key handover"),
    booth_label=_l("Handover desk"),
    reasons=REASONS,
    present_metrics=tally.present_metrics,
    actions=ACTIONS,
    metrics=tally.METRICS,
    rebuild_tally=tally.rebuild_tally,
    blueprints=(views.bp,),
    route_rules=route_rules.RULES,
    activity_links=panels.activity_links,
    ticket_panel=panels.ticket_panel,
    dashboard_template="handover/_dashboard.html",
    report_section=panels.report_section,
    lists=lists.LISTS,
    imports=imports.IMPORTS,
    demo=demo.load_demo,
    forget=privacy.forget,
)
