"""The OpenAPI 3.1 document of the JSON API, served at /api/v1/openapi.json.

Kept beside the endpoints it describes; a test validates real answers against it.
"""

import copy

from flask import jsonify

from eventdesk.api import bp
from eventdesk.core.kinds import all_kinds
from eventdesk.core.search import SEARCH_MAX_LENGTH
from eventdesk.errors import REASONS


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_content(description: str) -> dict:
    return json_content(ref("Error"), description)


_NULLABLE_STRING = {"type": ["string", "null"]}
_TIME = {"type": "string", "format": "date-time", "description": "RFC 3339 with the event's offset"}
ID = {"type": "integer", "minimum": 1}
_NAMES = {
    "type": "object",
    "description": "The name in each language (the Chinese one where no English one is set)",
    "required": ["zh_Hans", "en"],
    "properties": {"zh_Hans": {"type": "string"}, "en": {"type": "string"}},
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "a stable reason code"},
                    "message": {"type": "string", "description": "translated by Accept-Language"},
                    "field": {"type": "string", "description": "the input at fault, when one is"},
                },
            }
        },
    },
    "Activity": {
        "type": "object",
        "required": ["id", "kind", "name", "site", "district", "opens_at", "closes_at", "registration_open"],
        "additionalProperties": False,
        "properties": {
            "id": ID,
            "kind": {"type": "string", "examples": ["consultation", "jobfair", "health", "handover"]},
            "name": {"type": "string"},
            "site": {"type": "string"},
            "district": {"type": "string"},
            "opens_at": _TIME,
            "closes_at": _TIME,
            "registration_open": {"type": "boolean"},
        },
    },
    "Booth": {
        "type": "object",
        "required": ["id", "name", "department"],
        "additionalProperties": False,
        "properties": {"id": ID, "name": {"type": "string"}, "department": _NULLABLE_STRING},
    },
    "Counts": {
        "type": "object",
        "required": [
            "registered",
            "checked_in",
            "walk_ins",
            "attendance",
            "inside",
            "booth_visits",
            "scans",
            "duplicates",
            "rejected",
            "booths",
            "metrics",
        ],
        "additionalProperties": False,
        "properties": {
            "registered": {"type": "integer", "description": "registrations not revoked"},
            "checked_in": {"type": "integer", "description": "distinct registrations with an accepted scan"},
            "walk_ins": {"type": "integer", "description": "people counted at the entrance without a ticket"},
            "attendance": {"type": "integer", "description": "checked_in + walk_ins"},
            "inside": {"type": "integer", "description": "checked in at the entrance and not out"},
            "booth_visits": {"type": "integer", "description": "accepted booth scans + booth walk-ins"},
            "scans": {"type": "integer"},
            "duplicates": {"type": "integer"},
            "rejected": {"type": "integer"},
            "booths": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "visits", "walk_ins"],
                    "additionalProperties": False,
                    "properties": {
                        "id": ID,
                        "name": {"type": "string"},
                        "visits": {"type": "integer"},
                        "walk_ins": {"type": "integer"},
                    },
                },
            },
            "metrics": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "the activity kind's own figures",
            },
        },
    },
    "ActionField": {
        "type": "object",
        "required": ["name", "label", "type", "required"],
        "properties": {
            "name": {"type": "string"},
            "label": {"type": "string", "description": "in the caller's language"},
            "type": {"enum": ["text", "number", "boolean", "choice", "date", "image"]},
            "required": {"type": "boolean"},
            "choices": {
                "type": "array",
                "description": "computed for the booth (its postings, its stock, its services)",
                "items": {
                    "type": "object",
                    "required": ["value", "label"],
                    "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
                },
            },
            "minimum": {"type": "integer"},
            "maximum": {"type": "integer"},
            "max_length": {"type": "integer"},
            "max_bytes": {"type": "integer", "description": "image: the largest picture taken, in bytes"},
        },
    },
    "ActionList": {
        "type": "object",
        "required": ["actions"],
        "additionalProperties": False,
        "properties": {
            "actions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "label", "ticket", "fields"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string"},
                        "label": {"type": "string"},
                        "ticket": {"enum": ["required", "optional", "none"]},
                        "fields": {"type": "array", "items": ref("ActionField")},
                    },
                },
            }
        },
    },
    "ActionRequest": {
        "type": "object",
        "required": ["client_action_id"],
        "description": "At most one of token, registration_id, ticket_code names the person.",
        "properties": {
            "client_action_id": {"type": "string", "format": "uuid", "description": "made by the device"},
            "booth_id": ID,
            "token": {"type": "string", "minLength": 1, "maxLength": 2048},
            "registration_id": ID,
            "ticket_code": {"type": "string", "minLength": 1, "maxLength": 32},
            "fields": {
                "type": "object",
                "description": "the action's fields, as GET …/actions describes them",
            },
            "recorded_at": {"type": "string", "format": "date-time"},
        },
    },
    "ActionAnswer": {
        "type": "object",
        "required": ["action_id", "action", "result", "counts"],
        "description": "An action that makes something names it too (application_id, consultation_id …).",
        "properties": {
            "action_id": ID,
            "action": {"type": "string"},
            "result": {"const": "recorded"},
            "counts": ref("Counts"),
        },
        "additionalProperties": {"type": ["integer", "string", "null"]},
    },
    "ScanRequest": {
        "type": "object",
        "required": ["client_scan_id"],
        "description": "Exactly one of token, registration_id, ticket_code names the ticket.",
        "oneOf": [{"required": [name]} for name in ("token", "registration_id", "ticket_code")],
        "properties": {
            "client_scan_id": {"type": "string", "format": "uuid", "description": "made by the device"},
            "token": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "the bare ticket token or the whole ticket URL read from the QR code",
            },
            "registration_id": ID,
            "ticket_code": {"type": "string", "minLength": 1, "maxLength": 32},
            "booth_id": {**ID, "description": "absent at the activity's entrance"},
            "direction": {"type": "string", "enum": ["in", "out"], "default": "in"},
            "scanned_at": {**_TIME, "description": "when the device scanned (offline scans)"},
            "activity_id": {
                **ID,
                "description": "required with a staff token; a scanner's credential names it",
            },
        },
    },
    "WalkinRequest": {
        "type": "object",
        "required": ["client_scan_id"],
        "properties": {
            "kind": {"const": "walkin", "description": "required inside a batch"},
            "client_scan_id": {"type": "string", "format": "uuid"},
            "count": {"type": "integer", "minimum": 1, "maximum": 500, "default": 1},
            "booth_id": ID,
            "scanned_at": _TIME,
            "activity_id": ID,
        },
    },
    "ScanResult": {
        "type": "object",
        "required": ["result", "reason", "message", "scan_id", "person"],
        "additionalProperties": False,
        "properties": {
            "result": {"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
            "reason": {
                "type": ["string", "null"],
                "enum": [
                    None,
                    "unknown_token",
                    "wrong_activity",
                    "wrong_event",
                    "wrong_booth",
                    "revoked",
                    "not_open",
                    "malformed",
                    "credential_expired",
                    "client_scan_id_reused",
                    "already_in",
                    "not_inside",
                    "already_visited",
                ],
            },
            "message": {**_NULLABLE_STRING, "description": "the reason, translated"},
            "scan_id": {"type": ["integer", "null"], "description": "null for a malformed batch item"},
            "person": {
                "type": ["object", "null"],
                "required": ["name_masked", "category"],
                "additionalProperties": False,
                "properties": {"name_masked": {"type": "string"}, "category": {"type": "string"}},
            },
            "first_seen": {
                "type": "object",
                "required": ["at", "device"],
                "additionalProperties": False,
                "properties": {"at": _TIME, "device": {"type": "string"}},
                "description": "a duplicate: when and by which device the ticket was first accepted there",
            },
            "expected_activity": {
                "type": "object",
                "required": ["id", "name"],
                "additionalProperties": False,
                "properties": {"id": ID, "name": {"type": "string"}},
            },
            "field": {"type": "string", "description": "a malformed batch item: the input at fault"},
            "counts": ref("Counts"),
        },
    },
    "RegistrationRequest": {
        "type": "object",
        "required": ["name", "phone", "consent"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "phone": {
                "type": "string",
                "minLength": 1,
                "maxLength": 30,
                "description": "mainland mobile number; +86, spaces and dashes allowed",
            },
            "id_number": {"type": "string", "description": "resident ID number (GB 11643), optional"},
            "village": {"type": "string"},
            "consent": {"type": "boolean", "const": True},
            "fields": {"type": "object", "description": "the activity kind's own answers"},
            "verification_code": {
                "type": "string",
                "maxLength": 10,
                "description": "the code texted to the phone, when the installation asks for one",
            },
        },
    },
    "Registration": {
        "type": "object",
        "required": ["registration_id", "ticket_url", "ticket_code", "token"],
        "additionalProperties": False,
        "properties": {
            "registration_id": ID,
            "ticket_url": {"type": "string", "format": "uri"},
            "ticket_code": {"type": "string", "description": "short, to read aloud"},
            "token": {"type": "string"},
        },
    },
    "LookupResult": {
        "type": "object",
        "required": ["results"],
        "properties": {
            "results": {
                "type": "array",
                "maxItems": 20,
                "items": {
                    "type": "object",
                    "required": [
                        "registration_id",
                        "name_masked",
                        "phone_masked",
                        "category",
                        "checked_in",
                        "inside",
                        "revoked",
                    ],
                    "additionalProperties": False,
                    "properties": {
                        "registration_id": ID,
                        "name_masked": {"type": "string"},
                        "phone_masked": {"type": "string"},
                        "category": {"type": "string"},
                        "checked_in": {"type": "boolean"},
                        "inside": {"type": "boolean"},
                        "revoked": {"type": "boolean"},
                    },
                },
            }
        },
    },
    "Enrolment": {
        "type": "object",
        "required": ["already_enrolled", "token", "label", "expires_at", "activity", "booth"],
        "additionalProperties": False,
        "properties": {
            "already_enrolled": {
                "type": "boolean",
                "description": "the code was spent, but the phone's own bearer token is a valid access",
            },
            "token": {"type": ["string", "null"], "description": "null when already enrolled"},
            "label": {"type": "string"},
            "expires_at": _TIME,
            "activity": {
                "type": "object",
                "required": ["id", "name", "names", "kind"],
                "properties": {
                    "id": ID,
                    "name": {"type": "string"},
                    "names": _NAMES,
                    "kind": {"type": "string"},
                },
            },
            "booth": {
                "type": ["object", "null"],
                "required": ["id", "name", "names"],
                "properties": {"id": ID, "name": {"type": "string"}, "names": _NAMES},
            },
        },
    },
    "TallyRow": {
        "type": "object",
        "required": [
            "date",
            "district",
            "site_id",
            "site",
            "activity_id",
            "activity",
            "kind",
            "department",
            "booth_id",
            "metric",
            "value",
        ],
        "additionalProperties": False,
        "properties": {
            "date": {"type": "string", "format": "date", "description": "the event's local day"},
            "district": {"type": "string"},
            "site_id": ID,
            "site": {"type": "string"},
            "activity_id": ID,
            "activity": {"type": "string"},
            "kind": {"type": "string", "examples": ["consultation", "jobfair", "health", "handover"]},
            "department": {
                **_NULLABLE_STRING,
                "description": "an activity's row: its lead department; a booth's row: the booth's",
            },
            "booth_id": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "null: the figure of the activity as a whole",
            },
            "metric": {
                "type": "string",
                "description": (
                    "activity: registered, checked_in, walk_ins, attendance, inside, booth_visits, entries, "
                    "exits, scans, duplicates, rejected, and the kind's own; booth: visits, walk_ins "
                    "(visits without a ticket), booth_visits, scans, duplicates, rejected, and the kind's own"
                ),
            },
            "value": {"type": "integer"},
        },
    },
}

