"""The permission table of EventDesk's own routes (each kind adds its own: `ActivityKind.route_rules`).

Read with `eventdesk.core.route_access`: callers, then the scope they must be within, the `Need`
at the activity in the URL, and whether the route reads or writes.
"""

from eventdesk.core.access import Need
from eventdesk.core.route_access import (
    BEARERS,
    CITY,
    EVERYONE,
    ORGANIZERS,
    STAFF,
    Caller,
    Rule,
    Scope,
    at_activity,
    public,
)

_SIGNED_IN_OR_NOT = Rule(EVERYONE, Scope.own, write=True)
_CITY_PAGE = Rule(CITY, Scope.city)
_CITY_FORM = Rule(CITY, Scope.city, write=True)
_ORGANIZER_PAGE = Rule(ORGANIZERS, Scope.reach)
_ORGANIZER_FORM = Rule(ORGANIZERS, Scope.reach, write=True)
_ACCOUNTS_PAGE = Rule(ORGANIZERS, Scope.accounts)
_ACCOUNTS_FORM = Rule(ORGANIZERS, Scope.accounts, write=True)
_UNIT_PAGE = Rule(ORGANIZERS, Scope.unit)
_UNIT_FORM = Rule(ORGANIZERS, Scope.unit, write=True)
_BEARER_READ = Rule(BEARERS, Scope.credential)
_BEARER_WRITE = Rule(BEARERS, Scope.credential, write=True)
_TICKET = Rule(EVERYONE, Scope.ticket)

