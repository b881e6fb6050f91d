import io

MB = 1024 * 1024


def test_settings_import_page_accepts_files_over_the_general_limit(owner_client, settings):
    settings.MAX_BODY_BYTES = 1 * MB
    settings.IMPORT_MAX_BYTES = 3 * MB
    upload = io.BytesIO(b'{"entries": []}' + b" " * (2 * MB))
    upload.name = "export.json"
    response = owner_client.post("/settings/import/", {"file": upload})
    assert response.status_code != 413


def test_settings_import_page_refuses_files_over_the_import_limit(owner_client, settings):
    settings.IMPORT_MAX_BYTES = 2 * MB
    upload = io.BytesIO(b" " * (3 * MB))
    upload.name = "export.json"
    response = owner_client.post("/settings/import/", {"file": upload})
    assert response.status_code == 413
