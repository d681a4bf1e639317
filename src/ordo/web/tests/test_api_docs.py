def test_the_api_docs_load_swagger_from_our_own_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html


def test_the_openapi_document_lists_the_pricing_quote(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/pricing/quote" in schema["paths"]
