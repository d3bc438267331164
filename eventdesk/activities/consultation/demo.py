"""The demo's consultation fairs: each department's booth with its materials and its poster page,
visitors' consultations across every topic (walk-ins, scanned tickets, follow-ups), hand-outs,
answers — and questions written down in the villages ten days before the fair, brought to the
booths, some answered there and some overdue. All made through the fair's services and the core's
action service, as on a real morning."""

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa

from eventdesk.activities.consultation import materials, poster
from eventdesk.activities.consultation.departments import department_id_of
from eventdesk.activities.consultation.vocabulary import BROCHURE, ITEM, LEAFLET, TOPICS, values
from eventdesk.core.actions import ActionRequest, record_action
from eventdesk.core.models import Activity, Booth, Registration
from eventdesk.extensions import db

#: The topic most asked about at a department's booth (by the demo's department codes).
MAIN_TOPIC = {
    "poverty-office": "other",
    "new-district": "relocation",
    "publicity": "other",
    "poverty-bureau": "social_security",
    "agriculture": "industry",
    "land": "relocation",
    "hrss": "employment",
    "health": "health",
    "development": "industry",
    "commerce": "industry",
    "finance": "finance",
    "housing": "housing",
}
#: What a department writes for its poster page (the others write the general one).
POLICIES = {
    "hrss": (
        "就业扶贫政策要点\n"
        "一、建档立卡贫困劳动力参加职业技能培训，按规定给予培训补贴和生活费补助。\n"
        "二、开发公益性岗位，优先安置就业困难的贫困劳动力。\n"
        "三、到户籍所在镇（街道）人社所或拨打12333咨询办理。"
    ),
    "health": (
        "健康扶贫政策要点\n"
        "一、建档立卡贫困人口参加城乡居民基本医疗保险，个人缴费部分由财政补贴。\n"
        "二、县域内住院实行“先诊疗后付费”，一站式结算。\n"
        "三、家庭医生签约服务，每年免费健康体检一次。"
    ),
    "finance": (
        "金融扶贫政策要点\n"
        "一、扶贫小额信贷：5万元以下、3年以内、免担保免抵押、基准利率放贷、财政贴息。\n"
        "二、到村委会或合作银行网点提出申请。"
    ),
    "housing": (
        "危房改造政策要点\n"
        "一、建档立卡贫困户、低保户、分散供养特困人员、贫困残疾人家庭的危房优先改造。\n"
        "二、向村委会提出申请，经镇（街道）审核、县级部门审批后实施。"
    ),
}
GENERAL_POLICY = (
    "精准扶贫政策宣传\n"
    "各项扶贫政策的适用对象、补助标准和办理方式，可在本咨询台咨询，也可在下方留言，工作人员将回电答复。"
)
#: name, kind, quantity brought: every booth's stock.
STOCK = (
    ("政策明白卡", LEAFLET, 200),
    ("扶贫政策汇编", BROCHURE, 40),
    ("环保购物袋", ITEM, 30),
)
QUESTIONS = (
    "家里老人看病报销比例是多少？",
    "孩子上高中有没有资助？",
    "想贷款养牛，怎么申请？",
    "公益性岗位还招人吗？",
    "危房改造补助什么时候发？",
)
#: Made-up numbers for the demo's call-backs.
PHONE_PREFIX = "1990003"
#: The villages' question boxes were emptied this long before the fair.
VILLAGE_QUESTIONS_AGE = dt.timedelta(days=10)
#: The booths answer a first follow-up within the demo's morning (three hours).
ANSWERED_BY = dt.timedelta(hours=2, minutes=55)


def load_demo(activities: Sequence[Activity], context) -> None:
    codes = {department.id: code for code, department in context.departments.items()}
    serial = iter(range(10_000))
    for activity in activities:
        _fair(activity, context, codes, serial)
    _questions_from_the_villages(activities[0], context, serial)


