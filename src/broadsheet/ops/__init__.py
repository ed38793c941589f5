"""Install-level commands: `broadsheet setup`, `serve` (the web server and its task worker),
`demo`. The top layer: it may import any app, and no app imports it."""
