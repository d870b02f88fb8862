"""The user's own life: goals, reminders and their scheduler, people, the daily brief, the charter."""