def _fair(activity: Activity, context, codes: dict[int, str], serial) -> None:
    noon = context.until
    tickets = list(
        db.session.scalars(
            sa.select(Registration.id)
            .where(Registration.activity_id == activity.id)
            .order_by(Registration.id)
        )
    )
    topics = values(TOPICS)
    for number, booth in enumerate(activity.booths):
        code = codes.get(department_id_of(activity, booth), "")
        poster.set_policy_text(booth, POLICIES.get(code, GENERAL_POLICY))
        stock = [
            materials.add_material(booth, materials.MaterialInput(name=name, kind=kind, brought=brought))
            for name, kind, brought in STOCK
        ]
        follow_ups = []
        for visit in range(6 + number % 4):
            offset = dt.timedelta(minutes=5 * number + 11 * visit)
            # Most ask about the booth's own field; every topic comes up somewhere.
            topic = MAIN_TOPIC.get(code, "other") if visit % 2 else topics[(number + visit) % len(topics)]
            fields = {"topic": topic}
            if visit % 4 == 3:
                fields.update(
                    follow_up=True,
                    contact_phone=f"{PHONE_PREFIX}{next(serial):04d}",
                    question=QUESTIONS[(number + visit) % len(QUESTIONS)],
                )
            ticket = tickets[(number + visit) % len(tickets)] if tickets and visit % 3 == 2 else None
            answer = _record(
                activity,
                context,
                noon,
                "consult",
                booth,
                context.at(offset),
                registration_id=ticket,
                **fields,
            )
            if fields.get("follow_up"):
                follow_ups.append((answer["consultation_id"], offset))
        for step, material in enumerate(stock[:2]):
            moment = context.at(dt.timedelta(minutes=30 + 40 * step + number))
            _record(
                activity,
                context,
                noon,
                "handout",
                booth,
                moment,
                material_id=material.id,
                quantity=8 + number % 5,
            )
        # The booth answers its first follow-up before noon; the rest wait.
        for consultation_id, offset in follow_ups[:1]:
            _record(
                activity,
                context,
                noon,
                "answer",
                booth,
                context.at(min(offset + dt.timedelta(minutes=30), ANSWERED_BY)),
                consultation_id=consultation_id,
                note="已当场电话联系并答复。",
            )


def _questions_from_the_villages(activity: Activity, context, serial) -> None:
    """Questions written down in the villages' question boxes before the fair, brought to the
    departments' booths and taken down there: the first two answered during the morning, the
    others waiting past their answer date (overdue)."""
    booths = [booth for booth in activity.booths if booth.department_id is not None][:5]
    for number, booth in enumerate(booths):
        offset = dt.timedelta(minutes=3 + number)
        consultation_id = _record(
            activity,
            context,
            context.until,
            "consult",
            booth,
            context.at(offset),
            topic=values(TOPICS)[number * 2 % len(TOPICS)],
            follow_up=True,
            contact_phone=f"{PHONE_PREFIX}{next(serial):04d}",
            question=QUESTIONS[number % len(QUESTIONS)],
            asked_on=(activity.day - VILLAGE_QUESTIONS_AGE - dt.timedelta(days=number)).isoformat(),
        )["consultation_id"]
        if number < 2:
            _record(
                activity,
                context,
                context.until,
                "answer",
                booth,
                context.at(offset + dt.timedelta(hours=1)),
                consultation_id=consultation_id,
                note="已回电，告知办理地点和所需材料。",
            )


def _record(activity, context, now, name, booth: Booth, moment, *, registration_id=None, **fields) -> dict:
    request = ActionRequest(
        client_action_id=str(uuid.uuid4()),
        booth_id=booth.id,
        registration_id=registration_id,
        fields={key: str(value) if key.endswith("_id") else value for key, value in fields.items()},
        recorded_at=moment,
    )
    return record_action(activity, name, request, scanner=context.scanner, now=now).answer()
