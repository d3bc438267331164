"""A key-handover ceremony walked through as its people would: the households imported from a
spreadsheet and their letters printed; heads checked in at the entrance and handed their keys at
the desk with signatures, a proxy at the scanner; one handover undone; the absent list exported.
The tally (fed, rebuilt), the organizers' page and the written report are exact at each step."""

import io
import re

from openpyxl import load_workbook

from eventdesk.core.models import Activity, Booth
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.client import Client
from tests.support.handover import (
    PROXY,
    SIGNATURE,
    confirm_import,
    household_row,
    preview_households,
    scan_letter,
    sheet_rows,
)
from tests.support.spreadsheets import write_xlsx

ROWS = [household_row(n, "relocation" if n % 3 else "renovation") for n in range(1, 9)]
MEMBERS = {row["head_name"]: int(row["members"]) for row in ROWS}
PROGRAMME = {row["head_name"]: row["programme"] for row in ROWS}
FIGURES = ("registered", "checked_in", "households_invited", "households_present", "keys_handed_over",
           "keys_handed_over.relocation", "keys_handed_over.renovation", "people_rehoused",
           "people_rehoused.relocation", "people_rehoused.renovation")  # fmt: skip


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Ceremony:
    """The ceremony's people: its organizer, a desk's staff, the entrance scanner; what it counts."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            activity = factories.activity(kind="handover", registration_open=False)
            self.desk = factories.booth(activity, name="1号楼交钥匙台").id
            organizer = factories.user("organizer")
            desk_staff = factories.user("staff", scopes=[{"booth_id": self.desk}])
            self.activity = activity.id
            self.scanner = Api(app, factories.scanner_token(activity))
            self.organizer_api = Api(app, factories.staff_token(organizer))
            emails = organizer.email, desk_staff.email
            db.session.commit()
        self.organizer = Client(app)
        self.organizer.login(emails[0])
        self.desk_staff = Client(app)
        self.desk_staff.login(emails[1])
        self.expected = dict.fromkeys(FIGURES, 0)
        self.codes: dict[str, str] = {}

    @property
    def base(self) -> str:
        return f"/manage/activities/{self.activity}/handover"

    def expect(self, **changes):
        for name, amount in changes.items():
            self.expected[name.replace("__", ".")] += amount
        self.check()

    def handed(self, head, sign=1):
        programme = PROGRAMME[head]
        self.expected["keys_handed_over"] += sign
        self.expected[f"keys_handed_over.{programme}"] += sign
        self.expected["people_rehoused"] += sign * MEMBERS[head]
        self.expected[f"people_rehoused.{programme}"] += sign * MEMBERS[head]

    def check(self):
        counts = self.organizer_api.get(f"/activities/{self.activity}/counts").get_json()
        shown = {name: counts.get(name, counts["metrics"].get(name, 0)) for name in FIGURES}
        assert shown == self.expected
        with self.app.app_context():
            assert tally_service.stored() == tally_service.facts()
        live = self.organizer.get(f"{self.base}/live").get_data(as_text=True)
        tiles = dict(re.findall(r'data-figure="([\w.]+)">(\d+)', live))
        assert int(tiles["keys_handed_over"]) == self.expected["keys_handed_over"]
        assert int(tiles["households_present"]) == self.expected["households_present"]

    def desk_form(self, code):
        scanned = scan_letter(self.desk_staff, self.activity, self.desk, code)
        assert scanned.status_code == 302
        url = scanned.headers["Location"]
        html = self.desk_staff.get(url).get_data(as_text=True)
        household = re.search(r'id="household" data-household="(\d+)"', html).group(1)
        action_id = re.search(r'name="client_action_id"[^>]*value="([^"]+)"', html).group(1)
        return household, action_id, url

    def hand_over_at_desk(self, head, **form):
        household, action_id, url = self.desk_form(self.codes[head])
        data = {"client_action_id": action_id, "recipient": "head", "signature": SIGNATURE, **form}
        response = self.desk_staff.post_form(
            f"{self.base}/desk/{household}?booth={self.desk}", data, form_url=url
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return household


def test_a_ceremony_walked_through(app, tmp_path):
    ceremony = Ceremony(app)
    ceremony.check()

    # The organizer uploads the households on the activity's import page; each head gets a ticket.
    data = write_xlsx(sheet_rows(ROWS))
    preview = preview_households(ceremony.organizer, ceremony.activity, data, "安置户名单.xlsx")
    assert re.search(r'data-count="done">8<', preview)
    ceremony.check()  # a preview keeps nothing
    done = confirm_import(ceremony.organizer, ceremony.activity, preview)
    assert done.status_code == 302
    landed = text_of(ceremony.organizer.get(done.headers["Location"]).get_data(as_text=True))
    assert "邀请8户" in landed
    ceremony.expect(registered=8, households_invited=8)

    # The letters are printed: one a page, each with its QR code and ticket code.
    letters = ceremony.organizer.get(f"{ceremony.base}/letters").get_data(as_text=True)
    pages = letters.split('<article class="a4-page letter"')[1:]
    assert len(pages) == 8
    for page in pages:
        head = re.search(r"户主\d", page).group(0)
        ceremony.codes[head] = re.search(r'class="code">([A-Z0-9 ]+)<', page).group(1)
        assert "<svg" in page
    # The same list imported again invites nobody twice.
    again = preview_households(ceremony.organizer, ceremony.activity, data, "安置户名单.xlsx")
    assert re.search(r'data-count="already">8<', again)
    assert confirm_import(ceremony.organizer, ceremony.activity, again).status_code == 302
    ceremony.check()

    # Morning: three heads come in with their letters.
    for head in ("户主1", "户主2", "户主3"):
        answer = ceremony.scanner.post(
            "/scans", {"ticket_code": ceremony.codes[head], "client_scan_id": new_id()}
        ).get_json()
        assert answer["result"] == "accepted"
    ceremony.expect(checked_in=3, households_present=3)

    # 户主1 at the desk, found by the letter, signs and takes the keys.
    ceremony.hand_over_at_desk("户主1")
    ceremony.handed("户主1")
    ceremony.check()
    receipt = ceremony.organizer.get(f"{ceremony.base}/receipts").get_data(as_text=True)
    assert receipt.count('<article class="a4-page receipt"') == 1
    # The day's receipts are the whole ceremony's list: not for the staff of one desk.
    assert ceremony.desk_staff.get(f"{ceremony.base}/receipts").status_code == 403

    # 户主4's son brings the letter: the desk's scanner hands him the keys and checks the household in.
    with app.app_context():
        desk = db.session.get(Booth, ceremony.desk)
        bound = Api(app, factories.scanner_token(db.session.get(Activity, ceremony.activity), booth_=desk))
        db.session.commit()
    answer = bound.post(
        f"/activities/{ceremony.activity}/actions/handover",
        {
            "client_action_id": new_id(),
            "booth_id": ceremony.desk,
            "ticket_code": ceremony.codes["户主4"],
            "fields": {"recipient": "proxy", **PROXY, "signature": SIGNATURE},
        },
    )
    assert answer.status_code == 201, answer.get_json()
    ceremony.handed("户主4")
    ceremony.expect(checked_in=1, households_present=1)

    # 户主2, found at the desk by the last four characters of the ID number.
    tail = ROWS[1]["id_number"][-4:]
    found = ceremony.desk_staff.get(f"{ceremony.base}/desk?booth={ceremony.desk}&q={tail}").get_data(
        as_text=True
    )
    assert "户主2" in found
    ceremony.hand_over_at_desk("户主2")
    ceremony.handed("户主2")
    ceremony.check()

    # 户主2's keys were the wrong ones: undone at the desk with a reason, within 30 minutes.
    desk = ceremony.desk_staff.get(f"{ceremony.base}/desk?booth={ceremony.desk}").get_data(as_text=True)
    undo_url = re.findall(r'action="([^"]+/undo)"', desk)[0]
    assert (
        ceremony.desk_staff.post_form(
            undo_url, {"reason": "钥匙拿错了"}, form_url=f"{ceremony.base}/desk?booth={ceremony.desk}"
        ).status_code
        == 302
    )
    ceremony.handed("户主2", sign=-1)
    ceremony.check()
    # … and handed over again, the right keys this time.
    ceremony.hand_over_at_desk("户主2")
    ceremony.handed("户主2")
    ceremony.check()

    # The organizers' page: 户主3 waits, 户主5 … 户主8 are absent.
    page = ceremony.organizer.get(ceremony.base).get_data(as_text=True)
    waiting = text_of(page.split('id="households-present"')[1].split("</section>")[0])
    absent = text_of(page.split('id="households-absent"')[1].split("</section>")[0])
    assert "户主3" in waiting
    assert [head for head in MEMBERS if head in absent] == ["户主5", "户主6", "户主7", "户主8"]

    # The absent list, exported for delivering their keys later.
    sheet = ceremony.organizer.get(f"/reports/activities/{ceremony.activity}/lists/absent_households.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    head = rows[0].index("户主")
    assert sorted(row[head] for row in rows[1:]) == ["户主5", "户主6", "户主7", "户主8"]
    csv_text = ceremony.organizer.get(
        f"/reports/activities/{ceremony.activity}/lists/absent_households.csv"
    ).data.decode("utf-8-sig")
    assert csv_text.count("\n") == 5

    # The written report tells the same figures.
    report = text_of(ceremony.organizer.get("/reports/written/city").get_data(as_text=True))
    people = MEMBERS["户主1"] + MEMBERS["户主2"] + MEMBERS["户主4"]
    assert f"共邀请安置户8户，到场4户。交付新居钥匙3户、安置{people}人" in report
    with app.app_context():
        tally_service.rebuild()
        db.session.commit()
        assert tally_service.stored() == tally_service.facts()
    ceremony.check()
