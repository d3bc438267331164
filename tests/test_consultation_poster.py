"""The booth poster: the department writes its policy and adds PDF leaflets, prints an A4 poster
with a QR code; a visitor's phone opens a light public page (under 60 KB) whose reading counts
as a digital hand-out, and leaves a question that becomes the department's follow-up through
the booth's consultation service, with consent, a valid phone number, and not too often."""

import io
import re

import pytest
import sqlalchemy as sa

from eventdesk.activities.consultation.models import Consultation
from eventdesk.core.models import Action
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support.client import Client
from tests.support.consultation import build_fair, stored_facts

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
QUESTION = {
    "topic": "employment",
    "question": "公益性岗位怎么报名？",
    "contact_phone": "13912345678",
    "consent": "y",
}


@pytest.fixture
def fair(app):
    return build_fair(app)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signed_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def poster_url(fair, department) -> str:
    return f"/manage/activities/{fair.activity}/consultation/booths/{fair.booth(department)}/poster"


def public_url(fair, department) -> str:
    return f"/consult/{fair.booth(department)}"


def booth_figures(app, booth_id) -> dict:
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
        return {key[3]: value for key, value in tally_service.stored().items() if key[2] == booth_id}


def size_of(client: Client, url: str) -> int:
    response = client.get(url)
    try:
        assert response.status_code == 200
        return len(response.get_data())
    finally:
        response.close()


