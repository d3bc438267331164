"""Building domain objects for tests (inside an app context; they flush, the test commits)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from werkzeug.security import generate_password_hash

from eventdesk.core.models import (
    Activity,
    Booth,
    Department,
    District,
    Event,
    Person,
    Registration,
    Site,
    User,
    UserScope,
    utcnow,
)
from eventdesk.extensions import db

PASSWORD = "correct horse battery"
SHANGHAI = ZoneInfo("Asia/Shanghai")
_counter = itertools.count(1)
# Hashing is slow on purpose; tests share one hash of the one password they use.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def _n() -> int:
    return next(_counter)


def district(name=None, code=None) -> District:
    n = _n()
    obj = District(code=code or f"d{n}", name=name or f"区县{n}", name_en=f"District {n}")
    db.session.add(obj)
    db.session.flush()
    return obj


def department(name=None, code=None) -> Department:
    n = _n()
    obj = Department(code=code or f"dept{n}", name=name or f"部门{n}", name_en=f"Department {n}")
    db.session.add(obj)
    db.session.flush()
    return obj


def site(district_=None, name=None) -> Site:
    n = _n()
    obj = Site(district_id=(district_ or district()).id, name=name or f"广场{n}", name_en=f"Square {n}")
    db.session.add(obj)
    db.session.flush()
    return obj


def event(starts_on=None, ends_on=None, timezone="Asia/Shanghai", is_demo=False) -> Event:
    today = utcnow().astimezone(ZoneInfo(timezone)).date()
    obj = Event(
        name=f"扶贫日{_n()}",
        name_en="Poverty Alleviation Day",
        timezone=timezone,
        starts_on=starts_on or today,
        ends_on=ends_on or starts_on or today,
        is_demo=is_demo,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def activity(
    event_=None,
    *,
    kind="consultation",
    site_=None,
    lead=None,
    opens_at=None,
    closes_at=None,
    capacity=None,
    registration_open=True,
    booths=0,
) -> Activity:
    """An activity open all of today (local time) unless hours are given."""
    event_ = event_ or event()
    if opens_at is None:
        midnight = dt.datetime.combine(event_.starts_on, dt.time(), tzinfo=ZoneInfo(event_.timezone))
        opens_at, closes_at = midnight, midnight + dt.timedelta(days=1)
    obj = Activity(
        event_id=event_.id,
        kind=kind,
        name=f"活动{_n()}",
        site_id=(site_ or site()).id,
        lead_department_id=(lead or department()).id,
        opens_at=opens_at,
        closes_at=closes_at,
        capacity=capacity,
        registration_open=registration_open,
    )
    db.session.add(obj)
    db.session.flush()
    for _ in range(booths):
        booth(obj)
    return obj


def booth(activity_, name=None, department_=None) -> Booth:
    obj = Booth(
        activity_id=activity_.id,
        name=name or f"展位{_n()}",
        department_id=department_.id if department_ else None,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role="organizer", *, email=None, scopes=()) -> User:
    """A staff account with the shared test password; `scopes` are UserScope keyword dicts."""
    obj = User(
        email=email or f"user{_n()}@example.org",
        name=f"Staff {_n()}",
        role=role,
        password_hash=_PASSWORD_HASH,
    )
    obj.scopes = [UserScope(**scope) for scope in scopes]
    db.session.add(obj)
    db.session.flush()
    return obj


def person(name=None, phone=None) -> Person:
    n = _n()
    obj = Person(name=name or f"群众{n}", phone=phone or f"139{n:08d}")
    db.session.add(obj)
    db.session.flush()
    return obj


def registration(activity_, person_=None, *, revoked=False) -> Registration:
    """A ticket made by the registration service (so the tally counts it), for `person_` or someone new."""
    from eventdesk.core.services import registrations

    person_ = person_ or person()
    obj = registrations.register(
        activity_,
        registrations.RegistrationRequest(name=person_.name, phone=person_.phone, consent=True),
        source="staff",
    )
    if revoked:
        registrations.revoke(obj)
    return obj


def scanner_token(activity_, *, booth_=None, hours=24, label="志愿者小王") -> str:
    """A scanner credential's bearer token for `activity_` (optionally bound to `booth_`)."""
    from eventdesk.core.services import credentials

    _credential, token, _code = credentials.issue(activity_, label=label, booth=booth_, hours=hours)
    return token


def staff_token(user_, hours=24) -> str:
    from eventdesk.core.services import users

    return users.issue_api_token(user_, hours=hours)
