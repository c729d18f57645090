"""Route-walker samples for the foundation's URLs (auth, admin, main)."""

from tests.walker import Sample

SAMPLES = {
    "user_id": Sample(lambda world: world.user("A", "teacher").id, owned=True),
    "token": Sample(lambda world: "not-a-valid-token", owned=False),
    "filename": Sample(lambda world: "dist/app.css", owned=False),
}

PUBLIC_ENDPOINTS = {
    "static",
    "main.home",
    "main.accessibility",
    "main.privacy",
    "main.health",
    "auth.sign_in",
    "auth.sign_out",
    "auth.join",
    "auth.reset_request",
    "auth.reset_password",
    "auth.two_step",
    "auth.recovery_code",
}
