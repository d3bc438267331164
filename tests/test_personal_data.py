"""Personal data held as little as it can be (PIPL): ID numbers are kept masked with a keyed digest,
never in full; a number typed online never replaces the one on record, so nobody can lock another
person out with a false one: the conflict goes to staff."""

import json
import re

import sqlalchemy as sa

from eventdesk.core import identity
from eventdesk.core.models import Person, Registration
from eventdesk.extensions import db
from tests.support import factories
from tests.support.client import Client
from tests.support.handover import build_ceremony, household_row, id_number

VALID_ID = "11010519491231002X"
OTHER_ID = id_number(7)
_ID_SHAPED = re.compile(r"\d{17}[\dXx]")


def full_id_numbers_in_database() -> list[tuple[str, str]]:
    """Every valid resident ID number found in any text or JSON value of any table."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, dict | list):
                    value = json.dumps(value, ensure_ascii=False)
                if not isinstance(value, str):
                    continue
                for candidate in _ID_SHAPED.findall(value):
                    candidate = candidate.upper()
                    if identity.id_number_check_char(candidate[:17]) == candidate[17]:
                        found.append((f"{table.name}.{column}", candidate))
    return found


def test_no_full_id_number_is_stored_after_the_demo_and_imports(app, run_cli, tmp_path):
    assert run_cli("demo", "load", "--date", "2026-10-17").exit_code == 0
    with app.app_context():
        activity = factories.activity()
        db.session.commit()
        activity_id = activity.id
    people = tmp_path / "people.csv"
    people.write_text(f"姓名,手机号,身份证号\n张三,13800000001,{VALID_ID}\n李四,13800000002,{OTHER_ID}\n")
    result = run_cli("import", "people", str(people), "--activity", str(activity_id))
    assert result.exit_code == 0, result.output
    build_ceremony(app, [household_row(n) for n in range(1, 4)])
    with app.app_context():
        holders = db.session.scalars(sa.select(Person).where(Person.id_number_digest.is_not(None))).all()
        assert len(holders) >= 5 + 30  # the imports, and the demo's households
        zhang = db.session.scalars(sa.select(Person).where(Person.name == "张三")).one()
        assert zhang.id_number_masked == "1101**********002X"
        assert zhang.id_number_digest == identity.id_number_digest(VALID_ID)
        assert full_id_numbers_in_database() == []


def test_the_digest_depends_on_a_key_kept_outside_the_database(make_app):
    one, other = make_app(EVENTDESK_ID_KEY="k" * 40), make_app(EVENTDESK_ID_KEY="q" * 40)
    with one.app_context():
        first = identity.id_number_digest(VALID_ID)
    with other.app_context():
        second = identity.id_number_digest(VALID_ID)
    assert first != second
    assert VALID_ID not in first


def register(app, activity_id, **body):
    body = {"name": "李秀英", "phone": "13812345678", "consent": True, **body}
    return app.test_client().post(
        f"/api/v1/activities/{activity_id}/registrations",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_a_false_id_number_typed_first_locks_nobody_out_and_is_shown_to_staff(app):
    with app.app_context():
        first = factories.activity(registration_open=True)
        second = factories.activity(first.event, registration_open=True)
        organizer = factories.user("organizer")
        db.session.commit()
        first_id, second_id, email = first.id, second.id, organizer.email
    # Someone who knows her name and phone registers her with an invented number ...
    assert register(app, first_id, id_number=OTHER_ID).status_code == 201
    # ... and she still registers herself, with her own, at another activity.
    response = register(app, second_id, id_number=VALID_ID)
    assert response.status_code == 201
    registration_id = response.get_json()["registration_id"]
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert registration.identity_conflict is True
        # The number on record is not replaced by whoever typed last either.
        assert registration.person.id_number_digest == identity.id_number_digest(OTHER_ID)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
    staff = Client(app)
    staff.login(email)
    page = staff.get(f"/manage/activities/{second_id}/registrations/{registration_id}").get_data(as_text=True)
    assert "身份证号与登记在案的不同" in page


def test_staff_with_the_papers_in_hand_correct_the_number_on_record(app):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        other = factories.activity(activity.event)
        organizer = factories.user("organizer")
        db.session.commit()
        activity_id, other_id, email = activity.id, other.id, organizer.email
    assert register(app, activity_id, id_number=OTHER_ID).status_code == 201
    staff = Client(app)
    staff.login(email)
    url = f"/manage/activities/{other_id}/registrations/new"
    response = staff.post_form(
        url, {"name": "李秀英", "phone": "13812345678", "id_number": VALID_ID, "consent": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalars(sa.select(Person)).one()
        assert person.id_number_digest == identity.id_number_digest(VALID_ID)
        registration = db.session.scalars(
            sa.select(Registration).where(Registration.activity_id == other_id)
        ).one()
        assert registration.identity_conflict is False
