"""English is complete: every catalog entry translated, and no Dutch on any page in English mode.

The pages are every GET page of the URL conf (each pattern, its arguments filled in with a
record of the seed and demo data) and every admin page of every registered model (list, add,
change, history), rendered in Dutch and in English. A Dutch word of the catalogs (a msgstr word
that no English msgid contains) on an English page is a string that was never marked for
translation, or one whose catalog entry is missing.

Data is shown as stored, in Dutch in any language (names, titles, notes of the seed and the demo
data). Only the data itself is discounted, never the word: before its words are read, the page
loses every text value of the database that it shows (every char and text field of every
model, the audit trail's copies included), so "Totaal" written by the interface fails the test
even though a seed record contains the word. Choice fields are no data here (their stored codes
are never shown, their labels are translated), nor are JSON fields (an import's report is
stored in every language: its Dutch must not excuse the English page).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROOT = Path(settings.BASE_DIR)
CATALOGS = sorted(
    p for p in ROOT.glob("*/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
WORD = re.compile(r"[^\W\d_][^\W\d_'\u2019-]{3,}")


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_catalog_entry_is_translated_and_none_is_fuzzy(catalog):
    po = polib.pofile(str(catalog))
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert catalog.with_suffix(".mo").stat().st_mtime >= catalog.stat().st_mtime - 1, (
        "compile the catalog (compilemessages)"
    )


# A value in quotes in an English text is a code to type, not English ('onbekend' in a help).
QUOTED_CODE = re.compile(r"'[^'\s%]+'")


def dutch_words() -> set[str]:
    """Words only the Dutch side of the catalogs has (not in any msgid)."""
    dutch, english = set(), set()
    for catalog in CATALOGS:
        for entry in polib.pofile(str(catalog)).translated_entries():
            for msgid in (entry.msgid, entry.msgid_plural or ""):
                english |= words(QUOTED_CODE.sub(" ", msgid))
            dutch |= words(entry.msgstr) | {
                w for s in entry.msgstr_plural.values() for w in words(s)
            }
    return dutch - english


def one_line(text: str) -> str:
    return " ".join(text.split())


def data_values() -> list[tuple[str, set[str]]]:
    """Every text value in the database, and every record as it names itself (`str`, which may
    shorten a long text), with its words, the longest first: a value that holds another is taken
    off a page before it."""
    values = set()
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:  # views of other tables
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        for record in model._base_manager.all():
            texts = [str(record), *(getattr(record, name) for name in fields)]
            values.update(one_line(text) for text in texts if text)
    return [(value, words(value)) for value in sorted(values, key=len, reverse=True)]


def interface_text(text: str, values: list[tuple[str, set[str]]], dutch: set[str]) -> str:
    """The page's text without the data it shows: each value of the database holding a Dutch
    word that the page has is taken off where it stands as a whole (not inside a longer word)."""
    text = one_line(text)
    suspects = words(text) & dutch
    for value, value_words in values:
        if value_words & suspects and value in text:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    return text


def visible_text(body: str) -> str:
    body = re.sub(r"(?s)<(script|style|svg:title)[^>]*>.*?</\1>", " ", body)
    # What a reader meets: the text, and the attributes a screen reader or tooltip says.
    said = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', body))
    return html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + said)


def url_paths(ids: dict[str, object]) -> list[str]:
    """Every GET page of the URL conf outside the admin, its arguments taken from `ids`."""
    paths = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if name in POST_ONLY:
                    continue
                arguments = list(pattern.pattern.converters)
                paths.append(reverse(name, kwargs={a: ids[name, a] for a in arguments}))

    walk(get_resolver().url_patterns, None)
    return paths


# Views that only take a POST (a page of their own would be a 405), and those that answer a file.
POST_ONLY = {
    "logout",
    "set_language",
    "questions:pack-generate",
    "trajectories:phase-start",
    "trajectories:phase-complete",
    "trajectories:stop",
    "trajectories:outcome",
    "trajectories:undo",
    "health",
    "job-status",
    "job-cancel",
    "questions:pack-download",
    "export-download",
    "job-file-download",
    "payments:evidence-download",
    "payments:claim-evidence",
    *(
        f"payments:claim-{step}"
        for step in (
            "submit",
            "discard",
            "review",
            "check",
            "approve",
            "reject",
            "pay",
            "payment-failed",
            "reissue",
        )
    ),
    "payments:correction-approve",
    "payments:correction-discard",
    "notifications:mark-read",
    "notifications:mark-all-read",
}


@pytest.fixture
def pages(seed, staff_user):
    from mandates.models import Mandate
    from pilots.models import Pilot
    from questions.models import ParliamentaryQuestion
    from questions.services import answer_pack_generate
    from tests.factories.jobs import written_export
    from trajectories.demo import demo_generate
    from trajectories.models import Trajectory

    demo_generate(count=20, seed=1)
    question = ParliamentaryQuestion.objects.get(number=35)
    pack = answer_pack_generate(question=question, user=staff_user)
    trajectory = Trajectory.objects.filter(phases__isnull=False).order_by("pk").first()
    ids = {
        ("mandates:detail", "project_number"): Mandate.objects.get(project_number=6441).pk,
        ("pilots:detail", "pk"): Pilot.objects.order_by("pk").first().pk,
        ("trajectories:detail", "pk"): trajectory.pk,
        ("questions:detail", "pk"): question.pk,
        ("questions:pack-detail", "pk"): pack.pk,
        ("questions:pack-html", "pk"): pack.pk,
    }
    ids["mandates:detail", "project_number"] = 6441
    ids["trajectories:import-detail", "pk"] = an_import(staff_user).pk
    ids.update(payment_pages(staff_user))
    job = written_export(staff_user)
    ids["job-file", "pk"] = job.pk
    notifications_for(staff_user)
    paths = [p for p in url_paths_or_skip(ids)]
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"admin:{info}_changelist"))
        if model_admin.has_add_permission(_request(staff_user)):
            paths.append(reverse(f"admin:{info}_add"))
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            paths.append(reverse(f"admin:{info}_change", args=[record.pk]))
            paths.append(reverse(f"admin:{info}_history", args=[record.pk]))
    return paths


def payment_pages(user) -> dict:
    """A claim with its documents, a confirmation file and a correction run (payments)."""
    import datetime as dt

    from mandates.models import Mandate
    from payments import imports, services
    from tests.factories.payments import completed_trajectory, documented

    mandate = Mandate.objects.get(project_number=7887)
    completed_trajectory(mandate)
    claim = services.claim_create(
        user=user,
        mandate=mandate,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    documented(claim, user)
    run = services.correction_run_create(user=user, reason="Index 03/2024")
    batch = imports.payment_import_check(user=user, data=b"x", file_name="x.csv")
    return {
        ("payments:claim-detail", "pk"): claim.pk,
        ("payments:claim-print", "pk"): claim.pk,
        ("payments:phase-evidence", "pk"): claim.lines.get(position=3).phase_id,
        ("payments:import-detail", "pk"): batch.pk,
        ("payments:correction-detail", "pk"): run.pk,
    }


def notifications_for(user) -> None:
    """One unread notification of each kind, so the list shows each kind's text."""
    from notifications.models import Delivery, Kind, Notification

    day = "2026-03-02"
    params = {
        Kind.PHASE_DEADLINE: {
            "stage": "near",
            "phase": 2,
            "trajectory": 1,
            "worker": "DW-000001",
            "mandate": 6441,
            "deadline": day,
        },
        Kind.QUESTION_DEADLINE: {"stage": "past", "number": 35, "deadline": day},
        Kind.CLAIM_WAITING: {"claim": "SV-000001", "mandate": 6441, "since": day},
        Kind.RETENTION: {"stage": "notice", "count": 1, "due_on": day, "references": ["DW-1"]},
    }
    for kind, values in params.items():
        Notification.objects.create(
            user=user, kind=kind, key="x", params=values, delivery=Delivery.IMMEDIATELY
        )


