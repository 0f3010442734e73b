"""Helpers of the back-office tests: sign in as a staff role, read the messages a page shows."""

from django.contrib.auth.models import User
from django.test import Client

from ecf.roles import staff_user_save


def sign_in(client: Client, role: str) -> User:
    """A staff user of `role` ("admin" or "finance"), signed in on `client`."""
    user = staff_user_save(email=f"{role}@example.com", role=role, password="Not-a-real-secret-42").user
    client.force_login(user)
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
