"""An answer pack after it was made, as a person uses it in headless Chromium: its page lists its
tables, compares them with the data of today, and its HTML page (styled under the CSP) holds the
tables the ZIP sent."""

import zipfile

import pytest

from mandates.models import Mandate
from questions.models import AnswerPack
from tests.browser_support import log_in, make_answer_pack, table_rows

pytestmark = pytest.mark.browser


def open_question_35(page) -> None:
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Vragen").click()
    page.get_by_role("link", name="35", exact=True).click()
    page.wait_for_load_state()


def test_a_pack_is_listed_compared_with_today_and_shown_as_html(
    page, seeded, staff, tmp_path, workers
):
    workers.start()
    log_in(page)
    open_question_35(page)
    archive = make_answer_pack(page, tmp_path)
    pack = AnswerPack.objects.get()
    open_question_35(page)  # the pack is now listed among those made
    page.get_by_role("link", name="Details en vergelijking").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Antwoordpakket ")
    assert page.get_by_text(pack.checksum, exact=True).is_visible()
    tables = list(pack.tables.order_by("position"))
    assert len(tables) >= 4
    assert [[r[0], r[2].split()[0], r[4]] for r in table_rows(page)] == [
        [str(t.position), t.export_name, t.sha256] for t in tables
    ]

    page.get_by_role("link", name="Vergelijken met de huidige gegevens").click()
    page.wait_for_load_state()
    assert page.get_by_text("Elke tabel is nog identiek aan wat verstuurd werd.").is_visible()
    verdicts = page.locator("main section h3").all_inner_texts()
    assert len(verdicts) == len(tables) and all(v.endswith("identiek") for v in verdicts)

    # Meanwhile a colleague renames a mandate: the comparison shows the changed row.
    Mandate.objects.filter(project_number=6441).update(name="Doorstroom Limburg hernoemd")
    page.reload()
    verdicts = page.locator("main section h3").all_inner_texts()
    changed = [v for v in verdicts if v.endswith("gewijzigd")]
    assert len(changed) == 1 and "Gemandateerde organisaties" in changed[0], verdicts
    section = page.locator("main section", has_text="Gewijzigde rijen")
    assert "Doorstroom Limburg hernoemd" in section.inner_text()
    assert "Elke tabel is nog identiek" not in page.locator("main").inner_text()

    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.get_by_role("link", name="HTML voor een tekstverwerker").click()
    page.wait_for_load_state()
    assert page.title() == "Antwoord op vraag nr. 35"
    # Styled by the application's stylesheet, which the Content-Security-Policy lets through.
    style = "(e) => [getComputedStyle(e).borderCollapse, getComputedStyle(e.querySelector('td'))"
    style += ".borderTopStyle]"
    assert page.locator("table").first.evaluate(style) == ["collapse", "solid"]
    assert not [text for text in refused if "Content Security Policy" in text], refused
    # The tables the pack sent (not today's data): as in the ZIP's own HTML page.
    assert page.locator("h2").count() == len(tables)
    with zipfile.ZipFile(archive) as sent:
        [name] = [n for n in sent.namelist() if n.endswith(".html")]
        (tmp_path / "sent.html").write_bytes(sent.read(name))
    shown = [table_rows(page, f"table >> nth={i}") for i in range(len(tables))]
    page.goto((tmp_path / "sent.html").as_uri())
    assert [table_rows(page, f"table >> nth={i}") for i in range(len(tables))] == shown
    assert any(row[2] == "6441" and "hernoemd" not in row[3] for row in shown[0]), shown[0][:3]
