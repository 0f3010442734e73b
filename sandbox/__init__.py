"""Everything that exists only in the sandbox: the seed (`python manage.py seed_sandbox`), the self-service
test data and reset services, and their commands. It sits above `finance` because it writes the rows of every
domain app (statements and declarations included); nothing below it imports it."""
