def test_pages_render(client, world, signed_in):
    for path in ["/", "/sign-in", "/reset-password", "/accessibility", "/privacy", "/health"]:
        assert client.get(path).status_code == 200, path
    admin = signed_in(world.user("A", "school_admin"))
    for path in ["/", "/account", "/admin/staff", "/admin/staff/invite", "/admin/outbox"]:
        response = admin.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:2000])
