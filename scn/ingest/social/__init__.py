"""Social posts: file formats (files), the shared validation (posts), X (twitter) and Telegram (telegram)."""
