"""{% translate %} looked up once per language gives exactly Django's output."""

import pytest
from django.template import Context, Engine, Template
from django.utils import translation

DJANGO = Engine(libraries={"i18n": "django.templatetags.i18n"})
CACHED = Engine(libraries={"i18n": "journal_site.templatetags.cached_i18n"})

SOURCES = [
    '{% load i18n %}{% translate "Sign out" %}',
    '{% load i18n %}{% trans "Sign out" %}|{% translate "Sign in" %}',
    '{% load i18n %}{% translate "Any" context "mood" %}/{% translate "Any" context "emotion" %}',
    '{% load i18n %}{% translate "Emotions" as label %}[{{ label }}]',
    '{% load i18n %}{% translate "Sign out" noop %}',
    '{% load i18n %}{% translate "100%% <b>yours</b>" %}',
    '{% load i18n %}{% translate word %}',
    '{% load i18n %}{% translate "Sign out"|upper %}',
    '{% load i18n %}{% translate "Any" context ctx %}',
    '{% load i18n %}{% autoescape off %}{% translate "x < y" %}{% endautoescape %}{% translate "x < y" %}',
    '{% load i18n %}{% blocktranslate %}Page {{ word }}{% endblocktranslate %}',
]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("language", ["en", "pl"])
def test_same_output_as_django(source, language):
    context = {"word": "Settings", "ctx": "mood"}
    with translation.override(language):
        expected = Template(source, engine=DJANGO).render(Context(context))
        cached = Template(source, engine=CACHED)
        assert cached.render(Context(context)) == expected
        assert cached.render(Context(context)) == expected  # from the cache


def test_each_language_gets_its_own_words():
    template = Template('{% load i18n %}{% translate "Sign out" %}', engine=CACHED)
    with translation.override("pl"):
        polish = template.render(Context())
    with translation.override("en"):
        assert template.render(Context()) == "Sign out"
    assert polish != "Sign out"


def test_the_site_uses_it():
    from django.template import engines

    from journal_site.templatetags import cached_i18n

    assert engines["django"].engine.template_libraries["i18n"] is cached_i18n.register
