"""A job fair for tests: employers and postings made through the fair's services, the stands'
staff and scanners, seekers with their profiles; the stand's actions recorded over the API; the
fair's stored facts and figures read back."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.activities.jobfair import employers as employer_service
from eventdesk.activities.jobfair.models import Application, Employer, Outcome, Posting
from eventdesk.core.models import Action, ActionVoid, Activity, Registration, TallyCount
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id

#: employer name → (kind, stand number, postings: title → (positions, public-welfare, education)).
STANDS = {
    "市人民医院": (
        "public_institution",
        "A01",
        {"护工": (2, False, "junior_high"), "保洁员": (3, False, None)},
    ),
    "宏达建材有限公司": ("private", "B01", {"操作工": (5, False, "junior_high")}),
    "黄堡镇人民政府": ("government", None, {"乡村保洁员": (4, True, None)}),
}


@dataclass
class Fair:
    """Ids and tokens of a job fair set up for a test."""

    activity: int
    day: object
    booths: dict[str, int]
    employers: dict[str, int]
    postings: dict[str, int]
    #: Bearer tokens: a scanner of the whole fair, one bound to each stand, staff tokens.
    scanner: str
    stand_scanners: dict[str, str]
    organizer: str
    organizer_email: str
    #: A staff account scoped to the first stand (the employer's own), and its bearer token.
    stand_staff_email: str
    stand_staff: str
    outsider_email: str
    seekers: dict[str, tuple[int, str]] = field(default_factory=dict)

    def stand(self, employer: str) -> int:
        return self.booths[employer]


def build_fair(app, stands=STANDS, *, days=None, **activity_options) -> Fair:
    """A job fair with `stands`, its staff and scanners: today, or within an event of `days`
    (first and last) with the opening hours given."""
    with app.app_context():
        event = factories.event(starts_on=days[0], ends_on=days[1]) if days else None
        activity = factories.activity(event, kind="jobfair", **activity_options)
        booths, employer_ids, postings = {}, {}, {}
        for name, (kind, number, offered) in stands.items():
            employer = employer_service.create_employer(
                activity,
                employer_service.EmployerInput(
                    name=name,
                    kind=kind,
                    contact_name="联系人",
                    contact_phone="0919-3152100",
                    stand_number=number,
                ),
            )
            booths[name], employer_ids[name] = employer.booth_id, employer.id
            for title, (positions, welfare, education) in offered.items():
                posting = employer_service.create_posting(
                    employer,
                    employer_service.PostingInput(
                        title=title, positions=positions, public_welfare=welfare, education=education
                    ),
                )
                postings[title] = posting.id
        first = next(iter(booths.values()))
        organizer = factories.user("organizer")
        stand_staff = factories.user("staff", scopes=[{"booth_id": first}])
        outsider = factories.user("staff", scopes=[{"booth_id": list(booths.values())[1]}])
        fair = Fair(
            activity=activity.id,
            day=activity.day,
            booths=booths,
            employers=employer_ids,
            postings=postings,
            scanner=factories.scanner_token(activity),
            stand_scanners={
                name: factories.scanner_token(activity, booth_=db.session.get(Employer, employer_id).booth)
                for name, employer_id in employer_ids.items()
            },
            organizer=factories.staff_token(organizer),
            organizer_email=organizer.email,
            stand_staff_email=stand_staff.email,
            stand_staff=factories.staff_token(stand_staff),
            outsider_email=outsider.email,
        )
        db.session.commit()
    return fair


def add_seeker(app, fair: Fair, name: str, phone: str, **fields) -> tuple[int, str]:
    """A seeker registered by staff with their profile; returns (registration id, ticket token)."""
    with app.app_context():
        registration = registrations.register(
            db.session.get(Activity, fair.activity),
            registrations.RegistrationRequest(name=name, phone=phone, consent=True, fields=fields),
            source="staff",
        )
        db.session.commit()
        fair.seekers[name] = (registration.id, registration.token)
        return registration.id, registration.token


def apply(api: Api, fair: Fair, employer: str, ticket: str, posting: str, **body):
    """POST …/actions/apply at `employer`'s stand for `posting` (a title) with `ticket`."""
    request = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", fair.stand(employer)),
        "token": ticket,
        "fields": body.pop("fields", {"posting_id": str(fair.postings[posting])}),
        **body,
    }
    return api.post(f"/activities/{fair.activity}/actions/apply", request)


def outcome(api: Api, fair: Fair, employer: str, application_id: int, status: str, **body):
    request = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", fair.stand(employer)),
        "fields": body.pop("fields", {"application_id": str(application_id), "status": status}),
        **body,
    }
    return api.post(f"/activities/{fair.activity}/actions/outcome", request)


def void(api: Api, action_id: int, reason="录错了"):
    return api.post(f"/actions/{action_id}/void", {"reason": reason})


def stored_facts(app) -> dict:
    """Everything the fair has stored: to show that a refusal changed nothing."""
    with app.app_context():
        rows = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Employer, Posting, Application, Outcome, Action, ActionVoid, Registration)
        }
        rows["hired"] = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Posting.hired), 0)))
        rows["live_applications"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Application).where(Application.voided_at.is_(None))
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


def hired_of(app, posting_id: int) -> int:
    with app.app_context():
        return db.session.get(Posting, posting_id).hired
