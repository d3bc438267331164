"""The demo's key-handover ceremony: about forty households of both programmes in two settlements.
Some have their keys (one through a proxy, one handed over again after an undo), some are
present and waiting, the others absent. All made through the ceremony's services and the core's
check-in and action services, as on a real morning; the signatures are drawn here."""

import base64
import datetime as dt
import io
import math
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from PIL import Image, ImageDraw

from eventdesk.activities.handover.households import HouseholdInput, invite_household
from eventdesk.activities.handover.vocabulary import HEAD, PROXY, RELOCATION, RENOVATION
from eventdesk.core.actions import ActionRequest, record_action, void_action
from eventdesk.core.fields import PNG_DATA_URL_PREFIX
from eventdesk.core.identity import id_number_check_char
from eventdesk.core.models import Action, Activity, Booth, Registration
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.model import ActivityInfo
from eventdesk.core.scans.requests import ScanRequest
from eventdesk.core.scans.service import judge_scans
from eventdesk.extensions import db

HOUSEHOLDS = 40
#: Settlement → its buildings and the programme of its homes (危房改造 households are rehoused
#: in the township's settlement with some relocated ones).
SETTLEMENTS = (
    ("幸福家园安置小区", ("1号楼", "2号楼", "3号楼"), RELOCATION),
    ("红土镇集中安置点", ("A栋", "B栋"), RENOVATION),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ("建国", "秀英", "志强", "桂兰", "德福", "玉梅", "长生", "春花", "保田", "金凤", "满仓", "翠萍")
VILLAGES = ("黄堡镇南村", "红土镇柳湾村", "孙塬镇石沟村", "陈炉镇北堡村")


def load_demo(activities: Sequence[Activity], context) -> None:
    for activity in activities:
        _ceremony(activity, context)


def _ceremony(activity: Activity, context) -> None:
    households = _invite(activity)
    desks = {booth.name: booth for booth in activity.booths}
    noon = context.until
    # The first two thirds came; of those, the first half have their keys by noon.
    came = households[: HOUSEHOLDS * 2 // 3]
    checked_in = set(
        db.session.scalars(
            sa.select(Registration.id).where(
                Registration.activity_id == activity.id, Registration.checked_in_at.is_not(None)
            )
        )
    )
    entrance = [
        ScanRequest(
            client_scan_id=str(uuid.uuid4()),
            registration_id=household.registration_id,
            scanned_at=context.at(dt.timedelta(minutes=4 * number)),
        )
        for number, household in enumerate(came)
        if household.registration_id not in checked_in
    ]
    judge_scans(
        borrowed_connection(),
        ActivityInfo.of(activity),
        context.scanner,
        entrance,
        channel="manual",
        now=noon,
    )
    for number, household in enumerate(came[: len(came) // 2]):
        offset = dt.timedelta(minutes=20 + 5 * number)
        moment = context.at(offset)
        proxy = number == 3  # the head is in hospital: the son takes the keys
        action_id = _hand_over(
            activity, context, noon, _desk_of(household, desks), household, moment, proxy=proxy
        )
        if number == 5:  # signed on the wrong line: undone, then handed over again
            void_action(
                db.session.get(Action, action_id),
                "签名签错位置，重新签署",
                scanner=context.scanner,
                may_void_any=True,  # as the organizers would
                now=noon,
            )
            _hand_over(
                activity,
                context,
                noon,
                _desk_of(household, desks),
                household,
                context.at(offset + dt.timedelta(minutes=3)),
            )


def _invite(activity: Activity) -> list:
    """Forty households; the people the demo registered at the ceremony earlier are heads among them."""
    registered = db.session.scalars(
        sa.select(Registration).where(Registration.activity_id == activity.id).order_by(Registration.id)
    ).all()
    households = []
    for number in range(HOUSEHOLDS):
        settlement, buildings, programme = SETTLEMENTS[number % 2]
        if number % 2 == 1 and number % 3 == 0:
            programme = RELOCATION
        if number < len(registered):
            name, phone = registered[number].person.name, registered[number].person.phone
        else:
            name = SURNAMES[number % len(SURNAMES)] + GIVEN_NAMES[(number * 7) % len(GIVEN_NAMES)]
            phone = f"1990002{number:04d}"
        first17 = f"610202{1960 + number % 30}{1 + number % 12:02d}{1 + number % 28:02d}{number:03d}"
        place = number // 2  # the household's place within its settlement
        given = HouseholdInput(
            head_name=name,
            id_number=first17 + id_number_check_char(first17),
            phone=phone,
            members=str(1 + (number * 3) % 6),
            programme=programme,
            settlement=settlement,
            building=buildings[place % len(buildings)],
            unit=f"{1 + place // len(buildings) // 2}0{1 + place // len(buildings) % 2}",
            origin_village=VILLAGES[number % len(VILLAGES)],
        )
        households.append(invite_household(activity, given)[0])
    return households


def _desk_of(household, desks: dict[str, Booth]) -> Booth:
    if household.programme == RENOVATION:
        return desks.get("危房改造户交钥匙台") or next(iter(desks.values()))
    return desks.get(f"{household.building}交钥匙台") or next(iter(desks.values()))


def _hand_over(activity, context, now, desk, household, moment, *, proxy: bool = False) -> int:
    fields = {"recipient": PROXY if proxy else HEAD, "signature": _signature(household.id)}
    if proxy:
        fields.update(
            proxy_name=household.registration.person.name[0] + "小军",
            proxy_relation="儿子",
            proxy_id_tail="203X",
        )
    request = ActionRequest(
        client_action_id=str(uuid.uuid4()),
        booth_id=desk.id,
        registration_id=household.registration_id,
        fields=fields,
        recorded_at=moment,
    )
    return record_action(activity, "handover", request, scanner=context.scanner, now=now).action.id


def _signature(seed: int) -> str:
    """A scribble that looks like a signature, different for each household."""
    image = Image.new("L", (300, 100), 255)
    pen = ImageDraw.Draw(image)
    points = [
        (20 + x * 13, 50 + 25 * math.sin(x * (0.6 + seed % 5 / 10)) * math.cos(x / 3)) for x in range(20)
    ]
    pen.line(points, fill=0, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return PNG_DATA_URL_PREFIX + base64.b64encode(out.getvalue()).decode("ascii")
