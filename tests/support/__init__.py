"""What the test modules share: object factories, API and browser clients, readers of results.

Test modules import from here (and take fixtures from ``conftest.py``), never from each other.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