RULES: dict[str, Rule] = {
    # Probes, the icon, static files and the public pages.
    "health.healthz": public(),
    "health.readyz": public(),
    "health.favicon": public(),
    "static": public(),
    "reports.public_summary": public(),
    "tickets.home": public(),
    "tickets.register": public(write=True),
    "tickets.ticket": _TICKET,
    "tickets.ticket_qr": _TICKET,
    # What is held about a ticket's holder, and their request to delete it.
    "tickets.my_data": _TICKET,
    "tickets.request_deletion": Rule(EVERYONE, Scope.ticket, write=True),
    "tickets.deletion_requests": at_activity(Need.manage, ORGANIZERS),
    "tickets.carry_out_deletion": at_activity(Need.manage, ORGANIZERS, write=True),
    # Signing in and out, the language.
    "auth.login": _SIGNED_IN_OR_NOT,
    "auth.logout": Rule(STAFF, Scope.own, write=True),
    "auth.set_language": _SIGNED_IN_OR_NOT,
    # The city's set-up.
    "manage.events": _CITY_PAGE,
    "manage.event_new": _CITY_FORM,
    "manage.event_edit": _CITY_FORM,
    "manage.districts": _CITY_PAGE,
    "manage.district_new": _CITY_FORM,
    "manage.district_edit": _CITY_FORM,
    "manage.departments": _CITY_PAGE,
    "manage.department_new": _CITY_FORM,
    "manage.department_edit": _CITY_FORM,
    "manage.sites": _ORGANIZER_PAGE,
    "manage.site_new": _ORGANIZER_FORM,
    "manage.site_edit": _ORGANIZER_FORM,
    "manage.take_back": _ORGANIZER_FORM,
    "manage.staff": _ACCOUNTS_PAGE,
    "manage.staff_new": _ACCOUNTS_FORM,
    "manage.staff_edit": _ACCOUNTS_FORM,
    "manage.staff_password": _ACCOUNTS_FORM,
    "manage.audit_log": Rule(frozenset({Caller.admin}), Scope.city),
    # Activities, booths, imports.
    "manage.home": Rule(STAFF, Scope.reach),
    "manage.activity_list": Rule(STAFF, Scope.reach),
    "manage.activity_new": _ORGANIZER_FORM,
    "manage.activity_detail": at_activity(Need.view),
    "manage.activity_edit": at_activity(Need.manage, ORGANIZERS, write=True),
    "manage.booth_new": at_activity(Need.manage, ORGANIZERS, write=True),
    "manage.booths_bulk": at_activity(Need.manage, ORGANIZERS, write=True),
    "manage.booth_edit": at_activity(Need.manage, ORGANIZERS, write=True, booth=True),
    "manage.imports_page": at_activity(Need.manage, ORGANIZERS),
    "manage.import_preview": at_activity(Need.manage, ORGANIZERS, write=True),
    "manage.import_run": at_activity(Need.manage, ORGANIZERS, write=True),
    # Registrations and tickets, the desk.
    "tickets.registrations": at_activity(Need.work),
    "tickets.registration": at_activity(Need.work),
    "tickets.new_registration": at_activity(Need.work, write=True),
    "tickets.check_in": at_activity(Need.work, write=True),
    "tickets.revoke": at_activity(Need.manage, ORGANIZERS, write=True),
    "tickets.ticket_sheet": at_activity(Need.work),
    "tickets.try_ticket": at_activity(Need.work, write=True),
    "tickets.desk": at_activity(Need.view),
    "tickets.desk_record": at_activity(Need.view, write=True, booth=True),
    "tickets.desk_void": at_activity(Need.view, write=True, booth=True),
    # Scanners: issued by organizers and the lead department; used by volunteers.
    "scanner.credentials_list": at_activity(Need.scanners, ORGANIZERS | {Caller.department_staff}),
    "scanner.issue": at_activity(Need.scanners, ORGANIZERS | {Caller.department_staff}, write=True),
    "scanner.revoke": at_activity(Need.scanners, ORGANIZERS | {Caller.department_staff}, write=True),
    # The enrolment link's page: its script spends the code through the API.
    "scanner.enrol": public(),
    "scanner.scanner": public(),
    "scanner.manifest": public(),
    "scanner.service_worker": public(),
    # Live counts, the tally, lists and reports.
    "dashboard.index": Rule(STAFF, Scope.reach),
    "dashboard.live": Rule(STAFF, Scope.reach),
    "reports.tally": _ORGANIZER_PAGE,
    "reports.tally_file": _ORGANIZER_PAGE,
    "reports.activity_lists": at_activity(Need.lists, ORGANIZERS | {Caller.department_staff}),
    "reports.list_file": at_activity(Need.lists, ORGANIZERS | {Caller.department_staff}),
    "reports.written_index": Rule(ORGANIZERS | {Caller.department_staff}, Scope.unit),
    "reports.written_report": Rule(ORGANIZERS | {Caller.department_staff}, Scope.unit),
    # The plan's duties.
    "plan.overview": _ORGANIZER_PAGE,
    "plan.duty": _UNIT_PAGE,
    "plan.submission_file": _UNIT_PAGE,
    "plan.load": _CITY_FORM,
    "plan.complete": _UNIT_FORM,
    "plan.reopen": _UNIT_FORM,
    "plan.new_submission": _UNIT_FORM,
    "plan.edit_submission": _UNIT_FORM,
    # The JSON API.
    "api.openapi": public(),
    "api.send_phone_code": public(write=True),
    "api.enrol": Rule(EVERYONE, Scope.enrolment, write=True),
    "api.list_activities": Rule(STAFF, Scope.reach),
    "api.get_activity": _BEARER_READ,
    "api.list_booths": _BEARER_READ,
    "api.get_counts": _BEARER_READ,
    "api.lookup": _BEARER_READ,
    "api.list_actions": _BEARER_READ,
    "api.post_action": _BEARER_WRITE,
    "api.void_recorded_action": _BEARER_WRITE,
    "api.create_registration": Rule(STAFF | {Caller.anonymous}, Scope.activity, write=True, need=Need.work),
    "api.post_scan": _BEARER_WRITE,
    "api.post_batch": _BEARER_WRITE,
    "api.post_walkin": _BEARER_WRITE,
    # An entrance scan's correction: a booth's own staff do not undo the entrance's scans.
    "api.void": Rule(BEARERS, Scope.credential, write=True, need=Need.work),
    "api.stream_counts": Rule(STAFF, Scope.reach),
    "api.get_tally": Rule(ORGANIZERS, Scope.reach),
}
