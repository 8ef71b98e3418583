"""The terminal chat: the same features as on Telegram, on stdin/stdout."""
