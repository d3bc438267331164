"""Printed ticket sheets reach the right person: staff see each holder's full name and village,
village by village, so two tickets whose masked names read alike are told apart; the holder's own
ticket page keeps the name masked."""

import re

import pytest

from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import factories

PEOPLE = [
    ("李秀英", "13800000001", "阳光村"),
    ("李桂英", "13800000002", "青山村"),
    ("王大山", "13800000003", "阳光村"),
    ("赵四", "13800000004", None),
]


@pytest.fixture
def sheet(app):
    with app.app_context():
        activity = factories.activity()
        tokens = {}
        for name, phone, village in PEOPLE:
            registration = registrations.register(
                activity,
                registrations.RegistrationRequest(name=name, phone=phone, village=village, consent=True),
                source="staff",
            )
            tokens[name] = registration.token
        factories.user("staff", email="desk@example.org", scopes=[{"activity_id": activity.id}])
        db.session.commit()
        return {"activity": activity.id, "tokens": tokens}


def test_each_ticket_shows_the_full_name_and_village_village_by_village(client, sheet):
    client.login("desk@example.org")
    page = client.get(f"/manage/activities/{sheet['activity']}/registrations/sheet").get_data(as_text=True)
    villages = re.findall(r'<h2 class="sheet-village-heading">\s*([^<\s]+)', page)
    # One heading per village (in the database's order of village names), the unnamed first.
    assert villages[0] == "村镇未填"
    assert sorted(villages[1:]) == sorted(["青山村", "阳光村"])
    sections = page.split('<section class="sheet-village">')[1:]
    names = {
        village: re.findall(r'<p class="sheet-name">([^<]+)</p>', section)
        for village, section in zip(villages, sections, strict=True)
    }
    assert names == {"村镇未填": ["赵四"], "青山村": ["李桂英"], "阳光村": ["李秀英", "王大山"]}
    # Two holders whose masked names both read 李*英 are told apart by name and village.
    assert "李*英" not in page
    assert re.search(r"李秀英</p>\s*<p class=\"sheet-village-name\">阳光村", page)
    assert re.search(r"李桂英</p>\s*<p class=\"sheet-village-name\">青山村", page)


def test_the_holders_own_ticket_stays_masked(client, sheet):
    page = client.get(f"/t/{sheet['tokens']['李秀英']}").get_data(as_text=True)
    assert "李*英" in page
    assert "李秀英" not in page


def test_only_staff_of_the_activity_print_its_sheets(app, client, sheet):
    with app.app_context():
        email = factories.user("staff", scopes=[{"activity_id": factories.activity().id}]).email
        db.session.commit()
    client.login(email)
    assert client.get(f"/manage/activities/{sheet['activity']}/registrations/sheet").status_code == 403
