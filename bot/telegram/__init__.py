"""The Telegram adapter: turns updates into core calls and core replies into Bot API calls."""
