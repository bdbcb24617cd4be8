"""Import of phase progress from a provider's spreadsheet: read, check every row, apply or not.

One row is one phase of one trajectory: worker reference, project number of the mandate, phase,
start, end (empty while it runs) and hours. The columns are those of `trajectories.phase_file`
(the `trajectory-phases` export writes them, so an exported file can be edited and sent back),
named in Dutch (the template providers were given) or in English; the other columns of that
export and of `trajectories` are information and are ignored. Every message of the report is
made lazy and stored in every language (`doorstroom.languages`), so each reader sees it in
theirs, whoever checked the file.

The preview is the real apply inside a transaction that is rolled back, so what the preview
shows is what applying does. The rules are those of `trajectories.services` (the `*_checked`
variants, which take the trajectory locked and its phases read in bulk) and of the database; an
import never creates a worker or a trajectory, only phases of trajectories the user may see.

`reading` turns bytes into a table, `parsing` checks the header and each row's cells, `applying`
checks the rows against the database and applies them, `batches` keeps an upload with its report
(`report`) for the pages.
"""

from trajectories.imports.applying import import_run
from trajectories.imports.batches import (
    import_batch_apply,
    import_batch_check,
    previous_applications,
)
from trajectories.imports.parsing import (
    IMPORTED_COLUMNS,
    informative_columns,
    parse_rows,
    phase_label,
)
from trajectories.imports.reading import read_table, read_xlsx
from trajectories.imports.report import ImportReport
from trajectories.upload_checks import ImportFileError

__all__ = [
    "IMPORTED_COLUMNS",
    "ImportFileError",
    "ImportReport",
    "import_batch_apply",
    "import_batch_check",
    "import_run",
    "informative_columns",
    "parse_rows",
    "phase_label",
    "previous_applications",
    "read_table",
    "read_xlsx",
]