def an_import(user):
    """A checked import of a row that cannot be matched (its page shows the row's error)."""
    from trajectories.imports import import_batch_check

    data = (
        "Referentie werknemer;Projectnummer;Fase;Startdatum;Einddatum;Uren\n"
        "DW-999999;6441;1;04/03/2019;;0\n"
    )
    return import_batch_check(user=user, data=data.encode(), file_name="voortgang.csv")


def url_paths_or_skip(ids):
    try:
        return url_paths(ids)
    except KeyError as missing:
        pytest.fail(f"no record to fill in {missing}: add it to the fixture")


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


# Dutch that English pages show on purpose: every page under a path, or phrases on any page.
DUTCH_PAGES = (
    # The answer pack is the Dutch document sent to the Flemish Parliament, its tables as sent.
    "/vragen/pakket/",
)
DUTCH_PHRASES = (
    # The value of "no province" in a URL or on the command line, named in a filter's help.
    "'onbekend'",
    # A trajectory's status codes as stored, in the audit trail's data (the events' pages).
    *(f"{q}{code}{q}" for code in ("lopend", "afgerond", "stopgezet") for q in "'\""),
)


def test_no_dutch_on_any_page_in_english(admin_client_, pages):
    dutch = dutch_words()
    values = data_values()
    found = {}
    for path in pages:
        admin_client_.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl-be"
        response = admin_client_.get(path)
        assert response.status_code == 200, path
        admin_client_.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = admin_client_.get(path)
        assert english.status_code == 200, path
        if path.startswith(DUTCH_PAGES):
            continue
        text = visible_text(english.content.decode())
        for phrase in DUTCH_PHRASES:
            text = text.replace(phrase, " ")
        left = words(interface_text(text, values, dutch)) & dutch
        if left:  # the pages seen so far may have added data (the log of personal data seen)
            values = data_values()
            left = words(interface_text(text, values, dutch)) & dutch
        if left:
            found[path] = sorted(left)
    assert not found, "\n".join(f"{path}: {' '.join(left)}" for path, left in found.items())


