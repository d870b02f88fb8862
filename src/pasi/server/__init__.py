"""The server: the OpenAI-compatible API, the REST API, MCP and the web app's files."""