ACTIVITY_ID = {"name": "activity_id", "in": "path", "required": True, "schema": ID}
UNAUTHORIZED = {
    "401": error_content("no valid credential"),
    "403": error_content("a valid credential without the right"),
}
BEARER = [{"bearer": []}]

PATHS = {
    "/activities": {
        "get": {
            "summary": "Activities of the current event (or ?event=ID) the staff member may see",
            "security": BEARER,
            "parameters": [{"name": "event", "in": "query", "required": False, "schema": ID}],
            "responses": {
                "400": error_content("invalid_field: event"),
                "200": json_content({"type": "array", "items": ref("Activity")}, "activities"),
                "404": error_content("no such event"),
                **UNAUTHORIZED,
            },
        }
    },
    "/activities/{activity_id}": {
        "get": {
            "summary": "One activity",
            "security": BEARER,
            "parameters": [ACTIVITY_ID],
            "responses": {
                "200": json_content(ref("Activity"), "the activity"),
                "404": error_content("not found"),
                **UNAUTHORIZED,
            },
        }
    },
    "/activities/{activity_id}/booths": {
        "get": {
            "summary": "Booths of an activity",
            "security": BEARER,
            "parameters": [ACTIVITY_ID],
            "responses": {
                "200": json_content({"type": "array", "items": ref("Booth")}, "booths"),
                "404": error_content("not found"),
                **UNAUTHORIZED,
            },
        }
    },
    "/activities/{activity_id}/counts": {
        "get": {
            "summary": "The activity's live counts",
            "security": BEARER,
            "parameters": [ACTIVITY_ID],
            "responses": {
                "200": json_content(ref("Counts"), "counts"),
                "404": error_content("not found"),
                **UNAUTHORIZED,
            },
        }
    },
    "/activities/{activity_id}/actions": {
        "get": {
            "summary": "The actions the caller may record at a booth (its kind's, with their fields)",
            "security": BEARER,
            "parameters": [
                ACTIVITY_ID,
                {"name": "booth_id", "in": "query", "required": False, "schema": ID},
            ],
            "responses": {
                "200": json_content(ref("ActionList"), "the actions offered there"),
                "404": error_content("no such activity or booth"),
                **UNAUTHORIZED,
            },
        }
    },
    "/activities/{activity_id}/actions/{name}": {
        "post": {
            "summary": "Record an action (an application, a consultation, a service, a handover …)",
            "description": (
                "The same client_action_id with the same content is answered with the first answer "
                "(200); with other content it is refused (409 client_action_id_reused)."
            ),
            "security": BEARER,
            "parameters": [
                ACTIVITY_ID,
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 30},
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("ActionRequest")}},
            },
            "responses": {
                "201": json_content(ref("ActionAnswer"), "recorded"),
                "200": json_content(ref("ActionAnswer"), "a replay, answered as the first time"),
                "400": error_content("malformed request"),
                "404": error_content("no such activity or action"),
                "409": error_content(
                    "a rule refused it: the kind's codes, wrong_booth, not_offered, unknown_token, …"
                ),
                "422": error_content("invalid_field: a field missing or out of its type or choices"),
                **UNAUTHORIZED,
            },
        }
    },
    "/activities/{activity_id}/lookup": {
        "get": {
            "summary": "Find tickets by name, last four phone digits or ticket code (masked results)",
            "security": BEARER,
            "parameters": [
                ACTIVITY_ID,
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1, "maxLength": SEARCH_MAX_LENGTH},
                },
            ],
            "responses": {
                "200": json_content(ref("LookupResult"), "matches"),
                "400": error_content("no query"),
                "429": error_content("rate_limited: more searches a minute than a volunteer types"),
                **UNAUTHORIZED,
            },
        }
    },
    "/activities/{activity_id}/registrations": {
        "post": {
            "summary": "Register a person (public, rate-limited; with a staff token, on someone's behalf)",
            "parameters": [ACTIVITY_ID],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("RegistrationRequest")}},
            },
            "responses": {
                "200": json_content(
                    ref("Registration"),
                    "registered before: the earlier ticket, given back only where phones are proven by a "
                    "texted code",
                ),
                "201": json_content(ref("Registration"), "registered; the ticket"),
                "400": error_content("bad input, or verification_required"),
                "401": error_content("a bearer token was sent and is no valid credential"),
                "403": error_content("registration_closed, or a staff token for an activity not theirs"),
                "404": error_content("no such activity"),
                "409": error_content("already_registered, phone_limit or capacity_full"),
                "429": error_content("rate_limited"),
            },
        }
    },
    "/phone-verifications": {
        "post": {
            "summary": "Text a registration code to a phone (only when the installation asks for one)",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["phone"],
                            "properties": {"phone": {"type": "string", "minLength": 1, "maxLength": 40}},
                        }
                    }
                },
            },
            "responses": {
                "204": {"description": "sent"},
                "400": error_content("invalid_phone"),
                "409": error_content("verification_off (phones are not checked by text message here)"),
                "429": error_content("rate_limited"),
            },
        }
    },
    "/scans": {
        "post": {
            "summary": "Judge one scan (a judged scan is an answer: 200)",
            "security": BEARER,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("ScanRequest")}},
            },
            "responses": {
                "200": json_content(ref("ScanResult"), "the judged scan, with the activity's counts"),
                "400": error_content("malformed request"),
                "404": error_content("not_found: a staff token's activity_id names no activity"),
                "409": error_content("client_scan_id_reused"),
                "413": error_content("body_too_large"),
                **UNAUTHORIZED,
            },
        }
    },
    "/scans/batch": {
        "post": {
            "summary": "Judge an offline queue in order",
            "description": "An expired (not revoked) credential may still sync the scans it made in time.",
            "security": BEARER,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["scans"],
                            "properties": {
                                "scans": {
                                    "type": "array",
                                    "maxItems": 1000,
                                    "items": {"anyOf": [ref("ScanRequest"), ref("WalkinRequest")]},
                                }
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_content(
                    {
                        "type": "object",
                        "required": ["results"],
                        "properties": {
                            "results": {"type": "array", "items": ref("ScanResult")},
                            "counts": ref("Counts"),
                        },
                    },
                    "one result per item, in order (without counts), and the counts once",
                ),
                "400": error_content("malformed envelope"),
                "404": error_content("not_found: a staff token's activity_id names no activity"),
                "413": error_content("batch_too_large or body_too_large: nothing written"),
                **UNAUTHORIZED,
            },
        }
    },
    "/actions/{action_id}/void": {
        "post": {
            "summary": "Take an action back: its figures are undone, the fact stays with its void",
            "description": (
                "Staff who manage the activity, any; the scanner or staff member who recorded it, within "
                "30 minutes."
            ),
            "security": BEARER,
            "parameters": [{"name": "action_id", "in": "path", "required": True, "schema": ID}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["reason"],
                            "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500}},
                        }
                    }
                },
            },
            "responses": {
                "200": json_content(
                    {
                        "type": "object",
                        "required": ["action_id", "voided", "counts"],
                        "additionalProperties": False,
                        "properties": {"action_id": ID, "voided": {"const": True}, "counts": ref("Counts")},
                    },
                    "voided, and the counts without it",
                ),
                "400": error_content("malformed request"),
                "404": error_content("no such action"),
                "409": error_content("already_voided or void_window_passed"),
                "422": error_content("invalid_field: no reason"),
                **UNAUTHORIZED,
            },
        }
    },
    "/scans/{scan_id}/void": {
        "post": {
            "summary": "Undo an accepted scan or walk-in with a correction that voids it",
            "description": (
                "A scanner may undo its own scans of the last 30 minutes; staff who manage the activity, "
                "any. An entrance scan can be undone only while it is the ticket's latest one."
            ),
            "security": BEARER,
            "parameters": [{"name": "scan_id", "in": "path", "required": True, "schema": ID}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["client_scan_id"],
                            "properties": {
                                "client_scan_id": {"type": "string", "format": "uuid"},
                                "activity_id": {**ID, "description": "required with a staff token"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_content(
                    {
                        "type": "object",
                        "required": ["scan_id", "voided_scan_id", "counts"],
                        "additionalProperties": False,
                        "properties": {"scan_id": ID, "voided_scan_id": ID, "counts": ref("Counts")},
                    },
                    "the correction, and the counts without the undone scan",
                ),
                "400": error_content("malformed request"),
                "404": error_content("no such scan at this activity"),
                "409": error_content("not_voidable, already_voided, not_latest or client_scan_id_reused"),
                **UNAUTHORIZED,
            },
        }
    },
    "/walkins": {
        "post": {
            "summary": "Count people who came without a ticket (entrance, or visits at a booth)",
            "security": BEARER,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("WalkinRequest")}},
            },
            "responses": {
                "200": json_content(ref("ScanResult"), "the judged walk-in, with the activity's counts"),
                "400": error_content("malformed request"),
                "404": error_content("not_found: a staff token's activity_id names no activity"),
                "409": error_content("client_scan_id_reused"),
                **UNAUTHORIZED,
            },
        }
    },
    "/stream/counts": {
        "get": {
            "summary": "Server-sent events: a `counts` event whenever an activity's counts change",
            "description": (
                "Accepts the staff session cookie as well as a bearer token (EventSource cannot send "
                'headers). Each event\'s data is {"activity_id", "counts"} with counts as in '
                "GET /activities/{activity_id}/counts; the stream opens with every activity's counts."
            ),
            "security": [{"bearer": []}, {"session": []}],
            "parameters": [{"name": "event", "in": "query", "required": False, "schema": ID}],
            "responses": {
                "400": error_content("invalid_field: event"),
                "200": {
                    "description": "the stream",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "404": error_content("no current event"),
                "503": error_content("streams_busy: too many open streams on this worker; poll instead"),
                **UNAUTHORIZED,
            },
        }
    },
    "/tally": {
        "get": {
            "summary": "One local day's tally: each figure of each activity and booth the caller may see",
            "description": "Organizers and administrators; an organizer with scopes sees only their scopes.",
            "security": [{"bearer": []}],
            "parameters": [
                {
                    "name": "date",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                    "description": "YYYY-MM-DD; default: today in the current event's time zone",
                },
                {"name": "event", "in": "query", "required": False, "schema": ID},
            ],
            "responses": {
                "200": json_content(
                    {
                        "type": "object",
                        "required": ["rows"],
                        "additionalProperties": False,
                        "properties": {"rows": {"type": "array", "items": ref("TallyRow")}},
                    },
                    "the figures in long form",
                ),
                "400": error_content("invalid_field: date or event"),
                **UNAUTHORIZED,
            },
        }
    },
    "/scanner/enrol": {
        "post": {
            "summary": "Exchange a one-time enrolment code for a scanner's bearer token",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["code"],
                            "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 128}},
                        }
                    }
                },
            },
            "responses": {
                "200": json_content(
                    ref("Enrolment"),
                    "the device's token, the code now spent; or, for a phone sending its own valid "
                    "access as a bearer token, that access (already_enrolled)",
                ),
                "400": error_content("enrol_code_used"),
                "429": error_content("rate_limited: one code tried too often, or too many from one address"),
            },
        }
    },
}