def test_a_dutch_word_of_the_interface_counts_even_where_the_data_has_it(seed):
    """ "totaal" is in seed records (a care engagement's name), yet written by the interface it
    is Dutch; the name itself, shown as stored, is not."""
    dutch, values = dutch_words(), data_values()
    assert "totaal" in dutch
    name = "Woon- en zorgcentra in totaal"
    assert any(value == name for value, _words in values)
    assert not words(interface_text(f"Party involved: {name}", values, dutch)) & dutch
    page = f"Party involved: {name}. Totaal: 200"
    assert words(interface_text(page, values, dutch)) & dutch == {"totaal"}


def test_english_dates_are_day_month_year_shown_and_typed_on_every_form(admin_client_, seed):
    from tests.factories.trajectories import PhaseRecordFactory

    phase = PhaseRecordFactory()
    trajectory = phase.trajectory
    admin_client_.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Typed as the help and the pages show it: 25/12/2018 is a date in the filter form too (in
    # Django's English it was refused, and 03/04/2019 read as the 4th of March).
    listing = admin_client_.get(reverse("trajectories:list"), {"started_from": "25/02/2019"})
    form = listing.context["filter"].form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["started_from"].isoformat() == "2019-02-25"
    assert "04/03/2019" in listing.content.decode()
    detail = admin_client_.get(trajectory.get_absolute_url()).content.decode()
    assert "04/03/2019" in detail and "03/04/2019" not in detail
    admin_page = admin_client_.get(
        reverse("admin:trajectories_trajectory_change", args=[trajectory.pk])
    )
    assert 'value="04/03/2019"' in admin_page.content.decode()
