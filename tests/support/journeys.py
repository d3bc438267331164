"""Screenshots of the journeys, kept under one folder that CI keeps as its artefacts."""

import re

from tests.support import PROJECT_ROOT

#: Where every journey's screenshots go, a folder per journey.
JOURNEYS = PROJECT_ROOT / "test-results" / "journeys"


class Journey:
    """Numbered screenshots of one journey: ``test-results/journeys/<name>/01-<step>.png`` …"""

    def __init__(self, name: str):
        self.folder = JOURNEYS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.taken = 0

    def shot(self, page, step: str) -> None:
        self.taken += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        page.screenshot(path=str(self.folder / f"{self.taken:02d}-{slug}.png"), full_page=True)
