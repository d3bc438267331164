"""Staff pages for an activity's registrations: who may reach them, and what each action stores."""

import re
import uuid

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Registration, Scan, utcnow
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import PROJECT_ROOT, factories
from tests.support.tickets import count, registration_of, tally

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def desk(app):
    """An activity with a booth, two registrations, an organizer, desk staff and outsiders."""
    with app.app_context():
        activity = factories.activity(booths=1)
        other = factories.activity(activity.event)
        people = [
            registrations.register(
                activity,
                registrations.RegistrationRequest(
                    name="张三丰", phone=PHONE, id_number=ID_NUMBER, village="阳光村", consent=True
                ),
            ),
            registrations.register(
                activity, registrations.RegistrationRequest(name="李四", phone="13900001111", consent=True)
            ),
        ]
        elsewhere = registrations.register(
            other, registrations.RegistrationRequest(name="王五", phone="13700002222", consent=True)
        )
        factories.user("organizer", email="organizer@example.org")
        factories.user("staff", email="desk@example.org", scopes=[{"activity_id": activity.id}])
        factories.user("staff", email="nobody@example.org")
        factories.user("staff", email="booth@example.org", scopes=[{"booth_id": activity.booths[0].id}])
        factories.user("organizer", email="elsewhere@example.org", scopes=[{"activity_id": other.id}])
        db.session.commit()
        return {
            "activity": activity.id,
            "other": other.id,
            "booth": activity.booths[0].id,
            "zhang": people[0].id,
            "li": people[1].id,
            "zhang_token": people[0].token,
            "zhang_code": people[0].ticket_code,
            "elsewhere_token": elsewhere.token,
        }


def base(desk) -> str:
    return f"/manage/activities/{desk['activity']}/registrations"


def check_in_form(client, desk, registration_key="zhang", scan_id=None):
    url = f"{base(desk)}/{desk[registration_key]}/check-in"
    return client.post_form(url, {"scan_id": scan_id or str(uuid.uuid4())}, form_url=base(desk))


# -- who may reach the pages ----------------------------------------------------------------


