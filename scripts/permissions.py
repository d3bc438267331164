"""The permission table in the README, written from the code (`eventdesk.core.route_access`).

    python scripts/permissions.py          # rewrite the README's table
    python scripts/permissions.py check    # exit 1 if the README's table is not the code's
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- permission table: written by scripts/permissions.py -->"
END = "<!-- end of the permission table -->"


def code_table() -> str:
    sys.path.insert(0, str(ROOT))
    from eventdesk import create_app
    from eventdesk.core import route_access

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/routes.db"})
        return route_access.markdown(app)


def main(argv: list[str]) -> int:
    text = README.read_text()
    head, _, rest = text.partition(BEGIN)
    _old, _, tail = rest.partition(END)
    written = f"{head}{BEGIN}\n{code_table()}{END}{tail}"
    if argv[1:] == ["check"]:
        if written != text:
            print("README.md: the permission table differs from the code; run scripts/permissions.py")
            return 1
        return 0
    README.write_text(written)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
