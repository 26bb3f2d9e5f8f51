"""The chain's domain core: each step of the register as plain functions of a session and an Actor.

Nothing here knows HTTP (a test imports this package with Starlette blocked). Every function takes a
session the caller opened and an `Actor` (chain/actor.py), loads through the actor's scope, asks the
actor's casbin answer, changes rows with their history and audit entries, and either returns a result or
raises one of four refusals (models/refusals.py: NotFound, NotAllowed, Conflict, Invalid). The caller
commits: the console's request, the CLI command, the test (chain/store.py).
"""
