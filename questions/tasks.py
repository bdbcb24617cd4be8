"""An answer pack made by a worker, with its progress on the question's page.

One pack at a time per question: while one is being made, asking again shows that one (and a
second click that slipped through waits for the first: the question's procrastinate lock).
"""

from __future__ import annotations

from django.utils import translation
from procrastinate.contrib.django import app

from doorstroom.exports import ExportError
from doorstroom.jobs.models import ACTIVE, Job
from doorstroom.jobs.running import Progress, job_run
from doorstroom.jobs.services import job_defer
from questions.models import AnswerTable, ParliamentaryQuestion
from questions.services import answer_pack_generate, no_answer_tables

ANSWER_PACK = "answer-pack"


def pack_jobs(question: ParliamentaryQuestion):
    return Job.objects.filter(kind=ANSWER_PACK, parameters__question=question.pk).defer("result")


def answer_pack_queue(*, question: ParliamentaryQuestion, user) -> Job:
    """Queue making the question's pack (ExportError at once when it has no tables); a pack
    already being made is the one asked for."""
    if not AnswerTable.objects.filter(subquestion__question=question).exists():
        raise no_answer_tables()
    under_way = pack_jobs(question).filter(status__in=ACTIVE).first()
    if under_way is not None:
        return under_way
    return job_defer(
        kind=ANSWER_PACK,
        user=user,
        task=answer_pack_make,
        lock=f"questions.answer-pack.{question.pk}",
        # The language of the job's messages; the pack itself is always in Dutch.
        parameters={"question": question.pk, "language": translation.get_language()},
        question_id=question.pk,
    )


@app.task(name="questions.answer_pack_make")
def answer_pack_make(*, job_id: int, question_id: int) -> None:
    def work(job: Job, progress: Progress) -> None:
        question = ParliamentaryQuestion.objects.get(pk=question_id)
        with translation.override(job.parameters.get("language")):
            try:
                pack = answer_pack_generate(
                    question=question, user=job.created_by, progress=progress
                )
            except ExportError as error:  # its message in the language of whoever asked
                raise ExportError(str(error)) from error
        Job.objects.filter(pk=job.pk).update(parameters={**job.parameters, "pack": pack.pk})

    job_run(job_id=job_id, work=work)
