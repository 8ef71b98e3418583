"""The conversation core: what the bot says, as plain data, for any transport."""
