"""The studio's views, one module per concern. Each fetches through `studio.access`, validates
with a form, calls one action and renders or redirects."""