def staff_urls(desk):
    return [
        ("GET", base(desk)),
        ("GET", f"{base(desk)}/new"),
        ("GET", f"{base(desk)}/{desk['zhang']}"),
        ("GET", f"{base(desk)}/sheet"),
        ("GET", f"{base(desk)}/test"),
        ("POST", f"{base(desk)}/new"),
        ("POST", f"{base(desk)}/{desk['zhang']}/check-in"),
        ("POST", f"{base(desk)}/{desk['zhang']}/revoke"),
        ("POST", f"{base(desk)}/test"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, desk):
    for method, url in staff_urls(desk):
        response = client.http.open(url, method=method)
        # Refused before anything else is looked at, the CSRF token included.
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("email", ["nobody@example.org", "booth@example.org", "elsewhere@example.org"])
def test_staff_without_the_activity_in_scope_are_refused(app, client, desk, email):
    client.login(email)
    for method, url in staff_urls(desk):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post_form(url, {"scan_id": str(uuid.uuid4())}, form_url="/manage/")
        assert response.status_code == 403, (method, url)
    assert count(app, Scan) == 0
    assert registration_of(app, desk["activity"], "张三丰").revoked_at is None


def test_desk_staff_work_but_cannot_cancel_tickets(app, client, desk):
    client.login("desk@example.org")
    assert client.get(base(desk)).status_code == 200
    page = client.get(f"{base(desk)}/{desk['zhang']}").get_data(as_text=True)
    assert "作废这张票" not in page
    response = client.post_form(f"{base(desk)}/{desk['zhang']}/revoke", {}, form_url=base(desk))
    assert response.status_code == 403
    assert registration_of(app, desk["activity"], "张三丰").revoked_at is None


def test_a_registration_of_another_activity_is_not_found(client, desk):
    client.login("organizer@example.org")
    with client.app.app_context():
        foreign = db.session.scalar(
            sa.select(Registration.id).where(Registration.token == desk["elsewhere_token"])
        )
    assert client.get(f"{base(desk)}/{foreign}").status_code == 404
    assert client.get("/manage/activities/999999/registrations").status_code == 404


@pytest.mark.parametrize("action", ["check-in", "revoke"])
def test_posts_without_csrf_token_are_refused(app, client, desk, action):
    client.login("organizer@example.org")
    response = client.http.post(f"{base(desk)}/{desk['zhang']}/{action}", data={"scan_id": str(uuid.uuid4())})
    assert response.status_code == 400
    assert count(app, Scan) == 0
    assert registration_of(app, desk["activity"], "张三丰").revoked_at is None


def test_registering_on_behalf_without_csrf_token_is_refused(app, client, desk):
    client.login("desk@example.org")
    response = client.http.post(
        f"{base(desk)}/new", data={"name": "赵六", "phone": "13600000000", "consent": "y"}
    )
    assert response.status_code == 400
    assert registration_of(app, desk["activity"], "赵六") is None


# -- the list --------------------------------------------------------------------------------


def test_list_shows_masked_phones_and_searches(client, desk):
    client.login("desk@example.org")
    page = client.get(base(desk)).get_data(as_text=True)
    assert "张三丰" in page
    assert "李四" in page
    assert PHONE not in page
    assert "138****5678" in page
    assert "已报名 2 人" in page
    for query in [
        "三丰",
        "5678",
        desk["zhang_code"].lower(),
        f"{desk['zhang_code'][:4]} {desk['zhang_code'][4:]}",
    ]:
        page = client.get(base(desk), query_string={"q": query}).get_data(as_text=True)
        assert "张三丰" in page, query
        assert "李四" not in page, query
    # The desk sees 138****5678: a whole number must not tell it the hidden digits.
    assert "张三丰" not in client.get(base(desk), query_string={"q": PHONE}).get_data(as_text=True)
    page = client.get(base(desk), query_string={"q": "nobody%"}).get_data(as_text=True)
    assert "没有找到" in page


def test_list_pages(app, client, desk):
    with app.app_context():
        from eventdesk.core.models import Activity

        activity = db.session.get(Activity, desk["activity"])
        for n in range(55):
            registrations.register(
                activity,
                registrations.RegistrationRequest(name=f"群众{n:02d}", phone=f"135{n:08d}", consent=True),
            )
        db.session.commit()
    client.login("desk@example.org")
    first = client.get(base(desk)).get_data(as_text=True)
    assert "第 1 页，共 2 页" in first
    second = client.get(base(desk), query_string={"page": 2}).get_data(as_text=True)
    assert "张三丰" in second  # oldest last
    assert client.get(base(desk), query_string={"page": 99}).status_code == 200


# -- one registration ---------------------------------------------------------------------------


def test_full_phone_only_for_those_who_manage_the_activity_and_the_id_number_for_nobody(client, desk):
    client.login("desk@example.org")
    page = client.get(f"{base(desk)}/{desk['zhang']}").get_data(as_text=True)
    assert PHONE not in page
    assert ID_NUMBER not in page
    assert "138****5678" in page
    assert "1101**********002X" in page
    client.post_form("/logout", form_url="/manage/")
    client.login("organizer@example.org")
    page = client.get(f"{base(desk)}/{desk['zhang']}").get_data(as_text=True)
    assert PHONE in page
    assert ID_NUMBER not in page  # not kept in full at all
    assert "1101**********002X" in page


def test_register_someone_on_their_behalf(app, client, desk):
    client.login("desk@example.org")
    url = f"{base(desk)}/new"
    response = client.post_form(url, {"name": "赵六", "phone": "13600000000", "category": "registered_poor"})
    assert response.status_code == 400
    assert "请先同意个人信息的使用说明。" in response.get_data(as_text=True)
    assert registration_of(app, desk["activity"], "赵六") is None
    response = client.post_form(
        url, {"name": "赵六", "phone": "13600000000", "category": "registered_poor", "consent": "y"}
    )
    assert response.status_code == 302
    registration = registration_of(app, desk["activity"], "赵六")
    assert registration.source == "staff"
    assert registration.created_by_id is not None
    assert registration.consent_at is not None
    assert response.headers["Location"].endswith(f"{base(desk)}/{registration.id}")
    # The category chosen at the desk is on the registration's page.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<dt>人员类别</dt><dd>建档立卡贫困户</dd>", page)
    again = client.post_form(url, {"name": "赵六", "phone": "13600000000", "consent": "y"})
    assert again.status_code == 409
    assert "该姓名和手机号已报名本活动" in again.get_data(as_text=True)


def test_staff_may_register_people_when_the_public_may_not(app, client, desk):
    with app.app_context():
        from eventdesk.core.models import Activity

        db.session.get(Activity, desk["activity"]).registration_open = False
        db.session.commit()
    client.login("desk@example.org")
    response = client.post_form(f"{base(desk)}/new", {"name": "赵六", "phone": "13600000000", "consent": "y"})
    assert response.status_code == 302


# -- ticking people present -----------------------------------------------------------------------


def test_ticking_someone_present_counts_once(app, client, desk):
    client.login("desk@example.org")
    scan_id = str(uuid.uuid4())
    response = check_in_form(client, desk, scan_id=scan_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "张三丰 已签到。" in page
    # The same form sent again (a double tap, a browser resending) is the same scan.
    check_in_form(client, desk, scan_id=scan_id)
    assert count(app, Scan) == 1
    # A second tick later is judged a duplicate: stored as a fact, counted once.
    response = check_in_form(client, desk)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已签到过" in page
    with app.app_context():
        scans = db.session.scalars(sa.select(Scan).order_by(Scan.id)).all()
        assert [(s.result, s.channel) for s in scans] == [("accepted", "manual"), ("duplicate", "manual")]
        assert scans[0].user_id is not None
        assert db.session.get(Registration, desk["zhang"]).checked_in_at is not None
    assert tally(app, desk["activity"], "checked_in") == 1


def test_ticking_a_cancelled_ticket_is_refused(app, client, desk):
    client.login("organizer@example.org")
    client.post_form(f"{base(desk)}/{desk['zhang']}/revoke", {}, form_url=base(desk))
    response = check_in_form(client, desk)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "未签到：此票已作废。" in page
    assert tally(app, desk["activity"], "checked_in") == 0


def test_a_malformed_scan_id_is_refused(app, client, desk):
    client.login("desk@example.org")
    response = check_in_form(client, desk, scan_id="not-a-uuid")
    assert response.status_code == 400
    assert count(app, Scan) == 0


def test_ticking_returns_to_the_searched_list(client, desk):
    client.login("desk@example.org")
    page = client.get(base(desk), query_string={"q": "张"}).get_data(as_text=True)
    back = re.search(r'name="next" value="([^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.post_form(
        f"{base(desk)}/{desk['zhang']}/check-in",
        {"scan_id": str(uuid.uuid4()), "next": back},
        form_url=base(desk),
    )
    assert response.headers["Location"].endswith(back)
    elsewhere = client.post_form(
        f"{base(desk)}/{desk['li']}/check-in",
        {"scan_id": str(uuid.uuid4()), "next": "https://evil.example/"},
        form_url=base(desk),
    )
    assert elsewhere.headers["Location"].endswith(f"{base(desk)}/{desk['li']}")


# -- cancelling ---------------------------------------------------------------------------------


def test_organizer_cancels_a_ticket(app, client, desk):
    client.login("organizer@example.org")
    assert tally(app, desk["activity"], "registered") == 2
    response = client.post_form(f"{base(desk)}/{desk['zhang']}/revoke", {}, form_url=base(desk))
    assert response.status_code == 302
    assert registration_of(app, desk["activity"], "张三丰").revoked_at is not None
    assert tally(app, desk["activity"], "registered") == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "张三丰 的票已作废。" in page
    ticket = client.get(f"/t/{desk['zhang_token']}").get_data(as_text=True)
    assert "这张票已作废" in ticket


# -- testing a ticket ---------------------------------------------------------------------------


def try_ticket(client, desk, ticket, **fields):
    return client.post_form(
        f"{base(desk)}/test", {"ticket": ticket, "direction": "in", "booth": "", **fields}
    )


@pytest.mark.parametrize(
    ("presented", "answer"),
    [
        ("ticket_url", "通过"),
        ("token", "通过"),
        ("code", "通过"),
        ("AAAAAAAAAAAAAAAAAAAAAA", "无效票码"),
        ("ZZZZ-ZZZZ", "无效票码"),
        ("https://eventdesk.example.gov.cn/t/", "无效票码"),
        ("elsewhere", "这张票属于"),
    ],
)
def test_testing_a_ticket_answers_and_writes_nothing(app, client, desk, presented, answer):
    client.login("desk@example.org")
    ticket = {
        "ticket_url": f"https://eventdesk.example.gov.cn/t/{desk['zhang_token']}",
        "token": desk["zhang_token"],
        "code": f"{desk['zhang_code'][:4].lower()} {desk['zhang_code'][4:]}",
        "elsewhere": desk["elsewhere_token"],
    }.get(presented, presented)
    response = try_ticket(client, desk, ticket)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert answer in page
    assert "这次测试没有留下任何记录" in page
    assert count(app, Scan) == 0
    assert tally(app, desk["activity"], "checked_in") == 0
    assert tally(app, desk["activity"], "scans") == 0


def test_testing_a_checked_in_ticket_says_when(app, client, desk):
    client.login("desk@example.org")
    check_in_form(client, desk)
    page = try_ticket(client, desk, desk["zhang_token"]).get_data(as_text=True)
    assert "已签到过" in page
    assert "首次签到时间" in page
    page = try_ticket(client, desk, desk["zhang_token"], booth=str(desk["booth"])).get_data(as_text=True)
    assert "通过" in page
    assert count(app, Scan) == 1


def test_testing_nothing_or_a_strange_booth_is_a_form_error(app, client, desk):
    client.login("desk@example.org")
    response = try_ticket(client, desk, "")
    assert response.status_code == 400
    assert "请填写这一项。" in response.get_data(as_text=True)
    response = try_ticket(client, desk, desk["zhang_token"], booth="999999")
    assert response.status_code == 400
    assert "请从选项中选一项。" in response.get_data(as_text=True)
    assert count(app, Scan) == 0


# -- printed tickets ----------------------------------------------------------------------------


def test_sheet_prints_the_ticked_tickets(client, desk):
    client.login("desk@example.org")
    response = client.get(f"{base(desk)}/sheet", query_string={"ids": [desk["li"]]})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="sheet-ticket"') == 1
    assert "李四" in page  # staff hand it out: the full name
    assert "张三丰" not in page
    assert page.count("<svg") == 1
    assert "tickets.css" in page
    assert "@page { size: A4" in (PROJECT_ROOT / "static/css/tickets.css").read_text()


def test_sheet_prints_every_valid_ticket_when_none_are_ticked(app, client, desk):
    client.login("organizer@example.org")
    page = client.get(f"{base(desk)}/sheet").get_data(as_text=True)
    assert page.count('class="sheet-ticket"') == 2
    client.post_form(f"{base(desk)}/{desk['li']}/revoke", {}, form_url=base(desk))
    page = client.get(f"{base(desk)}/sheet").get_data(as_text=True)
    assert page.count('class="sheet-ticket"') == 1
    assert "张三丰" in page
    # Someone else's ticket cannot be slipped in by id.
    with app.app_context():
        foreign = db.session.scalar(
            sa.select(Registration.id).where(Registration.token == desk["elsewhere_token"])
        )
    page = client.get(f"{base(desk)}/sheet", query_string={"ids": [foreign]}).get_data(as_text=True)
    assert page.count('class="sheet-ticket"') == 0


def test_sheet_qr_code_is_the_ticket_address(client, desk):
    client.login("desk@example.org")
    page = client.get(f"{base(desk)}/sheet", query_string={"ids": [desk["zhang"]]}).get_data(as_text=True)
    from eventdesk.core import qr

    assert qr.svg_inline(f"http://localhost/t/{desk['zhang_token']}") in page


def test_sheet_of_many_tickets_is_paged(app, client, desk):
    with app.app_context():
        from eventdesk.core.models import Activity

        activity = db.session.get(Activity, desk["activity"])
        for n in range(10):
            registrations.register(
                activity,
                registrations.RegistrationRequest(name=f"群众{n}", phone=f"135{n:08d}", consent=True),
            )
        db.session.commit()
    client.login("desk@example.org")
    page = client.get(f"{base(desk)}/sheet").get_data(as_text=True)
    # 12 tickets: 11 without a village (a page of 8 and one of 3), then 阳光村's one.
    assert page.count('class="sheet-page"') == 3
    assert page.count('class="sheet-village"') == 2
    assert "共 12 张票" in page


def test_registrations_made_before_now_are_listed_with_their_state(app, client, desk):
    with app.app_context():
        db.session.get(Registration, desk["li"]).checked_in_at = utcnow()
        db.session.commit()
    client.login("desk@example.org")
    page = client.get(base(desk)).get_data(as_text=True)
    assert "已签到" in page


@pytest.mark.parametrize(
    "query",
    [
        "?page=-1",
        "?page=0",
        "?page=abc",
        "?page=99999999999999999999",
        "?q=%25%5F",
        "?q=%00",
        "?q=" + "x" * 5000,
        "/sheet?ids=abc&ids=-1&page=0",
        "/sheet?ids=99999999999999999999",
    ],
)
def test_odd_query_strings_are_answered_not_crashed(client, desk, query):
    client.login("desk@example.org")
    assert client.get(base(desk) + query).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"ticket": "x" * 3000},
        {"ticket": "/////"},
        {"ticket": "\x00"},
        {"ticket": "7KM4QH9T", "direction": "sideways"},
        {"ticket": "7KM4QH9T", "booth": "abc"},
    ],
)
def test_odd_tickets_to_test_are_form_errors(app, client, desk, fields):
    client.login("desk@example.org")
    response = client.post_form(f"{base(desk)}/test", {"direction": "in", "booth": "", **fields})
    assert response.status_code == 400
    assert count(app, Scan) == 0


def test_huge_ids_in_addresses_are_not_found(client, desk):
    client.login("organizer@example.org")
    assert client.get("/manage/activities/99999999999999999999/registrations").status_code == 404
    assert client.get(f"{base(desk)}/99999999999999999999").status_code == 404
    response = client.post_form(
        f"{base(desk)}/99999999999999999999/check-in", {"scan_id": str(uuid.uuid4())}, form_url=base(desk)
    )
    assert response.status_code == 404
