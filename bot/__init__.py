"""Studybot's application: the conversation core, its Telegram and terminal adapters, and state."""
