"""A key-handover ceremony for tests: households invited through the ceremony's service, two
handover desks with their staff and scanners; handovers and undos over the API; the ceremony's
stored facts read back."""

import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.activities.handover.households import HouseholdInput, invite_household
from eventdesk.activities.handover.models import Handover, Household
from eventdesk.core.identity import id_number_check_char
from eventdesk.core.models import Action, ActionVoid, Registration, Scan, TallyCount
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.images import data_url, png

SIGNATURE = data_url(png(40, 16))


def id_number(serial: int, birth: str = "19620815") -> str:
    """A valid resident ID number (check character computed as GB 11643 says)."""
    first17 = f"610302{birth}{serial % 1000:03d}"
    return first17 + id_number_check_char(first17)


def household_row(number: int, programme: str = "relocation", **changes) -> dict:
    """A household as a list gives it; homes are numbered within 幸福家园, building 1 and 2."""
    row = {
        "head_name": f"户主{number}",
        "id_number": id_number(number),
        "phone": f"1370000{number:04d}",
        "members": str(1 + number % 5),
        "origin_village": f"山村{number % 3}",
        "programme": programme,
        "settlement": "幸福家园" if number % 2 == 0 else "阳光新村",
        "building": f"{1 + number % 2}号楼",
        "unit": f"{100 + number}",
    }
    row.update(changes)
    return row


@dataclass
class Ceremony:
    """Ids and tokens of a ceremony set up for a test."""

    activity: int
    day: object
    desks: dict[str, int]
    #: Bearer tokens: a scanner of the whole ceremony, one bound to each desk, staff tokens.
    scanner: str
    desk_scanners: dict[str, str]
    organizer: str
    organizer_email: str
    desk_staff_email: str
    desk_staff: str
    #: Head's name → (registration id, ticket token, household id).
    households: dict[str, tuple[int, str, int]] = field(default_factory=dict)

    def desk(self, name: str = "一号桌") -> int:
        return self.desks[name]

    def ticket(self, head: str) -> str:
        return self.households[head][1]


def build_ceremony(app, rows=(), *, days=None, **activity_options) -> Ceremony:
    """A ceremony with two handover desks, its staff and scanners, and the households of `rows`
    invited: today, or within an event of `days` (first and last) with the opening hours given."""
    with app.app_context():
        event = factories.event(starts_on=days[0], ends_on=days[1]) if days else None
        activity = factories.activity(event, kind="handover", **activity_options)
        desks = {name: factories.booth(activity, name=name) for name in ("一号桌", "二号桌")}
        organizer = factories.user("organizer")
        desk_staff = factories.user("staff", scopes=[{"booth_id": desks["一号桌"].id}])
        ceremony = Ceremony(
            activity=activity.id,
            day=activity.day,
            desks={name: desk.id for name, desk in desks.items()},
            scanner=factories.scanner_token(activity),
            desk_scanners={
                name: factories.scanner_token(activity, booth_=desk, label=f"{name}志愿者")
                for name, desk in desks.items()
            },
            organizer=factories.staff_token(organizer),
            organizer_email=organizer.email,
            desk_staff_email=desk_staff.email,
            desk_staff=factories.staff_token(desk_staff),
        )
        for row in rows:
            household, _added = invite_household(activity, HouseholdInput(**row))
            ceremony.households[row["head_name"]] = (
                household.registration_id,
                household.registration.token,
                household.id,
            )
        db.session.commit()
    return ceremony


def handover(api: Api, ceremony: Ceremony, head: str | None, recipient: str = "head", headers=None, **body):
    """POST …/actions/handover at a desk for `head`'s household (its ticket unless one is given)."""
    fields = {"recipient": recipient, "signature": SIGNATURE}
    fields.update(body.pop("fields", {}))
    request = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", ceremony.desk()),
        "fields": fields,
        **body,
    }
    if head is not None and not {"token", "registration_id", "ticket_code"} & request.keys():
        request["token"] = ceremony.ticket(head)
    return api.post(f"/activities/{ceremony.activity}/actions/handover", request, **(headers or {}))


PROXY = {"proxy_name": "李四", "proxy_relation": "儿子", "proxy_id_tail": "123X"}


def void(api: Api, action_id: int, reason="交错了户"):
    return api.post(f"/actions/{action_id}/void", {"reason": reason})


def stored_facts(app) -> dict:
    """Everything the ceremony has stored: to show that a refusal changed nothing."""
    with app.app_context():
        rows = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Household, Handover, Action, ActionVoid, Registration, Scan)
        }
        rows["live_handovers"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Handover).where(Handover.voided_at.is_(None))
        )
        rows["checked_in"] = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.checked_in_at.is_not(None))
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


HEADERS = ("户主姓名", "身份证号", "手机号", "家庭人口", "迁出村", "项目类别", "安置点", "楼栋", "房号")
PROGRAMME_NAMES = {"relocation": "易地扶贫搬迁", "renovation": "危房改造"}


def sheet_rows(rows) -> list[list[str]]:
    """`rows` as a Chinese spreadsheet writes them (header first)."""
    order = (
        "head_name",
        "id_number",
        "phone",
        "members",
        "origin_village",
        "programme",
        "settlement",
        "building",
        "unit",
    )
    table = [list(HEADERS)]
    for row in rows:
        values = [row[name] for name in order]
        values[5] = PROGRAMME_NAMES.get(values[5], values[5])
        table.append(values)
    return table


def scan_letter(client, activity_id: int, desk_id: int, presented: str):
    """The desk's page, as a letter is scanned into it (or its code typed): the scan's response."""
    desk = f"/manage/activities/{activity_id}/handover/desk?booth={desk_id}"
    page = client.get(desk).get_data(as_text=True)
    scan_id = re.search(r'name="client_scan_id"[^>]*value="([^"]+)"', page).group(1)
    return client.post_form(
        f"/manage/activities/{activity_id}/handover/desk/scan?booth={desk_id}",
        {"client_scan_id": scan_id, "ticket": presented},
        form_url=desk,
    )


def preview_households(client, activity_id: int, data: bytes, filename: str) -> str:
    """Upload a list of households on the activity's import page; the preview's HTML."""
    imports = f"/manage/activities/{activity_id}/imports"
    response = client.post_form(
        f"{imports}/households/preview",
        {"file": (io.BytesIO(data), filename)},
        form_url=imports,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def confirm_import(client, activity_id: int, preview: str, *, skip_bad: bool = False):
    """Import the previewed file (its good rows only, with `skip_bad`), as its button does."""
    content = re.search(r'name="content"[^>]*value="([^"]+)"', preview).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', preview).group(1)
    body = {"csrf_token": token, "content": content, "filename": "", "skip_bad": "y" if skip_bad else ""}
    return client.http.post(f"/manage/activities/{activity_id}/imports/households", data=body)
