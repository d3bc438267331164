"""A policy consultation fair for tests: departments taking part, a booth each (made by the
fair's service), their materials, scanners and staff; the booths' actions recorded over the
API; the fair's stored facts and figures read back."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.activities.consultation import departments as department_service
from eventdesk.activities.consultation import materials as material_service
from eventdesk.activities.consultation.models import (
    Answer,
    Consultation,
    Handout,
    Leaflet,
    Material,
    PosterRead,
)
from eventdesk.core.models import Action, ActionVoid, Activity, Booth, Registration, TallyCount
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id

#: department → its materials: name → (kind, quantity brought). The first department leads.
DEPARTMENTS = {
    "市扶贫办": {"精准扶贫政策明白卡": ("leaflet", 100)},
    "市人社局": {"就业扶贫政策明白卡": ("leaflet", 50), "职业技能培训手册": ("brochure", 10)},
    "市民政局": {"社会救助政策问答": ("brochure", 20), "环保购物袋": ("item", 5)},
}


@dataclass
class Fair:
    """Ids and tokens of a consultation fair set up for a test."""

    activity: int
    day: object
    departments: dict[str, int]
    #: department → its booth's id.
    booths: dict[str, int]
    materials: dict[str, int]
    #: Bearer tokens: a scanner of the whole fair, one bound to each booth, staff tokens.
    scanner: str
    booth_scanners: dict[str, str]
    organizer: str
    organizer_email: str
    #: department → (e-mail, bearer token) of a staff account scoped to the department.
    department_staff: dict[str, tuple[str, str]]
    #: department → e-mail of a staff account scoped to the department's booth.
    booth_staff: dict[str, str]
    visitors: dict[str, tuple[int, str]] = field(default_factory=dict)

    def booth(self, department: str) -> int:
        return self.booths[department]


def build_fair(app, departments=DEPARTMENTS, *, days=None, **activity_options) -> Fair:
    """A consultation fair of `departments` (the first leads), one booth each: today, or within an
    event of `days` (first and last) with the opening hours given."""
    with app.app_context():
        event = factories.event(starts_on=days[0], ends_on=days[1]) if days else None
        made = {name: factories.department(name=name) for name in departments}
        lead, *cooperators = made.values()
        activity = factories.activity(event, kind="consultation", lead=lead, **activity_options)
        activity.cooperators = cooperators
        db.session.flush()
        department_service.add_department_booths(activity)
        booth_of = {booth.department_id: booth for booth in activity.booths}
        booths = {name: booth_of[department.id].id for name, department in made.items()}
        materials = {}
        for name, offered in departments.items():
            booth = booth_of[made[name].id]
            for title, (kind, brought) in offered.items():
                material = material_service.add_material(
                    booth, material_service.MaterialInput(name=title, kind=kind, brought=brought)
                )
                materials[title] = material.id
        organizer = factories.user("organizer")
        department_staff = {}
        for name, department in made.items():
            user = factories.user("staff", scopes=[{"department_id": department.id}])
            department_staff[name] = (user.email, factories.staff_token(user))
        booth_staff = {
            name: factories.user("staff", scopes=[{"booth_id": booth_id}]).email
            for name, booth_id in booths.items()
        }
        fair = Fair(
            activity=activity.id,
            day=activity.day,
            departments={name: department.id for name, department in made.items()},
            booths=booths,
            materials=materials,
            scanner=factories.scanner_token(activity),
            booth_scanners={
                name: factories.scanner_token(activity, booth_=db.session.get(Booth, booth_id))
                for name, booth_id in booths.items()
            },
            organizer=factories.staff_token(organizer),
            organizer_email=organizer.email,
            department_staff=department_staff,
            booth_staff=booth_staff,
        )
        db.session.commit()
    return fair


def add_visitor(app, fair: Fair, name: str, phone: str) -> tuple[int, str]:
    """A visitor registered by staff; returns (registration id, ticket token)."""
    with app.app_context():
        registration = registrations.register(
            db.session.get(Activity, fair.activity),
            registrations.RegistrationRequest(name=name, phone=phone, consent=True),
            source="staff",
        )
        db.session.commit()
        fair.visitors[name] = (registration.id, registration.token)
        return registration.id, registration.token


def consult(api: Api, fair: Fair, department: str, topic: str, **body):
    """POST …/actions/consult at `department`'s booth; `fields` adds to the topic."""
    request = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", fair.booth(department)),
        "fields": {"topic": topic, **body.pop("fields", {})},
        **body,
    }
    return api.post(f"/activities/{fair.activity}/actions/consult", request)


def handout(api: Api, fair: Fair, department: str, material: str, quantity, **body):
    request = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", fair.booth(department)),
        "fields": body.pop("fields", {"material_id": str(fair.materials[material]), "quantity": quantity}),
        **body,
    }
    return api.post(f"/activities/{fair.activity}/actions/handout", request)


def answer(api: Api, fair: Fair, department: str, consultation_id, note="已电话答复", **body):
    request = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", fair.booth(department)),
        "fields": body.pop("fields", {"consultation_id": str(consultation_id), "note": note}),
        **body,
    }
    return api.post(f"/activities/{fair.activity}/actions/answer", request)


def void(api: Api, action_id: int, reason="录错了"):
    return api.post(f"/actions/{action_id}/void", {"reason": reason})


def left_of(app, material_id: int) -> int:
    with app.app_context():
        return db.session.get(Material, material_id).left


def stored_facts(app) -> dict:
    """Everything the fair has stored: to show that a refusal changed nothing."""
    with app.app_context():
        rows = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (
                Consultation,
                Handout,
                Answer,
                Material,
                Leaflet,
                PosterRead,
                Action,
                ActionVoid,
                Registration,
            )
        }
        rows["handed_out"] = sorted(db.session.execute(sa.select(Material.id, Material.handed_out)).all())
        rows["answered"] = sorted(
            db.session.execute(sa.select(Consultation.id, Consultation.answer_action_id)).all()
        )
        rows["tally"] = sorted(
            db.session.execute(
                sa.select(
                    TallyCount.local_day,
                    TallyCount.booth_id,
                    TallyCount.metric,
                    sa.func.sum(TallyCount.value),
                ).group_by(TallyCount.local_day, TallyCount.booth_id, TallyCount.metric)
            ).all()
        )
        return rows