def set_up_poster(app, fair, department="市人社局"):
    staff = signed_in(app, fair.department_staff[department][0])
    policy = "就业扶贫政策要点：\n建档立卡贫困劳动力参加技能培训，给予培训补贴。\n到户籍所在地人社所办理。"
    assert staff.post_form(poster_url(fair, department), {"policy_text": policy}).status_code == 302
    upload = {"title": "就业扶贫政策明白卡", "file": (io.BytesIO(PDF), "明白卡.pdf")}
    response = staff.post_form(
        f"{poster_url(fair, department).rsplit('/', 1)[0]}/leaflets",
        upload,
        form_url=poster_url(fair, department),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    return staff


def test_the_department_writes_its_poster_page_and_prints_the_poster(app, fair):
    staff = set_up_poster(app, fair)
    page = text_of(staff.get(poster_url(fair, "市人社局")).get_data(as_text=True))
    assert "就业扶贫政策明白卡" in page
    assert f"http://localhost/consult/{fair.booth('市人社局')}" in page
    printed = staff.get(f"{poster_url(fair, '市人社局')}/print").get_data(as_text=True)
    assert "size: A4" in printed
    assert "<svg" in printed
    assert "市人社局" in text_of(printed)
    assert "手机扫码：看政策、留言咨询" in text_of(printed)
    # Another department's staff do not change this booth's page.
    other = signed_in(app, fair.department_staff["市民政局"][0])
    assert other.get(poster_url(fair, "市人社局")).status_code == 403


def test_a_leaflet_must_be_a_pdf_of_reasonable_size(make_app):
    app = make_app(EVENTDESK_UPLOAD_MAX_BYTES=64 * 1024)
    fair = build_fair(app)
    staff = signed_in(app, fair.department_staff["市人社局"][0])
    url = f"{poster_url(fair, '市人社局').rsplit('/', 1)[0]}/leaflets"
    before = stored_facts(app)
    cases = [
        (b"GIF89a not a pdf", "明白卡.pdf", 400, "请选择PDF文件。"),
        (PDF + b"0" * 64 * 1024, "big.pdf", 413, "文件太大：宣传单不超过1.5 MB。"),
    ]
    for data, name, status, message in cases:
        upload = {"title": "明白卡", "file": (io.BytesIO(data), name)}
        response = staff.post_form(
            url, upload, form_url=poster_url(fair, "市人社局"), content_type="multipart/form-data"
        )
        assert response.status_code == status
        assert message in text_of(response.get_data(as_text=True))
    assert stored_facts(app) == before


def test_the_public_page_is_light_and_counts_a_digital_hand_out_once_per_phone(app, fair):
    set_up_poster(app, fair)
    booth = fair.booth("市人社局")
    phone = Client(app)
    response = phone.get(public_url(fair, "市人社局"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "市人社局" in text
    assert "建档立卡贫困劳动力参加技能培训，给予培训补贴。" in text
    assert "留言咨询" in text
    # The page and everything it loads weigh under 60 KB.
    loaded = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(
        r'<script src="([^"]+)"', html
    )
    assert loaded
    weight = len(response.data) + sum(size_of(phone, href) for href in loaded)
    assert weight < 60 * 1024, weight
    # The leaflet downloads as a PDF.
    leaflet = re.search(r'href="(/consult/\d+/leaflets/\d+\.pdf)"', html).group(1)
    download = phone.get(leaflet)
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    # One read for this phone today, however often it reloads; another phone reads again.
    assert booth_figures(app, booth) == {"materials_handed_out": 1, "materials_handed_out.digital": 1}
    phone.get(public_url(fair, "市人社局"))
    assert booth_figures(app, booth) == {"materials_handed_out": 1, "materials_handed_out.digital": 1}
    Client(app).get(public_url(fair, "市人社局"))
    assert booth_figures(app, booth) == {"materials_handed_out": 2, "materials_handed_out.digital": 2}


def test_a_question_left_on_the_poster_is_a_follow_up_and_a_consultation(app, fair):
    phone = Client(app)
    response = phone.post_form(public_url(fair, "市民政局"), {**QUESTION, "topic": "social_security"})
    assert response.status_code == 201
    text = text_of(response.get_data(as_text=True))
    assert "谢谢！部门工作人员将回电答复。" in text
    assert "13912345678" not in text
    with app.app_context():
        asked = db.session.scalar(sa.select(Consultation))
        action = db.session.get(Action, asked.action_id)
        assert (asked.topic, asked.follow_up, asked.from_poster, asked.walk_in) == (
            "social_security",
            True,
            True,
            False,
        )
        assert (asked.contact_phone, asked.question) == ("13912345678", "公益性岗位怎么报名？")
        assert asked.department_id == fair.departments["市民政局"]
        assert (action.name, action.booth_id) == ("consult", fair.booth("市民政局"))
    assert booth_figures(app, fair.booth("市民政局")) == {
        "consultations": 1,
        "consultations.social_security": 1,
        "follow_ups_opened": 1,
        "materials_handed_out": 1,
        "materials_handed_out.digital": 1,
    }
    staff = signed_in(app, fair.department_staff["市民政局"][0])
    page = text_of(
        staff.get(f"/manage/consultation/departments/{fair.departments['市民政局']}/follow-ups").get_data(
            as_text=True
        )
    )
    assert "公益性岗位怎么报名？" in page
    assert "13912345678" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contact_phone": "1391234"}, "请输入 11 位大陆手机号码。"),
        ({"contact_phone": ""}, "请输入 11 位大陆手机号码。"),
        ({"consent": ""}, "请先同意个人信息的使用说明。"),
        ({"question": "  "}, "此项为必填项。"),
    ],
)
def test_a_poster_question_with_a_bad_phone_or_without_consent(app, fair, change, message):
    phone = Client(app)
    phone.get(public_url(fair, "市民政局"))
    before = stored_facts(app)
    data = {key: value for key, value in {**QUESTION, **change}.items() if value}
    response = phone.post_form(public_url(fair, "市民政局"), data)
    assert response.status_code == 400
    assert message in text_of(response.get_data(as_text=True))
    assert stored_facts(app) == before


def test_an_unknown_topic_on_the_poster(app, fair):
    phone = Client(app)
    phone.get(public_url(fair, "市民政局"))
    before = stored_facts(app)
    response = phone.post_form(public_url(fair, "市民政局"), {**QUESTION, "topic": "pensions"})
    assert response.status_code == 400
    assert "请从选项中选一项。" in text_of(response.get_data(as_text=True))
    assert stored_facts(app) == before


def test_flooding_the_poster_form(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    fair = build_fair(app)
    url = public_url(fair, "市民政局")
    phone = Client(app)
    for _ in range(3):
        assert phone.post_form(url, QUESTION).status_code == 201
    before = stored_facts(app)
    flooded = phone.post_form(url, QUESTION)
    assert flooded.status_code == 429
    assert "请求过于频繁，请稍等一分钟后再试。" in text_of(flooded.get_data(as_text=True))
    assert stored_facts(app) == before
    # Many numbers from one address: past 30 tries an hour (the refused one counts), refused too.
    for number in range(26):
        assert phone.post_form(url, {**QUESTION, "contact_phone": f"1370000{number:04d}"}).status_code == 201
    before = stored_facts(app)
    assert phone.post_form(url, {**QUESTION, "contact_phone": "13600000000"}).status_code == 429
    assert stored_facts(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)) == 29


def test_no_poster_page_for_a_booth_of_another_kind(app, fair):
    from tests.support import factories

    with app.app_context():
        other = factories.activity(kind="jobfair", booths=1)
        booth_id = other.booths[0].id
        db.session.commit()
    assert Client(app).get(f"/consult/{booth_id}").status_code == 404
    assert Client(app).get("/consult/999999").status_code == 404
