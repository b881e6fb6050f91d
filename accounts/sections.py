"""Sections that apps above accounts add to the settings page (docs/architecture.md).

Accounts cannot name the apps above it, so they add their own part of the
page here, from their AppConfig.ready(): a template, shown between the
account's own sections and the danger zone, in the order they were added.
"""

SETTINGS_SECTIONS: list[str] = []


def settings_section_add(template_name: str) -> None:
    """Show `template_name` (a whole `<section>`) on the settings page."""
    if template_name not in SETTINGS_SECTIONS:
        SETTINGS_SECTIONS.append(template_name)
