def test_healthz(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_login_page_renders(app):
    response = app.test_client().get("/login")
    assert response.status_code == 200
    assert b'name="username"' in response.data


def test_login_and_board(host_client):
    response = host_client.get("/host/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Host screen" in page and 'id="board"' in page and 'id="cards-greet"' in page
