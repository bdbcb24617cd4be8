from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Parliamentary questions")
    seeds = [("questions.seeding.questions_seed_load", "questions.json")]
