from tests.factories import make_user


def test_home_page_renders_with_civicnet_brand(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"civicnet" in response.data
    assert b"not a government service" in response.data
    assert b"crown" not in response.data.lower()


def test_factory_user_can_sign_in(app, auth):
    with app.app_context():
        make_user(username="ada")
    response = auth.sign_in("ada")
    assert response.status_code == 302
