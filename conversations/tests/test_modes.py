import pytest
from django.utils import translation

from conversations.modes import MODES, Mode, mode_system_prompt


def test_four_modes_each_with_name_description_and_prompts_in_both_languages():
    assert [mode.value for mode in Mode] == ["supportive", "reflective", "coaching", "gratitude"]
    prompts = set()
    for code, info in MODES.items():
        assert str(info.name) and str(info.description)
        for language in ("en", "pl"):
            prompt = mode_system_prompt(mode=code, language=language)
            prompts.add(prompt)
            assert len(prompt) > 200
    assert len(prompts) == 8  # every mode and language has its own prompt


@pytest.mark.parametrize("language, words", [("en", ("diagnose", "English")), ("pl", ("diagnoz", "po polsku"))])
def test_every_prompt_forbids_diagnoses_and_names_the_language(language, words):
    for mode in Mode:
        prompt = mode_system_prompt(mode=mode.value, language=language)
        assert all(word in prompt for word in words)


def test_an_unknown_language_gets_the_english_prompt():
    assert mode_system_prompt(mode="coaching", language="de") == mode_system_prompt(mode="coaching", language="en")


def test_modes_api_lists_code_name_and_description(owner_api):
    response = owner_api.get("/api/v1/conversations/modes/")
    assert response.status_code == 200
    assert response.json()[0] == {
        "code": "supportive",
        "name": "Supportive",
        "description": "Listens, reflects your feelings back and validates them.",
    }
    assert [mode["code"] for mode in response.json()] == ["supportive", "reflective", "coaching", "gratitude"]


def test_modes_api_speaks_polish(owner, owner_api):
    owner.language = "pl"
    owner.save()
    response = owner_api.get("/api/v1/conversations/modes/", HTTP_ACCEPT_LANGUAGE="pl")
    with translation.override("pl"):
        expected = str(MODES["gratitude"].name)
    assert expected != "Gratitude"
    assert response.json()[3]["name"] == expected


@pytest.mark.django_db
def test_modes_api_needs_authentication(api_client):
    assert api_client.get("/api/v1/conversations/modes/").status_code == 401
