"""The pages of the four kinds speak one vocabulary: no page, list or file names a thing by a
name the glossary avoids; the live board names its figures as the tally does; English readers get
English separators and plurals, and a ceremony's letter says where the estate is."""

import re

import pytest

from eventdesk.extensions import db
from tests.support import PROJECT_ROOT, factories
from tests.support.four_kinds import build_four_kinds

GLOSSARY = PROJECT_ROOT / "docs" / "glossary.md"


def avoided_names() -> dict[str, str]:
    """The glossary's "not" column: a name to avoid → the glossary's name for the thing."""
    names = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("中文", "---"):
            names.update(dict.fromkeys(filter(None, cells[3].split("、")), cells[0]))
    return names


@pytest.fixture
def kinds(app, client):
    """The four kinds' day, and an organizer signed in."""
    four = build_four_kinds(app)
    with app.app_context():
        email = factories.user("organizer").email
        db.session.commit()
    client.login(email)
    return four


def _text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _every_page_and_file(client, kinds) -> dict[str, str]:
    """Each kind's public and staff pages, its activity page, its lists and their files, and the
    board, the tally and the written report that count the kinds."""
    found = {}
    for name, path in [*kinds.public, *kinds.staff]:
        found[name] = _text(client, path)
    for kind, activity in kinds.activities.items():
        found[f"{kind} activity"] = _text(client, f"/manage/activities/{activity}")
        lists = _text(client, f"/reports/activities/{activity}/lists")
        found[f"{kind} lists"] = lists
        for path in sorted(set(re.findall(r'href="([^"]+\.csv[^"]*)"', lists))):
            found[path] = _text(client, path.replace("&amp;", "&"))
    for name, path in (
        ("board", "/dashboard/"),
        ("tally", "/reports/tally"),
        ("tally file", "/reports/tally.csv"),
        ("written report", "/reports/written/city"),
    ):
        found[name] = _text(client, path)
    return found


def test_no_page_or_file_of_the_kinds_names_a_thing_as_the_glossary_avoids(client, kinds):
    avoided = avoided_names()
    assert "扫码接待" in avoided  # the glossary is read
    found = _every_page_and_file(client, kinds)
    assert len([name for name in found if ".csv" in name]) >= 8  # the kinds' list files were read
    strays = {
        name: sorted(other for other in avoided if other in text)
        for name, text in found.items()
        if any(other in text for other in avoided)
    }
    assert strays == {}


def test_the_board_names_its_figures_as_the_tally_does(client, kinds):
    board = _text(client, "/dashboard/")
    tally = _text(client, "/reports/tally")
    for name in ("报名人数", "签到人数", "未登记到场人数", "到场人数", "展位接待人次"):
        assert name in board
        assert name in tally
    assert "凭票接待人次" in board
    assert ">已报名<" not in board


def test_english_readers_get_english_separators_and_plurals(client, kinds):
    stations = _text(client, f"/manage/activities/{kinds.activities['health']}/health?lang=en")
    assert "Blood pressure check, Physical examination, Ultrasound scan" in stations
    assert "、" not in re.sub(r"<[^>]+>", "", stations).replace("一号服务站", "")
    # One handover at the first desk: the written report's busiest booth had one visit.
    report = _text(client, "/reports/written/city?lang=en")
    assert "with 1 visit." in report
    assert "with 1 visits" not in report


def test_a_ceremony_s_letter_says_where_the_estate_is(app, client, kinds):
    from eventdesk.core.models import Activity

    with app.app_context():
        site = db.session.get(Activity, kinds.activities["handover"]).site
        site.address, site.address_en = "耀州区石柱镇幸福路", "Xingfu Road, Shizhu Town"
        db.session.commit()
        place = f"{site.name}（耀州区石柱镇幸福路）"
    # The letters are printed in Chinese for the households, whatever the organizer reads.
    for language in ("zh_Hans", "en"):
        letters = _text(
            client, f"/manage/activities/{kinds.activities['handover']}/handover/letters?lang={language}"
        )
        assert place in letters