def document() -> dict:
    # Read when asked: activity kinds and areas add their reason codes as the app starts.
    schemas = copy.deepcopy(SCHEMAS)
    schemas["Error"]["properties"]["error"]["properties"]["code"]["enum"] = sorted(REASONS)
    paths = copy.deepcopy(PATHS)
    for kind in all_kinds():
        paths.update(copy.deepcopy(dict(kind.openapi_paths)))
        schemas.update(copy.deepcopy(dict(kind.openapi_schemas)))
    _document_not_found(paths)
    _document_database_unavailable(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EventDesk API",
            "version": "1",
            "description": (
                "Registrations, QR check-in and live counts. Errors are JSON "
                '{"error": {"code", "message"}} with a 4xx status, or 503 database_unavailable '
                "(with Retry-After) while the database is away; messages follow Accept-Language."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a scanner credential (one device) or a staff member's personal token",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


def _document_not_found(paths: dict) -> None:
    """Every operation whose path names something answers 404 when there is no such thing (an id
    too large for the database included): say so where the operation does not already."""
    for path, operations in paths.items():
        if "{" not in path:
            continue
        for name, operation in operations.items():
            responses = operation.get("responses") if name in _METHODS else None
            if responses is not None and "404" not in responses:
                responses["404"] = error_content("not_found: nothing with that id here")


def _document_database_unavailable(paths: dict) -> None:
    """Every operation reads the database (a credential at least): while the database is away it
    answers 503 ``database_unavailable`` with Retry-After, and the same request may be sent again."""
    for operations in paths.values():
        for name, operation in operations.items():
            responses = operation.get("responses") if name in _METHODS else None
            if responses is not None:
                responses["503"] = {
                    **error_content("database_unavailable: nothing was done; send the same request again"),
                    "headers": {
                        "Retry-After": {
                            "description": "seconds to wait before trying again",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    },
                }


_METHODS = frozenset({"get", "put", "post", "delete", "patch"})


@bp.get("/openapi.json")
def openapi():
    """The API's OpenAPI document."""
    return jsonify(document())
