"""The set-up checklist on an organizer's home page: what a day needs, what is done, and a link
to the next step (event, districts, sites, departments, activities, booths, staff, scanner devices).

An organizer limited to districts or departments sees the steps that are theirs, counted in
their reach.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from eventdesk.core import access
from eventdesk.core.models import (
    Activity,
    Booth,
    Department,
    District,
    Event,
    Role,
    ScannerCredential,
    Site,
    User,
)
from eventdesk.extensions import db


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    count: int
    #: Where to do it: the form that adds the first one, else the list to add more.
    url: str

    @property
    def done(self) -> bool:
        return self.count > 0


def _count(stmt: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def _in_use(model, *conditions) -> sa.Select:
    return sa.select(model.id).where(model.archived_at.is_(None), *conditions)


def _coded_step(key, label, model, list_endpoint, new_endpoint) -> Step:
    count = _count(_in_use(model))
    return Step(key, label, count, url_for(new_endpoint if not count else list_endpoint))


def _activity_without(user: User, model) -> int | None:
    """The first activity in reach that has none of `model` (booths, scanner devices) yet."""
    has = sa.select(model.activity_id)
    if model is Booth:
        has = has.where(Booth.archived_at.is_(None))
    return db.session.scalar(
        _in_use(Activity, access.activity_clause(user), Activity.id.not_in(has))
        .order_by(Activity.opens_at, Activity.id)
        .limit(1)
    )


def setup_steps(user: User) -> list[Step]:
    """The checklist for `user`; empty for staff, who set nothing up."""
    if user.role not in (Role.admin, Role.organizer):
        return []
    steps = []
    if access.is_city_wide(user):
        steps += [
            _coded_step("event", _l("Event"), Event, "manage.events", "manage.event_new"),
            _coded_step("districts", _l("Districts"), District, "manage.districts", "manage.district_new"),
        ]
    if access.may_set_up_sites(user):
        own = sa.true() if access.is_city_wide(user) else Site.district_id.in_(access.district_ids(user))
        sites = _count(_in_use(Site, own))
        steps.append(
            Step("sites", _l("Sites"), sites, url_for("manage.site_new" if not sites else "manage.sites"))
        )
    if access.is_city_wide(user):
        steps.append(
            _coded_step(
                "departments", _l("Departments"), Department, "manage.departments", "manage.department_new"
            )
        )
    reach = access.activity_clause(user)
    activities = _count(_in_use(Activity, reach))
    steps.append(
        Step(
            "activities",
            _l("Activities"),
            activities,
            url_for("manage.activity_new" if not activities else "manage.activity_list"),
        )
    )
    in_reach = sa.select(Activity.id).where(reach, Activity.archived_at.is_(None))
    booths = _count(_in_use(Booth, Booth.activity_id.in_(in_reach)))
    lacking = _activity_without(user, Booth)
    steps.append(
        Step(
            "booths",
            _l("Booths"),
            booths,
            url_for("manage.booths_bulk", activity_id=lacking)
            if lacking
            else url_for("manage.activity_list"),
        )
    )
    staff = sum(
        1
        for account in db.session.scalars(sa.select(User).where(User.role != Role.admin, User.id != user.id))
        if access.account_within(user, account)
    )
    steps.append(
        Step(
            "staff", _l("Staff accounts"), staff, url_for("manage.staff_new" if not staff else "manage.staff")
        )
    )
    devices = _count(sa.select(ScannerCredential.id).where(ScannerCredential.activity_id.in_(in_reach)))
    lacking = _activity_without(user, ScannerCredential)
    steps.append(
        Step(
            "scanners",
            _l("Scanner devices"),
            devices,
            url_for("scanner.credentials_list", activity_id=lacking)
            if lacking
            else url_for("manage.activity_list"),
        )
    )
    return steps


def next_step(steps: list[Step]) -> Step | None:
    return next((step for step in steps if not step.done), None)
