"""Webmention (W3C Recommendation): mentions received from other sites, and sent to them."""
