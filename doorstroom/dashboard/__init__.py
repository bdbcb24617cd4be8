"""The dashboard, the landing page: headline figures and each role's "to do" at the top, then
the trends over the quarters and the figure sets (registered exports) with their tables.

* `sections`: the figure sets, each one export, its columns named by header;
* `tiles`: the headline figures, each counted by the listing it links to;
* `todo`: what the user's role can act on today;
* `trends`: the last twelve quarters as column charts;
* `page`: the view that puts them together.
"""

from doorstroom.dashboard.page import dashboard_page
from doorstroom.dashboard.sections import SECTIONS, DashboardColumnError, Section, SectionSpec

__all__ = ["SECTIONS", "DashboardColumnError", "Section", "SectionSpec", "dashboard_page"]
