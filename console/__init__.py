"""The DTKS Console: a Starlette + sqladmin application over the DTKS register."""
