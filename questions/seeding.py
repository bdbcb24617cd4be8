"""The seed data of the questions app: question nr. 35 with its sub-questions and the answer
tables that give its answer back (`fixtures/questions.json`)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from questions.models import AnswerTable, ParliamentaryQuestion, SubQuestion


@transaction.atomic
def questions_seed_load(*, path: Path) -> Counter:
    """Load the registered questions with their sub-questions and answer tables.

    Only what is missing is created (question by number and date, sub-question by label, an
    answer table by sub-question and export), so staff edits survive a reload.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created: Counter = Counter()
    for row in data["questions"]:
        question, was_created = ParliamentaryQuestion.objects.get_or_create(
            number=row["number"],
            date=dt.date.fromisoformat(row["date"]),
            defaults={
                "asked_by": row["asked_by"],
                "addressed_to": row["addressed_to"],
                "subject": row["subject"],
                "status": row["status"],
                "answered_on": row.get("answered_on") and dt.date.fromisoformat(row["answered_on"]),
            },
        )
        created["questions"] += was_created
        for position, sub in enumerate(row["subquestions"], start=1):
            subquestion, was_created = SubQuestion.objects.get_or_create(
                question=question,
                label=sub["label"],
                defaults={"text": sub["text"], "position": position},
            )
            created["subquestions"] += was_created
            for table_position, table in enumerate(sub.get("tables", []), start=1):
                _, was_created = AnswerTable.objects.get_or_create(
                    subquestion=subquestion,
                    export_name=table["export"],
                    defaults={
                        "filters": table.get("filters", {}),
                        "title": table.get("title", ""),
                        "answers": table.get("answers", ""),
                        "position": table_position,
                    },
                )
                created["answer tables"] += was_created
    return created
