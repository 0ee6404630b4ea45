"""The API resources, one module per area (`client.chat` is `resources.chat.Chat`)."""
