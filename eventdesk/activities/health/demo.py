"""The demo's health service day: the plan's six services at three stations, residents of two
villages (registered by staff, with their agreement), and a morning of queue numbers and services,
some with a referral, all made through the kind's and the core's services as on a real morning."""

import datetime as dt
import uuid
from collections.abc import Sequence

from eventdesk.activities.health import queues
from eventdesk.activities.health import services as day_services
from eventdesk.activities.health.serving import CONSENT
from eventdesk.core.actions import ActionRequest, record_action
from eventdesk.core.models import Activity, RegistrationSource
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.model import ActivityInfo
from eventdesk.core.scans.requests import ScanRequest
from eventdesk.core.scans.service import judge_scans
from eventdesk.core.services import registrations

#: The stations, in the activity's booth order: the services each offers (codes of the plan's list).
STATIONS = (
    ("exam",),
    ("clinic", "medicine"),
    ("education", "prevention", "policy"),
)
VILLAGES = ("孙塬村", "南古村")
RESIDENTS = (
    "马桂兰", "杨德福", "高秀珍", "刘长顺", "党翠英", "张富贵", "雷玉梅", "王有才",
    "韩巧云", "李满仓", "赵金花", "薛建设", "孙爱莲", "田永福", "宋春梅", "周铁柱",
)  # fmt: skip
#: Each resident's morning, in turn: (station index, service code, referred on, note).
VISITS = (
    ((0, "exam", False, None), (1, "clinic", False, "血压偏高，嘱低盐饮食"), (1, "medicine", False, None)),
    ((0, "exam", True, "心电图异常，转县医院心内科"), (2, "education", False, None)),
    ((2, "education", False, None), (2, "policy", False, None)),
    ((0, "exam", False, None), (1, "clinic", True, "疑似白内障，转县医院眼科")),
    ((1, "clinic", False, None), (1, "medicine", False, None), (2, "prevention", False, None)),
)


def load_demo(activities: Sequence[Activity], context) -> None:
    for activity in activities:
        _health_day(activity, context)


def _health_day(activity: Activity, context) -> None:
    services = {service.code: service for service in day_services.start_from_plan(activity)}
    stations = activity.booths[: len(STATIONS)]
    for booth, codes in zip(stations, STATIONS, strict=True):
        day_services.set_station_services(booth, [services[code].id for code in codes])

    residents = [_register(activity, number, name) for number, name in enumerate(RESIDENTS)]
    noon = context.until
    arrivals = [dt.timedelta(minutes=5 * number) for number in range(len(residents))]
    judge_scans(
        borrowed_connection(),
        ActivityInfo.of(activity),
        context.scanner,
        [
            ScanRequest(
                client_scan_id=str(uuid.uuid4()), registration_id=resident.id, scanned_at=context.at(offset)
            )
            for resident, offset in zip(residents, arrivals, strict=True)
        ],
        channel="manual",
        now=noon,
    )
    for number, (resident, arrived) in enumerate(zip(residents, arrivals, strict=True)):
        offset = arrived
        for station, code, referral, note in VISITS[number % len(VISITS)]:
            booth = stations[station]
            queues.join_queue(activity, booth, resident, now=context.at(offset))
            offset += dt.timedelta(minutes=6)
            # The last residents of the morning are still waiting at their first station.
            if number >= len(residents) - 2:
                break
            queues.call_next(activity, booth, now=context.at(offset))
            fields = {"service": code, "referral": referral}
            if note:
                fields["note"] = note
            record_action(
                activity,
                "serve",
                ActionRequest(
                    client_action_id=str(uuid.uuid4()),
                    booth_id=booth.id,
                    registration_id=resident.id,
                    fields=fields,
                    recorded_at=context.at(offset + dt.timedelta(minutes=4)),
                ),
                scanner=context.scanner,
                now=noon,
            )
            offset += dt.timedelta(minutes=10)


def _register(activity: Activity, number: int, name: str):
    return registrations.register(
        activity,
        registrations.RegistrationRequest(
            name=name,
            phone=f"1990002{number:04d}",
            village=VILLAGES[number % len(VILLAGES)],
            consent=True,
            fields={CONSENT: True},
        ),
        source=RegistrationSource.staff,
    )
